// The profiler (intel.md §6.1, ARCHITECTURE.md "Intel workers"): keeps `attackers` up to
// date from stored log rows, on its own thread, never in a session's path.
//
// It follows the `logs` table by id from a cursor persisted in state
// (`attacker_worker_cursor` = {"last_log_id": N}), so every stored event is counted
// exactly once across restarts, and it continues each stored profile instead of
// rebuilding it (profiles never shrink). Embedded next to the ingester it is woken by
// each stored batch (notify_stored, called once the batch and its bounties are in);
// standalone (`decnet profiler`) it polls. Memory is bounded: an LRU cache of profiles
// under a count and a byte budget; a profile that fell out is read back from its row.
// An attacker reaching its N-th distinct decky is announced once as a
// `traversal_detected` event (intel.md §5.2's syslog fields).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "events/event.hpp"
#include "intel/identity/identity_linker.hpp"
#include "intel/profiler/attacker_profile.hpp"
#include "store/repository.hpp"

namespace decnet::intel {

inline constexpr std::string_view kProfilerCursorKey = "attacker_worker_cursor";
// Which profiler owns the store: {"owner": "<host>:<pid>:<n>", "heartbeat": <unix s>}.
// A profiler works only while it holds the lease (refreshed every 5 s, free after 30 s
// without a heartbeat), so a second one on the same store waits instead of counting
// every event twice.
inline constexpr std::string_view kProfilerLeaseKey = "attacker_worker_lease";

struct ProfileWorkerOptions {
    std::size_t max_cached_profiles = 20000;
    std::size_t max_cache_bytes = std::size_t{64} << 20;
    int page_rows = 500;
    // Rows handled in one round at most, so a long backlog still saves its cursor often.
    std::size_t max_rows_per_round = 20000;
    int min_deckies = 2;  // the traversal_detected threshold
    std::size_t max_fingerprints = 100;
    ProfileLimits limits;
    std::chrono::milliseconds poll_interval{1000};
    // Where traversal_detected goes (the event bus); none: not announced.
    std::function<void(Event)> publish;
    // Identities (intel/identity): recomputed when new bounty rows were read, at most this
    // often (and never more often than ten times the last recomputation took); 0: never.
    std::chrono::milliseconds identity_interval{5000};
    IdentityOptions identity;
    // Offline country/ASN databases (intel/geoip); empty: none, stored values are kept.
    geoip::GeoIpSettings geoip;
};

struct ProfileWorkerStats {
    std::uint64_t rows = 0;  // log rows read
    std::uint64_t profiles_written = 0;
    std::uint64_t traversals = 0;  // traversal_detected announced
    std::uint64_t loaded = 0;      // profiles read back from the store
    std::uint64_t evicted = 0;
    std::uint64_t errors = 0;
    std::uint64_t waiting_for_lease = 0;  // rounds skipped: another profiler owns the store
    std::uint64_t identity_runs = 0;      // identity recomputations
    std::size_t identities = 0;           // identities after the last one
    std::int64_t cursor = 0;
    std::size_t cached = 0;
    std::size_t cache_bytes = 0;
};

class ProfileWorker {
  public:
    ProfileWorker(store::Repository& repository, ProfileWorkerOptions options = {});
    ~ProfileWorker();  // gives the lease back
    ProfileWorker(const ProfileWorker&) = delete;
    ProfileWorker& operator=(const ProfileWorker&) = delete;

    // Rows up to this id are stored together with their bounties (the ingester's hook).
    // Wakes the worker. Once called, the worker reads no further than the highest id
    // notified; before, it reads what was stored before the previous round (standalone
    // mode: an ingester elsewhere stores a row's bounties right after the row).
    void notify_stored(std::int64_t through_id);

    // Rounds until stop(): wait for a notification or the poll interval, catch up.
    void run();
    void stop();

    // One round: every row after the cursor up to `through` (default: see notify_stored),
    // at most max_rows_per_round. Returns the rows read. Store errors are counted and
    // logged; the cursor then stays where it was.
    std::size_t catch_up(std::optional<std::int64_t> through = std::nullopt);

    ProfileWorkerStats stats() const;

    // Recomputes the identities if new bounty rows were read and the interval has passed
    // (`force`: whenever this worker holds the store). run() calls it after each wake-up.
    void link_identities(bool force = false);

  private:
    struct Entry {
        AttackerProfile profile;
        bool refresh_bounties = false;
        bool announced = false;  // traversal_detected already sent (or not needed)
        std::size_t bytes = 0;
    };
    Entry& profile_for(const std::string& ip);
    void restore_behavior(AttackerProfile& profile);
    void write(Entry& entry, const std::string& now);
    void evict();
    bool hold_lease();
    std::int64_t load_cursor();
    void save_cursor();

    store::Repository& repository_;
    ProfileWorkerOptions options_;
    geoip::GeoIp geoip_;  // looked up once per profile brought into the cache
    std::int64_t cursor_ = 0;
    std::int64_t previous_max_ = 0;  // standalone: the store's max id one round ago
    std::string lease_owner_;
    bool lease_held_ = false;
    std::chrono::steady_clock::time_point lease_checked_{};
    bool identities_dirty_ = true;  // the first wake-up links what is stored
    std::chrono::steady_clock::time_point identities_linked_{};
    std::chrono::steady_clock::duration identity_cost_{};

    std::list<Entry> lru_;  // front: most recently used
    std::unordered_map<std::string, std::list<Entry>::iterator> by_ip_;
    std::size_t cache_bytes_ = 0;

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;               // guarded by mutex_
    std::int64_t notified_through_ = -1;  // guarded by mutex_; -1: never notified
    bool notified_ = false;               // guarded by mutex_

    mutable std::mutex stats_mutex_;
    ProfileWorkerStats stats_;  // guarded by stats_mutex_
};

}  // namespace decnet::intel

namespace decnet::intel {

// A ProfileWorker running on its own thread for as long as this object lives.
class ProfilerThread {
  public:
    ProfilerThread(store::Repository& repository, ProfileWorkerOptions options);
    ~ProfilerThread();  // stops the worker after a last round, and joins
    ProfilerThread(const ProfilerThread&) = delete;
    ProfilerThread& operator=(const ProfilerThread&) = delete;
    ProfileWorker& worker() { return worker_; }

  private:
    ProfileWorker worker_;
    std::thread thread_;
};

}  // namespace decnet::intel
