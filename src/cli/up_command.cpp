// `decnet up`: run everything in the foreground — deckies, ingester, API. What `make run`
// starts. Until the runtime lands it plans the deployment and says what is missing.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/deploy_options.hpp"

namespace decnet::cli {

void add_up_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("up", "Run deckies, ingester and API in the foreground");
    auto flags = add_deploy_flags(*cmd);
    auto db = std::make_shared<std::string>();
    auto api_host = std::make_shared<std::string>("127.0.0.1");
    auto api_port = std::make_shared<int>(8000);
    auto state_dir = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "SQLite database path (default $DECNET_DB_PATH or ./decnet.db)");
    cmd->add_option("--api-host", *api_host, "API listen address")->capture_default_str();
    cmd->add_option("--api-port", *api_port, "API listen port")->capture_default_str();
    cmd->add_option("--state-dir", *state_dir, "State directory of this instance");
    cmd->callback([&exit_code, flags, cmd, db, api_host, api_port, state_dir] {
        // With no fleet given, `up` brings up the embedded default: 3 loopback deckies
        // with a random mix of services.
        if (!flags->options.config_path && cmd->count("--deckies") == 0) flags->deckies = 3;
        if (!flags->options.config_path && !flags->options.services && !flags->options.archetype)
            flags->options.randomize_services = true;
        flags->finish(*cmd);
        if (flags->options.deckies == std::nullopt && !flags->options.config_path)
            flags->options.deckies = flags->deckies;
        print_plan(make_plan(flags->options), flags->json);
        std::cout << "\n";
        exit_code = not_available("up",
                                  "the decky runtime, ingester and API are not built yet; "
                                  "the plan above is what will run");
    });
}

}  // namespace decnet::cli
