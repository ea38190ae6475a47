// `decnet deploy`: plan a deployment and start it as a daemon (what `up` runs, detached,
// loopback or netns mode); returns once the deckies listen. `--dry-run` only prints the
// plan.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/daemon.hpp"
#include "cli/deploy_options.hpp"
#include "cli/instance.hpp"
#include "cli/netns_networks.hpp"
#include "core/error.hpp"
#include "engine/instance_lock.hpp"

namespace decnet::cli {
namespace {

int run_deploy(const engine::DeploymentPlan& plan, const engine::DeployOptions& flags,
               const InstanceOptions& options) {
    // netns mode: privileges and --attach/--bridge/--interface are checked here, on the
    // user's terminal, before anything exists; the daemon makes the namespaces itself once
    // it holds the state dir's lock (its errors come back through the pipe, and a failed
    // start removes whatever it made).
    InstanceHooks hooks;
    if (plan.config.mode == DeployMode::netns) use_netns_networks(hooks, flags, plan.config);
    const auto paths = engine::state_paths(options.state_dir);
    // Checked here too so the usual mistake fails before forking; the daemon's own lock
    // still decides races.
    if (engine::instance_running(paths.pid_file))
        throw ConfigError("a decnet instance is already running with state dir " + paths.dir +
                          "; stop it with `decnet teardown --all --state-dir " + paths.dir + "`");
    engine::ensure_state_dir(paths);
    std::cout << "\nStarting the decnet daemon (state dir " << paths.dir << ")..." << std::endl;
    return run_daemonized(paths.log_file, [&](DaemonChannel& channel) {
        hooks.progress = [&](std::size_t done, std::size_t total) {
            channel.progress(done, total);
        };
        hooks.ready = [&](const honeypot::DeployReport& report, const engine::StatePaths&,
                          const std::string&) {
            std::cout << "decnet daemon up: " << report.listening.size() << " listeners"
                      << std::endl;
            channel.ready(plan.config.deckies.size(), report.listening.size());
        };
        return run_instance(plan, options, hooks);
    });
}

}  // namespace

void add_deploy_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("deploy", "Deploy deckies (use --dry-run to print the plan)");
    auto flags = add_deploy_flags(*cmd);
    auto options = add_instance_flags(*cmd);
    cmd->callback([&exit_code, flags, cmd, options] {
        flags->finish(*cmd);
        const auto plan = make_plan(flags->options);
        print_plan(plan, flags->json);
        if (plan.config.mode == DeployMode::docker || flags->output || flags->templates_dir) {
            exit_code = export_compose(plan, *flags, "deploy");
            return;
        }
        if (flags->dry_run) {
            if (!flags->json) std::cout << "\nDry run — nothing started.\n";
            exit_code = kExitOk;
            return;
        }
        if (plan.config.mode == DeployMode::docker) {
            exit_code =
                not_available("deploy", "docker mode (use --dry-run, or loopback/netns mode)");
            return;
        }
        exit_code = run_deploy(plan, flags->options, *options);
    });
}

}  // namespace decnet::cli
