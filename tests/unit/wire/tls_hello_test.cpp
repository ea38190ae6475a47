// TLS hello parsing: records cut into handshake messages (split, joined, truncated, not TLS),
// ClientHello / ServerHello fields and extensions, GREASE, and bad lengths.
#include "wire/tls_hello.hpp"

#include <gtest/gtest.h>

#include "support/tls_builder.hpp"

namespace decnet::wire::tls {
namespace {

namespace b = decnet::test::tls;

std::string chrome_like() {
    return b::client_hello({0x0a0a, 0x1301, 0x1302, 0xc02b},
                           {{0x2a2a, ""},
                            b::sni("example.com"),
                            b::groups({0x0a0a, 0x001d, 0x0017}),
                            b::point_formats(std::string(1, '\0')),
                            b::sigalgs({0x0403, 0x0804}),
                            b::versions({0x1a1a, 0x0304, 0x0303}),
                            b::alpn({"h2", "http/1.1"}),
                            {0x0017, ""}},
                           std::string(32, 'S'));
}

TEST(TlsHello, GreaseValues) {
    for (unsigned i = 0; i < 16; ++i) EXPECT_TRUE(is_grease(0x0a0a + i * 0x1010));
    EXPECT_FALSE(is_grease(0x0a1a));
    EXPECT_FALSE(is_grease(0x1301));
    EXPECT_FALSE(is_grease(0x0000));
}

TEST(TlsHello, ClientHelloFieldsAndExtensionsInOrder) {
    const auto hello = client_hello_from_records(chrome_like());
    ASSERT_TRUE(hello);
    EXPECT_EQ(hello->record_version, 0x0301);
    EXPECT_EQ(hello->legacy_version, 0x0303);
    EXPECT_EQ(hello->random[0], 0xab);
    EXPECT_EQ(hello->session_id, std::string(32, 'S'));
    EXPECT_EQ(hello->cipher_suites, (std::vector<std::uint16_t>{0x0a0a, 0x1301, 0x1302, 0xc02b}));
    EXPECT_EQ(hello->compression_methods, std::string(1, '\0'));
    ASSERT_EQ(hello->extensions.size(), 8u);
    EXPECT_EQ(hello->extensions[0].type, 0x2a2a);
    EXPECT_EQ(hello->extensions[7].type, 0x0017);
    EXPECT_TRUE(hello->has_server_name);
    EXPECT_EQ(hello->server_name, "example.com");
    EXPECT_EQ(hello->alpn, (std::vector<std::string>{"h2", "http/1.1"}));
    EXPECT_EQ(hello->supported_versions, (std::vector<std::uint16_t>{0x1a1a, 0x0304, 0x0303}));
    EXPECT_EQ(hello->signature_algorithms, (std::vector<std::uint16_t>{0x0403, 0x0804}));
    EXPECT_EQ(hello->supported_groups, (std::vector<std::uint16_t>{0x0a0a, 0x001d, 0x0017}));
    EXPECT_EQ(hello->ec_point_formats, std::string(1, '\0'));
}

TEST(TlsHello, ClientHelloSplitAcrossRecordsAndSegments) {
    const auto body =
        b::client_hello_body({0x1301}, {b::sni("a.example"), {0xfe0d, std::string(900, 'x')}});
    const auto message = b::handshake(1, body);
    // Two records carrying halves of one message.
    const auto stream = b::record(message.substr(0, 300)) + b::record(message.substr(300));
    const auto hello = client_hello_from_records(stream);
    ASSERT_TRUE(hello);
    EXPECT_EQ(hello->server_name, "a.example");
    EXPECT_EQ(hello->extensions.back().data.size(), 900u);
    // Every prefix asks for more, never invalid, never a hello.
    for (std::size_t cut = 0; cut < stream.size(); cut += 97) {
        const auto scan = read_handshakes(std::string_view(stream).substr(0, cut));
        EXPECT_TRUE(scan.need_more) << cut;
        EXPECT_FALSE(scan.invalid) << cut;
        EXPECT_TRUE(scan.messages.empty()) << cut;
    }
}

TEST(TlsHello, RecordOneByteShortIsNotParsed) {
    const auto stream = b::client_hello({0x002f, 0x0035}, {});
    EXPECT_TRUE(client_hello_from_records(stream));
    EXPECT_FALSE(client_hello_from_records(stream.substr(0, stream.size() - 1)));
    EXPECT_TRUE(read_handshakes(stream.substr(0, stream.size() - 1)).need_more);
}

TEST(TlsHello, NotTlsIsInvalid) {
    EXPECT_TRUE(read_handshakes("GET / HTTP/1.1\r\n\r\n").invalid);
    EXPECT_TRUE(read_handshakes("SSH-2.0-OpenSSH_9.2\r\n").invalid);
    EXPECT_TRUE(read_handshakes(std::string("\x16\x03\x01\x00\x00", 5)).invalid);  // empty record
    EXPECT_TRUE(read_handshakes(std::string("\x16\x03\x01\xff\xff", 5)).invalid);  // over 2^14+2048
    // A message claiming 16 MiB is refused before any buffering.
    EXPECT_TRUE(read_handshakes(b::record(std::string("\x01\xff\xff\xff", 4))).invalid);
}

TEST(TlsHello, ServerHelloCertificateInOneRecordThenChangeCipherSpec) {
    const auto sh = b::handshake(
        2, b::server_hello_body(
               0xc02f, {{0xff01, std::string(1, '\0')}, {0x000b, "\x01\x00"}, b::alpn({"h2"})}));
    const std::string cert_der = "\x30\x03\x02\x01\x05";
    const auto cert_list = b::u24(3 + cert_der.size()) + b::u24(cert_der.size()) + cert_der;
    const auto stream = b::record(sh + b::handshake(11, cert_list), 0x0303) +
                        std::string("\x14\x03\x03\x00\x01\x01", 6);
    const auto scan = read_handshakes(stream);
    EXPECT_FALSE(scan.invalid);
    EXPECT_FALSE(scan.need_more);
    ASSERT_EQ(scan.messages.size(), 2u);
    const auto hello = parse_server_hello(scan.messages[0].body);
    ASSERT_TRUE(hello);
    EXPECT_EQ(hello->cipher_suite, 0xc02f);
    EXPECT_EQ(hello->alpn, "h2");
    EXPECT_FALSE(hello->selected_version);
    ASSERT_EQ(hello->extensions.size(), 3u);
    EXPECT_EQ(scan.messages[1].type, kCertificate);
    EXPECT_EQ(certificate_list(scan.messages[1].body), std::vector<std::string>{cert_der});
}

TEST(TlsHello, ServerHelloSelectedVersionAndNoExtensionBlock) {
    const auto tls13 =
        server_hello_from_records(b::server_hello(0x1301, {b::Ext{43, b::u16(0x0304)}, {51, "k"}}));
    ASSERT_TRUE(tls13);
    EXPECT_EQ(tls13->selected_version, 0x0304);
    EXPECT_EQ(tls13->record_version, 0x0303);
    const auto bare = server_hello_from_records(b::server_hello(0x002f, {}, false));
    ASSERT_TRUE(bare);
    EXPECT_FALSE(bare->has_extensions_block);
    EXPECT_TRUE(bare->extensions.empty());
}

TEST(TlsHello, BadLengthsAreRejected) {
    // An extension whose length runs past its block.
    auto body = b::client_hello_body({0x1301}, {b::sni("x")});
    body[body.size() - 8] = '\x7f';  // the SNI extension's length, high byte
    EXPECT_FALSE(parse_client_hello(body));
    // An odd cipher vector, a session id over 32 bytes, trailing bytes after extensions.
    EXPECT_FALSE(parse_client_hello(b::u16(0x0303) + std::string(32, 'r') + '\0' + b::u16(3) +
                                    "abc" + "\x01\x00"));
    EXPECT_FALSE(parse_client_hello(b::client_hello_body({0x1301}, {}, std::string(33, 's'))));
    EXPECT_FALSE(parse_client_hello(b::client_hello_body({0x1301}, {}) + "x"));
    EXPECT_FALSE(parse_server_hello(std::string(10, '\0')));
    EXPECT_FALSE(parse_client_hello(""));
}

TEST(TlsHello, MalformedExtensionBodyKeepsItsType) {
    const auto hello =
        parse_client_hello(b::client_hello_body({0x1301}, {{10, "\x00\x05zz"}, {16, "\xff"}}));
    ASSERT_TRUE(hello);
    EXPECT_EQ(hello->extensions.size(), 2u);
    EXPECT_TRUE(hello->supported_groups.empty());
    EXPECT_TRUE(hello->alpn.empty());
}

TEST(TlsHello, HelloRetryRequestIsRecognised) {
    auto body = b::server_hello_body(0x1301, {b::Ext{43, b::u16(0x0304)}});
    const unsigned char hrr[32] = {0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
                                   0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
                                   0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
    body.replace(2, 32, reinterpret_cast<const char*>(hrr), 32);
    const auto hello = parse_server_hello(body);
    ASSERT_TRUE(hello);
    EXPECT_TRUE(hello->hello_retry_request);
}

TEST(TlsHello, VersionText) {
    EXPECT_EQ(version_text(0x0303), "TLS 1.2");
    EXPECT_EQ(version_text(0x0304), "TLS 1.3");
    EXPECT_EQ(version_text(0x0300), "SSL 3.0");
    EXPECT_EQ(version_text(0xabcd), "0xabcd");
}

}  // namespace
}  // namespace decnet::wire::tls
