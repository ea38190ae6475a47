// `decnet deploy`: plan a deployment and (once the runtime lands) start it as a daemon.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/deploy_options.hpp"

namespace decnet::cli {

void add_deploy_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("deploy", "Deploy deckies (use --dry-run to print the plan)");
    auto flags = add_deploy_flags(*cmd);
    cmd->callback([&exit_code, flags, cmd] {
        flags->finish(*cmd);
        const auto plan = make_plan(flags->options);
        print_plan(plan, flags->json);
        if (flags->dry_run) {
            if (!flags->json) std::cout << "\nDry run — nothing started.\n";
            exit_code = kExitOk;
            return;
        }
        exit_code = not_available("deploy", "the decky runtime; use --dry-run to see the plan");
    });
}

}  // namespace decnet::cli
