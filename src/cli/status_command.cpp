// `decnet status`: the running instance's deckies, asked over its control socket.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/instance_client.hpp"
#include "cli/table.hpp"
#include "core/error.hpp"

namespace decnet::cli {
namespace {

std::string join(const nlohmann::json& list) {
    std::string out;
    for (const auto& item : list) out += (out.empty() ? "" : ", ") + item.get<std::string>();
    return out;
}

int run_status(const std::string& state_dir, bool json) {
    const auto paths = engine::state_paths(state_dir);
    const auto response = nlohmann::json::parse(ask_instance(paths, R"({"cmd":"status"})"));
    if (!response.value("ok", false))
        throw ConfigError("decnet instance: " + response.value("error", std::string("failed")));
    const auto& state = response.at("state");
    if (json) {
        std::cout << state.dump(2) << "\n";
        return kExitOk;
    }
    std::cout << "decnet instance pid " << state.value("pid", 0L) << ", " << state.value("mode", "")
              << " mode, subnet " << state.value("subnet", "") << ", up since "
              << state.value("started_at", "") << "\n\n";
    Table table("DECNET Deckies",
                {"Decky", "IP", "MAC", "Hostname", "OS", "Services", "State", "Events"});
    for (const auto& d : state.at("deckies")) {
        const auto& mac = d.at("mac");
        table.add_row({d.value("name", ""), d.value("ip", ""),
                       mac.is_null() ? std::string("—") : mac.get<std::string>(),
                       d.value("hostname", ""), d.value("os_family", ""), join(d.at("services")),
                       d.value("state", ""), std::to_string(d.value("events", 0ULL))});
    }
    std::cout << table.render();
    return kExitOk;
}

}  // namespace

void add_status_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("status", "Show the running deployment's deckies");
    auto json = std::make_shared<bool>(false);
    auto state_dir = std::make_shared<std::string>();
    cmd->add_flag("--json", *json, "Print JSON (the state file format) instead of a table");
    cmd->add_option("--state-dir", *state_dir, "State directory of the instance to ask");
    cmd->callback([&exit_code, json, state_dir] { exit_code = run_status(*state_dir, *json); });
}

}  // namespace decnet::cli
