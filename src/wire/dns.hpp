// DNS messages (RFC 1035) as the LAN name protocols use them — LLMNR (RFC 4795) and mDNS
// (RFC 6762): the header, the questions with their names decoded (compression pointers must
// point strictly backwards, so a loop is refused, and at most kMaxPointers are followed),
// and responses with A/AAAA answers. Bounds: names of at most 255 octets and 63-octet
// labels, at most kMaxQuestions questions. No Boost, no I/O (a fuzz target links it alone).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::wire::dns {

constexpr std::size_t kMaxName = 255;
constexpr std::size_t kMaxPointers = 16;
constexpr std::size_t kMaxQuestions = 8;

constexpr std::uint16_t kTypeA = 1, kTypePtr = 12, kTypeAaaa = 28, kTypeAny = 255;

struct Question {
    std::string name;  // dotted, as sent (no trailing dot)
    std::uint16_t type = 0;
    std::uint16_t klass = 0;        // without mDNS's unicast-response bit
    bool unicast_response = false;  // mDNS QU bit (top bit of the class)
};

struct Message {
    std::uint16_t id = 0;
    std::uint16_t flags = 0;
    std::uint16_t answers = 0, authorities = 0, additionals = 0;
    std::vector<Question> questions;
    bool response() const { return (flags & 0x8000) != 0; }
    int opcode() const { return (flags >> 11) & 0xf; }
};

struct Parsed {
    std::optional<Message> message;
    std::string error;
};
Parsed parse(std::string_view data);

// A name at `pos` of `message` (advancing pos past it); nullopt with `error` when malformed.
std::optional<std::string> read_name(std::string_view message, std::size_t& pos,
                                     std::string& error);
// Wire form of a dotted name (labels cut at 63 octets, the whole at 255).
std::string encode_name(std::string_view name);

struct Answer {
    std::string name;
    std::uint16_t type = kTypeA;
    std::uint32_t ttl = 30;
    std::string rdata;  // 4 octets for A, 16 for AAAA
};
// A response to `query`: same ID, QR set with `flags` (e.g. AA), the questions echoed, then
// the answers.
std::string encode_response(const Message& query, std::uint16_t flags,
                            const std::vector<Answer>& answers);

std::string type_name(std::uint16_t type);

}  // namespace decnet::wire::dns
