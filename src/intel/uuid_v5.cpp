// RFC 4122 version 5: SHA-1 over namespace bytes + name, version and variant bits set.
#include "intel/uuid_v5.hpp"

#include <openssl/sha.h>

#include <array>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace decnet::intel {
namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::array<unsigned char, 16> parse_uuid(std::string_view text) {
    std::array<unsigned char, 16> out{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '-') continue;
        if (i + 1 >= text.size() || n == 16) throw std::invalid_argument("uuid_v5: bad namespace");
        const int hi = hex_digit(text[i]);
        const int lo = hex_digit(text[i + 1]);
        if (hi < 0 || lo < 0) throw std::invalid_argument("uuid_v5: bad namespace");
        out[n++] = static_cast<unsigned char>(hi * 16 + lo);
        ++i;
    }
    if (n != 16) throw std::invalid_argument("uuid_v5: bad namespace");
    return out;
}

}  // namespace

std::string uuid_v5(std::string_view ns, std::string_view name) {
    const auto ns_bytes = parse_uuid(ns);
    std::string input(reinterpret_cast<const char*>(ns_bytes.data()), ns_bytes.size());
    input.append(name);
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
    digest[6] = static_cast<unsigned char>((digest[6] & 0x0F) | 0x50);
    digest[8] = static_cast<unsigned char>((digest[8] & 0x3F) | 0x80);
    char text[37];
    std::snprintf(text, sizeof text,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", digest[0],
                  digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
                  digest[8], digest[9], digest[10], digest[11], digest[12], digest[13], digest[14],
                  digest[15]);
    return text;
}

}  // namespace decnet::intel
