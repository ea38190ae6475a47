// Reliable collection with RELP: rsyslog's omrelp into `decnet collect --relp`, and a
// decnet sensor (`up --log-target relp://`) into a collector that is SIGKILLed mid-stream
// and restarted. Subnet 127.218.0.0/16 only.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <regex>
#include <thread>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// The forwarder's relp_window: at most this many messages were stored but not yet
// acknowledged when the collector died, so at most this many can arrive twice.
constexpr std::int64_t kRelpWindow = 128;

int sh(const std::string& command) {
    return std::system(command.c_str());
}

std::string relp_port(const std::string& out) {
    std::smatch match;
    if (!std::regex_search(out, match, std::regex(R"(relp://127\.218\.\d+\.\d+:(\d+))"))) return {};
    return match[1];
}

std::int64_t count(store::Repository& repo, const std::string& search) {
    store::LogFilter f;
    f.search = search;
    return repo.count_logs(f);
}

// Bounded wait until `repo` holds at least `want` rows matching `search`.
std::int64_t wait_for_rows(store::Repository& repo, const std::string& search, std::int64_t want,
                           std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    auto have = count(repo, search);
    for (; have < want && std::chrono::steady_clock::now() < deadline; have = count(repo, search))
        std::this_thread::sleep_for(50ms);
    return have;
}

TEST(CliRelp, RsyslogOmrelpMessagesAreAllStored) {
    if (sh("test -x /usr/sbin/rsyslogd && test -e /usr/lib/x86_64-linux-gnu/rsyslog/omrelp.so") !=
        0)
        GTEST_SKIP() << "rsyslog-relp not installed (scripts/install-deps.sh)";
    const auto dir = make_temp_dir();
    BackgroundProcess collector(
        {DECNET_BINARY, "collect", "--relp", "127.218.0.1:0", "--db", dir + "/c.db"}, dir);
    const auto port = relp_port(collector.wait_for_output("Collector listening on"));
    ASSERT_FALSE(port.empty()) << collector.out() << collector.err();

    // N complete RFC 5424 lines in a file rsyslog's imfile reads; omrelp sends each as is.
    constexpr int kMessages = 500;
    {
        std::ofstream lines(dir + "/input.log");
        for (int i = 1; i <= kMessages; ++i)
            lines << "<134>1 2026-12-05T07:00:00+00:00 decky-rs ssh - command [decnet@55555 "
                     "src_ip=\"10.21.8.1\" seq=\""
                  << i << "\"] ls -la /tmp/" << i << "\n";
    }
    sh("mkdir -p " + dir + "/work");
    write_file(dir + "/rsyslog.conf",
               "global(workDirectory=\"" + dir +
                   "/work\")\n"
                   "module(load=\"imfile\" mode=\"polling\" PollingInterval=\"1\")\n"
                   "module(load=\"omrelp\")\n"
                   "template(name=\"asis\" type=\"string\" string=\"%msg%\")\n"
                   "input(type=\"imfile\" file=\"" +
                   dir +
                   "/input.log\" tag=\"relptest\")\n"
                   "action(type=\"omrelp\" target=\"127.218.0.1\" port=\"" +
                   port + "\" template=\"asis\")\n");
    BackgroundProcess rsyslog(
        {"/usr/sbin/rsyslogd", "-n", "-f", dir + "/rsyslog.conf", "-i", dir + "/rsyslog.pid"}, dir);
    auto repo = store::open_sqlite(dir + "/c.db");
    EXPECT_EQ(wait_for_rows(*repo, "service:ssh", kMessages, 20s), kMessages)
        << rsyslog.err() << collector.err();
    EXPECT_EQ(rsyslog.stop(), 0) << rsyslog.err();
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(collector.stop(), 0) << collector.err();
    EXPECT_EQ(count(*repo, "service:ssh"), kMessages);  // nothing twice
    EXPECT_EQ(count(*repo, "attacker:10.21.8.1"), kMessages);
    EXPECT_THAT(collector.out(), HasSubstr(std::to_string(kMessages) + " RELP messages"));
}

TEST(CliRelp, BadFramesAreAnsweredCountedAndAHandWrittenDialogueWorks) {
    const auto dir = make_temp_dir();
    BackgroundProcess collector(
        {DECNET_BINARY, "collect", "--relp", "127.218.0.4:0", "--db", dir + "/c.db"}, dir);
    const auto port = relp_port(collector.wait_for_output("Collector listening on"));
    ASSERT_FALSE(port.empty()) << collector.out() << collector.err();
    const auto relp = [&](const std::string& frames) {
        write_file(dir + "/frames", frames);
        return capture("timeout 5 nc -q1 127.218.0.4 " + port + " < " + dir + "/frames");
    };
    // A message before `open`: an error rsp for its txnr, then serverclose.
    EXPECT_EQ(relp("1 syslog 5 hello\n"), "1 rsp 23 500 open expected first\n0 serverclose 0\n");
    // Unframeable bytes: serverclose.
    EXPECT_EQ(relp("GET / HTTP/1.1\r\n\r\n"), "0 serverclose 0\n");
    EXPECT_EQ(relp("1 syslog 999999999 x"), "0 serverclose 0\n");  // over 128 KiB
    // open, one message, close — sent at once, then half-closed (nc): every answer comes.
    const std::string line =
        "<134>1 2026-12-05T07:00:00+00:00 decky-x ssh - command [decnet@55555 "
        "src_ip=\"10.21.9.9\"] id";
    const auto answers = relp("1 open 14 relp_version=0\n2 syslog " + std::to_string(line.size()) +
                              " " + line + "\n3 close 0\n");
    EXPECT_THAT(answers, HasSubstr("1 rsp 58 200 OK\nrelp_version=0\n"));
    EXPECT_THAT(answers, HasSubstr("commands=syslog\n2 rsp 6 200 OK\n3 rsp 6 200 OK\n"));
    EXPECT_EQ(collector.stop(), 0) << collector.err();
    EXPECT_EQ(count(*store::open_sqlite(dir + "/c.db"), "attacker:10.21.9.9"), 1);
    EXPECT_THAT(collector.out(), HasSubstr("1 RELP messages, 3 bad RELP frames"));
}

TEST(CliRelp, CollectorKilledMidStreamLosesNothing) {
    const auto dir = make_temp_dir();
    const std::string listen = "127.218.0.2:21514";
    // Through sh's exec so the test knows the collector's pid, to SIGKILL it.
    const auto collect = [&](const std::string& pid_file) {
        return std::vector<std::string>{"/bin/sh", "-c",
                                        "echo $$ > " + pid_file + "; exec " +
                                            std::string(DECNET_BINARY) + " collect --relp " +
                                            listen + " --db " + dir + "/c.db"};
    };
    auto first = std::make_unique<BackgroundProcess>(collect(dir + "/first.pid"), dir);
    ASSERT_THAT(first->wait_for_output("Collector listening on"), HasSubstr(listen))
        << first->err();
    BackgroundProcess up({DECNET_BINARY, "up", "--no-api", "-n", "1", "--services", "redis",
                          "--subnet", "127.218.1.0/24", "--db", dir + "/up.db", "--state-dir",
                          dir + "/state", "--log-target", "relp://" + listen},
                         dir);
    ASSERT_THAT(up.wait_for_output("decnet is up", 20s), HasSubstr("decnet is up")) << up.err();

    // The attacker: 10 bursts of 100 commands, 150 ms apart, in the background (redis-cli
    // adds a command of its own per connection: the sensor's store says what was emitted).
    constexpr int kCommands = 1000;
    sh("(for b in $(seq 0 9); do for i in $(seq 1 100); do echo \"SET key$b-$i v\"; done | "
       "timeout 10 redis-cli -h 127.218.1.1 -p 6379 >/dev/null 2>&1; sleep 0.15; done; touch " +
       dir + "/attack.done) >/dev/null 2>&1 &");

    auto collected = store::open_sqlite(dir + "/c.db");
    ASSERT_GE(wait_for_rows(*collected, "service:redis", 150, 15s), 150);
    const pid_t first_pid = std::stoi(read_file(dir + "/first.pid"));
    ASSERT_GT(first_pid, 1);
    ::kill(first_pid, SIGKILL);  // a crash, mid-stream: no goodbye, no flush
    first->stop();               // reaps it
    const auto at_kill = count(*collected, "service:redis");
    EXPECT_NE(sh("test -e " + dir + "/attack.done"), 0) << "the attack ended before the kill";
    std::this_thread::sleep_for(700ms);  // the sensor spools what it cannot deliver
    BackgroundProcess second(collect(dir + "/second.pid"), dir);
    ASSERT_THAT(second.wait_for_output("Collector listening on"), HasSubstr(listen))
        << second.err();

    for (const auto deadline = std::chrono::steady_clock::now() + 15s;
         sh("test -e " + dir + "/attack.done") != 0 && std::chrono::steady_clock::now() < deadline;)
        std::this_thread::sleep_for(50ms);
    auto emitted = store::open_sqlite(dir + "/up.db");
    const auto sent = wait_for_rows(*emitted, "event:command", kCommands, 10s);
    ASSERT_GE(sent, kCommands) << up.err();
    // Reconnect backoff (≤ 1 s after a kill) plus replay of the spool.
    const auto stored = wait_for_rows(*collected, "event:command", sent, 15s);
    EXPECT_EQ(up.stop(), 0) << up.err();
    EXPECT_EQ(second.stop(), 0) << second.err();

    // Every event arrived; any duplicate is one the dead collector had committed but not
    // yet acknowledged (at most the window), and distinct rows are exactly the events.
    EXPECT_GE(stored, sent) << "at kill: " << at_kill;
    EXPECT_LE(stored - sent, kRelpWindow);
    const auto distinct = capture("sqlite3 " + dir +
                                  "/c.db \"SELECT COUNT(DISTINCT raw_line) FROM logs WHERE "
                                  "event_type='command'\"");
    EXPECT_EQ(distinct, std::to_string(sent) + "\n");
    EXPECT_GT(at_kill, 0);
}

}  // namespace
}  // namespace decnet::testing
