// Ingester: the one writer of events into the store. Drains the EventBus in batches
// (up to max_batch events or max_wait, or what came before the bus fell idle), stores each batch in
// one transaction, then its bounties. A row the store refuses goes to dead_letters with the reason;
// one bad row never stalls the rest (fixes the reference's QUIRK Q2).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "events/event_bus.hpp"
#include "events/sinks/failure_log.hpp"
#include "store/repository.hpp"

namespace decnet::store {

struct IngesterOptions {
    std::size_t max_batch = 1000;
    std::chrono::milliseconds max_wait{50};
    // A batch is also stored once the bus has had nothing more for this long: a lone
    // event reaches the store (and the dashboard's live stream) in milliseconds, while a
    // steady flow still fills batches up to max_batch / max_wait.
    std::chrono::milliseconds idle_flush{5};
    int retries = 3;  // a failing batch is retried (transient errors) before row isolation
    std::chrono::milliseconds retry_backoff{100};
    // The store unavailable (StoreUnavailable: its server is down past the backend's own
    // reconnect budget): under run() the batch is kept and tried again after this pause,
    // for as long as the outage lasts (new events wait in the bus queue), until the
    // subscription closes. Otherwise, or then, the batch is counted lost in one log line:
    // row isolation is for rows the store refuses, not for a store that is away.
    std::chrono::milliseconds unavailable_pause{1000};
    // Called on each row before it is stored (the ATT&CK tagger of intel/attack fills
    // LogRecord::tags here: the store stays ignorant of intel).
    std::function<void(LogRecord&)> enrich = nullptr;
};

struct IngesterStats {
    std::uint64_t events = 0;  // rows offered to the store
    std::uint64_t stored = 0;  // rows committed
    std::uint64_t batches = 0;
    std::uint64_t bounties = 0;      // bounty rows inserted (after dedup)
    std::uint64_t dead_letters = 0;  // rows set aside with a reason
    std::uint64_t lost = 0;          // rows neither stored nor dead-lettered
    std::uint64_t retries = 0;
    std::uint64_t held = 0;  // batch attempts repeated while the store was unavailable
};

class Ingester {
  public:
    Ingester(Repository& repository, IngesterOptions options = {});

    // Consumes until the subscription is closed and drained. Run it on its own thread.
    void run(Subscription& subscription);

    // Stores rows now (one transaction, then bounties); `source` names where they came
    // from for dead letters. Used by run() and by `decnet ingest`.
    void store(std::vector<LogRecord>& rows, const std::string& source);

    IngesterStats stats() const;

    // Called on the ingester's thread with the rows of each committed transaction, ids
    // set, ascending (the API's LogFeed pushes them to live streams). Set it before run().
    using AfterCommit = std::function<void(const std::vector<LogRecord>&)>;
    void set_after_commit(AfterCommit callback) { after_commit_ = std::move(callback); }

    // Called on the ingester's thread once a batch's rows *and* their bounties are stored
    // (the profiler follows the store from here). Set it before run().
    void set_after_store(AfterCommit callback) { after_store_ = std::move(callback); }

  private:
    // abandoned: the store was found away while stopping; later batches are not tried.
    enum class Insert { stored, refused, unavailable, abandoned };

    void notify_stored(const std::vector<LogRecord>& rows);
    void notify_committed(const std::vector<LogRecord>& rows);
    Insert try_insert(std::vector<LogRecord>& rows);
    bool hold_while_unavailable(std::size_t rows, const std::string& why);
    void isolate_bad_rows(std::vector<LogRecord>& rows, const std::string& source);
    void extract_and_store_bounties(const std::vector<LogRecord>& rows);

    Repository& repository_;
    IngesterOptions options_;
    AfterCommit after_commit_;
    AfterCommit after_store_;
    std::atomic<std::uint64_t> events_{0}, stored_{0}, batches_{0}, bounties_{0}, dead_letters_{0},
        lost_{0}, retries_{0}, held_{0};
    const Subscription* feeding_ = nullptr;  // run()'s subscription (ingester thread only)
    bool abandoned_ = false;                 // stopping with the store away (ingester thread)
    FailureLog unavailable_log_{"ingester"};
};

}  // namespace decnet::store
