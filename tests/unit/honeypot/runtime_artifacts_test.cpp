// The runtime's artifact store: opened under <state dir>/artifacts with the state dir, and
// reached by the emulators' contexts — a tftp WRQ on 127.99.57.1 ends as one file and one
// `file_captured` event beside tftp's `upload`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "events/event_bus.hpp"
#include "honeypot/runtime.hpp"
#include "support/udp_probe.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;

std::string tftp_exchange(int fd, const std::string& datagram) {
    ::send(fd, datagram.data(), datagram.size(), 0);
    char buffer[1024];
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

TEST(RuntimeArtifacts, TftpUploadLandsInTheStateDirOnce) {
    char pattern[] = "/tmp/decnet-runtime-artifacts-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    const std::filesystem::path state = pattern;
    EventBus bus;
    auto subscription = bus.subscribe("test");
    Runtime runtime(bus, {}, 1);
    EXPECT_EQ(runtime.artifact_store(), nullptr);
    runtime.set_state_dir(state.string());
    ASSERT_NE(runtime.artifact_store(), nullptr);
    EXPECT_EQ(runtime.artifact_store()->dir(), state / "artifacts");
    runtime.start();
    DeckyConfig d;
    d.name = "art-1";
    d.ip = "127.99.57.1";
    d.hostname = "rtr-09";
    d.services = {"tftp"};
    runtime.add_decky(d);

    const std::string body = "#!/bin/sh\necho pwned\n";
    for (int upload = 0; upload < 2; ++upload) {
        const int fd = testing::connected_udp_socket(d.ip, 69);
        EXPECT_EQ(tftp_exchange(fd, "\x00\x02/tmp/x.sh\x00octet\x00"s), "\x00\x04\x00\x00"s);
        EXPECT_EQ(tftp_exchange(fd, "\x00\x03\x00\x01"s + body), "\x00\x04\x00\x01"s);
        ::close(fd);
    }
    std::vector<EventPtr> events, captured;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (captured.size() < 2 && std::chrono::steady_clock::now() < deadline) {
        subscription->pop_batch(events, std::chrono::milliseconds(100));
        for (const auto& e : events)
            if (e->event_type == "file_captured") captured.push_back(e);
    }
    runtime.artifact_store()->flush();
    runtime.stop();

    ASSERT_EQ(captured.size(), 2u);
    const auto& e = *captured[0];
    EXPECT_EQ(e.service, "tftp");
    EXPECT_EQ(*e.find("src_ip"), "127.0.0.1");
    EXPECT_EQ(*e.find("size"), std::to_string(body.size()));
    EXPECT_EQ(*e.find("mime"), "text/x-shellscript");
    EXPECT_EQ(*e.find("origin"), "/tmp/x.sh");
    EXPECT_EQ(*e.find("filename"), "x.sh");
    EXPECT_EQ(*e.find("stored"), "True");
    EXPECT_EQ(e.find("drop_reason"), nullptr);
    const auto sha = *e.find("sha256");
    EXPECT_EQ(*captured[1]->find("sha256"), sha);

    std::vector<std::string> files;
    for (const auto& f : std::filesystem::directory_iterator(state / "artifacts"))
        files.push_back(f.path().filename());
    EXPECT_THAT(files, ::testing::ElementsAre(sha));
    std::ifstream in(state / "artifacts" / sha, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    EXPECT_EQ(content.str(), body);
    std::filesystem::remove_all(state);
}

}  // namespace
}  // namespace decnet::honeypot
