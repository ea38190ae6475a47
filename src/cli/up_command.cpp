// `decnet up`: everything in the foreground — deckies, the event bus, the ingester into
// the store, file/syslog sinks. What `make run` starts. Ctrl+C or SIGTERM stops cleanly.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <iostream>
#include <set>
#include <utility>

#include "cli/commands.hpp"
#include "cli/deploy_options.hpp"
#include "cli/instance.hpp"
#include "cli/netns_networks.hpp"
#include "cli/table.hpp"
#include "core/service_catalog.hpp"
#include "honeypot/services/registry.hpp"
#include "store/database.hpp"

namespace decnet::cli {
namespace {

// Until every emulator exists, the embedded default deploys what is implemented — once per
// port: smtp_relay listens where smtp does, so the first of them in the catalogue is taken.
std::string implemented_services() {
    std::string out;
    std::set<std::pair<std::uint16_t, Transport>> taken;
    for (const auto& slug : per_decky_service_slugs()) {
        const auto* info = find_service(slug);
        if (!info || !honeypot::has_emulator(slug)) continue;
        bool clash = false;
        for (const auto& p : info->ports) clash = clash || taken.contains({p.port, p.transport});
        if (clash) continue;
        for (const auto& p : info->ports) taken.insert({p.port, p.transport});
        out += (out.empty() ? "" : ",") + slug;
    }
    return out;
}

void print_listeners(const honeypot::DeployReport& report) {
    Table table("Listening", {"Decky", "Address", "Service"});
    for (const auto& l : report.listening)
        table.add_row(
            {l.decky, l.ip + ":" + std::to_string(l.port) + "/" + l.transport, l.service});
    std::cout << table.render();
    if (!report.unavailable.empty()) {
        std::cout << "Not emulated yet (skipped):";
        for (const auto& u : report.unavailable) std::cout << " " << u;
        std::cout << "\n";
    }
}

int run_up(DeployFlags& flags, const InstanceOptions& options) {
    const auto plan = make_plan(flags.options);
    print_plan(plan, flags.json);
    if (plan.config.mode == DeployMode::docker || flags.output || flags.templates_dir)
        return export_compose(plan, flags, "up");
    if (flags.dry_run) return kExitOk;

    InstanceHooks hooks;
    if (plan.config.mode == DeployMode::netns)
        use_netns_networks(hooks, flags.options, plan.config);
    hooks.ready = [&](const honeypot::DeployReport& report, const engine::StatePaths& paths,
                      const std::string& api_url) {
        std::cout << "\n";
        print_listeners(report);
        std::cout << "\nEvents → "
                  << store::resolve_sqlite_path(options.db.empty() ? std::nullopt
                                                                   : std::optional(options.db))
                  << ". Control socket: " << paths.control_socket << ".\n";
        if (api_url.empty())
            std::cout << "REST API and dashboard: off (--no-api).\n";
        else
            std::cout << "REST API: " << api_url << "/api/v1 — dashboard: " << api_url << "/\n";
        std::cout << "decnet is up — Ctrl+C to stop." << std::endl;
    };
    return run_instance(plan, options, hooks);
}

}  // namespace

void add_up_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("up", "Run deckies, ingester and API in the foreground");
    auto flags = add_deploy_flags(*cmd);
    auto o = add_instance_flags(*cmd);
    cmd->callback([&exit_code, flags, cmd, o] {
        // With no fleet given, `up` brings up the embedded default: 3 loopback deckies
        // running every service that has a native emulator.
        if (!flags->options.config_path && cmd->count("--deckies") == 0) flags->deckies = 3;
        if (!flags->options.config_path && !flags->options.services && !flags->options.archetype &&
            !flags->options.randomize_services)
            flags->options.services = implemented_services();
        flags->finish(*cmd);
        if (!flags->options.config_path && !flags->options.deckies)
            flags->options.deckies = flags->deckies;
        exit_code = run_up(*flags, *o);
    });
}

}  // namespace decnet::cli
