// `decnet up` with the docker_api, k8s and mqtt emulators, driven by the real clients: the
// docker CLI (version, ps, images, and `run -v /:/host` up to the start failure), kubectl
// (pods across namespaces; curl when kubectl is not installed), mosquitto_sub/_pub; every
// step lands in the store as an event; nmap -sV names Docker and mosquitto. Subnet
// 127.205.x belongs to this file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/stored_logs.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

bool have(const std::string& tool) {
    return capture("command -v " + tool + " >/dev/null 2>&1 && echo yes") == "yes\n";
}

std::string joined(const std::vector<std::string>& rows) {
    std::string out;
    for (const auto& row : rows) out += row + "\n";
    return out;
}

struct Instance {
    std::string dir = make_temp_dir();
    std::unique_ptr<BackgroundProcess> up;
    explicit Instance(const std::string& services, const std::string& subnet,
                      const std::string& ini = "") {
        std::vector<std::string> args = {DECNET_BINARY, "up",          "--no-api", "--db",
                                         dir + "/c.db", "--state-dir", dir};
        if (ini.empty()) {
            args.insert(args.end(), {"-n", "1", "--services", services, "--subnet", subnet});
        } else {
            write_file(dir + "/d.ini", ini);
            args.insert(args.end(), {"--config", dir + "/d.ini"});
        }
        up = std::make_unique<BackgroundProcess>(args, dir);
    }
    std::unique_ptr<store::Repository> repo() { return store::open_sqlite(dir + "/c.db"); }
};

TEST(CliCloudIot, DockerCliSeesAnEngineUpToTheStartFailure) {
    if (!have("docker")) GTEST_SKIP() << "the docker CLI is not installed (docker.io)";
    Instance i("docker_api", "127.205.1.0/24");
    ASSERT_THAT(i.up->wait_for_output("decnet is up"), HasSubstr("decnet is up")) << i.up->err();
    // No daemon of ours: every docker call goes to the decky (and no config is written home).
    const std::string docker =
        "DOCKER_CONFIG=" + i.dir + " timeout 30 docker -H tcp://127.205.1.1:2375 ";

    const auto version = capture(docker + "version 2>&1");
    EXPECT_THAT(version, HasSubstr("Server: Docker Engine - Community"));
    EXPECT_THAT(version, HasSubstr("24.0.5"));
    EXPECT_THAT(version, HasSubstr("1.43 (minimum version 1.12)"));
    const auto ps = capture(docker + "ps 2>&1");
    EXPECT_THAT(ps, HasSubstr("nginx:1.25-alpine"));
    EXPECT_THAT(ps, HasSubstr("webapp"));
    EXPECT_THAT(ps, HasSubstr("0.0.0.0:80->80/tcp"));
    EXPECT_THAT(capture(docker + "images 2>&1"), HasSubstr("postgres"));

    const auto run =
        capture(docker + "run -v /:/host alpine chroot /host sh -c id 2>&1; echo rc=$?");
    EXPECT_THAT(run, HasSubstr("Unable to find image 'alpine:latest' locally"));
    EXPECT_THAT(run, HasSubstr("Status: Downloaded newer image for alpine:latest"));
    EXPECT_THAT(run, HasSubstr("Error response from daemon: failed to create task for container"));
    EXPECT_THAT(run, HasSubstr("rc=125"));
    // The attempt stays behind, as on a real engine.
    EXPECT_THAT(capture(docker + "ps -a 2>&1"), HasSubstr("alpine:latest"));
    EXPECT_THAT(capture(docker + "images 2>&1"), HasSubstr("alpine"));
    const auto exec = capture(docker + "exec webapp cat /etc/shadow 2>&1; echo rc=$?");
    EXPECT_THAT(exec, HasSubstr("OCI runtime exec failed"));

    auto repo = i.repo();
    wait_for_logs(*repo, "service:docker_api event:exec_start", 1);
    const auto creates = joined(stored_fields(*repo, "service:docker_api event:container_create"));
    EXPECT_THAT(creates, HasSubstr(R"("binds":"[\"/:/host\"]")"));
    EXPECT_THAT(creates, HasSubstr(R"("escape":"root_bind")"));
    EXPECT_THAT(creates, HasSubstr(R"(\"chroot\",\"/host\",\"sh\",\"-c\",\"id\")"));
    EXPECT_THAT(joined(stored_fields(*repo, "service:docker_api event:image_pull")),
                HasSubstr("alpine:latest"));
    EXPECT_FALSE(stored_fields(*repo, "service:docker_api event:attach").empty());
    EXPECT_FALSE(stored_fields(*repo, "service:docker_api event:container_start").empty());
    EXPECT_THAT(joined(stored_fields(*repo, "service:docker_api event:exec_create")),
                HasSubstr("/etc/shadow"));
    const auto requests = joined(stored_fields(*repo, "service:docker_api event:request", 200));
    for (const auto* path : {"/_ping", "/v1.43/version", "/v1.43/containers/json",
                             "/v1.43/images/json", "/v1.43/images/create", "/wait"})
        EXPECT_THAT(requests, HasSubstr(path)) << path;
    EXPECT_EQ(i.up->stop(), 0) << i.up->err();
}

TEST(CliCloudIot, KubectlListsThePersonaPods) {
    Instance i("", "",
               "[general]\nnet = 127.205.2.0/24\n\n[k8s-1]\nservices = k8s\n\n"
               "[k8s-2]\nservices = k8s\n\n[k8s-2.k8s]\naccess = locked\n");
    ASSERT_THAT(i.up->wait_for_output("decnet is up"), HasSubstr("decnet is up")) << i.up->err();
    const std::string open = "https://127.205.2.1:6443", locked = "https://127.205.2.2:6443";
    if (have("kubectl")) {
        // kubectl asks for a username on a cluster without credentials: a Basic pair is sent
        // (and captured); the open cluster lets it in as system:anonymous.
        const std::string kubectl = "KUBECONFIG=" + i.dir +
                                    "/none timeout 60 kubectl "
                                    "--insecure-skip-tls-verify --username=admin "
                                    "--password=kube123 </dev/null ";
        const auto pods = capture(kubectl + "--server " + open + " get pods -A 2>&1");
        EXPECT_THAT(pods, HasSubstr("NAMESPACE"));
        EXPECT_THAT(pods, HasSubstr("kube-system"));
        EXPECT_THAT(pods, HasSubstr("webapp-6d5f8b9-xk2p7"));
        EXPECT_THAT(pods, HasSubstr("Running"));
        EXPECT_THAT(capture(kubectl + "--server " + open + " get ns 2>&1"),
                    HasSubstr("production"));
        EXPECT_THAT(capture(kubectl + "--server " + open + " get secrets -A 2>&1"),
                    HasSubstr("secrets is forbidden: User \"system:anonymous\""));
        EXPECT_THAT(capture(kubectl + "--server " + open +
                            " run miner --image=xmrig/xmrig -- -o pool.example:3333 2>&1"),
                    HasSubstr("Forbidden"));
        // Discovery is refused to anonymous callers: kubectl stops there, as on a real
        // locked cluster (client-go words the 403 of discovery "unknown").
        EXPECT_THAT(capture(kubectl + "--server " + locked + " get pods -A 2>&1"),
                    HasSubstr("Error from server (Forbidden)"));
    } else {
        std::cout << "[  NOTE    ] kubectl not installed: the k8s test uses curl\n";
        const auto pods = capture("curl -sk --max-time 10 " + open + "/api/v1/pods");
        EXPECT_THAT(pods, HasSubstr("\"kind\": \"PodList\""));
        EXPECT_THAT(pods, HasSubstr("webapp-6d5f8b9-xk2p7"));
    }
    // Bait tokens: a bearer token reads the secrets; the token found there is recognised.
    const auto secrets =
        capture("curl -sk --max-time 10 -H 'Authorization: Bearer eyJhbGciOi.x.y' " + open +
                "/api/v1/namespaces/kube-system/secrets");
    EXPECT_THAT(secrets, HasSubstr("kubernetes.io/service-account-token"));
    EXPECT_THAT(capture("curl -sk --max-time 10 " + open + "/version"), HasSubstr("v1.27.4"));
    EXPECT_THAT(capture("curl -sk --max-time 10 " + locked + "/api/v1/pods"),
                HasSubstr(R"(pods is forbidden: User \"system:anonymous\" cannot list resource )"
                          R"(\"pods\" in API group \"\" at the cluster scope)"));

    auto repo = i.repo();
    wait_for_logs(*repo, "service:k8s event:secret_read", 1);
    const auto requests = joined(stored_fields(*repo, "service:k8s event:request", 200));
    EXPECT_THAT(requests, HasSubstr("/api/v1/pods"));
    EXPECT_THAT(requests, HasSubstr(R"("username":"bearer","password":"eyJhbGciOi.x.y")"));
    if (have("kubectl")) {
        EXPECT_THAT(requests, HasSubstr(R"("username":"admin","password":"kube123")"));
        EXPECT_THAT(joined(stored_fields(*repo, "service:k8s event:write")),
                    HasSubstr(R"("images":"[\"xmrig/xmrig\"]")"));
    }
    EXPECT_EQ(i.up->stop(), 0) << i.up->err();
}

TEST(CliCloudIot, MosquittoClientsGetDriftingTelemetryAndArePublishedTo) {
    if (!have("mosquitto_sub")) GTEST_SKIP() << "mosquitto-clients is not installed";
    Instance i("", "",
               "[general]\nnet = 127.205.3.0/24\n\n[broker]\nservices = mqtt\n\n"
               "[broker.mqtt]\ninterval = 1\n");
    ASSERT_THAT(i.up->wait_for_output("decnet is up"), HasSubstr("decnet is up")) << i.up->err();
    const auto feed = capture(
        "timeout 20 mosquitto_sub -h 127.205.3.1 -t '#' -u u -P p -C 40 "
        "-W 15 -v 2>&1");
    // Retained values first, then live ones: the tank level is seen more than once, changing.
    std::map<std::string, std::set<std::string>> values;
    std::istringstream lines(feed);
    for (std::string line; std::getline(lines, line);)
        if (const auto sp = line.find(' '); sp != std::string::npos)
            values[line.substr(0, sp)].insert(line.substr(sp + 1));
    EXPECT_TRUE(values.count("plant/water/pump1/status")) << feed;
    std::size_t changing = 0;
    for (const auto& [topic, seen] : values) changing += seen.size() > 1;
    EXPECT_GE(changing, 2u) << feed;
    EXPECT_THAT(
        capture("timeout 10 mosquitto_sub -h 127.205.3.1 -V mqttv5 -t '$SYS/broker/version' "
                "-C 1 -W 5 2>&1"),
        HasSubstr("mosquitto version 2.0.15"));
    EXPECT_EQ(capture("timeout 10 mosquitto_pub -h 127.205.3.1 -t plant/cmd/pump1 -m STOP -q 2 "
                      "-i intruder -u admin -P s3cret; echo $?"),
              "0\n");
    // 8883 speaks TLS with the decky's certificate (trusted here as its own CA).
    capture(
        "echo | timeout 10 openssl s_client -connect 127.205.3.1:8883 2>/dev/null | "
        "openssl x509 > " +
        i.dir + "/ca.pem");
    EXPECT_THAT(capture("timeout 10 mosquitto_sub -h 127.205.3.1 -p 8883 --insecure --cafile " +
                        i.dir + "/ca.pem -t 'plant/alarm/#' -C 3 -W 5 -v 2>&1"),
                HasSubstr("plant/alarm/pump_fault 0"));
    write_file(i.dir + "/payload.sh", "#!/bin/sh\n" + std::string(3000, '#') + "\nwget x\n");
    EXPECT_EQ(capture("timeout 10 mosquitto_pub -h 127.205.3.1 -t firmware/update -q 1 -f " +
                      i.dir + "/payload.sh; echo $?"),
              "0\n");

    auto repo = i.repo();
    wait_for_logs(*repo, "service:mqtt event:file_captured", 1);
    const auto connects = joined(stored_fields(*repo, "service:mqtt event:connect"));
    EXPECT_THAT(connects, HasSubstr(R"("username":"u","password":"p")"));
    EXPECT_THAT(connects, HasSubstr(R"("client_id":"intruder")"));
    EXPECT_THAT(joined(stored_fields(*repo, "service:mqtt event:publish")),
                HasSubstr(R"("topic":"plant/cmd/pump1")"));
    EXPECT_THAT(joined(stored_fields(*repo, "service:mqtt event:subscribe")),
                HasSubstr(R"([\"#\"])"));
    EXPECT_EQ(i.up->stop(), 0) << i.up->err();
}

// nmap -sV twice: Docker (plain and TLS) and mosquitto named both times. (No nmap match
// exists for a modern kube-apiserver: it stays unrecognised, as a real one does.)
TEST(CliCloudIot, NmapNamesDockerAndMosquitto) {
    if (!have("nmap")) GTEST_SKIP() << "nmap is not installed";
    Instance i("docker_api,mqtt", "127.205.4.0/24");
    ASSERT_THAT(i.up->wait_for_output("decnet is up"), HasSubstr("decnet is up")) << i.up->err();
    for (int run = 0; run < 2; ++run) {
        const auto scan = capture("timeout 150 nmap -n -sV -Pn -p 2375,2376,1883 127.205.4.1 2>&1");
        EXPECT_THAT(scan, HasSubstr("2375/tcp open  docker")) << scan;
        EXPECT_THAT(scan, HasSubstr("Docker 24.0.5 (API 1.43)")) << scan;
        EXPECT_THAT(scan, HasSubstr("2376/tcp open  ssl/docker")) << scan;
        EXPECT_THAT(scan, HasSubstr("mosquitto version 2.0.15")) << scan;
    }
    EXPECT_EQ(i.up->stop(), 0) << i.up->err();
}

}  // namespace
}  // namespace decnet::testing
