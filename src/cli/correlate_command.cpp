// `decnet correlate`: traversals across deckies from an RFC 5424 log file or stdin
// (intel.md §5): a table, the JSON report or one syslog line per traversal.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>

#include "cli/command_tracing.hpp"
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "intel/correlation/traversal.hpp"

namespace decnet::cli {
namespace {

struct CorrelateOptions {
    std::string log_file;
    int min_deckies = 2;
    std::string output = "table";
    bool emit_syslog = false;
    bool daemon = false;
};

// Lines longer than this are counted and skipped (a syslog line is at most 64 KiB).
constexpr std::size_t kMaxLine = std::size_t{1} << 20;

// tracing.md §3.8: correlation.ingest_file with its summary child.
void ingest_stream(std::istream& in, intel::CorrelationEngine& engine) {
    telemetry::Span span("correlation.ingest_file");
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() > kMaxLine) line.clear();
        engine.ingest(line);
    }
    telemetry::Span summary("correlation.ingest_file.summary");
    summary.set_attribute("lines_parsed", engine.lines_parsed());
    summary.set_attribute("events_indexed", engine.events_indexed());
    summary.set_attribute("unique_ips", engine.unique_ips());
}

std::vector<std::string> syslog_lines(const intel::CorrelationEngine& engine, int min_deckies,
                                      EventTime now) {
    telemetry::Span span("correlation.traversal_syslog_lines");
    return engine.traversal_syslog_lines(min_deckies, now);
}

void print_table(const intel::CorrelationEngine& engine, int min_deckies) {
    const auto traversals = [&] {
        telemetry::Span span("correlation.traversals");
        return engine.traversals(min_deckies);
    }();
    if (traversals.empty()) {
        std::cout << "No traversals detected (min_deckies=" << min_deckies
                  << ", events_indexed=" << engine.events_indexed() << ")." << std::endl;
        return;
    }
    Table table("Traversal Graph \u2014 Cross-Decky Attackers",
                {"Attacker IP", "Deckies", "Traversal Path", "First Seen", "Duration", "Events"});
    for (const auto& t : traversals)
        table.add_row({t.attacker_ip, std::to_string(t.deckies.size()), t.path(),
                       intel::format_wall_clock(t.first_seen()) + " UTC",
                       intel::format_duration(t.duration_seconds()),
                       std::to_string(t.hops.size())});
    std::cout << table.render();
    std::cout << "Parsed " << engine.lines_parsed() << " lines \u00b7 indexed "
              << engine.events_indexed() << " events \u00b7 " << engine.unique_ips()
              << " unique IPs \u00b7 " << traversals.size() << " traversal(s)" << std::endl;
}

int run_correlate(const CorrelateOptions& options) {
    const CommandTracing tracing;
    intel::CorrelationEngine engine;
    if (!options.log_file.empty()) {
        std::ifstream in(options.log_file, std::ios::binary);
        if (!in) {
            std::cerr << "Log file not found: " << options.log_file << std::endl;
            return kExitError;
        }
        ingest_stream(in, engine);
    } else if (isatty(STDIN_FILENO) == 0) {
        ingest_stream(std::cin, engine);
    } else {
        std::cerr << "Provide --log-file or pipe log data via stdin." << std::endl;
        return kExitError;
    }
    const auto now = event_now();
    if (options.output == "json") {
        telemetry::Span span("correlation.report_json");
        std::cout << engine.report_json(options.min_deckies) << std::endl;
    } else if (options.output == "syslog") {
        for (const auto& line : syslog_lines(engine, options.min_deckies, now))
            std::cout << line << '\n';
    } else {
        print_table(engine, options.min_deckies);
    }
    if (options.emit_syslog)
        for (const auto& line : syslog_lines(engine, options.min_deckies, now))
            std::cout << line << '\n';
    std::cout.flush();
    return kExitOk;
}

}  // namespace

void add_correlate_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("correlate", "Correlate attackers across deckies");
    auto o = std::make_shared<CorrelateOptions>();
    cmd->add_option("--log-file,-f", o->log_file, "RFC 5424 event log (default: stdin)");
    cmd->add_option("--min-deckies,-m", o->min_deckies, "Deckies an attacker must touch")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--output,-o", o->output, "table, json or syslog")
        ->capture_default_str()
        ->check(CLI::IsMember({"table", "json", "syslog"}));
    cmd->add_flag("--emit-syslog", o->emit_syslog, "Also print each traversal as a syslog line");
    cmd->add_flag("--daemon,-d", o->daemon, "Accepted for compatibility (runs in the foreground)");
    cmd->callback([&exit_code, o] { exit_code = run_correlate(*o); });
}

}  // namespace decnet::cli
