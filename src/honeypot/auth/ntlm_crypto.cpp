// NTLM's hashes and keys (see ntlm_crypto.hpp).
#include "honeypot/auth/ntlm_crypto.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>

#include "core/text.hpp"
#include "wire/ntlm.hpp"

namespace decnet::honeypot::ntlm_crypto {
namespace {

std::uint32_t rotl(std::uint32_t x, int s) {
    return (x << s) | (x >> (32 - s));
}

}  // namespace

// RFC 1320.
Key16 md4(std::string_view data) {
    std::uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    std::string m(data);
    const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
    m += '\x80';
    while (m.size() % 64 != 56) m += '\0';
    for (int i = 0; i < 8; ++i) m += static_cast<char>((bits >> (8 * i)) & 0xff);
    for (std::size_t block = 0; block < m.size(); block += 64) {
        std::uint32_t x[16];
        for (int i = 0; i < 16; ++i) {
            const auto* p = reinterpret_cast<const std::uint8_t*>(m.data() + block + 4 * i);
            x[i] = p[0] | p[1] << 8 | p[2] << 16 | static_cast<std::uint32_t>(p[3]) << 24;
        }
        std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
        const auto f = [](std::uint32_t x, std::uint32_t y, std::uint32_t z) {
            return (x & y) | (~x & z);
        };
        const auto g = [](std::uint32_t x, std::uint32_t y, std::uint32_t z) {
            return (x & y) | (x & z) | (y & z);
        };
        const auto hh = [](std::uint32_t x, std::uint32_t y, std::uint32_t z) { return x ^ y ^ z; };
        constexpr int s1[4] = {3, 7, 11, 19}, s2[4] = {3, 5, 9, 13}, s3[4] = {3, 9, 11, 15};
        for (int i = 0; i < 16; ++i) {
            const std::uint32_t t = rotl(a + f(b, c, d) + x[i], s1[i % 4]);
            a = d, d = c, c = b, b = t;
        }
        constexpr int o2[16] = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};
        for (int i = 0; i < 16; ++i) {
            const std::uint32_t t = rotl(a + g(b, c, d) + x[o2[i]] + 0x5a827999, s2[i % 4]);
            a = d, d = c, c = b, b = t;
        }
        constexpr int o3[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
        for (int i = 0; i < 16; ++i) {
            const std::uint32_t t = rotl(a + hh(b, c, d) + x[o3[i]] + 0x6ed9eba1, s3[i % 4]);
            a = d, d = c, c = b, b = t;
        }
        h[0] += a, h[1] += b, h[2] += c, h[3] += d;
    }
    Key16 out{};
    for (int i = 0; i < 16; ++i) out[i] = static_cast<std::uint8_t>(h[i / 4] >> (8 * (i % 4)));
    return out;
}

Key16 nt_hash(std::string_view password) {
    return md4(wire::ntlm::utf16le(password));
}

Key16 hmac_md5(std::string_view key, std::string_view data) {
    Key16 out{};
    unsigned int len = 0;
    HMAC(EVP_md5(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
    return out;
}

std::string rc4(std::string_view key, std::string_view data) {
    std::uint8_t s[256];
    for (int i = 0; i < 256; ++i) s[i] = static_cast<std::uint8_t>(i);
    if (key.empty()) return std::string(data);
    for (int i = 0, j = 0; i < 256; ++i) {
        j = (j + s[i] + static_cast<std::uint8_t>(key[i % key.size()])) & 0xff;
        std::swap(s[i], s[j]);
    }
    std::string out(data);
    for (std::size_t n = 0, i = 0, j = 0; n < out.size(); ++n) {
        i = (i + 1) & 0xff;
        j = (j + s[i]) & 0xff;
        std::swap(s[i], s[j]);
        out[n] = static_cast<char>(static_cast<std::uint8_t>(out[n]) ^ s[(s[i] + s[j]) & 0xff]);
    }
    return out;
}

Key16 ntlmv2_response_key(const Key16& nt, std::string_view user, std::string_view domain) {
    return hmac_md5(view(nt), wire::ntlm::utf16le(ascii_upper(user) + std::string(domain)));
}

Key16 ntproofstr(const Key16& response_key, std::string_view server_challenge,
                 std::string_view blob) {
    return hmac_md5(view(response_key), std::string(server_challenge) + std::string(blob));
}

}  // namespace decnet::honeypot::ntlm_crypto
