// `decnet ingest`: import RFC 5424 or JSON-lines event files into the store.
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace decnet::cli {

void add_ingest_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("ingest", "Import RFC 5424 or JSON-lines event files");
    auto files = std::make_shared<std::vector<std::string>>();
    auto db = std::make_shared<std::string>();
    cmd->add_option("files", *files, "Files to import")->required();
    cmd->add_option("--db", *db, "SQLite database path");
    cmd->callback(
        [&exit_code, files, db] { exit_code = not_available("ingest", "the event store"); });
}

}  // namespace decnet::cli
