// Builds TLS ClientHello / ServerHello records for tests, the way intel.md §7's builders do:
// ClientHello record 16 03 01, body version 0x0303, random 32×0xAB, compression 01 00, an
// extensions block always present; ServerHello record 16 03 03, random 32×0xCD, empty
// session id, compression 0.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace decnet::test::tls {

inline std::string u16(unsigned v) {
    return {char(v >> 8), char(v & 0xff)};
}
inline std::string u24(unsigned v) {
    return {char(v >> 16), char((v >> 8) & 0xff), char(v & 0xff)};
}
inline std::string u16_list(const std::vector<unsigned>& values) {
    std::string out;
    for (auto v : values) out += u16(v);
    return out;
}

struct Ext {
    unsigned type;
    std::string data;
};
inline Ext sni(const std::string& name) {
    std::string entry = std::string(1, '\0') + u16(name.size()) + name;
    return {0, u16(entry.size()) + entry};
}
inline Ext groups(const std::vector<unsigned>& v) {
    return {10, u16(v.size() * 2) + u16_list(v)};
}
inline Ext point_formats(const std::string& v) {
    return {11, std::string(1, char(v.size())) + v};
}
inline Ext sigalgs(const std::vector<unsigned>& v) {
    return {13, u16(v.size() * 2) + u16_list(v)};
}
inline Ext versions(const std::vector<unsigned>& v) {
    return {43, std::string(1, char(v.size() * 2)) + u16_list(v)};
}
inline Ext alpn(const std::vector<std::string>& names) {
    std::string list;
    for (const auto& n : names) list += char(n.size()) + n;
    return {16, u16(list.size()) + list};
}

inline std::string extensions_block(const std::vector<Ext>& exts) {
    std::string block;
    for (const auto& e : exts) block += u16(e.type) + u16(e.data.size()) + e.data;
    return u16(block.size()) + block;
}

inline std::string handshake(unsigned type, const std::string& body) {
    return std::string(1, char(type)) + u24(body.size()) + body;
}
inline std::string record(const std::string& payload, unsigned version = 0x0301) {
    return std::string("\x16", 1) + u16(version) + u16(payload.size()) + payload;
}

inline std::string client_hello_body(const std::vector<unsigned>& ciphers,
                                     const std::vector<Ext>& exts,
                                     const std::string& session_id = {},
                                     unsigned version = 0x0303) {
    return u16(version) + std::string(32, '\xab') + char(session_id.size()) + session_id +
           u16(ciphers.size() * 2) + u16_list(ciphers) + std::string("\x01\x00", 2) +
           extensions_block(exts);
}
inline std::string client_hello(const std::vector<unsigned>& ciphers, const std::vector<Ext>& exts,
                                const std::string& session_id = {}) {
    return record(handshake(1, client_hello_body(ciphers, exts, session_id)));
}

inline std::string server_hello_body(unsigned cipher, const std::vector<Ext>& exts,
                                     bool with_block = true) {
    return u16(0x0303) + std::string(32, '\xcd') + std::string(1, '\0') + u16(cipher) +
           std::string(1, '\0') + (with_block ? extensions_block(exts) : std::string());
}
inline std::string server_hello(unsigned cipher, const std::vector<Ext>& exts,
                                bool with_block = true) {
    return record(handshake(2, server_hello_body(cipher, exts, with_block)), 0x0303);
}

}  // namespace decnet::test::tls
