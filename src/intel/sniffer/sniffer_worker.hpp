// The sniffer as a running worker: a capture thread feeding the engine, events handed to
// `publish` (the instance's event bus), the decky map refreshed every minute from
// `deckies` (deckies deployed or removed while it runs), flows flushed at shutdown.
// Used by `decnet sniffer` and by `up`/`deploy` when a decky lists the `sniffer` service.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "events/event.hpp"
#include "intel/sniffer/capture.hpp"
#include "intel/sniffer/p0f.hpp"
#include "intel/sniffer/sniffer_engine.hpp"

namespace decnet::intel::sniffer {

using DeckyMap = std::map<wire::packet::Address, std::string>;

struct SnifferOptions {
    CaptureOptions capture;  // interface or read_file; the filter is derived from the deckies
    EngineOptions engine;
    std::string p0f_path = p0f::Database::kDefaultPath;  // empty: no p0f
    std::function<DeckyMap()> deckies;
    std::function<void(Event)> publish;
    std::uint64_t max_frames = 0;  // 0: no limit
};

struct SnifferStats {
    CaptureStats capture;
    EngineStats engine;
    std::size_t p0f_signatures = 0;
};

class SnifferWorker {
  public:
    // Opens the capture and loads p0f.fp (a missing database only disables p0f: the reference
    // table still labels SYNs). Throws std::runtime_error when the capture cannot open.
    explicit SnifferWorker(SnifferOptions options);
    ~SnifferWorker();
    SnifferWorker(const SnifferWorker&) = delete;
    SnifferWorker& operator=(const SnifferWorker&) = delete;

    // In the calling thread until the file ends, max_frames, or stop().
    void run();
    // On a thread of its own ("decnet-sniffer").
    void start();
    void stop();
    SnifferStats stats() const;

  private:
    void refresh_deckies();

    SnifferOptions options_;
    std::optional<p0f::Database> p0f_;
    std::unique_ptr<Capture> capture_;
    std::unique_ptr<SnifferEngine> engine_;
    std::thread thread_;
    mutable std::mutex stats_mutex_;
    SnifferStats stats_;
    std::string filter_;
    std::chrono::steady_clock::time_point last_refresh_{};
};

}  // namespace decnet::intel::sniffer
