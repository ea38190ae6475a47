// OpenSSH release profiles: the lists follow the release the version line claims.
#include "honeypot/services/ssh/openssh_profiles.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "wire/ssh_codec.hpp"

namespace decnet::honeypot::ssh {
namespace {

bool has(const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

TEST(OpensshProfiles, Debian12PointReleasesDifferWhereDebianChangedThem) {
    const auto u10 = openssh_profile("", "debian");
    EXPECT_EQ(u10.version, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10");
    EXPECT_EQ(u10.kex.front(), "sntrup761x25519-sha512");
    EXPECT_EQ(u10.kex.back(), "kex-strict-s-v00@openssh.com");
    const auto u3 = openssh_profile("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", "debian");
    EXPECT_EQ(u3.kex.front(), "sntrup761x25519-sha512@openssh.com");
    EXPECT_TRUE(has(u3.kex, "kex-strict-s-v00@openssh.com"));
    const auto u1 = openssh_profile("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u1", "debian");
    EXPECT_FALSE(has(u1.kex, "kex-strict-s-v00@openssh.com"));
    EXPECT_EQ(wire::ssh::join_names(u10.host_key),
              "rsa-sha2-512,rsa-sha2-256,ecdsa-sha2-nistp256,ssh-ed25519");
    EXPECT_EQ(u10.macs.front(), "umac-64-etm@openssh.com");
}

TEST(OpensshProfiles, OlderReleasesKeepTheirOwnLists) {
    const auto focal = openssh_profile("", "ubuntu20");
    EXPECT_EQ(focal.version, "SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.13");
    EXPECT_FALSE(has(focal.kex, "sntrup761x25519-sha512@openssh.com"));
    EXPECT_TRUE(has(focal.host_key, "ssh-rsa"));  // SHA-1 RSA left the defaults in 8.8
    const auto jammy = openssh_profile("", "ubuntu22");
    EXPECT_EQ(jammy.kex.front(), "curve25519-sha256");
    EXPECT_TRUE(has(jammy.kex, "sntrup761x25519-sha512@openssh.com"));
    EXPECT_FALSE(has(jammy.host_key, "ssh-rsa"));
    const auto centos = openssh_profile("", "centos7");
    EXPECT_TRUE(has(centos.ciphers, "aes128-cbc"));
    EXPECT_TRUE(has(centos.kex, "diffie-hellman-group1-sha1"));
    const auto rocky = openssh_profile("", "rocky9");
    EXPECT_EQ(rocky.ciphers.front(), "aes256-gcm@openssh.com");  // crypto-policies order
    const auto alpine = openssh_profile("", "alpine");
    EXPECT_TRUE(has(alpine.kex, "ext-info-s"));  // servers announce EXT_INFO from 9.6
}

}  // namespace
}  // namespace decnet::honeypot::ssh
