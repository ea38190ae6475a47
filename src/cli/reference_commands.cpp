// The reference's remaining verbs (redeploy, web, db-reset), accepted
// with their flags so scripts get a clear answer, not "no such command". Each moves to
// its own file when it is implemented; `web` is retired for good (the API serves the
// dashboard itself: docs/API.md, "Dashboard hosting").
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.hpp"

namespace decnet::cli {
namespace {

// Options are parsed and ignored: the verb only reports that it is not available.
struct Sink {
    std::string text;
    bool flag = false;
};

CLI::App* pending(CLI::App& app, int& exit_code, const std::string& name, const std::string& help,
                  const std::string& what) {
    auto* cmd = app.add_subcommand(name, help + " (not available yet)");
    cmd->callback([&exit_code, name, what] { exit_code = not_available(name, what); });
    return cmd;
}

}  // namespace

void add_reference_commands(CLI::App& app, int& exit_code) {
    static Sink s;  // parsed values are unused
    auto* redeploy = pending(app, exit_code, "redeploy", "Relaunch stopped background services",
                             "background services");
    redeploy->add_option("--log-file,-f", s.text, "Event log file");

    auto* web = app.add_subcommand(
        "web", "Retired: the dashboard is served by the API (decnet up, deploy or api)");
    web->callback([&exit_code] {
        std::cerr << "decnet web: retired — the dashboard is served by the REST API on the same "
                     "origin: open http://<api host>:<api port>/ of `decnet up`, `decnet deploy` "
                     "or `decnet api` (default http://127.0.0.1:8000/; build it with `make "
                     "build`). See docs/API.md, \"Dashboard hosting\".\n";
        exit_code = kExitUsage;
    });
    web->add_option("--web-port", s.text, "Dashboard port (8080)");
    web->add_option("--host", s.text, "Listen address");
    web->add_option("--api-port", s.text, "API port to proxy to (8000)");
    web->add_flag("--daemon,-d", s.flag, "Detach into the background");

    auto* db_reset =
        pending(app, exit_code, "db-reset", "Truncate or drop the MySQL tables", "the MySQL store");
    db_reset->add_flag("--i-know-what-im-doing", s.flag, "Really do it");
    db_reset->add_option("--mode", s.text, "truncate or drop-tables");
    db_reset->add_option("--url", s.text, "MySQL URL");
}

}  // namespace decnet::cli
