// `decnet collect`: receive RFC 5424 syslog from remote sensors and store it.
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace decnet::cli {

void add_collect_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("collect", "Receive syslog (udp/tcp/tls) and ingest it");
    auto listen = std::make_shared<std::string>();
    auto db = std::make_shared<std::string>();
    auto log_file = std::make_shared<std::string>();
    auto daemon = std::make_shared<bool>(false);
    cmd->add_option("--listen", *listen, "Comma list of udp://H:P, tcp://H:P, tls://H:P");
    cmd->add_option("--db", *db, "SQLite database path");
    cmd->add_option("--log-file,-f", *log_file, "Also append received lines to this file");
    cmd->add_flag("--daemon,-d", *daemon, "Detach into the background");
    cmd->callback([&exit_code, listen, db, log_file, daemon] {
        exit_code = not_available("collect", "the syslog collector");
    });
}

}  // namespace decnet::cli
