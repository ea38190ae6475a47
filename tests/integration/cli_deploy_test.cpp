// `decnet deploy --dry-run` and `decnet up` planning, as a user runs them: flags, INI
// files, errors and exit codes (engine.md §8 checks 5–21, adapted to native modes).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>

#include "integration/cli_runner.hpp"
#include "integration/netns_lan.hpp"

namespace decnet::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using json = nlohmann::json;

// The engine.md §8 "N" fixture: a LAN host without touching the real network.
const std::string kLan = "DECNET_NETWORK=eth0 192.168.1.0/24 192.168.1.1 192.168.1.5";

json plan(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    std::vector<std::string> full = {"deploy", "--dry-run", "--json"};
    full.insert(full.end(), args.begin(), args.end());
    const auto r = run_decnet(full, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
}

std::vector<std::string> field(const json& p, const std::string& key) {
    std::vector<std::string> out;
    for (const auto& d : p["deckies"]) out.push_back(d[key].get<std::string>());
    return out;
}

TEST(CliDeploy, FiveRandomLoopbackDeckiesAreHeterogeneous) {
    const auto r = run_decnet({"deploy", "-n", "5", "--randomize-services", "--dry-run"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("Mode: loopback  Interface: lo  Subnet: 127.77.0.0/16"));
    EXPECT_THAT(r.out, HasSubstr("Deployment plan (5 deckies)"));
    EXPECT_THAT(r.out, HasSubstr("Dry run — nothing started."));
    const auto p = plan({"-n", "5", "--randomize-services"});
    std::set<std::string> service_sets;
    for (const auto& d : p["deckies"]) service_sets.insert(d["services"].dump());
    EXPECT_EQ(service_sets.size(), 5u);
    EXPECT_THAT(field(p, "ip"),
                ElementsAre("127.77.0.1", "127.77.0.2", "127.77.0.3", "127.77.0.4", "127.77.0.5"));
}

TEST(CliDeploy, SeededJsonPlanIsGolden) {
    const auto r = run_decnet({"deploy", "-n", "5", "--randomize-services", "--randomize-distros",
                               "--seed", "42", "--dry-run", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_golden("deploy_n5_random_seed42.json", r.out);
    // Same seed, same plan; another seed, another plan.
    EXPECT_EQ(run_decnet({"deploy", "-n", "5", "--randomize-services", "--randomize-distros",
                          "--seed", "42", "--dry-run", "--json"})
                  .out,
              r.out);
    EXPECT_NE(run_decnet({"deploy", "-n", "5", "--randomize-services", "--randomize-distros",
                          "--seed", "43", "--dry-run", "--json"})
                  .out,
              r.out);
}

TEST(CliDeploy, ReferenceValidationOrderAndMessages) {
    auto r = run_decnet({"deploy", "--mode", "invalid", "--deckies", "1"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("--mode must be 'loopback', 'netns' or 'docker'"));
    r = run_decnet({"deploy", "--services", "ssh"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("--deckies is required when --config is not used."));
    r = run_decnet({"deploy", "--deckies", "1"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("Specify --services, --archetype, or --randomize-services."));
    r = run_decnet({"deploy", "--deckies", "0", "--services", "ssh"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err,
                HasSubstr("Invalid value for '--deckies' / '-n': 0 is not in the range x>=1."));
    r = run_decnet({"deploy", "--deckies", "1", "--services", "ssh,bogus"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("Unknown service(s): ['bogus']. Available: ['conpot', "));
    r = run_decnet({"deploy", "--deckies", "1", "--services", "sniffer"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("Unknown service(s): ['sniffer']"));
    r = run_decnet({"deploy", "--deckies", "1", "--archetype", "nonexistent_arch"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(
        r.err,
        HasSubstr("Unknown archetype 'nonexistent_arch'. Available: database-server, deaddeck,"));
    r = run_decnet(
        {"deploy", "--deckies", "1", "--services", "ssh", "--distro", "nonexistent_distro"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("Unknown distro 'nonexistent_distro'. Available: alpine, arch,"));
    r = run_decnet({"deploy", "--config", "/nonexistent/config.ini"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("Config file not found: /nonexistent/config.ini"));
    r = run_decnet({"deploy", "--deckies", "1", "--services", "ssh", "--log-target", "1.2.3.4"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("Invalid log_target '1.2.3.4'. Expected format: ip:port"));
    r = run_decnet({"deploy", "--deckies", "1", "--services", "ssh", "--subnet", "10.0.0.0/24"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("loopback mode needs a subnet inside 127.0.0.0/8"));
}

// netns mode runs for real (as root it would build a LAN: tests/integration/
// cli_netns_deploy_test.cpp does, on its own names); docker mode is generation only.
TEST(CliDeploy, DockerModeWithoutDryRunIsNotAvailableYet) {
    const auto r =
        run_decnet({"deploy", "--mode", "docker", "-n", "1", "--services", "ssh"}, {kLan});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_THAT(r.err, HasSubstr("not available yet"));
}

TEST(CliDeploy, LanModeUsesDetectedNetwork) {
    const auto r = run_decnet(
        {"deploy", "--mode", "netns", "--deckies", "3", "--services", "ssh", "--dry-run"}, {kLan});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("Interface: eth0  Subnet: 192.168.1.0/24  Gateway: 192.168.1.1  "
                                 "Host IP: 192.168.1.5"));
    const auto p = plan({"--mode", "unihost", "--deckies", "3", "--services", "ssh"}, {kLan});
    EXPECT_EQ(p["mode"], "netns");
    EXPECT_THAT(field(p, "ip"), ElementsAre("192.168.1.2", "192.168.1.3", "192.168.1.4"));
    EXPECT_THAT(field(p, "name"), ElementsAre("decky-01", "decky-02", "decky-03"));
}

TEST(CliDeploy, IpStartAndDistroCycling) {
    auto p = plan(
        {"--mode", "netns", "--deckies", "2", "--services", "ssh", "--ip-start", "192.168.1.100"},
        {kLan});
    EXPECT_THAT(field(p, "ip"), ElementsAre("192.168.1.100", "192.168.1.101"));
    p = plan({"--mode", "netns", "--deckies", "9", "--services", "ssh"}, {kLan});
    EXPECT_THAT(field(p, "base_image"),
                ElementsAre("debian:bookworm-slim", "ubuntu:22.04", "ubuntu:20.04",
                            "rockylinux:9-minimal", "centos:7", "alpine:3.19", "fedora:39",
                            "kalilinux/kali-rolling", "archlinux:latest"));
    p = plan({"--deckies", "3", "--services", "ssh", "--distro", "debian,ubuntu22"});
    EXPECT_THAT(field(p, "distro"), ElementsAre("debian", "ubuntu22", "debian"));
}

TEST(CliDeploy, ArchetypesSetServicesOsAndHostnames) {
    auto p = plan({"--deckies", "2", "--archetype", "windows-workstation"});
    const std::regex generic("^SRV-[A-Z]+-[1-9][0-9]$");
    for (const auto& d : p["deckies"]) {
        EXPECT_EQ(d["services"].size(), 2u);
        EXPECT_EQ(d["services"][0]["name"], "smb");
        EXPECT_EQ(d["services"][0]["ports"][0]["port"], 445);
        EXPECT_EQ(d["services"][1]["name"], "rdp");
        EXPECT_EQ(d["os_family"], "windows");
        EXPECT_EQ(d["ttl"], 128);
        EXPECT_TRUE(std::regex_match(d["hostname"].get<std::string>(), generic));
    }
    p = plan({"--deckies", "1", "--archetype", "iot-device"});
    const auto& d = p["deckies"][0];
    EXPECT_EQ(d["base_image"], "alpine:3.19");
    EXPECT_EQ(d["ttl"], 255);
    EXPECT_TRUE(
        std::regex_match(d["hostname"].get<std::string>(), std::regex("^[a-z]+-[1-9][0-9]$")));
    EXPECT_EQ(d["services"].size(), 3u);
}

TEST(CliDeploy, MutateIntervalPrecedence) {
    auto p = plan({"--deckies", "1", "--services", "ssh"});
    EXPECT_EQ(p["deckies"][0]["mutate_interval"], 30);
    p = plan({"--deckies", "1", "--services", "ssh", "--mutate-interval", "12"});
    EXPECT_EQ(p["deckies"][0]["mutate_interval"], 12);
}

class CliDeployIni : public ::testing::Test {
  protected:
    std::string dir = make_temp_dir();
    std::string ini(const std::string& text) {
        const std::string path = dir + "/fleet.ini";
        write_file(path, text);
        return path;
    }
};

TEST_F(CliDeployIni, IniFleetWithAmountPersonaAndInterval) {
    const auto path =
        ini("[general]\nnet = 127.50.0.0/24\n\n"
            "[web]\nservices = http, ssh\nmutate_interval = 7\n\n"
            "[web.http]\nserver_header = nginx/1.18.0\n\n"
            "[corp-ws]\narchetype = windows-workstation\namount = 3\n");
    const auto r = run_decnet({"deploy", "--config", path, "--dry-run", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto p = json::parse(r.out);
    EXPECT_THAT(field(p, "name"), ElementsAre("web", "corp-ws-01", "corp-ws-02", "corp-ws-03"));
    EXPECT_THAT(field(p, "ip"),
                ElementsAre("127.50.0.1", "127.50.0.2", "127.50.0.3", "127.50.0.4"));
    EXPECT_EQ(p["deckies"][0]["mutate_interval"], 7);  // D4: the INI value is honoured
    EXPECT_EQ(p["deckies"][1]["mutate_interval"], 30);
    EXPECT_EQ(p["deckies"][0]["services"][0]["persona"]["server_header"], "nginx/1.18.0");
    EXPECT_EQ(p["deckies"][2]["os_family"], "windows");
}

TEST_F(CliDeployIni, MalformedIniGivesOneLineAndExit1) {
    const auto path = ini("[general]\nnet = 127.50.0.0/24\n\n[bad]\namount = potato\n");
    const auto r = run_decnet({"deploy", "--config", path, "--dry-run"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_THAT(r.err,
                HasSubstr(path + ":5: [bad] amount= must be a positive integer, got 'potato'"));
}

// An INI on a LAN subnet is a LAN deployment: without --mode it is planned in netns mode
// (the plan says so, and why); --mode loopback is refused, naming net='s line.
TEST_F(CliDeployIni, LanSubnetWithoutModeIsPlannedInNetnsMode) {
    const auto path = ini("[general]\nnet = 192.168.1.0/24\n\n[a]\nservices = ssh\n");
    auto r = run_decnet({"deploy", "--config", path, "--dry-run"}, {kLan});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("Config: " + path +
                                 "  Mode: netns (INI net= is a LAN subnet)  Interface: eth0  "
                                 "Subnet: 192.168.1.0/24  Gateway: 192.168.1.1  Host IP: "
                                 "192.168.1.5"));
    EXPECT_THAT(r.out, HasSubstr("Dry run — nothing started."));
    r = run_decnet({"deploy", "--config", path, "--dry-run", "--json"}, {kLan});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto p = json::parse(r.out);
    EXPECT_EQ(p["mode"], "netns");
    EXPECT_EQ(p["interface"], "eth0");
    EXPECT_EQ(p["subnet"], "192.168.1.0/24");
    EXPECT_THAT(field(p, "ip"), ElementsAre("192.168.1.2"));
    r = run_decnet({"up", "--config", path, "--dry-run", "--json"}, {kLan});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["mode"], "netns");

    r = run_decnet({"deploy", "--mode", "loopback", "--config", path, "--dry-run"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.err,
                HasSubstr(path + ":2: loopback mode needs a subnet inside 127.0.0.0/8, got "
                                 "192.168.1.0/24 (INI net=); use --mode netns for a LAN subnet."));
    // A loopback net= (or --subnet over it) stays loopback, as before.
    const auto lo = ini("[general]\nnet = 127.60.0.0/24\n\n[a]\nservices = ssh\n");
    EXPECT_EQ(plan({"--config", lo})["mode"], "loopback");
    r = run_decnet({"deploy", "--config", path, "--subnet", "127.61.0.0/24", "--dry-run"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("Mode: loopback  Interface: lo  Subnet: 127.61.0.0/24"));
}

// A real run of that plan needs root, and says so before anything starts.
TEST_F(CliDeployIni, LanSubnetWithoutRootGetsTheNetnsError) {
    if (!installed("setpriv")) GTEST_SKIP() << "setpriv (util-linux) not installed";
    const auto path = ini("[general]\nnet = 10.213.9.0/24\n\n[a]\nservices = ssh\n");
    const auto out = capture("cd / && env '" + kLan +
                             "' timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups "
                             "--inh-caps=-all " +
                             std::string(DECNET_BINARY) + " deploy --config '" + path +
                             "' --no-api --state-dir /nonexistent 2>&1; echo exit=$?");
    if (out.find("Config file not found") != std::string::npos)
        GTEST_SKIP() << "the test's temp dir is not readable by nobody";
    EXPECT_THAT(out, HasSubstr("Mode: netns (INI net= is a LAN subnet)"));
    EXPECT_THAT(out, HasSubstr("netns mode needs root (CAP_NET_ADMIN)"));
    EXPECT_THAT(out, HasSubstr("exit=1"));
    EXPECT_THAT(out, Not(HasSubstr("Starting the decnet daemon")));
}

// The first problem in the file is the one reported, with its file and line: an unknown
// service even when the subnet would also be refused, a bad address before a later typo.
TEST_F(CliDeployIni, ProblemsAreReportedInFileOrder) {
    auto path = ini("[general]\nnet = 192.168.1.0/24\n\n[a]\nservices = ssh, bogus\n");
    for (const std::vector<std::string>& mode :
         {std::vector<std::string>{}, std::vector<std::string>{"--mode", "loopback"}}) {
        std::vector<std::string> args = {"deploy", "--config", path, "--dry-run"};
        args.insert(args.end(), mode.begin(), mode.end());
        const auto r = run_decnet(args, {kLan});
        EXPECT_EQ(r.exit_code, 1);
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_THAT(r.err,
                    HasSubstr(path + ":4: Unknown service(s) in [a]: ['bogus']. Available: "));
    }
    path = ini("[general]\nnet = 127.50.0.0/24\n\n[a]\nip = 127.60.0.9\n\n[b]\namount = potato\n");
    auto r = run_decnet({"deploy", "--config", path, "--dry-run"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err,
                HasSubstr(path + ":4: [a] ip=127.60.0.9 is outside the subnet 127.50.0.0/24."));
    path = ini("[a]\nservices = ssh\n\n[b]\narchetype = nope\n\n[c]\nip = 1.2.3\n");
    r = run_decnet({"deploy", "--config", path, "--dry-run", "--json"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.err, HasSubstr(path + ":4: Unknown archetype 'nope'. Available: "));
}

TEST(CliUp, DryRunPlansTheEmbeddedDefault) {
    const auto r = run_decnet({"up", "--seed", "1", "--dry-run"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("Deployment plan (3 deckies)"));
    EXPECT_THAT(r.out, HasSubstr("127.77.0.3"));
    EXPECT_THAT(r.out, HasSubstr("redis 6379/tcp"));
}

}  // namespace
}  // namespace decnet::testing
