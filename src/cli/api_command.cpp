// `decnet api`: the REST API and dashboard server on its own.
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace decnet::cli {

void add_api_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("api", "Run the REST API and dashboard server");
    auto host = std::make_shared<std::string>("127.0.0.1");
    auto port = std::make_shared<int>(8000);
    auto db = std::make_shared<std::string>();
    auto log_file = std::make_shared<std::string>();
    auto daemon = std::make_shared<bool>(false);
    auto workers = std::make_shared<int>(1);
    cmd->add_option("--host", *host, "Listen address ($DECNET_API_HOST)")->capture_default_str();
    cmd->add_option("--port", *port, "Listen port ($DECNET_API_PORT)")->capture_default_str();
    cmd->add_option("--db", *db, "SQLite database path");
    cmd->add_option("--log-file", *log_file, "Event log to ingest (reference compatibility)");
    cmd->add_flag("--daemon,-d", *daemon, "Detach into the background");
    cmd->add_option("--workers,-w", *workers, "Accepted for compatibility; threads = cores");
    cmd->callback([&exit_code, host, port, db, log_file, daemon, workers] {
        exit_code = not_available("api", "the REST API server");
    });
}

}  // namespace decnet::cli
