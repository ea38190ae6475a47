// `decnet sniffer`: the passive sensor on its own (docs/SNIFFER.md) — live on an interface
// (default: the running instance's, "lo" in loopback mode) or offline with --read, printing
// each event as an RFC 5424 line (and appending it to --log-file). The deckies are those of
// the running instance's state file, or given with --decky NAME=IP. `up`/`deploy` run the
// same worker when a decky lists the `sniffer` service (cli/instance.cpp).
#include <CLI/CLI.hpp>

#include <condition_variable>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/command_tracing.hpp"
#include "cli/commands.hpp"
#include "cli/signal_waiter.hpp"
#include "cli/sniffer_setup.hpp"
#include "core/error.hpp"
#include "engine/instance_state.hpp"
#include "engine/state_dir.hpp"
#include "events/rfc5424.hpp"
#include "intel/sniffer/sniffer_worker.hpp"

namespace decnet::cli {
namespace {

// Set by a signal; a live capture waits on it (bounded by --duration when given).
class StopFlag {
  public:
    void request() {
        const std::lock_guard lock(mutex_);
        requested_ = true;
        cv_.notify_all();
    }
    template <typename Duration>
    void wait_for(Duration timeout) {
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, timeout, [&] { return requested_; });
    }
    void wait() {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return requested_; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool requested_ = false;
};

struct SnifferCommandOptions {
    std::string read_file, interface, write_file, state_dir, log_file;
    std::string p0f_path = intel::sniffer::p0f::Database::kDefaultPath;
    std::vector<std::string> deckies;  // NAME=IP
    double dedup_ttl = 300;
    std::uint64_t count = 0;
    double duration = 0;
    bool stats = false, daemon = false;
};

intel::sniffer::DeckyMap decky_map(const SnifferCommandOptions& o, std::string& mode) {
    intel::sniffer::DeckyMap out;
    for (const auto& item : o.deckies) {
        const auto eq = item.find('=');
        const auto address = eq == std::string::npos
                                 ? std::nullopt
                                 : wire::packet::Address::parse(item.substr(eq + 1));
        if (!address) throw UsageError("--decky wants NAME=IP, got '" + item + "'");
        out[*address] = item.substr(0, eq);
    }
    if (!out.empty()) return out;
    const auto paths = engine::state_paths(o.state_dir);
    const auto state = engine::read_state_file(paths.state_file);
    if (!state) return out;
    mode = state->mode;
    return sniffer_deckies(*state);
}

int run_sniffer(const SnifferCommandOptions& o) {
    if (!o.read_file.empty() && !o.interface.empty())
        throw UsageError("--read and --interface are exclusive");
    std::string mode;
    const auto deckies = decky_map(o, mode);
    if (deckies.empty())
        throw UsageError(
            "no deckies to watch: run next to an instance (--state-dir) or give --decky NAME=IP");
    StopFlag stop;
    SignalWaiter signals([&] { stop.request(); });
    const CommandTracing tracing;

    std::ofstream log;
    if (!o.log_file.empty()) {
        log.open(o.log_file, std::ios::app | std::ios::binary);
        if (!log) throw ConfigError("cannot append to " + o.log_file);
    }
    std::mutex out_mutex;
    intel::sniffer::SnifferOptions options;
    options.capture.read_file = o.read_file;
    const auto interface = o.interface.empty() ? sniffer_interface(mode, {}) : o.interface;
    if (o.read_file.empty()) options.capture.interface = interface;
    options.capture.write_file = o.write_file;
    options.engine.dedup_ttl = static_cast<intel::sniffer::Micros>(o.dedup_ttl * 1e6);
    options.p0f_path = o.p0f_path;
    options.max_frames = o.count;
    options.deckies = [deckies] { return deckies; };
    options.publish = [&](Event event) {
        std::string line = format_rfc5424(event);
        const std::lock_guard lock(out_mutex);
        std::cout << line << '\n';
        if (log) log << line << '\n';
    };
    std::unique_ptr<intel::sniffer::SnifferWorker> worker;
    try {
        worker = std::make_unique<intel::sniffer::SnifferWorker>(std::move(options));
    } catch (const std::runtime_error& e) {
        throw ConfigError(std::string("sniffer: ") + e.what());
    }
    if (o.read_file.empty()) {
        std::cerr << "decnet sniffer: capturing on " << interface << " for " << deckies.size()
                  << " decky address(es) — Ctrl+C to stop." << std::endl;
        worker->start();
        if (o.duration > 0)
            stop.wait_for(std::chrono::duration<double>(o.duration));
        else
            stop.wait();
        worker->stop();
    } else {
        worker->run();
    }
    std::cout.flush();
    if (const auto error = worker->stats().capture.error; !error.empty())
        std::cerr << "decnet sniffer: " << o.read_file << ": " << error
                  << " (the events above are from the frames before it)" << std::endl;
    if (o.stats) {
        const auto s = worker->stats();
        std::cerr << "decnet sniffer: " << s.capture.frames << " frames, " << s.capture.decoded
                  << " decoded, " << s.engine.events << " events, " << s.engine.deduplicated
                  << " deduplicated, kernel dropped " << s.capture.kernel_dropped
                  << ", p0f signatures " << s.p0f_signatures << std::endl;
    }
    return kExitOk;
}

}  // namespace

void add_sniffer_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand(
        "sniffer",
        "Passive TLS/SSH/TCP fingerprinting (JA3/JA4, HASSH, p0f) of the deckies' traffic");
    auto o = std::make_shared<SnifferCommandOptions>();
    cmd->add_option("--read,-r", o->read_file, "Read a pcap/pcapng file instead of capturing");
    cmd->add_option("--interface,-i", o->interface,
                    "Capture on this interface (default: the instance's; lo in loopback mode)");
    cmd->add_option("--write,-w", o->write_file, "Also save the captured frames to a pcap file");
    cmd->add_option("--decky", o->deckies,
                    "NAME=IP of a decky to watch (repeatable; default: the running instance's)");
    cmd->add_option("--state-dir", o->state_dir, "State directory of the instance to watch");
    cmd->add_option("--p0f-db", o->p0f_path, "p0f v3 signature database ('' disables p0f)")
        ->capture_default_str();
    cmd->add_option("--dedup-ttl", o->dedup_ttl,
                    "Seconds an (attacker, fingerprint) pair is reported once (0: every time)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 86400.0));
    cmd->add_option("--count,-c", o->count, "Stop after this many frames");
    cmd->add_option("--duration", o->duration, "Stop a live capture after this many seconds")
        ->check(CLI::Range(0.0, 31536000.0));
    cmd->add_option("--log-file,-f", o->log_file, "Also append each event line to this file");
    cmd->add_flag("--stats", o->stats, "Print capture and engine counters on stderr at the end");
    cmd->add_flag("--daemon,-d", o->daemon, "Accepted for compatibility (runs in the foreground)");
    cmd->callback([&exit_code, o] { exit_code = run_sniffer(*o); });
}

}  // namespace decnet::cli
