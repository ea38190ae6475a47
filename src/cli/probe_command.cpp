// `decnet probe`: the governed prober on targets given on the command line (docs/PROBER.md).
// Prints each event as an RFC 5424 line on stdout (and appends it to --log-file). The fleet's
// own prober runs inside `up`/`deploy` when the INI's [prober] section enables it.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>

#include "cli/command_tracing.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "events/rfc5424.hpp"
#include "intel/prober/prober.hpp"

namespace decnet::cli {
namespace {

namespace p = intel::prober;

struct ProbeOptions {
    std::vector<std::string> targets;
    std::vector<std::string> allow, deny;
    std::vector<std::string> probes;
    std::vector<int> ports;
    std::string log_file;
    double timeout = 5.0;
    double rate = 2.0;
    int budget = 40;
    bool dry_run = false;
    bool daemon = false;
    std::string interval;
};

p::ProberSettings settings_of(const ProbeOptions& o) {
    p::ProberSettings s;
    s.enabled = true;
    s.dry_run = o.dry_run;
    s.allow = o.allow;
    s.deny = o.deny;
    s.timeout = std::chrono::milliseconds(static_cast<long long>(o.timeout * 1000));
    s.rate_per_second = o.rate;
    s.target_budget = o.budget;
    if (!o.probes.empty()) {
        s.probes.clear();
        for (const auto& name : o.probes) {
            const auto kind = p::probe_kind_from_string(name);
            if (!kind)
                throw UsageError("unknown probe '" + name + "' (jarm, hassh, tcpfp, tls_cert)");
            s.probes.push_back(*kind);
        }
    }
    if (!o.ports.empty()) {
        std::vector<std::uint16_t> ports(o.ports.begin(), o.ports.end());
        s.ports.jarm = s.ports.hassh = s.ports.tcpfp = s.ports.tls_cert = ports;
    }
    return s;
}

int run_probe(const ProbeOptions& options) {
    if (options.targets.empty())
        throw UsageError(
            "give the addresses to probe (decnet probe 203.0.113.7). The fleet's prober runs "
            "inside `decnet up`/`deploy` when the INI's [prober] section has enabled=true "
            "(docs/PROBER.md).");
    const CommandTracing tracing;
    std::ofstream log;
    if (!options.log_file.empty()) {
        log.open(options.log_file, std::ios::app | std::ios::binary);
        if (!log) throw ConfigError("cannot open log file " + options.log_file);
    }
    p::Prober prober(settings_of(options), [&](Event event) {
        const auto line = format_rfc5424(event);
        std::cout << line << "\n";
        if (log) log << line << "\n";
    });
    int denied = 0;
    telemetry::Span worker("prober.worker");
    for (const auto& target : options.targets) {
        const auto decision = prober.decide(target);
        if (!decision.allowed) {
            std::cerr << "decnet probe: " << target << " not probed: " << decision.reason
                      << (decision.reason.starts_with("denied") ? ""
                                                                : " (--allow CIDR to probe it)")
                      << "\n";
            ++denied;
            continue;
        }
        prober.probe(target);
    }
    std::cout.flush();
    const auto s = prober.stats();
    std::cerr << "decnet probe: " << (options.dry_run ? s.probes_planned : s.probes_sent)
              << (options.dry_run ? " probes planned (dry run, nothing sent), " : " probes sent, ")
              << s.fingerprints << " fingerprints, " << denied << " targets denied." << std::endl;
    return denied == static_cast<int>(options.targets.size()) ? kExitError : kExitOk;
}

}  // namespace

void add_probe_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand(
        "probe", "Actively fingerprint attackers' own services (JARM, HASSHServer, TCP, TLS cert)");
    auto o = std::make_shared<ProbeOptions>();
    cmd->add_option("targets", o->targets, "IPv4 addresses to probe");
    cmd->add_option("--allow", o->allow,
                    "CIDR to allow even if a built-in deny covers it (loopback, private…)")
        ->allow_extra_args(false)
        ->delimiter(',');
    cmd->add_option("--deny", o->deny, "CIDR never to probe")
        ->allow_extra_args(false)
        ->delimiter(',');
    cmd->add_option("--probe", o->probes, "Probes to run: jarm, hassh, tcpfp, tls_cert (all)")
        ->allow_extra_args(false)
        ->delimiter(',');
    cmd->add_option("--port,-p", o->ports, "Ports to probe (default: each probe's list)")
        ->allow_extra_args(false)
        ->delimiter(',')
        ->check(CLI::Range(1, 65535));
    cmd->add_flag("--dry-run", o->dry_run, "Log what would be probed; send nothing");
    cmd->add_option("--timeout", o->timeout, "Per-connection timeout in seconds")
        ->capture_default_str()
        ->check(CLI::Range(0.05, 60.0));
    cmd->add_option("--rate", o->rate, "Probes started per second")
        ->capture_default_str()
        ->check(CLI::Range(0.01, 1000.0));
    cmd->add_option("--budget", o->budget, "Probes per target")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    cmd->add_option("--log-file,-f", o->log_file, "Also append the events to this file");
    cmd->add_option("--interval,-i", o->interval, "Accepted for compatibility (ignored)");
    cmd->add_flag("--daemon,-d", o->daemon, "Accepted for compatibility (runs in the foreground)");
    cmd->callback([&exit_code, o] { exit_code = run_probe(*o); });
}

}  // namespace decnet::cli
