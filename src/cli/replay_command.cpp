// `decnet replay <sha256|path>`: plays a session cast (an asciinema v2 artifact the ssh and
// telnet shells recorded) in the operator's terminal, at its own pace, N times faster, or
// all at once (--speed 0), through the TerminalFilter (cast_player.hpp).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/cast_player.hpp"
#include "cli/commands.hpp"
#include "engine/state_dir.hpp"
#include "honeypot/world/artifact_store.hpp"

namespace decnet::cli {
namespace {

// A cast is at most 4 MiB (shell/cast_recorder.hpp); an operator's own file may be larger,
// but one line is never more than this.
constexpr std::size_t kMaxLine = 8 * 1024 * 1024;
constexpr std::size_t kMaxEvents = 10'000'000;

struct ReplayOptions {
    std::string cast;  // sha256 or path
    double speed = 1.0;
    double max_idle = 0.0;  // 0: the cast's idle_time_limit, else none
    std::string state_dir;
};

// A sha256 names the instance's artifact; anything else is a path.
std::string cast_path(const ReplayOptions& options) {
    if (!honeypot::is_artifact_name(options.cast)) return options.cast;
    const auto dir = options.state_dir.empty() ? engine::default_state_dir() : options.state_dir;
    return dir + "/artifacts/" + options.cast;
}

void pause(double seconds) {
    if (seconds > 0.0) std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

int run_replay(const ReplayOptions& options) {
    if (!(options.speed >= 0.0) || !(options.max_idle >= 0.0))
        throw UsageError("--speed and --max-idle must be 0 or more");
    const std::string path = cast_path(options);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::cerr << "replay: cannot read " << path << "\n";
        return kExitError;
    }
    std::string line;
    std::getline(in, line);
    const auto header = parse_cast_header(line);
    if (!header) {
        std::cerr << "replay: " << path << " is not an asciinema v2 cast\n";
        return kExitError;
    }
    double max_idle = options.max_idle;
    if (max_idle == 0.0 && header->idle_time_limit) max_idle = *header->idle_time_limit;
    TerminalFilter filter;
    double previous = 0.0;
    std::size_t skipped = 0;
    for (std::size_t n = 0; n < kMaxEvents && std::getline(in, line); ++n) {
        if (line.size() > kMaxLine) break;
        const auto event = parse_cast_event(line);
        if (!event) {
            ++skipped;
            continue;
        }
        if (event->type != "o") continue;  // input, markers and resizes are not shown
        double gap = std::max(0.0, event->time - previous);
        previous = std::max(previous, event->time);
        if (max_idle > 0.0) gap = std::min(gap, max_idle);
        if (options.speed > 0.0) pause(gap / options.speed);
        const std::string shown = filter.filter(event->data);
        std::fwrite(shown.data(), 1, shown.size(), stdout);
        std::fflush(stdout);
    }
    if (skipped > 0) std::cerr << "replay: skipped " << skipped << " malformed lines\n";
    return kExitOk;
}

}  // namespace

void add_replay_command(CLI::App& app, int& exit_code) {
    auto options = std::make_shared<ReplayOptions>();
    auto* cmd = app.add_subcommand("replay", "Play a recorded shell session (asciinema v2 cast)");
    cmd->add_option("cast", options->cast, "The cast's sha256 (an artifact) or a file path")
        ->required();
    cmd->add_option("--speed", options->speed, "Playback speed factor; 0 prints at once")
        ->default_val(1.0);
    cmd->add_option("--max-idle", options->max_idle,
                    "Longest pause in seconds (default: the cast's idle_time_limit, else none)");
    cmd->add_option("--state-dir", options->state_dir,
                    "State directory of the instance whose artifact to play");
    cmd->callback([&exit_code, options] { exit_code = run_replay(*options); });
}

}  // namespace decnet::cli
