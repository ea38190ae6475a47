// `decnet status`: the running instance's deckies, asked over its control socket.
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace decnet::cli {

void add_status_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("status", "Show the running deployment's deckies");
    auto json = std::make_shared<bool>(false);
    auto state_dir = std::make_shared<std::string>();
    cmd->add_flag("--json", *json, "Print JSON instead of a table");
    cmd->add_option("--state-dir", *state_dir, "State directory of the instance to ask");
    cmd->callback([&exit_code, json, state_dir] {
        exit_code = not_available("status", "the decky runtime");
    });
}

}  // namespace decnet::cli
