// SqliteRepository: the Repository on one SQLite file (api.md §5.1, §5.2, §6). One write
// connection behind a mutex (the ingester's batches, state, migrations), a small pool of
// read connections for the API (WAL lets them read while the writer writes), and the
// background filler of the free-text index.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/log_search.hpp"
#include "store/repository.hpp"
#include "store/sqlite/checkpointer.hpp"
#include "store/sqlite/read_pool.hpp"
#include "store/sqlite/search_indexer.hpp"
#include "store/sqlite/statement.hpp"

namespace decnet::store {

struct SqliteOptions {
    std::size_t read_connections = 4;
    // Fill the free-text index from a background thread. Off, it is filled only by
    // index_pending_search() (tests use this to choose what is indexed).
    bool background_indexing = true;
    // Rows per indexing transaction: ~10 ms at most keeps an arriving batch waiting little.
    std::size_t index_chunk_rows = 64;
    // The indexer waits until the writer has been idle this long.
    std::chrono::milliseconds index_after_idle{50};
    // A search uses the index when it yields at most this many candidates; beyond that a
    // scan in the query's own order finds the page sooner than sorting the candidates.
    std::int64_t page_candidate_limit = 20'000;
    std::int64_t count_candidate_limit = 250'000;  // same, for counts and the histogram
};

std::unique_ptr<Repository> open_sqlite(const std::string& path, const SqliteOptions& options);

class SqliteRepository final : public Repository {
  public:
    // Opens (creating if needed) and migrates `path`; throws StoreError.
    SqliteRepository(const std::string& path, const SqliteOptions& options);
    ~SqliteRepository() override;

    void migrate() override;

    void insert_logs(std::span<LogRecord> rows) override;
    std::size_t insert_bounties(std::span<BountyRecord> rows) override;
    void insert_dead_letter(const DeadLetter& row) override;

    std::vector<LogRecord> logs(const LogFilter& filter, int limit, int offset) override;
    std::int64_t count_logs(const LogFilter& filter) override;
    std::vector<LogRecord> logs_after_id(std::int64_t after_id, const LogFilter& filter,
                                         int limit) override;
    std::int64_t max_log_id() override;
    std::vector<HistogramBucket> histogram(const LogFilter& filter, int interval_minutes) override;
    LogStats log_stats() override;
    std::vector<BountyRecord> bounties(const BountyFilter& filter, int limit, int offset) override;
    std::int64_t count_bounties(const BountyFilter& filter) override;
    std::int64_t count_dead_letters() override;

    std::vector<AttackerRecord> attackers(const AttackerFilter& filter, AttackerSort sort,
                                          int limit, int offset) override;
    std::int64_t count_attackers(const AttackerFilter& filter) override;
    std::optional<AttackerRecord> attacker(const std::string& uuid) override;
    std::optional<AttackerRecord> attacker_by_ip(const std::string& ip) override;
    std::vector<std::pair<std::string, AttackerBehaviorRecord>> attacker_behaviors_by_ip(
        const std::vector<std::string>& ips) override;
    std::optional<AttackerBehaviorRecord> attacker_behavior(const std::string& uuid) override;
    std::optional<std::string> attacker_commands(const std::string& uuid) override;
    void upsert_attacker(const AttackerRecord& attacker,
                         const std::optional<AttackerBehaviorRecord>& behavior) override;

    std::vector<BountyRecord> bounties_after_id(std::int64_t after_id, int limit) override;
    void replace_identities(const std::vector<IdentityRecord>& identities) override;
    std::vector<IdentityRecord> identities(int limit, int offset) override;
    std::int64_t count_identities() override;
    std::optional<IdentityRecord> identity(const std::string& id) override;
    std::vector<std::pair<std::string, std::string>> identity_ids_by_ip(
        const std::vector<std::string>& ips) override;

    std::optional<UserRecord> get_user_by_username(const std::string& username) override;
    std::optional<UserRecord> get_user_by_uuid(const std::string& uuid) override;
    std::vector<UserRecord> list_users() override;
    bool create_user(const UserRecord& user) override;
    bool update_password(const std::string& uuid, const std::string& password_hash,
                         bool must_change_password) override;
    bool update_role(const std::string& uuid, const std::string& role) override;
    bool delete_user(const std::string& uuid) override;
    PurgeCounts purge_data() override;

    std::optional<std::string> get_state(const std::string& key) override;
    void set_state(const std::string& key, const std::string& json) override;
    std::optional<std::uint64_t> data_version() override;

    // Adds up to `max_rows` not-yet-indexed logs to the free-text index in one
    // transaction; returns how many (0 when caught up or there is no index).
    std::size_t index_pending_search(std::size_t max_rows);
    // Merges the free-text index's segments by about `pages` pages in one write-lock
    // hold (FTS5's own merging is turned off on first use); false when there was nothing
    // to merge. The background indexer calls it after each chunk.
    bool merge_search_index(int pages);
    // Logs rows not yet in the free-text index.
    std::int64_t search_index_backlog();

  private:
    // Runs `body` with the write connection, holding the write lock.
    template <class Body>
    decltype(auto) write(Body&& body);
    template <class Body>
    decltype(auto) read(Body&& body);

    const SqliteOptions options_;
    std::mutex write_mutex_;
    // Write traffic the background indexer gives way to.
    bool writer_busy() const;
    std::atomic<int> writers_waiting_{0};
    std::atomic<std::chrono::steady_clock::rep> last_write_{0};
    std::unique_ptr<sqlite::Connection> writer_;
    sqlite::ReadPool readers_;
    // PRAGMA data_version changes when *another* connection commits, so it is asked on a
    // connection that never writes: then every commit (ours or another process's) counts.
    std::mutex version_mutex_;
    std::unique_ptr<sqlite::Connection> version_reader_;
    // The last answer, reused while no write of ours ended since and it is younger than
    // kVersionPoll (the PRAGMA is a read transaction and file locks: the API asks it per
    // request). Stored value first, polled time last; readers load in reverse order.
    std::atomic<std::uint64_t> writes_done_{0};  // bumped after every write() of ours
    std::atomic<std::uint64_t> version_value_{0};
    std::atomic<std::uint64_t> version_writes_{0};  // writes_done_ read before that PRAGMA
    std::atomic<std::chrono::steady_clock::rep> version_polled_{0};  // 0: never
    std::unique_ptr<sqlite::Checkpointer> checkpointer_;             // after writer_: unhooks first
    std::atomic<bool> has_search_index_{false};
    bool search_automerge_off_ = false;               // under write_mutex_
    std::unique_ptr<sqlite::SearchIndexer> indexer_;  // last: stops before the rest goes
};

}  // namespace decnet::store
