// Each method forwards to the wrapped backend; when tracing is on the call runs inside a
// `db.<method>` span with db.system, db.operation and, where the answer is a list or a
// count of rows, db.rows. An exception is recorded on the span and passed on unchanged.
#include "store/traced_repository.hpp"

#include <exception>
#include <string_view>
#include <type_traits>
#include <utility>

#include "telemetry/span.hpp"

namespace decnet::store {
namespace {

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};

class TracedRepository final : public Repository {
  public:
    TracedRepository(std::unique_ptr<Repository> inner, std::string db_system)
        : inner_(std::move(inner)), system_(std::move(db_system)) {}

    void migrate() override {
        traced("db.migrate", [&] { inner_->migrate(); });
    }
    void insert_logs(std::span<LogRecord> rows) override {
        traced(
            "db.insert_logs", [&] { inner_->insert_logs(rows); }, rows.size());
    }
    std::size_t insert_bounties(std::span<BountyRecord> rows) override {
        return traced(
            "db.insert_bounties", [&] { return inner_->insert_bounties(rows); }, rows.size());
    }
    void insert_dead_letter(const DeadLetter& row) override {
        traced("db.insert_dead_letter", [&] { inner_->insert_dead_letter(row); });
    }
    std::vector<LogRecord> logs(const LogFilter& filter, int limit, int offset) override {
        return traced("db.logs", [&] { return inner_->logs(filter, limit, offset); });
    }
    std::int64_t count_logs(const LogFilter& filter) override {
        return traced("db.count_logs", [&] { return inner_->count_logs(filter); });
    }
    std::vector<LogRecord> logs_after_id(std::int64_t after_id, const LogFilter& filter,
                                         int limit) override {
        return traced("db.logs_after_id",
                      [&] { return inner_->logs_after_id(after_id, filter, limit); });
    }
    std::int64_t max_log_id() override {
        return traced("db.max_log_id", [&] { return inner_->max_log_id(); });
    }
    std::vector<HistogramBucket> histogram(const LogFilter& filter, int interval_minutes) override {
        return traced("db.histogram", [&] { return inner_->histogram(filter, interval_minutes); });
    }
    LogStats log_stats() override {
        return traced("db.log_stats", [&] { return inner_->log_stats(); });
    }
    std::vector<BountyRecord> bounties(const BountyFilter& filter, int limit, int offset) override {
        return traced("db.bounties", [&] { return inner_->bounties(filter, limit, offset); });
    }
    std::int64_t count_bounties(const BountyFilter& filter) override {
        return traced("db.count_bounties", [&] { return inner_->count_bounties(filter); });
    }
    std::int64_t count_dead_letters() override {
        return traced("db.count_dead_letters", [&] { return inner_->count_dead_letters(); });
    }
    std::vector<AttackerRecord> attackers(const AttackerFilter& filter, AttackerSort sort,
                                          int limit, int offset) override {
        return traced("db.attackers",
                      [&] { return inner_->attackers(filter, sort, limit, offset); });
    }
    std::int64_t count_attackers(const AttackerFilter& filter) override {
        return traced("db.count_attackers", [&] { return inner_->count_attackers(filter); });
    }
    std::optional<AttackerRecord> attacker(const std::string& uuid) override {
        return traced("db.attacker", [&] { return inner_->attacker(uuid); });
    }
    std::optional<AttackerRecord> attacker_by_ip(const std::string& ip) override {
        return traced("db.attacker_by_ip", [&] { return inner_->attacker_by_ip(ip); });
    }
    std::vector<std::pair<std::string, AttackerBehaviorRecord>> attacker_behaviors_by_ip(
        const std::vector<std::string>& ips) override {
        return traced("db.attacker_behaviors_by_ip",
                      [&] { return inner_->attacker_behaviors_by_ip(ips); });
    }
    std::optional<AttackerBehaviorRecord> attacker_behavior(const std::string& uuid) override {
        return traced("db.attacker_behavior", [&] { return inner_->attacker_behavior(uuid); });
    }
    std::optional<std::string> attacker_commands(const std::string& uuid) override {
        return traced("db.attacker_commands", [&] { return inner_->attacker_commands(uuid); });
    }
    void upsert_attacker(const AttackerRecord& attacker,
                         const std::optional<AttackerBehaviorRecord>& behavior) override {
        traced("db.upsert_attacker", [&] { inner_->upsert_attacker(attacker, behavior); });
    }
    std::optional<UserRecord> get_user_by_username(const std::string& username) override {
        return traced("db.get_user_by_username",
                      [&] { return inner_->get_user_by_username(username); });
    }
    std::optional<UserRecord> get_user_by_uuid(const std::string& uuid) override {
        return traced("db.get_user_by_uuid", [&] { return inner_->get_user_by_uuid(uuid); });
    }
    std::vector<UserRecord> list_users() override {
        return traced("db.list_users", [&] { return inner_->list_users(); });
    }
    bool create_user(const UserRecord& user) override {
        return traced("db.create_user", [&] { return inner_->create_user(user); });
    }
    bool update_password(const std::string& uuid, const std::string& password_hash,
                         bool must_change_password) override {
        return traced("db.update_password", [&] {
            return inner_->update_password(uuid, password_hash, must_change_password);
        });
    }
    bool update_role(const std::string& uuid, const std::string& role) override {
        return traced("db.update_role", [&] { return inner_->update_role(uuid, role); });
    }
    bool delete_user(const std::string& uuid) override {
        return traced("db.delete_user", [&] { return inner_->delete_user(uuid); });
    }
    std::vector<BountyRecord> bounties_after_id(std::int64_t after_id, int limit) override {
        return traced("db.bounties_after_id",
                      [&] { return inner_->bounties_after_id(after_id, limit); });
    }
    void replace_identities(const std::vector<IdentityRecord>& identities) override {
        traced(
            "db.replace_identities", [&] { inner_->replace_identities(identities); },
            identities.size());
    }
    std::vector<IdentityRecord> identities(int limit, int offset) override {
        return traced("db.identities", [&] { return inner_->identities(limit, offset); });
    }
    std::int64_t count_identities() override {
        return traced("db.count_identities", [&] { return inner_->count_identities(); });
    }
    std::optional<IdentityRecord> identity(const std::string& id) override {
        return traced("db.identity", [&] { return inner_->identity(id); });
    }
    std::vector<std::pair<std::string, std::string>> identity_ids_by_ip(
        const std::vector<std::string>& ips) override {
        return traced("db.identity_ids_by_ip", [&] { return inner_->identity_ids_by_ip(ips); });
    }
    PurgeCounts purge_data() override {
        return traced("db.purge_data", [&] { return inner_->purge_data(); });
    }
    std::optional<std::string> get_state(const std::string& key) override {
        return traced("db.get_state", [&] { return inner_->get_state(key); });
    }
    void set_state(const std::string& key, const std::string& json) override {
        traced("db.set_state", [&] { inner_->set_state(key, json); });
    }
    // Not traced: the API's response caches ask on every request, and the backend answers
    // from a 1 ms memo most of the time — a span here would double the spans per request
    // and show a "DB call" where there is none.
    std::optional<std::uint64_t> data_version() override { return inner_->data_version(); }

  private:
    // `rows_in` (batch writes) is known before the call; a list answer gives db.rows after.
    template <class Call>
    auto traced(std::string_view name, Call&& call, std::size_t rows_in = 0) -> decltype(call()) {
        if (!telemetry::tracing_enabled()) return call();
        return traced_slow(name, std::forward<Call>(call), rows_in);
    }

    template <class Call>
    auto traced_slow(std::string_view name, Call&& call, std::size_t rows_in) -> decltype(call()) {
        telemetry::Span span(name, telemetry::SpanKind::client);
        if (span.recording()) {
            // "db." is four characters: the rest is the operation.
            span.set_attributes({{"db.system", system_}, {"db.operation", name.substr(3)}});
            if (rows_in != 0) span.set_attribute("db.rows", rows_in);
        }
        try {
            if constexpr (std::is_void_v<decltype(call())>) {
                call();
            } else {
                auto result = call();
                if constexpr (is_vector<decltype(result)>::value)
                    span.set_attribute("db.rows", result.size());
                return result;
            }
        } catch (const std::exception& error) {
            span.record_exception(error);
            throw;
        }
    }

    std::unique_ptr<Repository> inner_;
    std::string system_;
};

}  // namespace

std::unique_ptr<Repository> make_traced_repository(std::unique_ptr<Repository> inner,
                                                   std::string db_system) {
    return std::make_unique<TracedRepository>(std::move(inner), std::move(db_system));
}

}  // namespace decnet::store
