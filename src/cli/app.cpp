// The decnet command line: global flags, command registration, and the mapping of
// failures to exit codes (0 ok, 1 user/config error, 2 usage error, 3 not available yet).
#include "cli/app.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>

#include "cli/commands.hpp"
#include "core/error.hpp"

namespace decnet::cli {

int not_available(std::string_view verb, std::string_view what) {
    std::cerr << "decnet " << verb << ": not available yet — " << what << "\n";
    return kExitNotAvailable;
}

namespace {

bool is_known_command(const CLI::App& app, const std::string& name) {
    for (const auto* sub : app.get_subcommands({}))
        if (sub->get_name() == name) return true;
    return false;
}

}  // namespace

int run(int argc, char** argv) {
    CLI::App app{"Deploy a deception network of honeypot deckies on your LAN."};
    app.name("decnet");
    app.set_version_flag("--version", std::string("decnet ") + DECNET_VERSION);
    app.require_subcommand(1);
    app.fallthrough(false);

    int exit_code = kExitOk;
    add_services_command(app, exit_code);
    add_archetypes_command(app, exit_code);
    add_distros_command(app, exit_code);
    add_deploy_command(app, exit_code);
    add_up_command(app, exit_code);
    add_status_command(app, exit_code);
    add_teardown_command(app, exit_code);
    add_mutate_command(app, exit_code);
    add_api_command(app, exit_code);
    add_collect_command(app, exit_code);
    add_ingest_command(app, exit_code);
    add_replay_command(app, exit_code);
    add_correlate_command(app, exit_code);
    add_profiler_command(app, exit_code);
    add_export_command(app, exit_code);
    add_sniffer_command(app, exit_code);
    add_probe_command(app, exit_code);
    add_reference_commands(app, exit_code);

    if (argc < 2) {
        std::cout << app.help();
        return kExitUsage;
    }
    const std::string first = argv[1];
    if (first.empty() || (first[0] != '-' && !is_known_command(app, first))) {
        std::cerr << "Error: No such command '" << first << "'.\n"
                  << "Run 'decnet --help' for the list of commands.\n";
        return kExitUsage;
    }
    // Every verb that serves sockets (up, api, collect) must survive a peer that closes
    // first: a write to it reports EPIPE instead of killing the process.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::cout << (app.get_subcommands().empty() ? app.help()
                                                    : app.get_subcommands().front()->help());
        return kExitOk;
    } catch (const CLI::CallForAllHelp&) {
        std::cout << app.help("", CLI::AppFormatMode::All);
        return kExitOk;
    } catch (const CLI::CallForVersion& e) {
        std::cout << e.what() << "\n";
        return kExitOk;
    } catch (const CLI::ParseError& e) {
        std::cerr << "Error: " << e.what() << "\nRun with --help for more information.\n";
        return kExitUsage;
    } catch (const UsageError& e) {
        std::cerr << "Error: " << e.what() << "\n";
        return kExitUsage;
    } catch (const ConfigError& e) {
        std::cerr << "Error: " << e.located() << "\n";
        return kExitError;
    }
    return exit_code;
}

}  // namespace decnet::cli
