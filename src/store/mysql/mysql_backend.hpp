// MysqlRepository, the Repository over MariaDB Connector/C. Private to the backend (the
// rest of decnet uses open_mysql); tests include it for the fault-injection hook.
#pragma once

#include <atomic>
#include <functional>

#include "store/mysql/connection_pool.hpp"
#include "store/mysql/mysql_repository.hpp"

namespace decnet::store::mysql {

// Points in a write transaction where a test can make the connection "drop".
enum class WritePhase { before_commit, after_commit };

class MysqlRepository final : public Repository {
  public:
    explicit MysqlRepository(const MysqlConfig& config);

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
    // This process's commit count plus the clock in kExternalWriteWindow steps: MySQL has
    // no cheap "changed since" for other clients, so their writes show within that window.
    std::optional<std::uint64_t> data_version() override;

    // Tests only: called at each WritePhase of every write transaction; throwing a
    // transient MysqlError there acts like the connection dropping at that moment.
    void set_fault_injector(std::function<void(WritePhase)> injector);

  private:
    template <class Body>
    auto write_once(std::size_t row_count, Body&& body) -> std::invoke_result_t<Body&, Connection&>;
    void inject(WritePhase phase);
    void prune_write_batches();

    ConnectionPool pool_;
    std::function<void(WritePhase)> fault_injector_;
    std::atomic<std::uint64_t> write_count_{0};
    std::atomic<std::uint64_t> commits_{0};  // every write attempt, failed ones too
};

}  // namespace decnet::store::mysql
