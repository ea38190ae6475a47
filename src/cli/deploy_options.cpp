// Deployment flags, planning and plan printing shared by `deploy` and `up`.
#include "cli/deploy_options.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "core/error.hpp"
#include "core/ipv4.hpp"
#include "core/os_profiles.hpp"
#include "core/service_catalog.hpp"
#include "engine/compose_export.hpp"
#include "engine/network_detect.hpp"
#include "honeypot/services/registry.hpp"

namespace decnet::cli {
namespace {

std::string or_dash(const std::string& s) {
    return s.empty() ? "-" : s;
}

std::string services_cell(const engine::DeploymentPlan& plan, const DeckyConfig& decky) {
    std::string out;
    for (const auto& slug : decky.services) {
        if (!out.empty()) out += ", ";
        out += slug;
        if (const auto* info = find_service(slug); info && !info->ports.empty()) {
            out += " ";
            for (std::size_t i = 0; i < info->ports.size(); ++i)
                out += (i ? "," : "") + std::to_string(info->ports[i].port) + "/" +
                       std::string(to_string(info->ports[i].transport));
        } else {
            for (const auto& custom : plan.config.custom_services)
                if (custom.name == slug && !custom.ports.empty()) {
                    out += " ";
                    for (std::size_t i = 0; i < custom.ports.size(); ++i)
                        out += (i ? "," : "") + std::to_string(custom.ports[i]) + "/tcp";
                }
        }
    }
    return out;
}

// The `docker network create` line for the external network the compose file expects
// (engine.md §5.4).
std::string network_command(const DeploymentConfig& c) {
    std::vector<Ipv4> ips;
    for (const auto& d : c.deckies) ips.push_back(Ipv4::parse(d.ip));
    std::string cmd = "docker network create -d " + std::string(c.ipvlan ? "ipvlan" : "macvlan") +
                      " -o parent=" + or_dash(c.interface);
    if (c.ipvlan) cmd += " -o ipvlan_mode=l2";
    cmd += " --subnet " + c.subnet;
    if (!c.gateway.empty()) cmd += " --gateway " + c.gateway;
    return cmd + " --ip-range " + covering_range(ips) + " decnet_lan";
}

}  // namespace

std::shared_ptr<DeployFlags> add_deploy_flags(CLI::App& cmd) {
    auto flags = std::make_shared<DeployFlags>();
    auto& o = flags->options;
    cmd.add_option("--mode,-m", o.mode,
                   "Decky network mode: loopback, netns or docker (default: loopback, or netns "
                   "for an INI whose net= is a LAN subnet)");
    cmd.add_option("--deckies,-n", flags->deckies,
                   "Number of deckies to deploy (required without --config)");
    cmd.add_option("--services", o.services, "Comma-separated services, e.g. ssh,smb,rdp");
    cmd.add_flag("--randomize-services", o.randomize_services,
                 "Give each decky a random mix of services");
    cmd.add_option("--distro", o.distro, "Comma-separated distro slugs, cycled across deckies");
    cmd.add_flag("--randomize-distros", o.randomize_distros, "Pick a random distro for each decky");
    cmd.add_option("--archetype,-a", o.archetype,
                   "Machine archetype slug (see `decnet archetypes`)");
    cmd.add_option("--config,-c", o.config_path, "INI deployment file");
    cmd.add_option("--subnet", o.subnet, "Decky subnet CIDR (loopback default 127.77.0.0/16)");
    cmd.add_option("--ip-start", o.ip_start, "First decky IP to hand out");
    cmd.add_option("--interface,-i", o.interface, "Host interface (netns mode; auto-detected)");
    cmd.add_flag("--ipvlan", o.ipvlan, "Attach deckies with IPvlan L2 instead of MACVLAN (Wi-Fi)");
    cmd.add_option("--attach", o.attach,
                   "netns: how deckies join the LAN: bridge (default), macvlan or ipvlan "
                   "(on --interface)");
    cmd.add_option("--bridge", o.bridge,
                   "netns bridge mode: bridge to attach to (default decnet0, created with the "
                   "gateway address unless it exists)");
    cmd.add_option("--log-file", o.log_file, "Also write RFC 5424 events to this file");
    cmd.add_option("--log-target", o.log_target,
                   "Forward events to [udp|tcp|tls|relp://]host:port");
    cmd.add_option("--mutate-interval", o.mutate_interval,
                   "Minutes between service rotations (default: INI value, else 30)");
    cmd.add_option("--seed", o.seed, "Seed for random choices, for reproducible plans");
    cmd.add_flag("--dry-run", flags->dry_run, "Print the plan; start nothing");
    cmd.add_option("--output,-o", flags->output,
                   "--mode docker --dry-run: write the docker-compose file here (default "
                   "./decnet-compose.yml; - for stdout)");
    cmd.add_option("--templates-dir", flags->templates_dir,
                   "--mode docker: directory of the reference's service build contexts "
                   "(default: templates/ beside the compose file)");
    cmd.add_flag("--json", flags->json, "Print the plan as JSON (docs/deploy-plan.md)");
    return flags;
}

void DeployFlags::finish(const CLI::App& command) {
    if (command.count("--deckies") > 0) {
        if (deckies < 1)
            throw UsageError("Invalid value for '--deckies' / '-n': " + std::to_string(deckies) +
                             " is not in the range x>=1.");
        options.deckies = deckies;
    }
}

int export_compose(const engine::DeploymentPlan& plan, const DeployFlags& flags,
                   std::string_view verb) {
    namespace fs = std::filesystem;
    const bool docker = plan.config.mode == DeployMode::docker;
    if ((flags.output || flags.templates_dir) && !(docker && flags.dry_run))
        throw UsageError(
            "--output and --templates-dir write the compose file of --mode docker "
            "--dry-run");
    if (!docker) return kExitOk;
    if (!flags.dry_run)
        return not_available(verb,
                             "running containers — docker mode only exports a compose "
                             "file: add --dry-run (--output FILE)");
    const bool to_stdout = flags.output && *flags.output == "-";
    if (to_stdout && flags.json) throw UsageError("--output - and --json would both use stdout");
    const fs::path file = fs::absolute(flags.output && !to_stdout ? fs::path(*flags.output)
                                                                  : fs::path("decnet-compose.yml"));
    engine::ComposeOptions options;
    options.templates_dir = fs::absolute(flags.templates_dir ? fs::path(*flags.templates_dir)
                                                             : file.parent_path() / "templates")
                                .lexically_normal()
                                .string();
    options.base_dir = fs::current_path().string();
    const auto yaml = engine::generate_compose(plan.config, options);
    if (to_stdout) {
        std::cout << yaml << std::flush;
        return kExitOk;
    }
    {
        std::ofstream out(file, std::ios::trunc);
        out << yaml;
        out.close();
        if (!out) throw ConfigError("cannot write " + file.string());
    }
    // With --json, stdout carries the plan only.
    auto& say = flags.json ? std::cerr : std::cout;
    say << "\nCompose file written → " << file.string() << "\n"
        << "It expects the external network decnet_lan:\n  " << network_command(plan.config)
        << "\nStart it with: docker compose -f " << file.string() << " up --build -d\n"
        << "Dry run — no containers started." << std::endl;
    return kExitOk;
}

engine::DeploymentPlan make_plan(const engine::DeployOptions& options) {
    engine::SystemNetworkDetector network;
    const auto now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    auto plan = engine::plan_deployment(options, network, now);
    // Persona typos and bad values fail here, with their INI line, before anything starts
    // (and before `deploy` forks its daemon).
    honeypot::check_personas(plan.config);
    return plan;
}

void print_plan(const engine::DeploymentPlan& plan, bool json) {
    if (json) {
        std::cout << engine::plan_to_json(plan) << "\n";
        return;
    }
    const auto& c = plan.config;
    if (plan.source != "flags") std::cout << "Config: " << plan.source << "  ";
    std::cout << "Mode: " << to_string(c.mode);
    if (!plan.mode_reason.empty()) std::cout << " (" << plan.mode_reason << ")";
    std::cout << "  Interface: " << or_dash(c.interface) << "  Subnet: " << c.subnet
              << "  Gateway: " << or_dash(c.gateway) << "  Host IP: " << or_dash(c.host_ip)
              << "\n\n";
    Table table("Deployment plan (" + std::to_string(c.deckies.size()) + " deckies)",
                {"Decky", "IP", "Hostname", "Distro", "OS", "Services", "Mutate"});
    for (const auto& d : c.deckies)
        table.add_row({d.name, d.ip, d.hostname, d.distro,
                       std::string(os_profile(d.nmap_os).family), services_cell(plan, d),
                       std::to_string(c.effective_mutate_interval(d)) + "m"});
    std::cout << table.render();
}

}  // namespace decnet::cli
