// Faults injected into a running decnet (issue #21, "Faults, each a test"): `up` killed -9
// mid-ingest and restarted, MariaDB restarted under the ingester, the forwarder's spool
// disk full, a syslog target down for minutes, the wall clock stepped back and forth, the
// log file rotated by SIGHUP under load. The attacker sends `PING <marker>` to a redis
// decky, one unique marker per command, so what was stored, forwarded or written is
// checked marker by marker: nothing lost, nothing twice, nothing torn (docs/HARDENING.md).
// DECNET_FAULT_OUTAGE_SECONDS (20) is the syslog and MariaDB outage; `make faults`: 180 s.
// Subnet 127.221.0.0/16 and ports 18221-18229 / 28221-28229 belong to this file.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "events/rfc5424.hpp"
#include "integration/api_client.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "store/mysql/mysql_repository.hpp"
#include "store/repository.hpp"
#include "unit/store/mysql/mariadb_server.hpp"

namespace decnet::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

constexpr const char* kPassword = "faults-admin-pw";

int sh(const std::string& command) {
    return std::system(command.c_str());
}

// Polls `ready` every 100 ms: true as soon as it holds, false after `limit`.
template <class Ready>
bool wait_until(Ready&& ready, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    for (;;) {
        if (ready()) return true;
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(100ms);
    }
}

// How long the syslog target stays down in SyslogTargetDown… (make test: 20 s).
std::chrono::seconds outage_length() {
    const char* text = std::getenv("DECNET_FAULT_OUTAGE_SECONDS");
    const int seconds = text && *text ? std::atoi(text) : 20;
    return std::chrono::seconds(std::clamp(seconds, 1, 3600));
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// ---- markers ----------------------------------------------------------------------------

// "kill-000042": fixed width, so no marker is a prefix of another.
std::string marker(const std::string& tag, int seq) {
    char digits[16];
    std::snprintf(digits, sizeof digits, "%06d", seq);
    return tag + "-" + digits;
}

// The number of the first `tag` marker in each of `messages` that has one, in order.
std::vector<int> markers_of(const std::vector<std::string>& messages, const std::string& tag) {
    std::vector<int> out;
    const std::string prefix = tag + "-";
    for (const auto& m : messages) {
        const auto at = m.find(prefix);
        if (at == std::string::npos || at + prefix.size() + 6 > m.size()) continue;
        const auto digits = m.substr(at + prefix.size(), 6);
        if (std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
            out.push_back(std::stoi(digits));
    }
    return out;
}

std::vector<int> markers_in(const std::string& text, const std::string& tag) {
    return markers_of(lines_of(text), tag);
}

// "" when `seen` holds every number of `expected` exactly once and nothing else; else
// what is wrong (the first few of each kind).
std::string once_each(const std::vector<int>& seen, const std::set<int>& expected) {
    std::map<int, int> times;
    for (const int m : seen) ++times[m];
    std::string missing, twice, unexpected;
    int shown_missing = 0, shown_twice = 0, shown_unexpected = 0;
    for (const int m : expected)
        if (!times.contains(m) && shown_missing++ < 10) missing += " " + std::to_string(m);
    for (const auto& [m, n] : times) {
        if (n > 1 && shown_twice++ < 10) twice += " " + std::to_string(m);
        if (!expected.contains(m) && shown_unexpected++ < 10) unexpected += " " + std::to_string(m);
    }
    if (shown_missing + shown_twice + shown_unexpected == 0) return "";
    return "missing " + std::to_string(shown_missing) + ":" + missing + "; more than once " +
           std::to_string(shown_twice) + ":" + twice + "; unexpected " +
           std::to_string(shown_unexpected) + ":" + unexpected;
}

std::set<int> range_set(int first, int last) {
    std::set<int> out;
    for (int i = first; i <= last; ++i) out.insert(i);
    return out;
}

bool strictly_increasing(const std::vector<int>& seq) {
    return std::adjacent_find(seq.begin(), seq.end(), std::greater_equal<>()) == seq.end();
}

// ---- the attacker -----------------------------------------------------------------------

// `PING <marker>` to a redis decky, one redis-cli connection per burst. PING answers with
// its argument, so the output says which commands the decky handled (each one event).
class Attacker {
  public:
    Attacker(std::string host, std::string tag, std::string dir)
        : host_(std::move(host)), tag_(std::move(tag)), dir_(std::move(dir)) {}
    ~Attacker() { stop(); }
    Attacker(const Attacker&) = delete;
    Attacker& operator=(const Attacker&) = delete;

    // One burst of `n` commands now (never while the background loop runs); returns how
    // many the decky answered.
    int burst(int n) {
        const int first = next_.fetch_add(n);
        std::string commands;
        for (int i = first; i < first + n; ++i) commands += "PING " + marker(tag_, i) + "\n";
        const auto file = dir_ + "/" + tag_ + ".burst";
        write_file(file, commands);
        const auto answer =
            capture("timeout 10 redis-cli -h " + host_ + " -p 6379 < " + file + " 2>/dev/null");
        const auto got = markers_in(answer, tag_);
        const std::lock_guard lock(mutex_);
        answered_.insert(answered_.end(), got.begin(), got.end());
        return static_cast<int>(got.size());
    }

    // Bursts of `n` every `pause` on a thread, until stop() or `bursts` of them.
    void start(int n, std::chrono::milliseconds pause, int bursts) {
        thread_ = std::thread([this, n, pause, bursts] {
            for (int b = 0; b < bursts && !stop_; ++b) {
                burst(n);
                for (auto slept = 0ms; slept < pause && !stop_; slept += 10ms)
                    std::this_thread::sleep_for(10ms);
            }
        });
    }
    // Waits (bounded by the burst count) for the background loop to end by itself.
    void finish() {
        if (thread_.joinable()) thread_.join();
    }
    void stop() {
        stop_ = true;
        finish();
        stop_ = false;
    }

    std::vector<int> answered() const {
        const std::lock_guard lock(mutex_);
        return answered_;
    }
    std::set<int> answered_set() const {
        const auto a = answered();
        return {a.begin(), a.end()};
    }
    int sent() const { return next_ - 1; }

  private:
    const std::string host_, tag_, dir_;
    std::atomic<int> next_{1};
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<int> answered_;  // guarded by mutex_
    std::thread thread_;
};

// ---- reading back -----------------------------------------------------------------------

// Every stored row's raw_line, by id (any backend). Bounded: 1,000 pages of 5,000.
std::vector<std::string> stored_lines(store::Repository& repo) {
    std::vector<std::string> all;
    std::int64_t cursor = 0;
    for (int page_no = 0; page_no < 1000; ++page_no) {
        const auto page = repo.logs_after_id(cursor, {}, 5000);
        if (page.empty()) break;
        for (const auto& r : page) all.push_back(r.raw_line);
        cursor = page.back().id;
    }
    return all;
}

std::vector<int> stored_markers(store::Repository& repo, const std::string& tag) {
    return markers_of(stored_lines(repo), tag);
}

// The messages of spool segment bytes ("LEN SP MSG" frames); stops at a torn frame.
std::vector<std::string> spool_messages(const std::string& spool_dir) {
    std::vector<fs::path> segments;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(spool_dir, ec))
        if (entry.path().extension() == ".spool") segments.push_back(entry.path());
    std::sort(segments.begin(), segments.end());
    std::vector<std::string> out;
    for (const auto& segment : segments) {
        const auto data = read_file(segment.string());
        std::size_t at = 0;
        while (at < data.size()) {
            const auto space = data.find(' ', at);
            if (space == std::string::npos || space == at || space - at > 7) break;
            const auto length = std::stoul(data.substr(at, space - at));
            if (space + 1 + length > data.size()) break;
            out.push_back(data.substr(space + 1, length));
            at = space + 1 + length;
        }
    }
    return out;
}

// One value of GET /metrics, e.g. `decnet_sink_events_total{sink="log-target",outcome="dropped"}`;
// -1 when absent.
double metric(const std::string& base, const std::string& series) {
    const auto text = capture("curl -s --max-time 10 " + base + "/metrics");
    for (const auto& line : lines_of(text))
        if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
    return -1;
}

std::string sink_events(const std::string& outcome) {
    return R"(decnet_sink_events_total{sink="log-target",outcome=")" + outcome + "\"}";
}

// A `decnet collect` receiving the forwarder's syslog: every line it gets also goes to
// raw.log, in arrival order, before parsing or dedup. In its own directory under `dir`
// (a BackgroundProcess keeps its output in its directory); a second one there appends.
struct Receiver {
    Receiver(const std::string& listen, const std::string& dir)
        : raw(dir + "/receiver/raw.log"),
          process(std::make_unique<BackgroundProcess>(
              std::vector<std::string>{DECNET_BINARY, "collect", "--listen", listen, "--db",
                                       dir + "/receiver/collected.db", "--log-file", raw},
              (fs::create_directories(dir + "/receiver"), dir + "/receiver"))) {
        EXPECT_THAT(process->wait_for_output("Collector listening on"), HasSubstr("listening"))
            << process->err();
    }
    std::vector<int> markers(const std::string& tag) const {
        return markers_in(read_file(raw), tag);
    }

    const std::string raw;
    std::unique_ptr<BackgroundProcess> process;
};

// ---- 1. kill -9 of `up` mid-ingest ------------------------------------------------------

// `up` forwards to a RELP target that is down (everything goes to the spool) while the
// attacker runs; SIGKILL strikes mid-ingest. Restarted on the same state dir: every row
// committed before the kill is still there, once; the spool replays what it held to the
// target once the target is up, once each, in order, then the live events follow.
TEST(CliFaults, KillNineMidIngestKeepsCommittedRowsAndReplaysTheSpoolOnce) {
    const auto dir = make_temp_dir();
    const std::string target = "127.221.1.250:28221";
    const std::vector<std::string> up_argv{DECNET_BINARY,
                                           "up",
                                           "--no-api",
                                           "-n",
                                           "1",
                                           "--services",
                                           "redis",
                                           "--subnet",
                                           "127.221.1.0/24",
                                           "--db",
                                           dir + "/up.db",
                                           "--state-dir",
                                           dir + "/state",
                                           "--log-target",
                                           "relp://" + target};
    auto first = std::make_unique<BackgroundProcess>(up_argv, dir);
    ASSERT_THAT(first->wait_for_output("decnet is up", 20s), HasSubstr("decnet is up"))
        << first->err();
    auto repo = store::open_sqlite(dir + "/up.db");

    Attacker attacker("127.221.1.1", "kill", dir);
    attacker.start(50, 50ms, 400);
    ASSERT_TRUE(wait_until([&] { return stored_markers(*repo, "kill").size() >= 400; }, 30s))
        << first->err();
    ::kill(first->pid(), SIGKILL);  // mid-ingest: no flush, no goodbye
    first->stop();                  // reaps it

    // What survived the kill: a prefix of the attack in the store and in the spool (each
    // subscriber takes events in order), every marker once.
    const auto committed = stored_markers(*repo, "kill");
    const auto spooled = markers_of(spool_messages(dir + "/state/spool"), "kill");
    ASSERT_FALSE(committed.empty());
    ASSERT_FALSE(spooled.empty());
    // An attack still running at the kill goes on past what was stored (its next burst
    // meets a dead decky); the store can be fast enough to hold all that was sent so far.
    wait_until([&] { return attacker.sent() > committed.back(); }, 5s);
    attacker.stop();
    EXPECT_EQ(once_each(committed, range_set(1, committed.back())), "");
    EXPECT_EQ(once_each(spooled, range_set(1, spooled.back())), "");
    EXPECT_LT(committed.back(), attacker.sent()) << "the attack ended before the kill";

    BackgroundProcess second(up_argv, dir);
    ASSERT_THAT(second.wait_for_output("decnet is up", 20s), HasSubstr("decnet is up"))
        << second.err();
    EXPECT_EQ(stored_markers(*repo, "kill"), committed) << "the restart changed stored rows";

    // The target comes up: the spool first, in order, then the live events behind it.
    Receiver receiver("relp://" + target, dir);
    const int live_from = attacker.sent() + 1;
    ASSERT_EQ(attacker.burst(100), 100);
    auto expected_forwarded = range_set(1, spooled.back());
    for (int m = live_from; m < live_from + 100; ++m) expected_forwarded.insert(m);
    EXPECT_TRUE(wait_until(
        [&] { return receiver.markers("kill").size() >= expected_forwarded.size(); }, 30s))
        << second.err();
    std::this_thread::sleep_for(500ms);  // anything arriving twice arrives now
    const auto forwarded = receiver.markers("kill");
    EXPECT_EQ(once_each(forwarded, expected_forwarded), "");
    EXPECT_TRUE(strictly_increasing(forwarded));

    auto expected_stored = range_set(1, committed.back());
    for (int m = live_from; m < live_from + 100; ++m) expected_stored.insert(m);
    EXPECT_TRUE(wait_until(
        [&] { return stored_markers(*repo, "kill").size() >= expected_stored.size(); }, 10s));
    EXPECT_EQ(once_each(stored_markers(*repo, "kill"), expected_stored), "");
    EXPECT_EQ(second.stop(), 0) << second.err();
    EXPECT_EQ(receiver.process->stop(), 0) << receiver.process->err();
    EXPECT_THAT(receiver.process->out(), HasSubstr(" 0 unparseable"));
}

// ---- 2. MariaDB restarted under the ingester --------------------------------------------

// The MySQL backend's server (a private mariadbd on 127.221.2.250:28222) is stopped for
// DECNET_FAULT_OUTAGE_SECONDS (longer than the backend's 10 s reconnect budget) and
// started again while the attacker runs: afterwards every event is stored exactly once,
// decnet never stopped serving, and the outage is a few log lines, not one per event.
TEST(CliFaults, MariadbRestartedMidIngestStoresEveryEventOnce) {
    const auto outage = outage_length();
    std::string why;
    std::unique_ptr<store::testing_mysql::MariadbServer> server;
    try {
        server = store::testing_mysql::MariadbServer::start_private(
            {"--bind-address=127.221.2.250", "--port=28222"}, why);
    } catch (const std::exception& e) {
        FAIL() << e.what();
    }
    if (!server) GTEST_SKIP() << why;
    const auto database = server->fresh_database("faults_restart");
    store::MysqlConfig config;
    config.host = "127.221.2.250";
    config.port = 28222;
    config.user = store::testing_mysql::kUser;
    config.password = store::testing_mysql::kPassword;
    config.database = database;

    const auto dir = make_temp_dir();
    BackgroundProcess up(
        {"/usr/bin/env", "DECNET_DB_TYPE=mysql", "DECNET_DB_HOST=127.221.2.250",
         "DECNET_DB_PORT=28222", "DECNET_DB_NAME=" + database, "DECNET_DB_USER=decnet",
         std::string("DECNET_DB_PASSWORD=") + store::testing_mysql::kPassword, DECNET_BINARY, "up",
         "--no-api", "-n", "1", "--services", "redis", "--subnet", "127.221.2.0/24", "--state-dir",
         dir + "/state"},
        dir);
    ASSERT_THAT(up.wait_for_output("decnet is up", 30s), HasSubstr("decnet is up")) << up.err();
    auto repo = store::open_mysql(config);

    Attacker attacker("127.221.2.1", "maria", dir);
    attacker.start(20, 250ms, static_cast<int>(outage.count()) * 4 + 100);
    ASSERT_TRUE(wait_until([&] { return stored_markers(*repo, "maria").size() >= 200; }, 20s))
        << up.out();
    const auto answered_before = attacker.answered().size();
    server->stop();  // SIGTERM: mariadbd shuts down; the ingester's batches fail meanwhile
    std::this_thread::sleep_for(outage);
    server->start();
    const auto answered_during = attacker.answered().size() - answered_before;
    std::this_thread::sleep_for(2s);
    attacker.stop();
    ASSERT_GT(answered_during, 50u) << "the attack did not run through the outage";

    const auto answered = attacker.answered_set();
    EXPECT_TRUE(
        wait_until([&] { return stored_markers(*repo, "maria").size() >= answered.size(); }, 30s))
        << up.out();
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(once_each(stored_markers(*repo, "maria"), answered), "");
    EXPECT_EQ(repo->count_dead_letters(), 0);

    // Still serving after the outage, and it said so in a few lines, not one per event
    // (spdlog writes to stdout).
    EXPECT_EQ(capture("timeout 5 redis-cli -h 127.221.2.1 -p 6379 PING"), "PONG\n");
    EXPECT_EQ(up.stop(), 0) << up.err();
    const auto log = up.out();
    EXPECT_GE(count_of(log, "reconnecting and retrying"), 1u) << log;
    EXPECT_LE(count_of(log, "reconnecting and retrying"), 5u) << log;
    EXPECT_LE(count_of(log, "mysql"), 10 + static_cast<std::size_t>(outage.count()) / 5) << log;
    EXPECT_EQ(count_of(log, "not stored"), 0u) << log;
    EXPECT_EQ(count_of(log, "row lost"), 0u) << log;
}

// ---- 3. the spool's disk full -----------------------------------------------------------

// The spool lives on a 1 MiB tmpfs that a filler file has filled; the target is down:
// events are dropped and counted (/metrics), the failure is logged once. With the filler
// gone the spool takes events again, and once the target is up exactly what was spooled
// arrives, once each, in order.
TEST(CliFaults, SpoolDiskFullCountsDropsLogsOnceAndResumes) {
    const auto dir = make_temp_dir();
    const auto spool = dir + "/state/spool";
    fs::create_directories(spool);
    if (::mount("tmpfs", spool.c_str(), "tmpfs", 0, "size=1m,mode=0755") != 0)
        GTEST_SKIP() << "cannot mount a tmpfs on " << spool << ": " << std::strerror(errno);
    struct Unmount {
        std::string path;
        ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
    } unmount{spool};
    // Full before the first event: no page of a segment is left half used.
    sh("dd if=/dev/zero of=" + spool + "/filler bs=4k 2>/dev/null");

    const std::string target = "127.221.3.250:28223";
    const std::string base = "http://127.221.3.254:18223";
    BackgroundProcess up({"/usr/bin/env", std::string("DECNET_ADMIN_PASSWORD=") + kPassword,
                          DECNET_BINARY,  "up",
                          "-n",           "1",
                          "--services",   "redis",
                          "--subnet",     "127.221.3.0/24",
                          "--db",         dir + "/up.db",
                          "--state-dir",  dir + "/state",
                          "--api-host",   "127.221.3.254",
                          "--api-port",   "18223",
                          "--log-target", "tcp://" + target},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up", 30s), HasSubstr("decnet is up")) << up.err();

    // 1-150: the disk is full — dropped and counted, one log line for the streak.
    Attacker attacker("127.221.3.1", "full", dir);
    EXPECT_EQ(metric(base, sink_events("dropped")), 0);
    ASSERT_EQ(attacker.burst(100), 100);
    ASSERT_EQ(attacker.burst(50), 50);
    EXPECT_TRUE(wait_until([&] { return metric(base, sink_events("dropped")) >= 150; }, 10s));
    EXPECT_EQ(metric(base, sink_events("spooled")), 0);
    EXPECT_TRUE(markers_of(spool_messages(spool), "full").empty());
    EXPECT_EQ(count_of(up.out(), "cannot write spool"), 1u) << up.out();  // spdlog: stdout

    // 151-250: space is back — spooled again.
    fs::remove(spool + "/filler");
    ASSERT_EQ(attacker.burst(100), 100);
    EXPECT_TRUE(
        wait_until([&] { return markers_of(spool_messages(spool), "full").size() == 100; }, 10s));
    EXPECT_GE(metric(base, sink_events("spooled")), 100);
    const double dropped = metric(base, sink_events("dropped"));

    // The target comes up: 151-250 arrive, once each and in order; 1-150 never do.
    Receiver receiver("tcp://" + target, dir);
    EXPECT_TRUE(wait_until([&] { return receiver.markers("full").size() >= 100; }, 40s))
        << up.err();
    EXPECT_TRUE(wait_until(
        [&] { return metric(base, R"(decnet_sink_spool_bytes{sink="log-target"})") == 0; }, 10s));
    std::this_thread::sleep_for(500ms);
    const auto forwarded = receiver.markers("full");
    EXPECT_EQ(once_each(forwarded, range_set(151, 250)), "");
    EXPECT_TRUE(strictly_increasing(forwarded));
    EXPECT_EQ(metric(base, sink_events("dropped")), dropped) << "drops after space returned";
    EXPECT_EQ(metric(base, sink_events("replayed")), metric(base, sink_events("spooled")));
    EXPECT_EQ(up.stop(), 0) << up.err();
    EXPECT_EQ(count_of(up.out(), "cannot write spool"), 1u) << up.out();
    EXPECT_EQ(count_of(up.out(), "spool writable again"), 1u) << up.out();
}

// ---- 4. a syslog target down for minutes ------------------------------------------------

// The collector goes away for DECNET_FAULT_OUTAGE_SECONDS while the attacker keeps going
// (a burst a second): once it is back, everything emitted meanwhile arrives, once each,
// in the order it happened, ahead of what comes after.
TEST(CliFaults, SyslogTargetDownForMinutesGetsEverythingOnceInOrder) {
    const auto outage = outage_length();
    const auto dir = make_temp_dir();
    const std::string target = "127.221.4.250:28224";
    auto receiver = std::make_unique<Receiver>("tcp://" + target, dir);
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "-n", "1", "--services", "redis",
                          "--subnet", "127.221.4.0/24", "--db", dir + "/up.db", "--state-dir",
                          dir + "/state", "--log-target", "tcp://" + target},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up", 20s), HasSubstr("decnet is up")) << up.err();

    Attacker attacker("127.221.4.1", "down", dir);
    ASSERT_EQ(attacker.burst(50), 50);
    ASSERT_TRUE(wait_until([&] { return receiver->markers("down").size() == 50; }, 10s));
    EXPECT_EQ(receiver->process->stop(), 0);  // the target goes down

    const int bursts = static_cast<int>(outage.count());
    attacker.start(20, 1s, bursts);
    attacker.finish();
    receiver = std::make_unique<Receiver>("tcp://" + target, dir);  // appends to raw.log
    attacker.start(20, 200ms, 10);  // live events while the spool replays
    attacker.finish();

    const auto answered = attacker.answered_set();
    EXPECT_EQ(answered.size(), static_cast<std::size_t>(50 + 20 * bursts + 200));
    // The forwarder's backoff reaches 30 s at most: it reconnects within that.
    EXPECT_TRUE(
        wait_until([&] { return receiver->markers("down").size() >= answered.size(); }, 45s))
        << up.err();
    std::this_thread::sleep_for(500ms);
    const auto forwarded = receiver->markers("down");
    EXPECT_EQ(once_each(forwarded, answered), "");
    EXPECT_TRUE(strictly_increasing(forwarded));
    EXPECT_EQ(up.stop(), 0) << up.err();
}

// ---- 5. the wall clock stepped back and forth -------------------------------------------

// Seconds since the epoch of an API timestamp "YYYY-MM-DDTHH:MM:SS[.ffffff]" (UTC).
std::int64_t epoch_of(const std::string& timestamp) {
    std::tm tm{};
    if (!strptime(timestamp.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
    return static_cast<std::int64_t>(timegm(&tm));
}

std::int64_t real_now() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

// A TCP connection that says nothing; a thread notes when the server hangs up.
class SilentClient {
  public:
    SilentClient(const std::string& ip, int port) : opened_(Clock::now()) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        ::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        timeval tv{0, 100'000};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        watcher_ = std::thread([this] {
            char byte = 0;
            while (connected_ && Clock::now() < opened_ + 40s) {
                const auto n = ::recv(fd_, &byte, 1, 0);
                if (n == 0 ||
                    (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                    closed_after_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                        Clock::now() - opened_);
                    return;
                }
            }
        });
    }
    ~SilentClient() {
        if (watcher_.joinable()) watcher_.join();
        ::close(fd_);
    }
    bool connected() const { return connected_; }
    Clock::time_point opened() const { return opened_; }
    // How long after the connect the server hung up; nullopt if not within 40 s.
    std::optional<std::chrono::milliseconds> wait_closed() {
        if (watcher_.joinable()) watcher_.join();
        return closed_after_;
    }

  private:
    int fd_ = -1;
    bool connected_ = false;
    const Clock::time_point opened_;
    std::optional<std::chrono::milliseconds> closed_after_;  // written by the watcher
    std::thread watcher_;
};

// `up` runs under libfaketime with a real monotonic clock; the test rewrites the offset
// file: one hour back, then a day forward. decnet keeps accepting, storing and serving
// (/logs, a fresh JWT login), a silent client is still cut at the TLS handshake timeout
// (15 s, steady_clock), the mutator keeps its real-time intervals (a 4 s decky rotates on,
// a 600 s one never), and the events carry the stepped wall clock.
TEST(CliFaults, ClockSteppedBackAndForthKeepsServingAndTimersOnRealTime) {
    const std::string library = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";
    if (::access(library.c_str(), R_OK) != 0)
        GTEST_SKIP() << "libfaketime not installed (scripts/install-deps.sh)";
    const auto dir = make_temp_dir();
    const auto offset_file = dir + "/faketime.rc";
    write_file(offset_file, "+0\n");
    ::chmod(offset_file.c_str(), 0644);  // read by decnet after it dropped root
    write_file(dir + "/fleet.ini",
               "[general]\nnet = 127.221.5.0/24\n\n"
               "[steady]\nip = 127.221.5.1\nservices = redis, k8s\nmutate_interval = 600\n\n"
               "[rotor]\nip = 127.221.5.2\nservices = redis\nmutate_interval = 4\n");
    const std::string base = "http://127.221.5.254:18225/api/v1";
    // Under `make test-asan` libfaketime is preloaded ahead of ASan's runtime, which ASan
    // refuses unless told the order is fine (harmless for a plain build).
    const char* asan = std::getenv("ASAN_OPTIONS");
    const std::string asan_options =
        std::string(asan ? asan : "") + (asan && *asan ? ":" : "") + "verify_asan_link_order=0";
    BackgroundProcess up({"/usr/bin/env",
                          "ASAN_OPTIONS=" + asan_options,
                          "LD_PRELOAD=" + library,
                          "FAKETIME_TIMESTAMP_FILE=" + offset_file,
                          "FAKETIME_CACHE_DURATION=1",
                          "FAKETIME_DONT_FAKE_MONOTONIC=1",
                          "DECNET_MUTATE_MINUTE_SECONDS=1",
                          std::string("DECNET_ADMIN_PASSWORD=") + kPassword,
                          "DECNET_JWT_SECRET=faults-clock-test-secret-0123456789abcdef",
                          DECNET_BINARY,
                          "up",
                          "--config",
                          dir + "/fleet.ini",
                          "--db",
                          dir + "/up.db",
                          "--state-dir",
                          dir + "/state",
                          "--api-host",
                          "127.221.5.254",
                          "--api-port",
                          "18225"},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up", 30s), HasSubstr("decnet is up")) << up.err();
    const auto started = Clock::now();
    auto repo = store::open_sqlite(dir + "/up.db");
    const auto mutations = [&](const std::string& decky) {
        store::LogFilter filter;
        filter.search = "event:mutation decky:" + decky;
        return repo->count_logs(filter);
    };

    Attacker attacker("127.221.5.1", "clock", dir);
    // One phase: a burst, stored and served through /logs with a fresh login, its rows
    // stamped `offset` seconds away from the real clock.
    const auto phase = [&](std::int64_t offset) {
        const int from = attacker.sent() + 1;
        ASSERT_EQ(attacker.burst(20), 20);
        const auto token = api_login(base, kPassword);
        ASSERT_FALSE(token.empty());
        json rows;
        EXPECT_TRUE(wait_until(
            [&] {
                auto [status, page] = api_call(base, "GET", "/logs?limit=100&search=clock-", token);
                if (status != 200) return false;
                rows = json::array();
                for (const auto& row : page.value("data", json::array()))
                    if (markers_in(row.value("raw_line", ""), "clock").size() == 1 &&
                        markers_in(row.value("raw_line", ""), "clock")[0] >= from)
                        rows.push_back(row);
                return rows.size() == 20;
            },
            10s));
        for (const auto& row : rows) {
            const auto stamped = epoch_of(row.value("timestamp", ""));
            EXPECT_NEAR(static_cast<double>(stamped - real_now()), static_cast<double>(offset), 120)
                << row.dump();
        }
    };

    phase(0);
    const auto old_token = api_login(base, kPassword);
    SilentClient silent("127.221.5.1", 6443);  // k8s: TLS from the first byte
    ASSERT_TRUE(silent.connected());

    write_file(offset_file, "-1h\n");     // one hour back
    std::this_thread::sleep_for(2500ms);  // libfaketime rereads the file every second
    const auto rotor_at_step_back = mutations("rotor");
    const auto stepped_back = Clock::now();
    phase(-3600);
    // Wall-clock intervals would stall the 4 s decky for an hour from here.
    std::this_thread::sleep_until(stepped_back + 11s);
    EXPECT_GE(mutations("rotor") - rotor_at_step_back, 2) << up.out();

    write_file(offset_file, "+1d\n");  // a day forward
    std::this_thread::sleep_for(2500ms);
    phase(86400);
    // A token's exp is wall time (RFC 7519): the day forward expired the old one.
    EXPECT_EQ(api_call(base, "GET", "/logs?limit=1", old_token).first, 401);

    // The handshake timeout (15 s after the connect) fired on real time across both steps.
    const auto closed_after = silent.wait_closed();
    ASSERT_TRUE(closed_after) << "the silent client was never cut";
    EXPECT_GE(*closed_after, 14s);
    EXPECT_LE(*closed_after, 20s);
    store::LogFilter tls_errors;
    tls_errors.search = "event:tls_error decky:steady";
    EXPECT_TRUE(wait_until([&] { return repo->count_logs(tls_errors) == 1; }, 5s));

    // The mutator: the 4 s decky rotated no faster than real time; the 600 s decky was
    // not made due by the day forward.
    std::this_thread::sleep_for(1s);
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    EXPECT_LE(mutations("rotor"), static_cast<std::int64_t>(elapsed / 4) + 1) << up.out();
    EXPECT_EQ(mutations("steady"), 0) << up.out();
    EXPECT_EQ(up.stop(), 0) << up.err();
}

// ---- 6. log rotation by SIGHUP under load -----------------------------------------------

// The attacker runs while the RFC 5424 file is moved away and decnet gets SIGHUP, five
// times: decnet keeps running, and the union of the rotated files holds every event
// exactly once, in order, each line whole.
TEST(CliFaults, SighupRotationUnderLoadKeepsEveryLineOnce) {
    const auto dir = make_temp_dir();
    const auto log = dir + "/state/events.log";
    fs::create_directories(dir + "/state");
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "-n", "1", "--services", "redis",
                          "--subnet", "127.221.6.0/24", "--db", dir + "/up.db", "--state-dir",
                          dir + "/state", "--log-file", log},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up", 20s), HasSubstr("decnet is up")) << up.err();

    Attacker attacker("127.221.6.1", "rot", dir);
    attacker.start(40, 20ms, 150);
    constexpr int kRotations = 5;
    for (int k = 1; k <= kRotations; ++k) {
        std::this_thread::sleep_for(800ms);
        ASSERT_EQ(sh("mv " + log + " " + log + "." + std::to_string(k)), 0);
        ASSERT_EQ(::kill(up.pid(), SIGHUP), 0);
    }
    attacker.finish();
    const auto answered = attacker.answered_set();
    ASSERT_FALSE(answered.empty());
    EXPECT_TRUE(wait_until(
        [&] {
            return !markers_in(read_file(log), "rot").empty() &&
                   markers_in(read_file(log), "rot").back() == *answered.rbegin();
        },
        10s));
    EXPECT_EQ(up.stop(), 0) << up.err();  // SIGHUP did not stop it

    std::vector<int> all;
    std::size_t bad_lines = 0;
    for (int k = 1; k <= kRotations + 1; ++k) {
        const auto path = k <= kRotations ? log + "." + std::to_string(k) : log;
        const auto text = read_file(path);
        ASSERT_FALSE(text.empty()) << path;
        EXPECT_EQ(text.back(), '\n') << path << " ends in a torn line";
        for (const auto& line : lines_of(text))
            if (!parse_rfc5424(line)) ++bad_lines;
        const auto markers = markers_in(text, "rot");
        all.insert(all.end(), markers.begin(), markers.end());
        EXPECT_FALSE(markers.empty()) << path << " got no attacker event";
    }
    EXPECT_EQ(bad_lines, 0u);
    EXPECT_EQ(once_each(all, answered), "");
    EXPECT_TRUE(strictly_increasing(all));
}

}  // namespace
}  // namespace decnet::testing
