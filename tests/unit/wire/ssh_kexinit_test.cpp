// SSH data types and KEXINIT: the reader's bounds, mpints, a real OpenSSH KEXINIT round trip,
// HASSH strings, negotiation and version lines.
#include "wire/ssh_kexinit.hpp"

#include <gtest/gtest.h>

#include <string>

#include "wire/ssh_codec.hpp"

namespace decnet::wire::ssh {
namespace {

using namespace std::string_literals;

TEST(SshCodec, ReaderStopsAtTheFirstShortField) {
    // A string that claims 5 bytes and has 3 (readers view their bytes: keep them alive).
    const auto short_string =
        "\x00\x00\x00\x05"
        "abc"s;
    Reader in(short_string);
    EXPECT_EQ(in.string(), "");
    EXPECT_FALSE(in.ok());
    EXPECT_EQ(in.u32(), 0u);  // later reads stay empty
    const auto huge_length = "\xff\xff\xff\xff"s;
    Reader huge(huge_length);
    huge.string();
    EXPECT_FALSE(huge.ok());
}

TEST(SshCodec, MpintsAreMinimalAndPositive) {
    EXPECT_EQ(Writer().mpint("\x80"s).data(), "\x00\x00\x00\x02\x00\x80"s);
    EXPECT_EQ(Writer().mpint("\x00\x00\x7f"s).data(), "\x00\x00\x00\x01\x7f"s);
    EXPECT_EQ(Writer().mpint("").data(), "\x00\x00\x00\x00"s);
    const auto padded = "\x00\x00\x00\x02\x00\x80"s;
    Reader positive(padded);
    EXPECT_EQ(positive.mpint(), "\x80"s);
    const auto sign_bit = "\x00\x00\x00\x01\x80"s;
    Reader negative(sign_bit);
    negative.mpint();
    EXPECT_FALSE(negative.ok());
}

TEST(SshKexinit, RoundTripsAndGivesHasshStrings) {
    KexInit k;
    k.cookie.fill(7);
    k.kex = split_names("curve25519-sha256,ext-info-c");
    k.host_key = split_names("ssh-ed25519");
    k.enc_cs = split_names("aes128-ctr,chacha20-poly1305@openssh.com");
    k.enc_sc = split_names("aes256-ctr");
    k.mac_cs = split_names("hmac-sha2-256");
    k.mac_sc = split_names("hmac-sha1");
    k.cmp_cs = split_names("none");
    k.cmp_sc = split_names("none,zlib@openssh.com");
    const auto payload = build_kexinit(k);
    EXPECT_EQ(payload[0], '\x14');
    const auto parsed = parse_kexinit(payload);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->cookie, k.cookie);
    EXPECT_EQ(hassh_algorithms(*parsed),
              "curve25519-sha256,ext-info-c;aes128-ctr,chacha20-poly1305@openssh.com;"
              "hmac-sha2-256;none");
    EXPECT_EQ(hassh_server_algorithms(*parsed),
              "curve25519-sha256,ext-info-c;aes256-ctr;hmac-sha1;none,zlib@openssh.com");
    EXPECT_FALSE(parse_kexinit(payload.substr(0, payload.size() - 5)));
    EXPECT_FALSE(parse_kexinit("\x15" + payload.substr(1)));
}

TEST(SshKexinit, NameListsSplitExactlySoHasshSeesWhatWasSent) {
    // Found by fuzz_ssh_kexinit: empty names (trailing ones too) survive a round trip.
    for (const std::string list : {",,a,", ",", "a", "", "a,,b"})
        EXPECT_EQ(join_names(split_names(list)), list);
    EXPECT_TRUE(split_names("").empty());
}

TEST(SshKexinit, NegotiatesTheClientsFirstChoiceTheServerHas) {
    EXPECT_EQ(negotiate(split_names("a,b,c"), split_names("c,b")), "b");
    EXPECT_EQ(negotiate(split_names("a"), split_names("b")), "");
}

TEST(SshKexinit, ParsesVersionLines) {
    const auto v = parse_version("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
    ASSERT_TRUE(v);
    EXPECT_EQ(v->proto, "2.0");
    EXPECT_EQ(v->software, "OpenSSH_9.2p1");
    EXPECT_EQ(v->comments, "Debian-2+deb12u3");
    EXPECT_TRUE(parse_version("SSH-1.99-libssh_0.10.6"));
    EXPECT_FALSE(parse_version("GET / HTTP/1.1"));
    EXPECT_FALSE(parse_version("SSH-2.0-"));
}

}  // namespace
}  // namespace decnet::wire::ssh
