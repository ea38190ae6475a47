// The state file: JSON round trip, atomic replacement, missing and corrupt files.
#include "engine/instance_state.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "engine/state_dir.hpp"

namespace decnet::engine {
namespace {

using ::testing::HasSubstr;

std::string temp_dir() {
    std::string pattern = ::testing::TempDir() + "decnet-state-XXXXXX";
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

InstanceState sample() {
    InstanceState s;
    s.pid = 4242;
    s.state_dir = "/tmp/x";
    s.control_socket = "/tmp/x/control.sock";
    s.started_at = "2026-11-27T13:00:00+00:00";
    s.mode = "loopback";
    s.subnet = "127.99.0.0/24";
    DeckyState d;
    d.name = "decky-01";
    d.ip = "127.99.0.1";
    d.hostname = "SRV-WEB-01";
    d.os_family = "windows";
    d.distro = "debian";
    d.archetype = "web-server";
    d.services = {"ftp", "http"};
    d.state = "up";
    d.events = 17;
    d.mutate_interval = 30;
    d.last_mutated = 1764248400.5;
    s.deckies.push_back(d);
    return s;
}

TEST(InstanceState, RoundTripsEveryField) {
    const auto text = instance_state_to_json(sample());
    EXPECT_THAT(text, HasSubstr(R"("mac": null)"));
    const auto back = instance_state_from_json(text);
    EXPECT_EQ(back.pid, 4242);
    EXPECT_EQ(back.control_socket, "/tmp/x/control.sock");
    ASSERT_EQ(back.deckies.size(), 1u);
    const auto& d = back.deckies[0];
    EXPECT_EQ(d.name, "decky-01");
    EXPECT_FALSE(d.mac);
    EXPECT_EQ(d.archetype, "web-server");
    EXPECT_EQ(d.services, (std::vector<std::string>{"ftp", "http"}));
    EXPECT_EQ(d.events, 17u);
    EXPECT_DOUBLE_EQ(d.last_mutated, 1764248400.5);
}

TEST(InstanceState, OneLineForTheControlProtocol) {
    EXPECT_EQ(instance_state_to_json(sample(), -1).find('\n'), std::string::npos);
}

TEST(InstanceState, WriteReplacesAtomicallyWithOwnerOnlyMode) {
    const auto dir = temp_dir();
    const auto path = dir + "/decnet-state.json";
    EXPECT_FALSE(read_state_file(path));
    auto state = sample();
    write_state_file(path, state);
    state.deckies[0].services = {"redis"};
    write_state_file(path, state);
    const auto back = read_state_file(path);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->deckies[0].services, std::vector<std::string>{"redis"});
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(InstanceState, CorruptFileIsAConfigError) {
    const auto dir = temp_dir();
    const auto path = dir + "/decnet-state.json";
    std::ofstream(path) << "{\"pid\": ";
    EXPECT_THROW(read_state_file(path), ConfigError);
}

TEST(StateDir, PathsAreAbsoluteAndUnderTheDir) {
    const auto p = state_paths("relative/dir/");
    EXPECT_EQ(p.dir.front(), '/');
    EXPECT_THAT(p.control_socket, HasSubstr("relative/dir/control.sock"));
    EXPECT_EQ(p.state_file, p.dir + "/decnet-state.json");
}

}  // namespace
}  // namespace decnet::engine
