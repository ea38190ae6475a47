// The profiler against a real SQLite file (intel.md §6, check 60): incremental profiles,
// the persisted cursor, restarts that continue profiles, bounded memory, intel services
// kept out of counts, traversal_detected once.
#include "intel/profiler/profile_worker.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "store/ingest/ingester.hpp"

namespace decnet::intel {
namespace {

using ::testing::ElementsAre;

class TempDb {
  public:
    TempDb() {
        path_ = std::filesystem::temp_directory_path() /
                ("decnet-profiler-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
        remove();
        repository = store::open_sqlite(path_.string());
    }
    ~TempDb() {
        repository.reset();
        remove();
    }
    // The rows go through the ingester's own store step: logs, then their bounties.
    void store(std::vector<store::LogRecord> rows) {
        store::Ingester ingester(*repository);
        ingester.store(rows, "test");
    }
    std::unique_ptr<store::Repository> repository;

  private:
    void remove() {
        for (const char* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(path_.string() + suffix);
    }
    std::filesystem::path path_;
};

store::LogRecord row(int second, const std::string& ip, const std::string& decky,
                     const std::string& service, const std::string& type,
                     nlohmann::ordered_json fields = nlohmann::ordered_json::object()) {
    char ts[64];
    std::snprintf(ts, sizeof ts, "2026-04-04 10:%02d:%02d.000000", second / 60, second % 60);
    store::LogRecord r;
    r.timestamp = ts;
    r.decky = decky;
    r.service = service;
    r.event_type = type;
    r.attacker_ip = ip;
    if (!fields.contains("src_ip") && service != "prober") fields["src_ip"] = ip;
    r.fields = fields.dump();
    r.raw_line = "<134>1 - " + decky + " " + service + " - " + type + " -";
    return r;
}

store::AttackerRecord attacker(store::Repository& repository, const std::string& ip) {
    auto found = repository.attacker_by_ip(ip);
    EXPECT_TRUE(found) << ip;
    return found.value_or(store::AttackerRecord{});
}

nlohmann::json parsed(const std::string& text) {
    return nlohmann::json::parse(text);
}

TEST(Profiler, Check60ThreeRowsThreeAttackersAndTheCursor) {
    TempDb db;
    db.store({row(0, "10.0.0.1", "decky-01", "ssh", "connection"),
              row(1, "10.0.0.2", "decky-01", "http", "request"),
              row(2, "10.0.0.3", "decky-02", "ftp", "connection")});
    ProfileWorker worker(*db.repository);
    EXPECT_EQ(worker.catch_up(db.repository->max_log_id()), 3u);
    EXPECT_EQ(db.repository->count_attackers({}), 3);
    EXPECT_EQ(db.repository->get_state("attacker_worker_cursor").value_or(""),
              R"({"last_log_id":3})");
    const auto a = attacker(*db.repository, "10.0.0.2");
    EXPECT_EQ(a.event_count, 1);
    EXPECT_EQ(a.services, R"(["http"])");
    EXPECT_EQ(a.deckies, R"(["decky-01"])");
    EXPECT_FALSE(a.is_traversal);
    EXPECT_FALSE(a.traversal_path);
    EXPECT_EQ(a.first_seen, "2026-04-04 10:00:01.000000");
    EXPECT_EQ(a.uuid.size(), 36u);
}

TEST(Profiler, Check60AFullPageIsFollowedByTheNext) {
    TempDb db;
    std::vector<store::LogRecord> rows;
    for (int i = 0; i < 501; ++i) rows.push_back(row(i % 3600, "10.0.0.9", "decky-01", "ssh", "x"));
    db.store(rows);
    ProfileWorker worker(*db.repository);
    EXPECT_EQ(worker.catch_up(db.repository->max_log_id()), 501u);
    EXPECT_EQ(attacker(*db.repository, "10.0.0.9").event_count, 501);
    EXPECT_EQ(worker.stats().cursor, 501);
}

TEST(Profiler, Check60SecondDeckyInALaterBatchMakesATraversal) {
    TempDb db;
    std::vector<Event> published;
    ProfileWorkerOptions options;
    options.publish = [&](Event e) { published.push_back(std::move(e)); };
    ProfileWorker worker(*db.repository, options);
    db.store({row(0, "10.0.0.5", "decky-01", "ssh", "connection")});
    worker.catch_up(db.repository->max_log_id());
    EXPECT_TRUE(published.empty());
    db.store({row(30, "10.0.0.5", "decky-02", "http", "request"),
              row(40, "10.0.0.5", "decky-03", "http", "request")});
    worker.catch_up(db.repository->max_log_id());
    const auto a = attacker(*db.repository, "10.0.0.5");
    EXPECT_TRUE(a.is_traversal);
    EXPECT_EQ(a.decky_count, 3);
    EXPECT_EQ(a.deckies, R"(["decky-01", "decky-02", "decky-03"])");
    EXPECT_EQ(a.traversal_path.value_or(""), "decky-01 \u2192 decky-02 \u2192 decky-03");
    EXPECT_EQ(a.services, R"(["http", "ssh"])");
    // Announced once, when the second decky was reached (both rows came in one batch).
    ASSERT_EQ(published.size(), 1u);
    const auto& e = published[0];
    EXPECT_EQ(e.event_type, "traversal_detected");
    EXPECT_EQ(e.service, "correlator");
    EXPECT_EQ(e.decky, "decnet-correlator");
    EXPECT_EQ(e.severity, Severity::warning);
    EXPECT_EQ(*e.find("attacker_ip"), "10.0.0.5");
    EXPECT_EQ(*e.find("deckies"), "decky-01,decky-02,decky-03");
    EXPECT_EQ(*e.find("first_seen"), "2026-04-04T10:00:00+00:00");
    EXPECT_EQ(*e.find("duration_s"), "40");
    EXPECT_EQ(*e.find("hop_count"), "3");
    db.store({row(50, "10.0.0.5", "decky-04", "ssh", "connection")});
    worker.catch_up(db.repository->max_log_id());
    EXPECT_EQ(published.size(), 1u);
}

TEST(Profiler, Check60BountyCountsAndFingerprints) {
    TempDb db;
    db.store(
        {row(0, "10.0.0.7", "decky-01", "ftp", "auth", {{"username", "root"}, {"password", "a"}}),
         row(1, "10.0.0.7", "decky-01", "ftp", "auth", {{"username", "root"}, {"password", "b"}}),
         row(2, "10.0.0.7", "decky-01", "http", "request",
             {{"method", "GET"}, {"path", "/"}, {"headers", {{"User-Agent", "curl/8.0"}}}})});
    ProfileWorker worker(*db.repository);
    worker.catch_up(db.repository->max_log_id());
    const auto a = attacker(*db.repository, "10.0.0.7");
    EXPECT_EQ(a.bounty_count, 3);
    EXPECT_EQ(a.credential_count, 2);
    const auto fingerprints = parsed(a.fingerprints);
    ASSERT_EQ(fingerprints.size(), 1u);
    EXPECT_EQ(fingerprints[0]["bounty_type"], "fingerprint");
    EXPECT_EQ(fingerprints[0]["payload"]["value"], "curl/8.0");
    EXPECT_EQ(fingerprints[0]["attacker_ip"], "10.0.0.7");
}

TEST(Profiler, CommandsInEventOrder) {
    TempDb db;
    db.store({row(0, "10.0.0.8", "decky-01", "telnet", "command", {{"cmd", "uname -a"}}),
              row(1, "10.0.0.8", "decky-02", "redis", "command", {{"cmd", "CONFIG"}}),
              row(2, "10.0.0.8", "decky-02", "redis", "connect", {{"cmd", "not a command"}})});
    ProfileWorker worker(*db.repository);
    worker.catch_up(db.repository->max_log_id());
    const auto a = attacker(*db.repository, "10.0.0.8");
    EXPECT_EQ(a.commands,
              R"([{"service":"telnet","decky":"decky-01","command":"uname -a",)"
              R"("timestamp":"2026-04-04T10:00:00+00:00"},{"service":"redis","decky":"decky-02",)"
              R"("command":"CONFIG","timestamp":"2026-04-04T10:00:01+00:00"}])");
}

// The reference rebuilt a profile from post-restart events only; here a new worker on
// the same store continues it.
TEST(Profiler, ARestartNeverShrinksAProfile) {
    TempDb db;
    db.store({row(0, "10.0.0.4", "decky-01", "ssh", "connection"),
              row(1, "10.0.0.4", "decky-01", "telnet", "command", {{"cmd", "id"}}),
              row(2, "10.0.0.4", "decky-02", "http", "request")});
    std::string uuid;
    {
        ProfileWorker first(*db.repository);
        first.catch_up(db.repository->max_log_id());
        uuid = attacker(*db.repository, "10.0.0.4").uuid;
    }
    db.store({row(10, "10.0.0.4", "decky-03", "ftp", "connection"),
              row(11, "10.0.0.4", "decky-01", "telnet", "command", {{"cmd", "whoami"}})});
    std::vector<Event> published;
    ProfileWorkerOptions options;
    options.publish = [&](Event e) { published.push_back(std::move(e)); };
    ProfileWorker second(*db.repository, options);
    EXPECT_EQ(second.stats().cursor, 3);
    EXPECT_EQ(second.catch_up(db.repository->max_log_id()), 2u);
    const auto a = attacker(*db.repository, "10.0.0.4");
    EXPECT_EQ(a.uuid, uuid);
    EXPECT_EQ(a.event_count, 5);
    EXPECT_EQ(a.services, R"(["ftp", "http", "ssh", "telnet"])");
    EXPECT_EQ(a.deckies, R"(["decky-01", "decky-02", "decky-03"])");
    EXPECT_EQ(a.first_seen, "2026-04-04 10:00:00.000000");
    EXPECT_EQ(a.last_seen, "2026-04-04 10:00:11.000000");
    EXPECT_EQ(parsed(a.commands).size(), 2u);
    EXPECT_EQ(db.repository->count_attackers({}), 1);
    EXPECT_TRUE(published.empty());  // the traversal was announced before the restart
    // Nothing new: a third worker changes nothing.
    ProfileWorker third(*db.repository);
    EXPECT_EQ(third.catch_up(db.repository->max_log_id()), 0u);
    EXPECT_EQ(attacker(*db.repository, "10.0.0.4").event_count, 5);
}

TEST(Profiler, AttackTechniquesAreCountedAndSurviveARestart) {
    TempDb db;
    auto login = row(0, "10.0.0.5", "decky-01", "ssh", "auth");
    login.tags = "T1078,T1110";
    auto shell = row(1, "10.0.0.5", "decky-01", "ssh", "command", {{"cmd", "uname"}});
    shell.tags = "T1059.004,T1082";
    db.store({login, shell, row(2, "10.0.0.5", "decky-01", "ssh", "connect")});
    {
        ProfileWorker first(*db.repository);
        first.catch_up(db.repository->max_log_id());
    }
    EXPECT_EQ(attacker(*db.repository, "10.0.0.5").attack_techniques,
              R"({"T1059.004":1,"T1078":1,"T1082":1,"T1110":1})");
    auto again = row(3, "10.0.0.5", "decky-01", "ssh", "auth");
    again.tags = "T1110";
    db.store({again});
    ProfileWorker second(*db.repository);
    second.catch_up(db.repository->max_log_id());
    EXPECT_EQ(attacker(*db.repository, "10.0.0.5").attack_techniques,
              R"({"T1059.004":1,"T1078":1,"T1082":1,"T1110":2})");
}

TEST(Profiler, SnifferAndProberFeedFingerprintsOnly) {
    TempDb db;
    db.store({row(0, "10.0.0.6", "decky-01", "ssh", "connection"),
              row(1, "10.0.0.6", "decky-01", "sniffer", "tls_client_hello",
                  {{"ja3", "abc"}, {"ja4", "t13"}}),
              row(2, "10.0.0.6", "decnet-prober", "prober", "jarm_fingerprint",
                  {{"target_ip", "10.0.0.6"}, {"target_port", "443"}, {"jarm_hash", "00ff"}})});
    ProfileWorker worker(*db.repository);
    worker.catch_up(db.repository->max_log_id());
    const auto a = attacker(*db.repository, "10.0.0.6");
    EXPECT_EQ(a.event_count, 1);
    EXPECT_EQ(a.services, R"(["ssh"])");
    EXPECT_EQ(a.deckies, R"(["decky-01"])");
    EXPECT_FALSE(a.is_traversal);
    EXPECT_EQ(a.last_seen, "2026-04-04 10:00:00.000000");
    EXPECT_EQ(parsed(a.fingerprints).size(), 2u);  // ja3 and jarm
}

TEST(Profiler, MemoryStaysBoundedWithManyAttackers) {
    TempDb db;
    constexpr int kAttackers = 20000;
    std::vector<store::LogRecord> rows;
    for (int i = 0; i < kAttackers; ++i)
        rows.push_back(row(i % 3600,
                           "10." + std::to_string(i / 65536 % 256) + "." +
                               std::to_string(i / 256 % 256) + "." + std::to_string(i % 256),
                           "decky-01", "ssh", "connection"));
    db.store(rows);
    ProfileWorkerOptions options;
    options.max_cached_profiles = 500;
    options.max_cache_bytes = 256 * 1024;
    ProfileWorker worker(*db.repository, options);
    worker.catch_up(db.repository->max_log_id());
    const auto stats = worker.stats();
    EXPECT_LE(stats.cached, 500u);
    EXPECT_LE(stats.cache_bytes, 256u * 1024);
    EXPECT_GT(stats.evicted, 0u);
    EXPECT_EQ(db.repository->count_attackers({}), kAttackers);
    // An evicted attacker comes back from its row and keeps counting.
    db.store({row(5, "10.0.0.0", "decky-02", "http", "request")});
    worker.catch_up(db.repository->max_log_id());
    const auto a = attacker(*db.repository, "10.0.0.0");
    EXPECT_EQ(a.event_count, 2);
    EXPECT_EQ(a.decky_count, 2);
    EXPECT_EQ(db.repository->count_attackers({}), kAttackers);
}

// Check 58 through the worker: phases, large payloads, and a restart that continues them.
TEST(Profiler, BehaviourRowPhasesAndTiming) {
    TempDb db;
    db.store({row(0, "10.0.1.1", "decky-01", "ssh", "scan"),
              row(10, "10.0.1.1", "decky-01", "ssh", "login_attempt"),
              row(20, "10.0.1.1", "decky-01", "ssh", "auth_failure", {{"bytes", "2097152"}}),
              row(120, "10.0.1.1", "decky-01", "ssh", "exec", {{"size", 10485760}}),
              row(150, "10.0.1.1", "decky-01", "ssh", "download", {{"bytes", "500"}})});
    {
        ProfileWorker worker(*db.repository);
        worker.catch_up(db.repository->max_log_id());
    }
    const auto a = attacker(*db.repository, "10.0.1.1");
    auto b = db.repository->attacker_behavior(a.uuid);
    ASSERT_TRUE(b);
    EXPECT_EQ(
        b->phase_sequence,
        R"({"recon_end_ts": "2026-04-04T10:00:20+00:00", "exfil_start_ts": )"
        R"("2026-04-04T10:02:00+00:00", "exfil_latency_s": 100.0, "large_payload_count": 2})");
    EXPECT_EQ(
        b->timing_stats,
        R"({"event_count": 5, "duration_s": 150.0, "mean_iat_s": 37.5, "median_iat_s": 20.0, )"
        R"("stdev_iat_s": 36.997, "min_iat_s": 10.0, "max_iat_s": 100.0, "cv": 0.9866})");
    EXPECT_EQ(b->behavior_class.value_or(""), "mixed");
    EXPECT_EQ(b->tool_guesses.value_or(""), "[]");
    // After a restart the times come back from the store: one more event extends them.
    db.store({row(210, "10.0.1.1", "decky-01", "http", "request",
                  {{"headers", {{"User-Agent", "Nikto/2.5"}}}})});
    ProfileWorker again(*db.repository);
    again.catch_up(db.repository->max_log_id());
    b = db.repository->attacker_behavior(a.uuid);
    ASSERT_TRUE(b);
    EXPECT_THAT(b->timing_stats,
                ::testing::StartsWith(R"({"event_count": 6, "duration_s": 210.0,)"));
    EXPECT_THAT(b->phase_sequence, ::testing::HasSubstr(R"("large_payload_count": 2})"));
    EXPECT_EQ(b->tool_guesses.value_or(""), R"(["nikto"])");
}

store::AttackerBehaviorRecord behaviour_of(TempDb& db, const std::string& ip) {
    ProfileWorker worker(*db.repository);
    worker.catch_up(db.repository->max_log_id());
    return db.repository->attacker_behavior(attacker(*db.repository, ip).uuid)
        .value_or(store::AttackerBehaviorRecord{});
}

store::LogRecord syn(int second, const std::string& ip, const std::string& os,
                     const std::string& ttl, const std::string& hops, const std::string& window) {
    return row(second, ip, "decky-01", "sniffer", "tcp_syn_fingerprint",
               {{"os_guess", os},
                {"ttl", ttl},
                {"hop_distance", hops},
                {"window", window},
                {"wscale", "7"},
                {"mss", "1460"},
                {"options_sig", "M,S,T,N,W"},
                {"has_sack", "true"},
                {"has_timestamps", "false"}});
}

// Check 59: the sniffer and prober rollup.
TEST(Profiler, Check59SnifferRollup) {
    {
        TempDb db;
        db.store(
            {row(0, "10.0.2.1", "decky-01", "ssh", "connection"),
             syn(1, "10.0.2.1", "linux", "61", "3", "29200"),
             syn(2, "10.0.2.1", "linux", "61", "3", "29200"),
             syn(3, "10.0.2.1", "windows", "120", "8", "64240"),
             row(4, "10.0.2.1", "decky-01", "sniffer", "tcp_flow_timing", {{"retransmits", "2"}}),
             row(5, "10.0.2.1", "decky-01", "sniffer", "tcp_flow_timing", {{"retransmits", "5"}}),
             row(6, "10.0.2.1", "decky-01", "sniffer", "tcp_flow_timing", {{"retransmits", "0"}})});
        const auto b = behaviour_of(db, "10.0.2.1");
        EXPECT_EQ(b.os_guess.value_or(""), "linux");
        EXPECT_EQ(b.hop_distance.value_or(-1), 3);
        EXPECT_EQ(b.retransmit_count, 7);
        EXPECT_EQ(b.tcp_fingerprint,
                  R"({"window": 64240, "wscale": 7, "mss": 1460, "options_sig": "M,S,T,N,W", )"
                  R"("has_sack": true, "has_timestamps": false})");
    }
    for (const auto& [ttl, os] : std::vector<std::pair<std::string, std::string>>{
             {"64", "linux"}, {"128", "windows"}, {"255", "embedded"}}) {
        TempDb db;
        db.store({row(0, "10.0.2.2", "decky-01", "ssh", "connection"),
                  syn(1, "10.0.2.2", "unknown", ttl, "0", "1024")});
        const auto b = behaviour_of(db, "10.0.2.2");
        EXPECT_EQ(b.os_guess.value_or(""), os) << ttl;
        EXPECT_FALSE(b.hop_distance) << ttl;  // hop "0" only
    }
    {
        TempDb db;
        db.store({row(0, "10.0.2.3", "decky-01", "ssh", "connection"),
                  row(1, "10.0.2.3", "decnet-prober", "prober", "tcpfp_fingerprint",
                      {{"target_ip", "10.0.2.3"},
                       {"ttl", "121"},
                       {"window_size", "8192"},
                       {"window_scale", "8"},
                       {"mss", "1460"},
                       {"options_order", "M,N,W,N,N,S"},
                       {"sack_ok", "1"},
                       {"timestamp", "0"}})});
        const auto b = behaviour_of(db, "10.0.2.3");
        EXPECT_EQ(b.os_guess.value_or(""), "windows");
        EXPECT_EQ(b.hop_distance.value_or(-1), 7);
        EXPECT_EQ(b.tcp_fingerprint,
                  R"({"window": 8192, "wscale": 8, "mss": 1460, "options_sig": "M,N,W,N,N,S", )"
                  R"("has_sack": true, "has_timestamps": false})");
    }
    {
        TempDb db;
        db.store({syn(0, "10.0.2.4", "nmap", "64", "1", "1024"),
                  syn(1, "10.0.2.4", "nmap", "64", "1", "1024")});
        const auto b = behaviour_of(db, "10.0.2.4");
        EXPECT_EQ(b.tool_guesses.value_or(""), R"(["nmap"])");
        EXPECT_EQ(b.behavior_class.value_or(""), "unknown");
    }
}

// Two profilers on one store: the second waits while the first holds the lease, and
// takes over (from the first's cursor) once it is given back.
TEST(Profiler, OneProfilerPerStore) {
    TempDb db;
    db.store({row(0, "10.0.3.1", "decky-01", "ssh", "connection")});
    auto first = std::make_unique<ProfileWorker>(*db.repository);
    ProfileWorker second(*db.repository);
    EXPECT_EQ(first->catch_up(db.repository->max_log_id()), 1u);
    db.store({row(1, "10.0.3.1", "decky-01", "ssh", "connection")});
    EXPECT_EQ(second.catch_up(db.repository->max_log_id()), 0u);
    EXPECT_EQ(second.stats().waiting_for_lease, 1u);
    EXPECT_EQ(attacker(*db.repository, "10.0.3.1").event_count, 1);
    first.reset();
    EXPECT_EQ(second.catch_up(db.repository->max_log_id()), 1u);
    EXPECT_EQ(attacker(*db.repository, "10.0.3.1").event_count, 2);
}

// A lease row of the wrong shape (another version, a hand edit) is taken over, not thrown.
TEST(Profiler, AGarbledLeaseIsTakenOver) {
    TempDb db;
    db.store({row(0, "10.0.3.2", "decky-01", "ssh", "connection")});
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    db.repository->set_state(std::string(kProfilerLeaseKey),
                             R"({"owner": {"pid": 1}, "heartbeat": )" + std::to_string(now) + "}");
    ProfileWorker worker(*db.repository);
    EXPECT_EQ(worker.catch_up(db.repository->max_log_id()), 1u);
    EXPECT_EQ(worker.stats().waiting_for_lease, 0u);
}

TEST(Profiler, RowsWithoutAnAttackerAreSkipped) {
    TempDb db;
    db.store({row(0, "Unknown", "decky-01", "ssh", "startup"), row(1, "", "decky-01", "ssh", "x")});
    ProfileWorker worker(*db.repository);
    EXPECT_EQ(worker.catch_up(db.repository->max_log_id()), 2u);
    EXPECT_EQ(db.repository->count_attackers({}), 0);
    EXPECT_EQ(worker.stats().cursor, 2);
}

// Embedded next to the ingester: woken by each stored batch, it profiles within the
// round trip, never past what the ingester said is stored.
TEST(Profiler, ThreadFollowsNotifications) {
    TempDb db;
    ProfileWorkerOptions options;
    options.poll_interval = std::chrono::seconds(30);
    ProfilerThread profiler(*db.repository, options);
    db.store({row(0, "10.0.0.3", "decky-01", "ssh", "connection")});
    profiler.worker().notify_stored(db.repository->max_log_id());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (db.repository->count_attackers({}) == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(db.repository->count_attackers({}), 1);
}

}  // namespace
}  // namespace decnet::intel
