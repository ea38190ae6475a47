// `decnet mutate`: rotate deckies' services now, or watch and rotate when due.
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace decnet::cli {

void add_mutate_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("mutate", "Rotate the services of deckies");
    auto watch = std::make_shared<bool>(false);
    auto all = std::make_shared<bool>(false);
    auto daemon = std::make_shared<bool>(false);
    auto decky = std::make_shared<std::string>();
    auto state_dir = std::make_shared<std::string>();
    cmd->add_flag("--watch,-w", *watch, "Keep running and mutate deckies when they are due");
    cmd->add_option("--decky", *decky, "Mutate this decky now");
    cmd->add_flag("--all", *all, "Mutate every decky now");
    cmd->add_flag("--daemon,-d", *daemon, "Detach into the background");
    cmd->add_option("--state-dir", *state_dir, "State directory of the instance");
    cmd->callback([&exit_code, watch, all, daemon, decky, state_dir] {
        exit_code = not_available("mutate", "the mutator");
    });
}

}  // namespace decnet::cli
