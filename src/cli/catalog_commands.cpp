// `services`, `archetypes`, `distros`: what decnet offers, as tables or JSON.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "core/archetypes.hpp"
#include "core/distros.hpp"
#include "core/service_catalog.hpp"
#include "honeypot/services/registry.hpp"

namespace decnet::cli {
namespace {

using ordered = nlohmann::ordered_json;

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}

int print_services(bool json) {
    if (json) {
        ordered out = ordered::array();
        for (const auto& s : all_services()) {
            ordered ports = ordered::array();
            for (const auto& p : s.ports)
                ports.push_back(
                    {{"port", p.port}, {"transport", std::string(to_string(p.transport))}});
            ordered persona = ordered::object();
            for (const auto& k : s.persona)
                persona[std::string(k.key)] = std::string(k.default_value);
            ordered archetypes = ordered::array();
            for (auto a : archetypes_using(s.slug)) archetypes.push_back(std::string(a));
            out.push_back({{"name", std::string(s.slug)},
                           {"scope", s.fleet_wide ? "fleet" : "decky"},
                           {"emulated", honeypot::has_emulator(s.slug)},
                           {"ports", ports},
                           {"description", std::string(s.description)},
                           {"persona", persona},
                           {"archetypes", archetypes}});
        }
        std::cout << out.dump(2) << "\n";
        return kExitOk;
    }
    // Whether `up`/`deploy` can serve it today, so nobody deploys a planned one by surprise.
    Table table("Available Services", {"Name", "Ports", "Emulated", "Description"});
    std::string fleet;
    for (const auto& s : all_services()) {
        if (s.fleet_wide) {
            fleet += "  " + std::string(s.slug) + " — " + std::string(s.description) + "\n";
            continue;
        }
        table.add_row({std::string(s.slug), format_ports(s),
                       honeypot::has_emulator(s.slug) ? "yes" : "planned",
                       std::string(s.description)});
    }
    std::cout << table.render();
    if (!fleet.empty())
        std::cout << "\nFleet-wide (one per deployment, not a decky service):\n" << fleet;
    std::cout << "\n\"planned\": listed so INI files and plans accept it; `up`/`deploy` skip it\n"
                 "until its emulator lands.\n";
    return kExitOk;
}

int print_archetypes(bool json) {
    if (json) {
        ordered out = ordered::array();
        for (const auto& a : all_archetypes())
            out.push_back({{"slug", std::string(a.slug)},
                           {"display_name", std::string(a.display_name)},
                           {"services", a.services},
                           {"preferred_distros", a.preferred_distros},
                           {"nmap_os", std::string(a.nmap_os)},
                           {"description", std::string(a.description)}});
        std::cout << out.dump(2) << "\n";
        return kExitOk;
    }
    Table table("Machine Archetypes",
                {"Slug", "Display Name", "Default Services", "OS", "Description"});
    for (const auto& a : all_archetypes())
        table.add_row({std::string(a.slug), std::string(a.display_name), join(a.services),
                       std::string(a.nmap_os), std::string(a.description)});
    std::cout << table.render();
    return kExitOk;
}

std::vector<const Distro*> distros_by_slug() {
    std::vector<const Distro*> sorted;
    for (const auto& d : all_distros()) sorted.push_back(&d);
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->slug < b->slug; });
    return sorted;
}

int print_distros(bool json) {
    if (json) {
        ordered out = ordered::array();
        for (const auto* d : distros_by_slug())
            out.push_back({{"slug", std::string(d->slug)},
                           {"display_name", std::string(d->display_name)},
                           {"image", std::string(d->image)},
                           {"build_base", std::string(d->build_base)}});
        std::cout << out.dump(2) << "\n";
        return kExitOk;
    }
    Table table("Available Distro Profiles", {"Slug", "Display Name", "Docker Image"});
    for (const auto* d : distros_by_slug())
        table.add_row({std::string(d->slug), std::string(d->display_name), std::string(d->image)});
    std::cout << table.render();
    return kExitOk;
}

void add_listing(CLI::App& app, int& exit_code, const std::string& name, const std::string& help,
                 int (*print)(bool)) {
    auto* cmd = app.add_subcommand(name, help);
    auto json = std::make_shared<bool>(false);
    cmd->add_flag("--json", *json, "Print JSON instead of a table");
    cmd->callback([&exit_code, json, print] { exit_code = print(*json); });
}

}  // namespace

void add_services_command(CLI::App& app, int& exit_code) {
    add_listing(app, exit_code, "services", "List the emulated services and their ports",
                print_services);
}

void add_archetypes_command(CLI::App& app, int& exit_code) {
    add_listing(app, exit_code, "archetypes",
                "List machine archetypes (pre-packaged decky personalities)", print_archetypes);
}

void add_distros_command(CLI::App& app, int& exit_code) {
    add_listing(app, exit_code, "distros", "List the distro profiles deckies can wear",
                print_distros);
}

}  // namespace decnet::cli
