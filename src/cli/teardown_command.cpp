// `decnet teardown`: stop one decky (`--id`) or the whole instance (`--all`) over the
// control socket. `--all` also cleans up what a crashed (kill -9) instance left behind.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/commands.hpp"
#include "cli/instance_client.hpp"
#include "core/error.hpp"
#include "engine/control_client.hpp"
#include "engine/instance_lock.hpp"
#include "engine/instance_state.hpp"
#include "engine/netns/decky_network.hpp"
#include "engine/netns/names.hpp"

namespace decnet::cli {
namespace {

// How long `teardown --all` waits for the instance to release its lock.
constexpr auto kStopTimeout = std::chrono::seconds(30);

void expect_ok(const std::string& response) {
    const auto j = nlohmann::json::parse(response);
    if (!j.value("ok", false))
        throw ConfigError(j.value("error", std::string("the instance refused the request")));
}

int teardown_one(const engine::StatePaths& paths, const std::string& name) {
    const auto response =
        ask_instance(paths, nlohmann::json{{"cmd", "teardown"}, {"decky", name}}.dump());
    expect_ok(response);
    std::cout << "Decky '" << name << "' torn down: its listeners are closed";
    if (nlohmann::json::parse(response).value("mode", std::string()) == "netns")
        std::cout << ", its namespace " << engine::netns::namespace_name(name)
                  << " and interfaces removed";
    std::cout << "." << std::endl;
    return kExitOk;
}

// No instance answers: remove a crashed instance's leftovers, if there are any. Loopback
// deckies hold nothing outside the process, so the files are all there is to clean.
int clean_stale(const engine::StatePaths& paths) {
    std::optional<engine::InstanceState> stale;
    try {
        stale = engine::read_state_file(paths.state_file);
    } catch (const ConfigError&) {
        stale = engine::InstanceState{};  // unreadable: still ours to remove
    }
    const auto pid = engine::read_pid_file(paths.pid_file);
    namespace fs = std::filesystem;
    std::error_code ec;
    const bool leftovers = stale || fs::exists(paths.control_socket, ec) ||
                           fs::exists(paths.pid_file, ec) ||
                           fs::exists(engine::netns::record_path(paths.dir), ec);
    if (!leftovers) throw ConfigError(no_instance_message(paths));
    // netns mode: the namespaces and links a crashed instance recorded as it made them.
    if (const auto removed =
            engine::netns::remove_recorded_objects(engine::netns::record_path(paths.dir)))
        std::cout << "Removed " << removed << " leftover network namespace(s)/interface(s)."
                  << std::endl;
    for (const auto* file : {&paths.state_file, &paths.control_socket, &paths.pid_file})
        fs::remove(*file, ec);
    fs::remove(paths.state_file + ".tmp", ec);
    fs::remove(engine::netns::record_path(paths.dir) + ".tmp", ec);
    const long who = stale && stale->pid ? stale->pid : pid ? static_cast<long>(*pid) : 0;
    std::cout << "No decnet instance was running; cleaned up the stale state"
              << (who ? " left by pid " + std::to_string(who) : std::string()) << " in "
              << paths.dir << "." << std::endl;
    return kExitOk;
}

int teardown_all(const engine::StatePaths& paths) {
    const auto response = engine::control_request(paths.control_socket, R"({"cmd":"shutdown"})");
    if (!response) {
        if (engine::instance_running(paths.pid_file))
            throw ConfigError("the decnet instance of " + paths.dir +
                              " holds its lock but does not answer on " + paths.control_socket);
        return clean_stale(paths);
    }
    expect_ok(*response);
    const auto pid = nlohmann::json::parse(*response).value("pid", 0L);
    const auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
    while (engine::instance_running(paths.pid_file)) {
        if (std::chrono::steady_clock::now() > deadline)
            throw ConfigError("decnet instance (pid " + std::to_string(pid) +
                              ") did not stop within 30 s");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::cout << "All deckies torn down; decnet instance (pid " << pid << ") stopped." << std::endl;
    return kExitOk;
}

}  // namespace

void add_teardown_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("teardown", "Stop deckies and remove what deploy created");
    auto all = std::make_shared<bool>(false);
    auto id = std::make_shared<std::string>();
    auto state_dir = std::make_shared<std::string>();
    cmd->add_flag("--all", *all, "Tear down every decky (also cleans up after a crash)");
    cmd->add_option("--id", *id, "Tear down one decky by name");
    cmd->add_option("--state-dir", *state_dir, "State directory of the instance");
    cmd->callback([&exit_code, all, id, state_dir] {
        if (!*all && id->empty()) throw ConfigError("Specify --all or --id <name>.");
        const auto paths = engine::state_paths(*state_dir);
        exit_code = *all ? teardown_all(paths) : teardown_one(paths, *id);
    });
}

}  // namespace decnet::cli
