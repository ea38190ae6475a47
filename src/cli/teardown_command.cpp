// `decnet teardown`: stop one decky or the whole deployment.
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "core/error.hpp"

namespace decnet::cli {

void add_teardown_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("teardown", "Stop deckies and remove what deploy created");
    auto all = std::make_shared<bool>(false);
    auto id = std::make_shared<std::string>();
    auto state_dir = std::make_shared<std::string>();
    cmd->add_flag("--all", *all, "Tear down every decky (also cleans up after a crash)");
    cmd->add_option("--id", *id, "Tear down one decky by name");
    cmd->add_option("--state-dir", *state_dir, "State directory of the instance");
    cmd->callback([&exit_code, all, id, state_dir] {
        if (!*all && id->empty()) throw ConfigError("Specify --all or --id <name>.");
        exit_code = not_available("teardown", "the decky runtime");
    });
}

}  // namespace decnet::cli
