// `decnet export --format stix|misp|csv|json [--since ISO8601|duration] [-o FILE]`: the
// attacker intelligence of the configured store (docs/INTEL.md), on stdout or into FILE
// (written beside it first, then renamed, so a reader never sees half an export).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "intel/export/export.hpp"
#include "store/database.hpp"

namespace decnet::cli {
namespace {

struct ExportOptions {
    std::string db;
    std::string format;
    std::string since;
    std::string output;
};

int run_export(const ExportOptions& options) {
    namespace ex = intel::exporting;
    std::optional<std::string> since;
    if (!options.since.empty()) {
        const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        since = ex::parse_since(options.since, now);
        if (!since)
            throw UsageError(
                "--since: '" + options.since +
                "' is neither an ISO 8601 time nor a duration (90s, 30m, 24h, 7d, 2w)");
    }
    std::unique_ptr<store::Repository> repository;
    try {
        repository =
            store::open_repository(options.db.empty() ? std::nullopt : std::optional(options.db));
    } catch (const store::StoreError& e) {
        throw ConfigError(e.what());
    }
    const auto data = ex::collect(*repository, since);
    std::string text;
    if (options.format == "stix")
        text = ex::to_stix(data);
    else if (options.format == "misp")
        text = ex::to_misp(data);
    else if (options.format == "csv")
        text = ex::to_csv(data);
    else
        text = ex::to_json(data);
    if (options.output.empty() || options.output == "-") {
        std::cout << text << std::flush;
        return kExitOk;
    }
    const auto partial = options.output + ".partial";
    {
        std::ofstream file(partial, std::ios::binary | std::ios::trunc);
        file << text;
        file.close();
        if (!file) {
            std::remove(partial.c_str());
            std::cerr << "decnet export: cannot write " << options.output << "\n";
            return kExitError;
        }
    }
    if (std::rename(partial.c_str(), options.output.c_str()) != 0) {
        std::remove(partial.c_str());
        std::cerr << "decnet export: cannot write " << options.output << "\n";
        return kExitError;
    }
    std::cerr << "decnet export: " << data.attackers.size() << " attackers as " << options.format
              << " into " << options.output << "\n";
    return kExitOk;
}

}  // namespace

void add_export_command(CLI::App& app, int& exit_code) {
    auto* cmd =
        app.add_subcommand("export", "Export attacker intelligence as STIX 2.1, MISP, CSV or JSON");
    auto o = std::make_shared<ExportOptions>();
    cmd->add_option("--format,-f", o->format, "stix, misp, csv or json")
        ->required()
        ->check(CLI::IsMember({"stix", "misp", "csv", "json"}));
    cmd->add_option("--since", o->since,
                    "Attackers last seen since: ISO 8601 (UTC if no zone) or a duration (24h, 7d)");
    cmd->add_option("--output,-o", o->output, "Write to FILE instead of stdout");
    cmd->add_option("--db", o->db, "SQLite database path (default $DECNET_DB_PATH or ./decnet.db)");
    cmd->callback([&exit_code, o] { exit_code = run_export(*o); });
}

}  // namespace decnet::cli
