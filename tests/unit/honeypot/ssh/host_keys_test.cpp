// A decky's SSH host keys are one set for the life of the process: a connection that comes
// after every other one has ended sees the same keys at once, without waiting for them.
#include "honeypot/services/ssh/host_keys.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

namespace decnet::honeypot::ssh {
namespace {

bool wait_ready(HostKeys& keys) {
    std::string error;
    for (int i = 0; i < 600; ++i) {
        if (keys.ready(error)) return true;
        if (!error.empty()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

TEST(HostKeys, OutliveTheirLastConnectionWithoutAStateDirectory) {
    std::string ed25519, rsa;
    {
        auto keys = HostKeys::of("", "host-keys-test-a");
        ASSERT_TRUE(wait_ready(*keys));
        ed25519 = keys->public_blob("ssh-ed25519");
        rsa = keys->public_blob("rsa-sha2-512");
    }
    auto again = HostKeys::of("", "host-keys-test-a");
    std::string error;
    EXPECT_TRUE(again->ready(error)) << "made again after the last user let go";
    EXPECT_EQ(again->public_blob("ssh-ed25519"), ed25519);
    EXPECT_EQ(again->public_blob("rsa-sha2-512"), rsa);

    auto other = HostKeys::of("", "host-keys-test-b");
    ASSERT_TRUE(wait_ready(*other));
    EXPECT_NE(other->public_blob("ssh-ed25519"), ed25519) << "two deckies share a key";
}

TEST(HostKeys, AreNotReloadedFromTheStateDirectoryPerConnection) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("decnet-host-keys-" + std::to_string(::getpid()));
    std::string ecdsa;
    {
        auto keys = HostKeys::of(dir.string(), "ignored");
        ASSERT_TRUE(wait_ready(*keys));
        ecdsa = keys->public_blob("ecdsa-sha2-nistp256");
        ASSERT_TRUE(std::filesystem::exists(dir / "ssh" / "ssh_host_ecdsa_key.pem"));
    }
    std::filesystem::remove_all(dir);  // a reload would have to make new ones now
    auto again = HostKeys::of(dir.string(), "ignored");
    std::string error;
    EXPECT_TRUE(again->ready(error));
    EXPECT_EQ(again->public_blob("ecdsa-sha2-nistp256"), ecdsa);
    EXPECT_FALSE(std::filesystem::exists(dir / "ssh"));
}

}  // namespace
}  // namespace decnet::honeypot::ssh
