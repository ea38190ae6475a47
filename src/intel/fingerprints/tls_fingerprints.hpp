// TLS fingerprints of a parsed hello, exactly as their public definitions give them: JA3 and
// JA3S (salesforce/ja3), JA4 and JA4S (FoxIO-LLC/ja4 technical_details), plus the
// reference's own JA4/JA4S variants (intel.md §2.5) under *_decnet names so fingerprints
// stored by the reference can still be matched, and its session-resumption list.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wire/tls_hello.hpp"

namespace decnet::intel::fingerprints {

std::string md5_hex(std::string_view text);
std::string sha256_hex(std::string_view text);

struct Ja3 {
    std::string text;  // "771,4865-4866,0-10-11,29-23,0"
    std::string hash;  // MD5 hex of text
};
Ja3 ja3(const wire::tls::ClientHello& hello);
Ja3 ja3s(const wire::tls::ServerHello& hello);

struct Ja4 {
    std::string hash;          // ja4:    t13d1516h2_8daaf6152771_e5627efa2ab1
    std::string raw;           // ja4_r:  sorted lists, not hashed
    std::string original;      // ja4_o:  wire order, SNI/ALPN kept, hashed
    std::string raw_original;  // ja4_ro
};
// `transport`: 't' TLS over TCP, 'q' QUIC, 'd' DTLS.
Ja4 ja4(const wire::tls::ClientHello& hello, char transport = 't');

struct Ja4s {
    std::string hash;  // ja4s:   t120400_c030_4e8089b08790
    std::string raw;   // ja4s_r: t120400_c030_0005,0017,ff01,0000
};
Ja4s ja4s(const wire::tls::ServerHello& hello, char transport = 't');

// JA4's two ALPN characters of a first ALPN value ("00" when there is none).
std::string ja4_alpn(std::string_view first_alpn);
// JA4's two version characters ("13", "s3", "d2", "00").
std::string ja4_version(std::uint16_t version);

// The reference's JA4 / JA4S (decimal values, everything sorted, SNI/ALPN hashed).
std::string decnet_ja4(const wire::tls::ClientHello& hello);
std::string decnet_ja4s(const wire::tls::ServerHello& hello);

// session_ticket (ticket extension with data), psk, early_data_0rtt, session_id, in order.
std::vector<std::string> resumption(const wire::tls::ClientHello& hello);

}  // namespace decnet::intel::fingerprints
