// `decnet deploy|up --mode docker --dry-run`: the docker-compose export (engine.md §6.5,
// §8 checks 53–60), parsed back with a real YAML reader (PyYAML) and checked as data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "integration/cli_runner.hpp"

namespace decnet::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
// Ordered, so key order (the reference layout) is checked too.
using json = nlohmann::ordered_json;

const std::string kLan = "DECNET_NETWORK=eth0 192.168.1.0/24 192.168.1.1 192.168.1.5";

// Debian's python3 (python3-yaml, scripts/install-deps.sh) — not a pyenv shim.
json load_yaml(const std::string& path) {
    const auto out = capture(
        "/usr/bin/python3 -c 'import sys, json, yaml; "
        "print(json.dumps(yaml.safe_load(open(sys.argv[1]))))' '" +
        path + "' 2>&1");
    return json::parse(out);
}

std::vector<std::string> keys(const json& object) {
    std::vector<std::string> out;
    for (auto it = object.begin(); it != object.end(); ++it) out.push_back(it.key());
    return out;
}

const char* kFleet = R"([general]
net=192.168.1.0/24
gw=192.168.1.1

[decky-01]
ip=192.168.1.10
services=ssh,docker_api,http,smtp_relay
nmap_os=windows

[decky-01.http]
server_header=nginx/1.18.0
response_code=404
files=site
extra_headers={"X-Powered-By": "PHP/7.4"}

[decky-01.ssh]
password=it's: #yes

[decky-02]
ip=192.168.1.11
services=conpot,myapp
nmap_os=embedded

[decky-03]
ip=192.168.1.12
services=ftp,telnet
nmap_os=solaris

[custom-myapp]
binary=ghcr.io/me/app:1.0
exec=/bin/app --port 8080
ports=8080
)";

class CliCompose : public ::testing::Test {
  protected:
    void SetUp() override {
        dir = make_temp_dir();
        write_file(dir + "/fleet.ini", kFleet);
    }
    std::string dir;
};

TEST_F(CliCompose, DeployDryRunWritesTheReferenceLayout) {
    const auto r =
        run_decnet({"deploy", "--mode", "docker", "--dry-run", "-c", "fleet.ini", "--output",
                    "out/compose.yml", "--log-target", "tcp://10.0.0.5:5140"},
                   {kLan}, dir);
    // The output directory does not exist: a clear error, nothing half-written.
    EXPECT_EQ(r.exit_code, 1);
    std::filesystem::create_directory(dir + "/out");
    const auto ok =
        run_decnet({"deploy", "--mode", "docker", "--dry-run", "-c", "fleet.ini", "--output",
                    "out/compose.yml", "--log-target", "tcp://10.0.0.5:5140"},
                   {kLan}, dir);
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_THAT(ok.out, HasSubstr("Compose file written → " + dir + "/out/compose.yml"));
    EXPECT_THAT(ok.out, HasSubstr("docker network create -d macvlan -o parent=eth0 --subnet "
                                  "192.168.1.0/24 --gateway 192.168.1.1 --ip-range "
                                  "192.168.1.8/29 decnet_lan"));
    EXPECT_THAT(ok.out, HasSubstr("Dry run — no containers started."));

    const auto c = load_yaml(dir + "/out/compose.yml");
    ASSERT_TRUE(c.is_object()) << c.dump();
    EXPECT_THAT(keys(c), ElementsAre("version", "services", "networks"));
    EXPECT_EQ(c["version"], "3.8");
    EXPECT_EQ(c["networks"], json::parse(R"({"decnet_lan": {"external": true}})"));
    const auto& s = c["services"];
    EXPECT_THAT(keys(s),
                ElementsAre("decky-01", "decky-01-ssh", "decky-01-docker_api", "decky-01-http",
                            "decky-01-smtp_relay", "decky-02", "decky-02-conpot", "decky-02-myapp",
                            "decky-03", "decky-03-ftp", "decky-03-telnet"));

    // Base containers own the network identity (check 53, 59).
    const auto& base = s["decky-01"];
    EXPECT_EQ(base["container_name"], "decky-01");
    EXPECT_EQ(base["command"], json::parse(R"(["sleep", "infinity"])"));
    EXPECT_EQ(base["restart"], "unless-stopped");
    EXPECT_EQ(base["cap_add"], json::parse(R"(["NET_ADMIN"])"));
    EXPECT_EQ(base["networks"]["decnet_lan"]["ipv4_address"], "192.168.1.10");
    EXPECT_EQ(base["sysctls"].size(), 10u);
    EXPECT_EQ(base["sysctls"]["net.ipv4.ip_default_ttl"], "128");
    EXPECT_FALSE(base.contains("logging"));
    EXPECT_EQ(s["decky-02"]["sysctls"]["net.ipv4.ip_default_ttl"], "255");
    EXPECT_EQ(s["decky-03"]["sysctls"]["net.ipv4.ip_default_ttl"], "64");  // solaris → linux

    // Service containers share the base's namespace (check 54, 55).
    for (const auto* key :
         {"decky-01-ssh", "decky-01-docker_api", "decky-01-http", "decky-01-smtp_relay",
          "decky-02-conpot", "decky-02-myapp", "decky-03-ftp", "decky-03-telnet"}) {
        const auto& svc = s[key];
        const std::string decky = std::string(key).substr(0, 8);
        SCOPED_TRACE(key);
        EXPECT_EQ(svc["network_mode"], "service:" + decky);
        EXPECT_EQ(svc["depends_on"], json::array({decky}));
        EXPECT_FALSE(svc.contains("hostname") || svc.contains("networks") ||
                     svc.contains("sysctls"));
        EXPECT_EQ(svc["environment"]["HOSTNAME"], s[decky]["hostname"]);
        EXPECT_EQ(svc["environment"]["LOG_TARGET"], "10.0.0.5:5140");  // D13
        EXPECT_EQ(svc["restart"], "unless-stopped");
        EXPECT_EQ(svc["logging"], json::parse(R"({"driver": "json-file",
                                   "options": {"max-size": "10m", "max-file": "5"}})"));
    }
    EXPECT_EQ(s["decky-01-ssh"]["build"]["args"]["BASE_IMAGE"], "debian:bookworm-slim");
    EXPECT_EQ(s["decky-02-conpot"]["build"]["args"]["BASE_IMAGE"], "honeynet/conpot:latest");
    EXPECT_EQ(s["decky-01-http"]["build"]["context"], dir + "/out/templates/http");
    EXPECT_EQ(s["decky-01-smtp_relay"]["build"]["context"], dir + "/out/templates/smtp");

    // Persona → environment (check 56), names (check 58, D6), custom services (§4.5, D12).
    const auto& http = s["decky-01-http"];
    EXPECT_EQ(http["environment"]["NODE_NAME"], "decky-01");
    EXPECT_EQ(http["environment"]["SERVER_HEADER"], "nginx/1.18.0");
    EXPECT_EQ(http["environment"]["RESPONSE_CODE"], "404");
    EXPECT_EQ(http["environment"]["EXTRA_HEADERS"], R"({"X-Powered-By": "PHP/7.4"})");
    EXPECT_EQ(http["environment"]["FILES_DIR"], "/opt/html_files");
    EXPECT_EQ(http["volumes"], json::array({dir + "/site:/opt/html_files:ro"}));
    EXPECT_FALSE(s["decky-03-ftp"]["environment"].contains("SERVER_HEADER"));
    EXPECT_FALSE(s["decky-03-ftp"].contains("volumes"));
    EXPECT_EQ(s["decky-01-ssh"]["environment"]["SSH_ROOT_PASSWORD"], "it's: #yes");
    EXPECT_FALSE(s["decky-01-ssh"]["environment"].contains("NODE_NAME"));
    EXPECT_EQ(s["decky-01-ssh"]["cap_add"], json::array({"NET_BIND_SERVICE"}));
    EXPECT_EQ(s["decky-03-telnet"]["environment"]["TELNET_ROOT_PASSWORD"], "admin");
    EXPECT_EQ(s["decky-01-docker_api"]["container_name"], "decky-01-docker-api");
    EXPECT_EQ(s["decky-01-smtp_relay"]["container_name"], "decky-01-smtp-relay");
    EXPECT_EQ(s["decky-01-smtp_relay"]["environment"]["SMTP_OPEN_RELAY"], "1");
    EXPECT_EQ(s["decky-02-conpot"]["environment"]["CONPOT_TEMPLATE"], "default");
    const auto& custom = s["decky-02-myapp"];
    EXPECT_EQ(custom["image"], "ghcr.io/me/app:1.0");
    EXPECT_EQ(custom["container_name"], "decky-02-myapp");
    EXPECT_EQ(custom["command"], json::parse(R"(["/bin/app", "--port", "8080"])"));
    EXPECT_FALSE(custom.contains("build"));
}

TEST_F(CliCompose, DefaultsStdoutAndMisuse) {
    // No --output: ./decnet-compose.yml, build contexts from --templates-dir.
    auto r = run_decnet(
        {"up", "--mode", "docker", "--dry-run", "-n", "2", "--services", "http,redis", "--distro",
         "rocky9,kali", "--ipvlan", "--templates-dir", "/srv/decnet/templates"},
        {kLan}, dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("Compose file written → " + dir + "/decnet-compose.yml"));
    EXPECT_THAT(r.out, HasSubstr("-d ipvlan -o parent=eth0 -o ipvlan_mode=l2"));
    const auto c = load_yaml(dir + "/decnet-compose.yml");
    EXPECT_EQ(c["services"]["decky-02-redis"]["build"]["context"], "/srv/decnet/templates/redis");
    EXPECT_FALSE(c["services"]["decky-01-http"]["environment"].contains("LOG_TARGET"));
    EXPECT_EQ(c["services"]["decky-01"]["image"], "rockylinux:9-minimal");
    EXPECT_EQ(c["services"]["decky-01-http"]["build"]["args"]["BASE_IMAGE"],
              "debian:bookworm-slim");
    EXPECT_EQ(c["services"]["decky-02-redis"]["build"]["args"]["BASE_IMAGE"],
              "kalilinux/kali-rolling");

    // --output - prints the YAML; --json keeps stdout for the plan.
    r = run_decnet({"deploy", "--mode", "docker", "--dry-run", "-n", "1", "--services", "ssh",
                    "--output", "-"},
                   {kLan}, dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("decky-01-ssh:\n    build:"));
    r = run_decnet({"deploy", "--mode", "docker", "--dry-run", "-n", "1", "--services", "ssh",
                    "--json", "-o", "j.yml"},
                   {kLan}, dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(json::accept(r.out)) << r.out;
    EXPECT_THAT(r.err, HasSubstr("Compose file written"));

    // Docker mode never runs containers; --output is for docker dry runs only.
    r = run_decnet({"deploy", "--mode", "docker", "-n", "1", "--services", "ssh"}, {kLan}, dir);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_THAT(r.err, HasSubstr("add --dry-run"));
    r = run_decnet({"deploy", "--dry-run", "-n", "1", "--services", "ssh", "-o", "x.yml"}, {}, dir);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr("--mode docker"));
    EXPECT_FALSE(std::filesystem::exists(dir + "/x.yml"));
}

}  // namespace
}  // namespace decnet::testing
