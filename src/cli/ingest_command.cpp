// `decnet ingest FILE...`: import RFC 5424 / RFC 3164 syslog or the reference's JSON-lines
// files into the store, with a progress bar on a TTY and a summary at the end.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "cli/command_tracing.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "events/rfc5424.hpp"
#include "intel/attack/attack_tags.hpp"
#include "store/database.hpp"
#include "store/ingest/ingester.hpp"
#include "store/ingest/log_record.hpp"

namespace decnet::cli {
namespace {

constexpr std::size_t kBatch = 1000;
constexpr std::size_t kMaxLine = kMaxSyslogLine;

struct IngestSummary {
    std::uint64_t lines = 0;
    std::uint64_t rejected = 0;
    std::map<std::string, std::uint64_t> reasons;

    void reject(const std::string& reason) {
        ++rejected;
        ++reasons[reason];
    }
};

class Progress {
  public:
    Progress(const std::string& name, std::uintmax_t total)
        : name_(name), total_(total), enabled_(isatty(STDERR_FILENO) != 0) {}
    void update(std::uintmax_t done) {
        if (!enabled_ || total_ == 0) return;
        const int percent = static_cast<int>(done * 100 / total_);
        if (percent == last_) return;
        last_ = percent;
        const int filled = percent / 4;
        std::fprintf(stderr, "\r%s [%s%s] %3d%%", name_.c_str(), std::string(filled, '#').c_str(),
                     std::string(25 - filled, '.').c_str(), percent);
        std::fflush(stderr);
    }
    ~Progress() {
        if (enabled_ && last_ >= 0) std::fprintf(stderr, "\n");
    }

  private:
    std::string name_;
    std::uintmax_t total_;
    bool enabled_;
    int last_ = -1;
};

// One line to a row, or a reject reason.
std::optional<store::LogRecord> parse_line(const std::string& line, ParserStats& parser,
                                           IngestSummary& summary) {
    if (line.size() > kMaxLine) {
        summary.reject("line too long");
        return std::nullopt;
    }
    if (!line.empty() && line.front() == '{') {
        std::string error;
        auto row = store::json_line_to_log_record(line, error);
        if (!row) summary.reject("json: " + error);
        return row;
    }
    const auto parsed = parse_rfc5424(line, parser);
    if (!parsed) {
        summary.reject("syslog: " + std::string(to_string(parsed.error())));
        return std::nullopt;
    }
    return store::to_log_record(parsed.value(), line);
}

void ingest_file(const std::string& path, store::Ingester& ingester, IngestSummary& summary) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError("cannot read " + path);
    std::error_code ec;
    Progress progress(path, std::filesystem::file_size(path, ec));
    ParserStats parser;
    std::vector<store::LogRecord> batch;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        ++summary.lines;
        if (auto row = parse_line(line, parser, summary)) batch.push_back(std::move(*row));
        if (batch.size() >= kBatch) {
            ingester.store(batch, "ingest:" + path);
            batch.clear();
            progress.update(static_cast<std::uintmax_t>(in.tellg()));
        }
    }
    ingester.store(batch, "ingest:" + path);
    progress.update(std::filesystem::file_size(path, ec));
}

int run_ingest(const std::vector<std::string>& files, const std::string& db) {
    const CommandTracing tracing;
    std::unique_ptr<store::Repository> repository;
    try {
        repository = store::open_repository(db.empty() ? std::nullopt : std::optional(db));
    } catch (const store::StoreError& e) {
        throw ConfigError(e.what());
    }
    store::Ingester ingester(*repository, intel::attack::tagging_ingester_options());
    IngestSummary summary;
    for (const auto& file : files) ingest_file(file, ingester, summary);
    const auto stats = ingester.stats();
    std::cout << "Imported " << stats.stored << " of " << summary.lines << " lines ("
              << summary.rejected << " rejected, " << stats.dead_letters << " dead-lettered, "
              << stats.bounties << " bounties)\n";
    for (const auto& [reason, count] : summary.reasons)
        std::cout << "  rejected " << count << " × " << reason << "\n";
    return stats.lost > 0 ? kExitError : kExitOk;
}

}  // namespace

void add_ingest_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("ingest", "Import RFC 5424 or JSON-lines event files");
    auto files = std::make_shared<std::vector<std::string>>();
    auto db = std::make_shared<std::string>();
    cmd->add_option("files", *files, "Files to import")->required()->check(CLI::ExistingFile);
    cmd->add_option("--db", *db, "SQLite database path (default $DECNET_DB_PATH or ./decnet.db)");
    cmd->callback([&exit_code, files, db] { exit_code = run_ingest(*files, *db); });
}

}  // namespace decnet::cli
