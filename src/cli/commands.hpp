// The registry of CLI commands: one add_*_command per file, each registering a CLI11
// subcommand whose callback stores the process exit code in `exit_code`.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace decnet::cli {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitNotAvailable = 3;

// A usage mistake the parser can't see (e.g. a range): printed, exit 2.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Prints "<verb>: not available yet — <what>" on stderr and returns kExitNotAvailable.
int not_available(std::string_view verb, std::string_view what);

void add_services_command(CLI::App& app, int& exit_code);
void add_archetypes_command(CLI::App& app, int& exit_code);
void add_distros_command(CLI::App& app, int& exit_code);
void add_deploy_command(CLI::App& app, int& exit_code);
void add_up_command(CLI::App& app, int& exit_code);
void add_status_command(CLI::App& app, int& exit_code);
void add_teardown_command(CLI::App& app, int& exit_code);
void add_mutate_command(CLI::App& app, int& exit_code);
void add_api_command(CLI::App& app, int& exit_code);
void add_collect_command(CLI::App& app, int& exit_code);
void add_ingest_command(CLI::App& app, int& exit_code);
void add_replay_command(CLI::App& app, int& exit_code);
void add_correlate_command(CLI::App& app, int& exit_code);
void add_profiler_command(CLI::App& app, int& exit_code);
void add_export_command(CLI::App& app, int& exit_code);
void add_sniffer_command(CLI::App& app, int& exit_code);
void add_probe_command(CLI::App& app, int& exit_code);
// redeploy, web, db-reset: the reference's other
// verbs, accepted with their flags, not implemented yet.
void add_reference_commands(CLI::App& app, int& exit_code);

}  // namespace decnet::cli
