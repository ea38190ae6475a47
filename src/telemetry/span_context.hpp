// SpanContext: the identity of one span as it travels between spans, processes and
// stages (W3C Trace Context), with the `traceparent` and `tracestate` header codecs.
// Plain value code with no dependencies, so the fuzz target can build it alone.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::telemetry {

// Same members and meaning as events' TraceContext (an all-zero id means "not traced"),
// so the event type can become an alias of this one.
struct SpanContext {
    std::array<std::uint8_t, 16> trace_id{};
    std::array<std::uint8_t, 8> span_id{};
    std::uint8_t flags = 0;  // W3C trace-flags; bit 0 = sampled

    static constexpr std::uint8_t kSampled = 0x01;

    bool valid() const;
    bool sampled() const { return (flags & kSampled) != 0; }
    std::string trace_id_hex() const;
    std::string span_id_hex() const;

    // "00-<32 hex>-<16 hex>-<2 hex>", always lower-case (W3C traceparent, version 00).
    std::string traceparent() const;
    // W3C Trace Context level 1 parsing: version 00 must be exactly 55 characters; a
    // higher version (01..fe) may carry more after a '-', which is ignored; version ff,
    // upper-case hex, all-zero ids and wrong lengths are rejected. Surrounding spaces and
    // tabs (HTTP OWS) are tolerated.
    static std::optional<SpanContext> from_traceparent(std::string_view header);

    bool operator==(const SpanContext&) const = default;
};

// Lower-case hex into a caller's buffer: the hot paths (log lines, JSON) avoid allocating.
void append_hex(std::string& out, const std::uint8_t* bytes, std::size_t size);
// Exactly 2 × size lower-case hex digits; false on anything else.
bool parse_lower_hex(std::string_view hex, std::uint8_t* out, std::size_t size);

// W3C `tracestate`: an ordered list of vendor key=value members, left-most most recent.
// decnet does not add members of its own; it keeps what arrived so it can pass it on.
class TraceState {
  public:
    static constexpr std::size_t kMaxMembers = 32;

    // Lenient like the spec asks: empty list members and OWS around members are skipped;
    // a member with an invalid key or value, a duplicate key or more than 32 members
    // makes the whole header invalid (nullopt), and the caller drops it.
    static std::optional<TraceState> parse(std::string_view header);

    const std::vector<std::pair<std::string, std::string>>& members() const { return members_; }
    bool empty() const { return members_.empty(); }
    std::optional<std::string_view> get(std::string_view key) const;
    // Moves or inserts `key` at the front (the W3C "update" rule), dropping the right-most
    // member when the list is full. False (and unchanged) when the key or value is invalid.
    bool put(std::string_view key, std::string_view value);
    void erase(std::string_view key);
    // "k1=v1,k2=v2" (empty string for an empty list).
    std::string header() const;

    static bool valid_key(std::string_view key);
    static bool valid_value(std::string_view value);

  private:
    std::vector<std::pair<std::string, std::string>> members_;
};

}  // namespace decnet::telemetry
