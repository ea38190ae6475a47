// `decnet collect` with real senders: util-linux `logger` over UDP and TCP (newline and
// octet-counting framing) and `openssl s_client` over TLS, into a real SQLite file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <regex>
#include <thread>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;

std::vector<int> listening_ports(const std::string& out) {
    std::vector<int> ports;
    const std::regex port_re(R"(127\.0\.0\.1:(\d+))");
    for (auto it = std::sregex_iterator(out.begin(), out.end(), port_re);
         it != std::sregex_iterator(); ++it)
        ports.push_back(std::stoi((*it)[1]));
    return ports;
}

int sh(const std::string& command) {
    return std::system(command.c_str());
}

// Rows in the collector's store once it holds `n`, or after 10 s what it holds then.
std::int64_t wait_for_rows(const std::string& db, std::int64_t n) {
    auto repo = store::open_sqlite(db);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (repo->count_logs({}) < n && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return repo->count_logs({});
}

std::int64_t count_service(store::Repository& repo, const std::string& service) {
    store::LogFilter f;
    f.search = "service:" + service;
    return repo.count_logs(f);
}

class CliCollect : public ::testing::Test {
  protected:
    void SetUp() override {
        dir = make_temp_dir();
        ASSERT_EQ(sh("cd " + dir +
                     " && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem "
                     "-days 1 -subj /CN=127.0.0.1 >/dev/null 2>&1"),
                  0);
    }
    std::string dir;
};

TEST_F(CliCollect, UdpTcpAndTlsSendersReachTheStore) {
    BackgroundProcess collector({DECNET_BINARY, "collect", "--listen",
                                 "udp://127.0.0.1:0,tcp://127.0.0.1:0,tls://127.0.0.1:0", "--db",
                                 dir + "/c.db", "--tls-cert", dir + "/cert.pem", "--tls-key",
                                 dir + "/key.pem", "--log-file", dir + "/raw.log"},
                                dir);
    const auto out = collector.wait_for_output("Collector listening on");
    const auto ports = listening_ports(out);
    ASSERT_EQ(ports.size(), 3u) << out << collector.err();
    const auto udp = std::to_string(ports[0]), tcp = std::to_string(ports[1]),
               tls = std::to_string(ports[2]);

    const std::string sd =
        R"(--sd-id decnet@55555 --sd-param 'src_ip="10.9.8.7"' --sd-param 'username="root"' --sd-param 'password="toor"')";
    EXPECT_EQ(sh("logger --rfc5424 -n 127.0.0.1 -P " + udp + " -d -t ftp --msgid auth_attempt " +
                 sd + " 'udp line'"),
              0);
    EXPECT_EQ(sh("logger --rfc5424 -n 127.0.0.1 -P " + tcp +
                 " -T -t ssh --msgid connect --sd-id decnet@55555 --sd-param 'src=\"10.9.8.6\"' "
                 "'tcp line'"),
              0);
    EXPECT_EQ(sh("logger --rfc5424 -n 127.0.0.1 -P " + tcp +
                 " -T --octet-count -t redis --msgid command 'octet line'"),
              0);
    const std::string tls_lines =
        "<134>1 2026-11-27T10:00:00+00:00 decky-07 smb - connect [decnet@55555 "
        "src_ip=\\\"10.1.1.1\\\"]\\n"
        "<134>1 2026-11-27T10:00:01+00:00 decky-07 smb - auth [decnet@55555 "
        "src_ip=\\\"10.1.1.1\\\"]\\n";
    EXPECT_EQ(sh("printf \"" + tls_lines +
                 "\" | timeout 10 openssl s_client -quiet -no_ign_eof -connect 127.0.0.1:" + tls +
                 " >/dev/null 2>&1"),
              0);
    // Garbage is counted, never fatal.
    sh("printf 'garbage\\n\\x00\\xff\\xfe\\n' | timeout 5 nc -q1 127.0.0.1 " + tcp +
       " 2>/dev/null || true");

    wait_for_rows(dir + "/c.db", 5);
    EXPECT_EQ(collector.stop(), 0) << collector.err();
    auto repo = store::open_sqlite(dir + "/c.db");

    EXPECT_EQ(count_service(*repo, "ftp"), 1);
    EXPECT_EQ(count_service(*repo, "ssh"), 1);
    EXPECT_EQ(count_service(*repo, "redis"), 1);
    EXPECT_EQ(count_service(*repo, "smb"), 2);
    store::LogFilter by_ip;
    by_ip.search = "attacker:10.9.8.7";
    const auto ftp = repo->logs(by_ip, 5, 0);
    ASSERT_EQ(ftp.size(), 1u);
    EXPECT_EQ(ftp[0].event_type, "auth_attempt");
    EXPECT_EQ(repo->count_bounties({}), 1);  // the ftp credential
    EXPECT_THAT(read_file(dir + "/raw.log"), HasSubstr("udp line"));
    EXPECT_THAT(collector.out(), HasSubstr("Collector stopped:"));
}

TEST_F(CliCollect, LifecycleDuplicatesAreDroppedForTheDatabaseOnly) {
    BackgroundProcess collector({DECNET_BINARY, "collect", "--listen", "udp://127.0.0.1:0", "--db",
                                 dir + "/c.db", "--log-file", dir + "/raw.log"},
                                dir);
    const auto ports = listening_ports(collector.wait_for_output("Collector listening on"));
    ASSERT_EQ(ports.size(), 1u);
    for (int i = 0; i < 5; ++i)
        sh("logger --rfc5424 -n 127.0.0.1 -P " + std::to_string(ports[0]) +
           " -d -t ssh --msgid connect --sd-id decnet@55555 --sd-param 'src=\"10.2.2.2\"' x");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(collector.stop(), 0);
    EXPECT_EQ(store::open_sqlite(dir + "/c.db")->count_logs({}), 1);
    const auto raw = read_file(dir + "/raw.log");
    EXPECT_EQ(std::count(raw.begin(), raw.end(), '\n'), 5);
}

// logrotate moves the raw log away and sends SIGHUP: the collector keeps running and
// writes the next lines to a new file at the old path.
TEST_F(CliCollect, RawLogIsReopenedOnSighupAfterRotation) {
    BackgroundProcess collector({DECNET_BINARY, "collect", "--listen", "udp://127.0.0.1:0", "--db",
                                 dir + "/c.db", "--log-file", dir + "/raw.log"},
                                dir);
    const auto ports = listening_ports(collector.wait_for_output("Collector listening on"));
    ASSERT_EQ(ports.size(), 1u);
    const auto send = [&](const std::string& text) {
        sh("logger --rfc5424 -n 127.0.0.1 -P " + std::to_string(ports[0]) +
           " -d -t ftp --msgid command " + text);
    };
    send("before-rotation");
    ASSERT_EQ(wait_for_rows(dir + "/c.db", 1), 1);
    ASSERT_EQ(std::rename((dir + "/raw.log").c_str(), (dir + "/raw.log.1").c_str()), 0);
    ASSERT_EQ(::kill(collector.pid(), SIGHUP), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    send("after-rotation");
    EXPECT_EQ(wait_for_rows(dir + "/c.db", 2), 2);
    EXPECT_EQ(collector.stop(), 0) << collector.err();  // SIGHUP did not end it
    EXPECT_THAT(read_file(dir + "/raw.log.1"), HasSubstr("before-rotation"));
    const auto current = read_file(dir + "/raw.log");
    EXPECT_THAT(current, HasSubstr("after-rotation"));
    EXPECT_THAT(current, ::testing::Not(HasSubstr("before-rotation")));
}

TEST_F(CliCollect, BadListenSpecsAndPortsInUse) {
    auto r = run_decnet({"collect", "--listen", "http://127.0.0.1:1"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("unknown scheme"));
    r = run_decnet({"collect", "--listen", "tls://127.0.0.1:0", "--db", dir + "/x.db"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("tls:// listeners need --tls-cert and --tls-key"));
    BackgroundProcess first(
        {DECNET_BINARY, "collect", "--listen", "tcp://127.0.0.1:0", "--db", dir + "/a.db"}, dir);
    const auto ports = listening_ports(first.wait_for_output("Collector listening on"));
    ASSERT_EQ(ports.size(), 1u);
    r = run_decnet({"collect", "--listen", "tcp://127.0.0.1:" + std::to_string(ports[0]), "--db",
                    dir + "/b.db"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("cannot listen on tcp://127.0.0.1:" + std::to_string(ports[0])));
}

}  // namespace
}  // namespace decnet::testing
