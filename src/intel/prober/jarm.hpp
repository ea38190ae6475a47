// JARM (salesforce/jarm, v1.0): the ten ClientHellos, the reading of each answer and the
// fuzzy hash, exactly as the public definition — including its byte-offset reading of the
// ServerHello and its heuristics, which a real TLS parser would not reproduce — so our
// hashes can be looked up in public feeds. No I/O here (the prober sends; fuzzed).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::intel::prober::jarm {

enum class TlsVersion { ssl3, tls1_0, tls1_1, tls1_2, tls1_3 };
enum class CipherList { all, no_tls13 };
enum class Order { forward, reverse, top_half, bottom_half, middle_out };
enum class SupportedVersions { none, tls12, tls13 };  // NO_SUPPORT, 1.2_SUPPORT, 1.3_SUPPORT

struct Probe {
    TlsVersion version;
    CipherList ciphers;
    Order cipher_order;
    bool grease;
    bool rare_alpn;
    SupportedVersions supported_versions;
    Order extension_order;  // ALPN and supported_versions order (forward or reverse)
};

// The reference's queue, in its order (tls1_2_forward … tls1_3_middle_out).
const std::array<Probe, 10>& probes();

// Fills the buffer with random bytes (the hello's random, session id, key share, GREASE).
using RandomFill = std::function<void(std::span<std::uint8_t>)>;
RandomFill openssl_random();

// The record carrying the ClientHello of `probe`, SNI `host`.
std::string build_client_hello(const Probe& probe, std::string_view host, const RandomFill& random);

// The reference's cipher_mung over any list (exposed for tests).
template <typename T>
std::vector<T> mung(const std::vector<T>& items, Order order);

// What the reference's read_packet makes of the first bytes the server sent (at most
// kReadBytes): "cipher|version|alpn|extension-types", or "|||" when there is no
// usable ServerHello. An empty `data` means no answer.
inline constexpr std::size_t kReadBytes = 1484;
std::string read_server_hello(std::string_view data);

// The 62-character JARM of the ten answers (the reference's jarm_hash over their
// comma-joined string); 62 zeros when every answer is "|||".
std::string hash(const std::vector<std::string>& answers);
// "a|b|c|d,…" as the reference's verbose output prints it.
std::string raw(const std::vector<std::string>& answers);

}  // namespace decnet::intel::prober::jarm
