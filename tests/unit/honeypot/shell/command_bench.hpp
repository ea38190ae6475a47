// Runs shell-extras commands as the shell would: over a real Session (the dialogue
// harness's), a ShellState on a world built here (with services, on a LAN address) and a
// session overlay; collects each command's stdout, stderr and status, the files it left
// in the overlay, and the session's events.
#pragma once

#include <gtest/gtest.h>

#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/shell_settings.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/world/fs_overlay.hpp"
#include "support/dialogue.hpp"

namespace decnet::testing {

struct CommandResult {
    std::string out, err;
    int status = -1;
};

struct CommandScript {
    honeypot::shell::ShellSettings settings;
    std::vector<std::string> services{"ssh", "http"};
    std::string distro = "debian";
    std::vector<std::vector<std::string>> commands;
    std::vector<std::string> read_back;  // overlay paths to read after the commands

    std::vector<CommandResult> results;
    std::map<std::string, std::string> files;  // what read_back found ("<absent>" if none)
    std::shared_ptr<const honeypot::DeckyWorld> world;
};

inline CommandScript*& current_script() {
    static CommandScript* script = nullptr;
    return script;
}

inline honeypot::shell::CommandFn extras_command(std::string_view name) {
    using namespace honeypot::shell;
    static const std::map<std::string_view, CommandFn> kCommands{
        {"wget", run_wget},
        {"curl", run_curl},
        {"tftp", run_tftp},
        {"ftpget", run_ftpget},
        {"w", run_w},
        {"who", run_who},
        {"uptime", run_uptime},
        {"ps", run_ps},
        {"top", run_top},
        {"free", run_free},
        {"df", run_df},
        {"mount", run_mount},
        {"ifconfig", run_ifconfig},
        {"ip", run_ip},
        {"netstat", run_netstat},
        {"ss", run_ss},
        {"lscpu", run_lscpu},
        {"nproc", run_nproc},
    };
    const auto found = kCommands.find(name);
    return found == kCommands.end() ? nullptr : found->second;
}

inline boost::asio::awaitable<void> run_command_script(honeypot::Session& session) {
    auto& script = *current_script();
    honeypot::FsOverlay fs(script.world->fs);
// ShellState and Invocation grow members the shell fills in; the bench names only the ones
// it sets, the rest keep their defaults.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
    honeypot::shell::ShellState state{
        .session = session, .world = *script.world, .fs = fs, .settings = script.settings};
    state.login_time = static_cast<std::int64_t>(std::time(nullptr)) - 75;
    for (const auto& argv : script.commands) {
        honeypot::shell::Invocation inv{.state = state, .argv = argv};
#pragma GCC diagnostic pop
        const auto run = extras_command(argv.front());
        CommandResult result;
        if (run != nullptr) result.status = co_await run(inv);
        result.out = inv.out;
        result.err = inv.err;
        script.results.push_back(std::move(result));
    }
    for (const auto& path : script.read_back) {
        const auto file = fs.read(path, state.scope());
        script.files[path] = file ? file.value : "<absent>";
    }
}

// Runs the script's commands in one session; the session's events are returned.
inline std::vector<Event> run_commands(CommandScript& script) {
    DeckyConfig decky;
    decky.name = "decky-07";
    decky.hostname = "web-prod-03";
    decky.distro = script.distro;
    decky.ip = "192.168.1.37";
    decky.services = script.services;
    script.world = honeypot::make_decky_world(decky, "");
    current_script() = &script;
    DialogueOptions options;
    options.distro = script.distro;
    Dialogue dialogue("ssh", run_command_script, options);
    EXPECT_TRUE(dialogue.wait_ended(std::chrono::seconds(20)));
    EXPECT_EQ(dialogue.error(), "");
    auto events = dialogue.events();
    current_script() = nullptr;
    return events;
}

}  // namespace decnet::testing
