// `decnet deploy --mode netns` (the daemon) end to end, as root: status shows each decky's
// MAC with its archetype's vendor OUI, a decky added through the REST API gets a namespace
// of its own (curl reaches it from an "attacker" namespace), `mutate` opens the new
// listeners inside the decky's namespace, `teardown --id` removes exactly one decky's
// namespace and interfaces, and `teardown --all` leaves nothing. A start-up error comes
// back to the terminal with exit 1 and nothing created; after `teardown --id` and a
// kill -9, `teardown --all` removes exactly what is left.
// This file's own LAN: bridge dnt2br0, 10.213.2.0/24, attacker namespace dnt2-atk (veth
// dnt2atk0/1), deckies dnt2-*, API port 18273. No host interface is ever touched.
// Skips, with the reason, when not root or when `ip netns` does not work.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>
#include <algorithm>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "engine/netns/mac_address.hpp"
#include "engine/netns/names.hpp"
#include "integration/cli_runner.hpp"
#include "integration/netns_lan.hpp"

using Clock = std::chrono::steady_clock;

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using json = nlohmann::json;

constexpr const char* kBridge = "dnt2br0";
constexpr const char* kAttackerNs = "dnt2-atk";
constexpr const char* kAttackerHostLink = "dnt2atk0";
constexpr const char* kNetwork = "DECNET_NETWORK=dnt2br0 10.213.2.0/24 10.213.2.1 10.213.2.1";
constexpr const char* kApi = "http://127.0.0.1:18273/api/v1";
constexpr const char* kPassword = "netns-deploy-pw-1";
const std::vector<std::string> kDeckies = {"dnt2-win", "dnt2-prn", "dnt2-api", "dnt2-col"};

constexpr const char* kFleet = R"([general]
net=10.213.2.0/24
gw=10.213.2.1

[dnt2-win]
ip=10.213.2.10
services=http
nmap_os=windows
archetype=windows-workstation

[dnt2-prn]
ip=10.213.2.11
services=redis
archetype=printer
)";

long long ms_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

bool decky_network_exists(const std::string& decky) {
    return namespace_exists(engine::netns::namespace_name(decky)) ||
           link_exists(engine::netns::host_link_name(decky));
}

// Only this file's names are ever created or removed.
const TestLan& lan() {
    static const TestLan instance{
        kBridge, kAttackerNs, kAttackerHostLink, "dnt2atk1", "10.213.2.200/24", kDeckies, {}};
    return instance;
}
void remove_test_objects() {
    lan().remove();
}
bool add_attacker() {
    return lan().add_attacker();
}

// curl from the attacker namespace: the HTTP status, or "000" when nothing answered.
std::string attacker_http(const std::string& ip) {
    return capture(std::string("timeout 10 ip netns exec ") + kAttackerNs +
                   " curl -s -m 5 -o /dev/null -w '%{http_code}' http://" + ip + "/");
}

// A TCP connect from the attacker namespace (bash's /dev/tcp: exit 0 once connected).
bool attacker_connects(const std::string& ip, int port) {
    return sh(std::string("ip netns exec ") + kAttackerNs + " bash -c 'exec 3<>/dev/tcp/" + ip +
              "/" + std::to_string(port) + "'");
}

// The REST API through curl: body, then the status on its own last line.
std::pair<int, json> call(const std::string& method, const std::string& path,
                          const std::string& token = "", const std::string& body = "") {
    std::string command = "curl -s --max-time 20 -w '\\n%{http_code}' -X " + method;
    if (!token.empty()) command += " -H 'Authorization: Bearer " + token + "'";
    if (!body.empty()) command += " -H 'Content-Type: application/json' --data-binary @-";
    command += std::string(" '") + kApi + path + "'";
    if (!body.empty()) command = "printf '%s' '" + body + "' | " + command;
    const auto out = capture(command);
    const auto cut = out.rfind('\n');
    if (cut == std::string::npos) return {0, json()};
    return {std::atoi(out.c_str() + cut + 1),
            json::parse(out.substr(0, cut), nullptr, /*allow_exceptions=*/false)};
}

std::string login() {
    const std::string credentials =
        std::string(R"({"username":"admin","password":")") + kPassword + R"("})";
    auto [status, answer] = call("POST", "/auth/login", "", credentials);
    EXPECT_EQ(status, 200) << answer.dump();
    if (answer.value("must_change_password", false)) {
        call("POST", "/auth/change-password", answer.value("access_token", ""),
             std::string(R"({"old_password":")") + kPassword + R"(","new_password":")" + kPassword +
                 R"("})");
        answer = call("POST", "/auth/login", "", credentials).second;
    }
    return answer.value("access_token", "");
}

json decky_in(const json& state, const std::string& name) {
    for (const auto& d : state.value("deckies", json::array()))
        if (d.value("name", "") == name) return d;
    return json();
}

// The OUIs a decky of this archetype and OS family may carry, as "xx:xx:xx".
std::set<std::string> expected_ouis(const json& decky) {
    std::set<std::string> out;
    const auto archetype = decky.value("archetype", std::string());
    for (const auto& oui :
         engine::netns::vendor_ouis(archetype, decky.value("os_family", std::string()))) {
        char text[9];
        std::snprintf(text, sizeof text, "%02x:%02x:%02x", oui.bytes[0], oui.bytes[1],
                      oui.bytes[2]);
        out.insert(text);
    }
    return out;
}

std::string mac_inside(const std::string& decky) {
    return capture("timeout 5 ip -n " + engine::netns::namespace_name(decky) +
                   " -br link show dev eth0");
}

class CliNetnsDeploy : public ::testing::Test {
  protected:
    void SetUp() override {
        if (geteuid() != 0)
            GTEST_SKIP() << "netns mode needs root (running as uid " << geteuid() << ")";
        // ctest may run this file's tests in parallel; they share names: one at a time.
        const int fd =
            open("/tmp/decnet-netns-deploy-test.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        ASSERT_GE(fd, 0);
        const auto deadline = Clock::now() + std::chrono::seconds(180);
        while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (Clock::now() > deadline) close(fd);
            ASSERT_LT(Clock::now(), deadline) << "netns test lock busy";
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        lock_fd_ = fd;
        if (!sh("ip netns add dnt2-probe"))
            GTEST_SKIP() << "`ip netns add` does not work here (no iproute2, or no mount "
                            "namespace rights)";
        sh("ip netns del dnt2-probe");
        remove_test_objects();
        dir_ = make_temp_dir();
        write_file(dir_ + "/fleet.ini", kFleet);
    }

    void TearDown() override {
        if (lock_fd_ < 0) return;
        // A failed assertion may have left the daemon running: stop it (bounded).
        if (!dir_.empty()) run_decnet({"teardown", "--all", "--state-dir", state()});
        remove_test_objects();
        close(lock_fd_);  // releases the lock
    }

    std::string state() const { return dir_ + "/state"; }

    json status_json() {
        const auto r = run_decnet({"status", "--json", "--state-dir", state()});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return json::parse(r.out, nullptr, false);
    }

    std::string dir_;
    int lock_fd_ = -1;
};

TEST_F(CliNetnsDeploy, DaemonApiDeckyMutateTeardownIdAndAll) {
    const auto started = Clock::now();
    const auto deployed = run_decnet(
        {"deploy", "--mode", "netns", "--config", dir_ + "/fleet.ini", "--bridge", kBridge, "--db",
         dir_ + "/d.db", "--state-dir", state(), "--api-port", "18273"},
        {kNetwork, std::string("DECNET_ADMIN_PASSWORD=") + kPassword, "DECNET_JWT_SECRET="});
    ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
    std::cout << "[  TIME    ] deploy --mode netns (2 deckies, daemon ready): " << ms_since(started)
              << " ms\n";
    EXPECT_THAT(deployed.out, HasSubstr("decnet deployed: 2 deckies"));
    ASSERT_TRUE(namespace_exists("dn-dnt2-win"));
    ASSERT_TRUE(namespace_exists("dn-dnt2-prn"));
    ASSERT_TRUE(link_exists(kBridge));

    // MACs: in the state file and `status`, with the archetype's vendor OUI, and the
    // address the decky's eth0 really has.
    const auto shown = status_json();
    ASSERT_EQ(shown.value("mode", ""), "netns") << shown.dump();
    for (const std::string name : {"dnt2-win", "dnt2-prn"}) {
        const auto d = decky_in(shown, name);
        ASSERT_TRUE(d.is_object()) << shown.dump();
        ASSERT_TRUE(d["mac"].is_string()) << d.dump();
        const auto mac = d["mac"].get<std::string>();
        EXPECT_THAT(mac, MatchesRegex("([0-9a-f]{2}:){5}[0-9a-f]{2}"));
        EXPECT_TRUE(expected_ouis(d).contains(mac.substr(0, 8))) << name << " " << mac;
        EXPECT_THAT(mac_inside(name), HasSubstr(mac));
    }
    const auto file = json::parse(read_file(state() + "/decnet-state.json"), nullptr, false);
    EXPECT_EQ(decky_in(file, "dnt2-win")["mac"], decky_in(shown, "dnt2-win")["mac"]);
    const auto table = run_decnet({"status", "--state-dir", state()});
    EXPECT_THAT(table.out, HasSubstr(decky_in(shown, "dnt2-prn")["mac"].get<std::string>()));

    ASSERT_TRUE(add_attacker());
    EXPECT_THAT(attacker_http("10.213.2.10"), MatchesRegex("[2-5][0-9][0-9]"));

    // A decky deployed through the REST API gets its own namespace, MAC and listeners.
    const auto token = login();
    ASSERT_FALSE(token.empty());
    const std::string ini =
        R"({"ini_content":"[dnt2-api]\nip=10.213.2.12\nservices=http\narchetype=linux-server\n"})";
    const auto api_started = Clock::now();
    auto [deploy_status, deploy_answer] = call("POST", "/deckies/deploy", token, ini);
    ASSERT_EQ(deploy_status, 200) << deploy_answer.dump();
    std::cout << "[  TIME    ] API deploy of one netns decky: " << ms_since(api_started) << " ms\n";
    ASSERT_TRUE(namespace_exists("dn-dnt2-api"));
    EXPECT_TRUE(link_exists(engine::netns::host_link_name("dnt2-api")));
    EXPECT_THAT(attacker_http("10.213.2.12"), MatchesRegex("[2-5][0-9][0-9]"));
    const auto api_decky = decky_in(status_json(), "dnt2-api");
    ASSERT_TRUE(api_decky["mac"].is_string()) << api_decky.dump();
    EXPECT_TRUE(
        expected_ouis(api_decky).contains(api_decky["mac"].get<std::string>().substr(0, 8)));
    EXPECT_THAT(mac_inside("dnt2-api"), HasSubstr(api_decky["mac"].get<std::string>()));
    EXPECT_THAT(read_file(state() + "/decnet.log"),
                HasSubstr("deploy: decky dnt2-api listening on 10.213.2.12 (MAC " +
                          api_decky["mac"].get<std::string>() + ")"));
    // The fleet page's source, GET /deckies, shows the same MAC and that it is up.
    const auto [list_status, listed] = call("GET", "/deckies", token);
    ASSERT_EQ(list_status, 200) << listed.dump();
    const auto listed_decky = std::find_if(listed.begin(), listed.end(),
                                           [](const json& d) { return d["name"] == "dnt2-api"; });
    ASSERT_NE(listed_decky, listed.end()) << listed.dump();
    EXPECT_EQ((*listed_decky)["mac"], api_decky["mac"]);
    EXPECT_EQ((*listed_decky)["state"], "up");
    // It is bound inside its namespace, not on the host.
    EXPECT_THAT(capture("ss -Hltn"), Not(HasSubstr("10.213.2.12:")));

    // Redeployed with other settings: the namespace is made again, with the same MAC.
    const std::string changed =
        R"({"ini_content":"[dnt2-api]\nip=10.213.2.12\nservices=redis\narchetype=linux-server\n"})";
    ASSERT_EQ(call("POST", "/deckies/deploy", token, changed).first, 200);
    EXPECT_TRUE(attacker_connects("10.213.2.12", 6379));
    EXPECT_FALSE(attacker_connects("10.213.2.12", 80));
    EXPECT_EQ(decky_in(status_json(), "dnt2-api")["mac"], api_decky["mac"]);
    EXPECT_THAT(mac_inside("dnt2-api"), HasSubstr(api_decky["mac"].get<std::string>()));

    // An API deploy that cannot get a namespace (the name is someone else's) fails with
    // 500 and leaves nothing; the other namespace is not decnet's to remove.
    ASSERT_TRUE(sh("ip netns add dn-dnt2-col"));
    const std::string taken = R"({"ini_content":"[dnt2-col]\nip=10.213.2.13\nservices=http\n"})";
    EXPECT_EQ(call("POST", "/deckies/deploy", token, taken).first, 500);
    EXPECT_TRUE(namespace_exists("dn-dnt2-col"));
    EXPECT_FALSE(link_exists(engine::netns::host_link_name("dnt2-col")));
    EXPECT_TRUE(decky_in(status_json(), "dnt2-col").is_null());
    EXPECT_THAT(read_file(state() + "/netns-objects"), Not(HasSubstr("dnt2-col")));
    sh("ip netns del dn-dnt2-col");

    // Mutate: the new listeners open inside the decky's namespace too.
    const auto mutated = run_decnet({"mutate", "--decky", "dnt2-api", "--state-dir", state()});
    ASSERT_EQ(mutated.exit_code, 0) << mutated.err;
    const auto inside = capture("timeout 5 ip netns exec dn-dnt2-api ss -Hltn");
    const auto services = decky_in(status_json(), "dnt2-api")["services"];
    ASSERT_FALSE(services.empty());
    for (const auto& slug : services) {
        const auto port = slug == "ftp"      ? 21
                          : slug == "telnet" ? 23
                          : slug == "http"   ? 80
                          : slug == "redis"  ? 6379
                                             : 0;
        if (port == 0) continue;  // other emulators: covered by the ss checks below
        EXPECT_THAT(inside, HasSubstr("10.213.2.12:" + std::to_string(port) + " ")) << slug;
        EXPECT_TRUE(attacker_connects("10.213.2.12", port)) << slug;
    }
    EXPECT_THAT(capture("ss -Hltn"), Not(HasSubstr("10.213.2.12:")));

    // teardown --id: exactly that decky's namespace and veth go; the others keep running.
    const auto teardown_started = Clock::now();
    const auto one = run_decnet({"teardown", "--id", "dnt2-prn", "--state-dir", state()});
    ASSERT_EQ(one.exit_code, 0) << one.err;
    std::cout << "[  TIME    ] teardown --id of one netns decky: " << ms_since(teardown_started)
              << " ms\n";
    EXPECT_THAT(one.out, HasSubstr("namespace dn-dnt2-prn"));
    EXPECT_FALSE(decky_network_exists("dnt2-prn"));
    EXPECT_TRUE(namespace_exists("dn-dnt2-win"));
    EXPECT_TRUE(namespace_exists("dn-dnt2-api"));
    EXPECT_TRUE(link_exists(kBridge));
    EXPECT_THAT(capture("ip netns list"), Not(HasSubstr("dn-dnt2-prn")));
    EXPECT_THAT(capture("ip -br link"), Not(HasSubstr(engine::netns::host_link_name("dnt2-prn"))));
    EXPECT_THAT(attacker_http("10.213.2.10"), MatchesRegex("[2-5][0-9][0-9]"));
    const auto after = json::parse(read_file(state() + "/decnet-state.json"), nullptr, false);
    EXPECT_TRUE(decky_in(after, "dnt2-prn").is_null()) << after.dump();
    EXPECT_TRUE(decky_in(after, "dnt2-win").is_object());
    const auto record = read_file(state() + "/netns-objects");
    EXPECT_THAT(record, Not(HasSubstr("dn-dnt2-prn")));
    EXPECT_THAT(record, HasSubstr("dn-dnt2-win"));

    // The API-added decky tears down the same way.
    const auto api_one = run_decnet({"teardown", "--id", "dnt2-api", "--state-dir", state()});
    ASSERT_EQ(api_one.exit_code, 0) << api_one.err;
    EXPECT_FALSE(decky_network_exists("dnt2-api"));
    EXPECT_TRUE(namespace_exists("dn-dnt2-win"));

    // teardown --all: nothing of decnet's is left (the attacker is the test's).
    const auto all_started = Clock::now();
    const auto all = run_decnet({"teardown", "--all", "--state-dir", state()});
    ASSERT_EQ(all.exit_code, 0) << all.err;
    std::cout << "[  TIME    ] teardown --all (1 decky left, bridge): " << ms_since(all_started)
              << " ms\n";
    for (const auto& d : kDeckies) EXPECT_FALSE(decky_network_exists(d)) << d;
    EXPECT_FALSE(link_exists(kBridge));
    EXPECT_THAT(capture("ip netns list"), Not(HasSubstr("dn-dnt2-")));
    EXPECT_FALSE(access((state() + "/netns-objects").c_str(), F_OK) == 0);
    EXPECT_FALSE(access((state() + "/decnet.pid").c_str(), F_OK) == 0);
}

TEST_F(CliNetnsDeploy, AStartUpErrorReachesTheTerminalAndNothingIsCreated) {
    // 127.0.0.0/24 holds lo's 127.0.0.1, so the daemon refuses to make a bridge for it —
    // after forking, once it holds the state dir: the error must still come back here.
    write_file(dir_ + "/lo.ini",
               "[general]\nnet=127.0.0.0/24\ngw=127.0.0.254\n\n[dnt2-win]\nip=127.0.0.50\n"
               "services=http\n");
    const auto r =
        run_decnet({"deploy", "--mode", "netns", "--config", dir_ + "/lo.ini", "--bridge", kBridge,
                    "--db", dir_ + "/x.db", "--state-dir", state(), "--no-api"},
                   {"DECNET_NETWORK=dnt2br0 127.0.0.0/24 127.0.0.254 127.0.0.1"});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_THAT(r.err, HasSubstr("already in use on this host (127.0.0.1 on lo)"));
    EXPECT_FALSE(link_exists(kBridge));
    EXPECT_FALSE(decky_network_exists("dnt2-win"));
    EXPECT_FALSE(access((state() + "/decnet.pid").c_str(), F_OK) == 0);
    EXPECT_FALSE(access((state() + "/netns-objects").c_str(), F_OK) == 0);

    // A failure half-way (the second decky's namespace name is taken by someone else):
    // what the daemon had made is removed, the other namespace is not touched.
    ASSERT_TRUE(sh("ip netns add dn-dnt2-prn"));
    const auto half =
        run_decnet({"deploy", "--mode", "netns", "--config", dir_ + "/fleet.ini", "--bridge",
                    kBridge, "--db", dir_ + "/x.db", "--state-dir", state(), "--no-api"},
                   {kNetwork});
    EXPECT_EQ(half.exit_code, 1) << half.out;
    EXPECT_THAT(half.err, HasSubstr("dn-dnt2-prn"));
    EXPECT_FALSE(link_exists(kBridge));
    EXPECT_FALSE(decky_network_exists("dnt2-win"));
    EXPECT_TRUE(namespace_exists("dn-dnt2-prn")) << "not decnet's: never removed";
    EXPECT_FALSE(access((state() + "/decnet.pid").c_str(), F_OK) == 0);
}

TEST_F(CliNetnsDeploy, WithoutRootDeployStopsBeforeForking) {
    if (!installed("setpriv")) GTEST_SKIP() << "setpriv (util-linux) not installed";
    // Flags, not the fleet file: the test's temp dir is not readable by nobody.
    const auto out = capture("cd / && env '" + std::string(kNetwork) +
                             "' timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups "
                             "--inh-caps=-all " +
                             std::string(DECNET_BINARY) +
                             " deploy --mode netns -n 1 --services http --subnet 10.213.2.0/24 "
                             "--bridge " +
                             kBridge + " --no-api --state-dir /nonexistent 2>&1; echo exit=$?");
    EXPECT_THAT(out, HasSubstr("netns mode needs root (CAP_NET_ADMIN)"));
    EXPECT_THAT(out, HasSubstr("exit=1"));
    EXPECT_THAT(out, Not(HasSubstr("Starting the decnet daemon")));
    EXPECT_FALSE(link_exists(kBridge));
    EXPECT_FALSE(decky_network_exists("decky-01"));
}

TEST_F(CliNetnsDeploy, AfterTeardownIdAndKill9TeardownAllRemovesTheRest) {
    const auto deployed =
        run_decnet({"deploy", "--mode", "netns", "--config", dir_ + "/fleet.ini", "--bridge",
                    kBridge, "--db", dir_ + "/d.db", "--state-dir", state(), "--no-api"},
                   {kNetwork});
    ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
    ASSERT_EQ(run_decnet({"teardown", "--id", "dnt2-prn", "--state-dir", state()}).exit_code, 0);
    const auto pid = std::atoi(read_file(state() + "/decnet.pid").c_str());
    ASSERT_GT(pid, 0);
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    // Bounded wait for the kernel to finish the process (it is not our child).
    for (int i = 0; i < 100 && kill(pid, 0) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(namespace_exists("dn-dnt2-win")) << "a crash leaves the namespaces behind";

    // The record was rewritten without dnt2-prn: replaying it removes exactly the rest.
    const auto r = run_decnet({"teardown", "--all", "--state-dir", state()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("Removed 3 leftover network namespace(s)/interface(s)"));
    for (const auto& d : kDeckies) EXPECT_FALSE(decky_network_exists(d)) << d;
    EXPECT_FALSE(link_exists(kBridge));
    EXPECT_FALSE(access((state() + "/netns-objects").c_str(), F_OK) == 0);
}

}  // namespace
}  // namespace decnet::testing
