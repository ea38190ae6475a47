// The docker_api emulator: container-create bodies read into specs (escape settings named),
// image references, API version prefixes, and a keep-alive dialogue over an in-memory
// session — _ping's headers, version, a create that needs a pull, the pull stream, the
// create, and the start failing as the persona says — with every step an event.
#include <gtest/gtest.h>

#include "honeypot/services/docker_api/docker_request.hpp"
#include "honeypot/services/registry.hpp"
#include "support/dialogue.hpp"

namespace decnet::honeypot {
namespace {

using decnet::testing::Dialogue;
using decnet::testing::field;
using decnet::testing::first_event;

TEST(DockerRequest, ContainerSpecNamesTheEscape) {
    const auto spec = docker::parse_container_spec(
        R"({"Image":"alpine","Cmd":["chroot","/host","sh","-c","id"],"Env":["A=1"],)"
        R"("HostConfig":{"Binds":["/:/host"],"Privileged":true,"PidMode":"host",)"
        R"("Mounts":[{"Type":"bind","Source":"/var/run/docker.sock","Target":"/s"}]}})");
    ASSERT_TRUE(spec);
    EXPECT_EQ(spec->image, "alpine");
    EXPECT_EQ(spec->cmd.size(), 5u);
    EXPECT_EQ(spec->binds, std::vector<std::string>{"/:/host"});
    EXPECT_EQ(spec->escape, "root_bind,docker_socket,privileged,pid_host");
    EXPECT_FALSE(docker::parse_container_spec("[1,2]"));
    EXPECT_FALSE(docker::parse_container_spec(std::string(5000, '[') + std::string(5000, ']')));
    EXPECT_FALSE(docker::parse_container_spec("{\"Image\":"));
}

TEST(DockerRequest, ImagesAndVersions) {
    EXPECT_EQ(docker::normalize_image("alpine"), "alpine:latest");
    EXPECT_EQ(docker::normalize_image("docker.io/library/alpine", "3.19"), "alpine:3.19");
    EXPECT_EQ(docker::normalize_image("ghcr.io/x/miner:v1"), "ghcr.io/x/miner:v1");
    EXPECT_EQ(docker::normalize_image("Bad Name"), "");
    std::string version;
    EXPECT_EQ(docker::strip_api_version("/v1.43/containers/json", version), "/containers/json");
    EXPECT_EQ(version, "1.43");
    EXPECT_EQ(docker::strip_api_version("/_ping", version), "/_ping");
    EXPECT_EQ(version, "");
    EXPECT_TRUE(docker::api_version_less("1.43", "1.50"));
    EXPECT_FALSE(docker::api_version_less("1.9x", "1.50"));
}

TEST(DockerDialogue, PingVersionAndTheRunSequenceUpToTheFailure) {
    Dialogue d("docker_api");
    ASSERT_TRUE(d.send("HEAD /_ping HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto ping = d.read_until("\r\n\r\n");
    EXPECT_NE(ping.find("Api-Version: 1.43\r\n"), std::string::npos) << ping;
    EXPECT_NE(ping.find("Server: Docker/24.0.5 (linux)\r\n"), std::string::npos);
    EXPECT_NE(ping.find("Ostype: linux\r\n"), std::string::npos);

    const std::string body =
        R"({"Image":"alpine","Cmd":["chroot","/host","sh","-c","id"],"HostConfig":{"Binds":["/:/host"]}})";
    const auto create =
        "POST /v1.43/containers/create HTTP/1.1\r\nHost: x\r\nContent-Type: "
        "application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    ASSERT_TRUE(d.send(create));
    EXPECT_NE(d.read_until("}\n").find("No such image: alpine:latest"), std::string::npos);
    ASSERT_TRUE(
        d.send("POST /v1.43/images/create?fromImage=alpine&tag=latest HTTP/1.1\r\nHost: "
               "x\r\nContent-Length: 0\r\n\r\n"));
    const auto pull = d.read_until("0\r\n\r\n");
    EXPECT_NE(pull.find("Status: Downloaded newer image for alpine:latest"), std::string::npos);
    ASSERT_TRUE(d.send(create));
    const auto created = d.read_until("]}\n");
    EXPECT_NE(created.find("HTTP/1.1 201 Created"), std::string::npos) << created;
    const auto at = created.find("\"Id\":\"");
    ASSERT_NE(at, std::string::npos);
    const auto id = created.substr(at + 6, 64);
    ASSERT_TRUE(d.send("POST /v1.43/containers/" + id + "/start HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto start = d.read_until("unknown\"}\n");
    EXPECT_NE(start.find("HTTP/1.1 500 Internal Server Error"), std::string::npos);
    EXPECT_NE(start.find("docker-" + id + ".scope: no space left on device"), std::string::npos);

    const auto events = d.finish();
    const auto& made = first_event(events, "container_create");
    EXPECT_EQ(field(made, "image"), "alpine:latest");
    EXPECT_EQ(field(made, "binds"), R"(["/:/host"])");
    EXPECT_EQ(field(made, "escape"), "root_bind");
    EXPECT_EQ(field(first_event(events, "image_pull"), "image"), "alpine:latest");
    EXPECT_EQ(field(first_event(events, "container_start"), "container_id"), id);
}

TEST(DockerDialogue, GarbageAndDeepJsonAreBounded) {
    {
        Dialogue d("docker_api");
        ASSERT_TRUE(d.send("\x16\x03\x01 garbage\r\n\r\n"));
        EXPECT_NE(d.expect_closed().find("400 Bad Request"), std::string::npos);
    }
    {
        Dialogue d("docker_api");
        const std::string deep = std::string(100000, '[');
        ASSERT_TRUE(d.send("POST /containers/create HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                           std::to_string(deep.size()) + "\r\n\r\n" + deep));
        EXPECT_NE(d.read_until("}\n").find("400 Bad Request"), std::string::npos);
    }
    {
        Dialogue d("docker_api");
        ASSERT_TRUE(d.send(
            "POST /build HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzzzz\r\n"));
        EXPECT_NE(d.expect_closed().find("400 Bad Request"), std::string::npos);
    }
}

// What Go's net/http answers before any handler runs, byte for byte: nmap's probes (its
// docker probe has no Host header, GenericLines is two blank lines) see dockerd's answers
// and a closed connection, not a 200 or a wait.
TEST(DockerDialogue, RefusesLikeGosServerBeforeAnyHandler) {
    const std::string headers =
        "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n";
    const auto refused = [](const std::string& request) {
        Dialogue d("docker_api");
        EXPECT_TRUE(d.send(request));
        return d.expect_closed();
    };
    EXPECT_EQ(refused("GET /version HTTP/1.1\r\n\r\n"),
              "HTTP/1.1 400 Bad Request: missing required Host header" + headers +
                  "400 Bad Request: missing required Host header");
    EXPECT_EQ(refused("\r\n\r\n"), "HTTP/1.1 400 Bad Request" + headers + "400 Bad Request");
    EXPECT_EQ(refused("\r\nGET /_ping HTTP/1.1\r\nHost: x\r\n\r\n"),
              "HTTP/1.1 400 Bad Request" + headers + "400 Bad Request");
    EXPECT_EQ(refused("GET /_ping HTTP/2.0\r\nHost: x\r\n\r\n"),
              "HTTP/1.1 505 HTTP Version Not Supported: unsupported protocol version" + headers +
                  "505 HTTP Version Not Supported: unsupported protocol version");
    EXPECT_EQ(refused("GET /_ping HTTP/1.1\r\nHost: a b\r\n\r\n"),
              "HTTP/1.1 400 Bad Request: malformed Host header" + headers +
                  "400 Bad Request: malformed Host header");
    EXPECT_EQ(refused("GET /_ping HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
              "HTTP/1.1 400 Bad Request" + headers + "400 Bad Request");
    EXPECT_EQ(refused("POST /build HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"),
              "HTTP/1.1 501 Not Implemented" + headers + "Unsupported transfer encoding");

    // HTTP/1.0 needs no Host (nmap's GetRequest and HTTPOptions), nor does CONNECT.
    Dialogue d("docker_api");
    ASSERT_TRUE(d.send("GET /_ping HTTP/1.0\r\n\r\n"));
    EXPECT_NE(d.expect_closed().find("HTTP/1.0 200 OK"), std::string::npos);
}

}  // namespace
}  // namespace decnet::honeypot
