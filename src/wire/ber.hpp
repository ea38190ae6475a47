// BER (X.690) as the protocols decnet speaks use it — SNMP now; LDAP, SPNEGO and CredSSP
// next: a bounded TLV reader, the INTEGER and OBJECT IDENTIFIER codecs, and a TLV writer.
// No Boost, no I/O (fuzz targets link it alone).
// Bounds: single-octet tags only (tag numbers < 31, all these protocols need), definite
// lengths of at most 4 octets checked against the bytes left, INTEGERs of at most 8
// octets, OIDs of at most kMaxOidArcs arcs each < 2^32. Nothing recurses: a caller walks
// nested TLVs with one Reader per level, so depth is bounded by the caller's code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::wire::ber {

constexpr std::size_t kMaxOidArcs = 64;

// Universal tags used here (class bits 00).
constexpr std::uint8_t kInteger = 0x02, kOctetString = 0x04, kNull = 0x05, kOid = 0x06,
                       kEnumerated = 0x0a, kSequence = 0x30, kSet = 0x31;

using Oid = std::vector<std::uint32_t>;

// A cursor over a run of TLVs (a message, or one constructed TLV's contents). Every read
// checks the bytes left; the first failure is kept in error() and ends the reading.
class Reader {
  public:
    explicit Reader(std::string_view data) : data_(data) {}
    bool empty() const { return pos_ >= data_.size(); }
    std::size_t remaining() const { return data_.size() - pos_; }

    // The next TLV's tag and contents; nullopt (with error()) when malformed.
    std::optional<std::pair<std::uint8_t, std::string_view>> next();
    // The next TLV's contents when its tag is `tag`, else a failure naming `what`.
    std::optional<std::string_view> expect(std::uint8_t tag, const char* what);
    // An INTEGER (or ENUMERATED with tag kEnumerated) of at most 8 octets.
    std::optional<std::int64_t> integer(const char* what, std::uint8_t tag = kInteger);
    // The tag of the next TLV without consuming it; nullopt at the end.
    std::optional<std::uint8_t> peek_tag() const;

    const std::string& error() const { return error_; }
    std::nullopt_t fail(std::string why);

  private:
    std::string_view data_;
    std::size_t pos_ = 0;
    std::string error_;
};

// OBJECT IDENTIFIER contents → arcs; nullopt with `error` set when malformed or too long.
std::optional<Oid> decode_oid(std::string_view contents, std::string& error);
// INTEGER contents (two's complement, sign-extended) of 1..8 octets.
std::optional<std::int64_t> decode_integer(std::string_view contents);

// Writers: a whole TLV with a definite length, and the contents of the primitive types.
std::string tlv(std::uint8_t tag, std::string_view contents);
std::string integer_contents(std::int64_t value);
std::string oid_contents(const Oid& oid);

std::string oid_to_string(const Oid& oid);
std::optional<Oid> oid_from_string(std::string_view dotted);

// Whether `data` is a run of well-formed TLVs, descending into constructed ones up to
// `max_depth` levels (iteratively). For callers that must reject a message before walking
// it, and for the fuzz target.
bool well_formed(std::string_view data, std::size_t max_depth);

}  // namespace decnet::wire::ber
