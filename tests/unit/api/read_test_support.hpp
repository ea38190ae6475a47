// Shared by the read-resource and fleet tests: a real SQLite store in a temp dir behind a
// Repository decorator that counts calls (the cache rules of api.md §7 are about how
// often the store is asked), a fixed network detector, and direct route calls that turn
// ApiError into a response like the router does.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "api/api_context.hpp"
#include "api/db_fleet_control.hpp"
#include "api/resources/read_caches.hpp"
#include "api/resources/read_resources.hpp"
#include "engine/network_detect.hpp"
#include "store/sqlite/sqlite_repository.hpp"

namespace decnet::api::read_test {

// Forwards everything to a real store and counts the read calls the caches guard.
class CountingRepository : public store::Repository {
  public:
    explicit CountingRepository(store::Repository& inner) : inner_(inner) {}

    std::atomic<int> logs_calls{0}, count_logs_calls{0}, histogram_calls{0}, log_stats_calls{0};
    std::atomic<int> bounties_calls{0}, count_bounties_calls{0};
    std::atomic<int> attackers_calls{0}, count_attackers_calls{0}, behavior_bulk_calls{0};
    std::atomic<int> get_state_calls{0};
    std::mutex filters_mutex;
    std::vector<store::LogFilter> count_log_filters;
    std::vector<store::AttackerFilter> count_attacker_filters;
    // Slows the counted reads so concurrent callers really overlap.
    std::chrono::milliseconds delay{0};

    void migrate() override { inner_.migrate(); }
    void insert_logs(std::span<store::LogRecord> rows) override { inner_.insert_logs(rows); }
    std::size_t insert_bounties(std::span<store::BountyRecord> rows) override {
        return inner_.insert_bounties(rows);
    }
    void insert_dead_letter(const store::DeadLetter& row) override {
        inner_.insert_dead_letter(row);
    }
    std::vector<store::LogRecord> logs(const store::LogFilter& f, int l, int o) override {
        ++logs_calls;
        return inner_.logs(f, l, o);
    }
    std::int64_t count_logs(const store::LogFilter& f) override {
        ++count_logs_calls;
        {
            std::lock_guard lock(filters_mutex);
            count_log_filters.push_back(f);
        }
        pause();
        return inner_.count_logs(f);
    }
    std::vector<store::LogRecord> logs_after_id(std::int64_t a, const store::LogFilter& f,
                                                int l) override {
        return inner_.logs_after_id(a, f, l);
    }
    std::int64_t max_log_id() override { return inner_.max_log_id(); }
    std::vector<store::HistogramBucket> histogram(const store::LogFilter& f, int i) override {
        ++histogram_calls;
        pause();
        return inner_.histogram(f, i);
    }
    store::LogStats log_stats() override {
        ++log_stats_calls;
        pause();
        return inner_.log_stats();
    }
    std::vector<store::BountyRecord> bounties(const store::BountyFilter& f, int l, int o) override {
        ++bounties_calls;
        pause();
        return inner_.bounties(f, l, o);
    }
    std::int64_t count_bounties(const store::BountyFilter& f) override {
        ++count_bounties_calls;
        return inner_.count_bounties(f);
    }
    std::int64_t count_dead_letters() override { return inner_.count_dead_letters(); }
    std::vector<store::AttackerRecord> attackers(const store::AttackerFilter& f,
                                                 store::AttackerSort s, int l, int o) override {
        ++attackers_calls;
        return inner_.attackers(f, s, l, o);
    }
    std::int64_t count_attackers(const store::AttackerFilter& f) override {
        ++count_attackers_calls;
        {
            std::lock_guard lock(filters_mutex);
            count_attacker_filters.push_back(f);
        }
        pause();
        return inner_.count_attackers(f);
    }
    std::optional<store::AttackerRecord> attacker(const std::string& u) override {
        return inner_.attacker(u);
    }
    std::vector<std::pair<std::string, store::AttackerBehaviorRecord>> attacker_behaviors_by_ip(
        const std::vector<std::string>& ips) override {
        ++behavior_bulk_calls;
        return inner_.attacker_behaviors_by_ip(ips);
    }
    std::optional<store::AttackerBehaviorRecord> attacker_behavior(const std::string& u) override {
        return inner_.attacker_behavior(u);
    }
    std::optional<std::string> attacker_commands(const std::string& u) override {
        return inner_.attacker_commands(u);
    }
    void upsert_attacker(const store::AttackerRecord& a,
                         const std::optional<store::AttackerBehaviorRecord>& b) override {
        inner_.upsert_attacker(a, b);
    }
    void replace_identities(const std::vector<store::IdentityRecord>& r) override {
        inner_.replace_identities(r);
    }
    std::vector<store::IdentityRecord> identities(int l, int o) override {
        return inner_.identities(l, o);
    }
    std::int64_t count_identities() override { return inner_.count_identities(); }
    std::optional<store::IdentityRecord> identity(const std::string& id) override {
        return inner_.identity(id);
    }
    std::vector<std::pair<std::string, std::string>> identity_ids_by_ip(
        const std::vector<std::string>& ips) override {
        return inner_.identity_ids_by_ip(ips);
    }
    std::optional<store::UserRecord> get_user_by_username(const std::string& n) override {
        return inner_.get_user_by_username(n);
    }
    std::optional<store::UserRecord> get_user_by_uuid(const std::string& u) override {
        return inner_.get_user_by_uuid(u);
    }
    std::vector<store::UserRecord> list_users() override { return inner_.list_users(); }
    bool create_user(const store::UserRecord& u) override { return inner_.create_user(u); }
    bool update_password(const std::string& u, const std::string& h, bool m) override {
        return inner_.update_password(u, h, m);
    }
    bool update_role(const std::string& u, const std::string& r) override {
        return inner_.update_role(u, r);
    }
    bool delete_user(const std::string& u) override { return inner_.delete_user(u); }
    store::PurgeCounts purge_data() override { return inner_.purge_data(); }
    std::optional<std::string> get_state(const std::string& k) override {
        ++get_state_calls;
        pause();
        return inner_.get_state(k);
    }
    void set_state(const std::string& k, const std::string& v) override { inner_.set_state(k, v); }
    // Off by default: the §7 tests count the store calls behind the TTL caches, which the
    // exact response cache in front would otherwise absorb.
    std::atomic<bool> versioned{false};
    std::atomic<int> data_version_calls{0};
    std::optional<std::uint64_t> data_version() override {
        ++data_version_calls;
        return versioned ? inner_.data_version() : std::nullopt;
    }

  private:
    void pause() const {
        if (delay.count() > 0) std::this_thread::sleep_for(delay);
    }
    store::Repository& inner_;
};

// A LAN that needs no `ip` command.
class FixedNetwork : public engine::NetworkDetector {
  public:
    std::string default_interface() override { return "eth0"; }
    std::string subnet_of(const std::string&) override { return "192.168.1.0/24"; }
    std::string default_gateway() override { return "192.168.1.1"; }
    std::string host_ip_of(const std::string&) override { return "192.168.1.5"; }
};

// A store, the counting decorator, a DB fleet and a context, per test.
class ReadApiTest : public ::testing::Test {
  protected:
    ReadApiTest() {
        char pattern[] = "/tmp/decnet-apiread-XXXXXX";
        dir_ = ::mkdtemp(pattern);
        store::SqliteOptions options;
        options.background_indexing = false;
        store_ = std::make_unique<store::SqliteRepository>(dir_ + "/t.db", options);
        repo_ = std::make_unique<CountingRepository>(*store_);
        fleet_ = std::make_unique<DbFleetControl>(*repo_, network_);
        context_ = std::make_unique<ApiContext>(ApiContext{*repo_, {}});
        context_->fleet = fleet_.get();
    }
    ~ReadApiTest() override {
        context_.reset();
        fleet_.reset();
        repo_.reset();
        store_.reset();
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    // Short TTLs for expiry tests; call before routes().
    void use_ttls(const ReadCacheTtls& ttls) {
        context_->read_caches = std::make_shared<ReadCaches>(ttls);
    }

    // Thread-safe: concurrent first calls must share one set of routes (and so one set of
    // caches); building them twice made the single-flight tests see two loads.
    const Route& route(const std::string& method, const std::string& pattern) {
        std::call_once(routes_built_, [&] { routes_ = read_resource_routes(*context_); });
        for (const auto& r : routes_)
            if (r.method == method && r.pattern == pattern) return r;
        throw std::runtime_error("no route " + method + " " + pattern);
    }

    // Calls the handler like the router would after auth passed.
    Response call(const std::string& method, const std::string& pattern,
                  std::vector<std::pair<std::string, std::string>> query = {},
                  std::map<std::string, std::string> path_params = {}, std::string body = {}) {
        const Route& r = route(method, pattern);
        Request request;
        request.method = method;
        request.path = pattern;
        request.query = std::move(query);
        request.path_params = std::move(path_params);
        request.body = std::move(body);
        if (!request.body.empty()) request.headers["content-type"] = "application/json";
        Principal admin{"uuid-admin", "admin", "admin", false, std::nullopt};
        try {
            auto response = r.handler(request, admin);
            // What the server sends: a cached body is shared, the tests read `body`.
            if (response.shared_body) response.body = *std::exchange(response.shared_body, {});
            return response;
        } catch (const ApiError& e) {
            return Response::detail(e.status, e.detail);
        }
    }
    Response get(const std::string& pattern,
                 std::vector<std::pair<std::string, std::string>> query = {},
                 std::map<std::string, std::string> path_params = {}) {
        return call("GET", pattern, std::move(query), std::move(path_params));
    }
    static nlohmann::json body(const Response& response) {
        return nlohmann::json::parse(response.body);
    }
    static std::string detail(const Response& response) {
        return body(response).at("detail").get<std::string>();
    }

    void insert_logs(std::vector<store::LogRecord> rows) { store_->insert_logs(rows); }

    // Runs `n` concurrent calls of `fn` released together.
    template <class Fn>
    static void concurrently(int n, Fn fn) {
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        for (int i = 0; i < n; ++i)
            threads.emplace_back([&] {
                while (!go) std::this_thread::yield();
                fn();
            });
        go = true;
        for (auto& t : threads) t.join();
    }

    std::string dir_;
    FixedNetwork network_;
    std::unique_ptr<store::SqliteRepository> store_;
    std::unique_ptr<CountingRepository> repo_;
    std::unique_ptr<DbFleetControl> fleet_;
    std::unique_ptr<ApiContext> context_;
    std::once_flag routes_built_;
    std::vector<Route> routes_;
};

inline store::LogRecord log_row(const std::string& timestamp, const std::string& service,
                                const std::string& ip, const std::string& raw,
                                const std::string& fields = "{}") {
    store::LogRecord r;
    r.timestamp = timestamp;
    r.decky = "decky-01";
    r.service = service;
    r.event_type = "login_attempt";
    r.attacker_ip = ip;
    r.raw_line = raw;
    r.fields = fields;
    return r;
}

// Values an attacker might put in any query parameter.
inline std::vector<std::string> hostile_values() {
    return {"' OR 1=1 --",
            "\"; DROP TABLE logs; --",
            "%",
            "_",
            "\\",
            "a' UNION SELECT * FROM users --",
            "); DELETE FROM logs WHERE (1=1",
            "\x01\x02\xff\xfe",
            std::string(100'000, 'x')};
}

}  // namespace decnet::api::read_test
