// SpanRecord: what a sampled span recorded, handed from Span to the batch processor and
// the OTLP encoder when the span ends. Internal to telemetry (and its tests).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "telemetry/span.hpp"

namespace decnet::telemetry::detail {

// OpenTelemetry's default span limits; what goes over is counted, as OTLP expects.
inline constexpr std::size_t kMaxAttributes = 128;
inline constexpr std::size_t kMaxEvents = 128;
inline constexpr std::size_t kMaxLinks = 128;

using AttributeValue = std::variant<std::string, std::int64_t, double, bool>;

struct Attribute {
    std::string key;
    AttributeValue value;
};

struct Attributes {
    std::vector<Attribute> items;
    std::uint32_t dropped = 0;

    // Same key replaces the value (OTel semantics); a new key past the limit is dropped.
    void set(const AttributeArg& attribute);
};

struct SpanEvent {
    std::string name;
    std::uint64_t time_unix_ns = 0;
    Attributes attributes;
};

struct SpanLink {
    SpanContext context;
    std::string trace_state;
    Attributes attributes;
};

struct SpanRecord {
    std::string name;
    SpanKind kind = SpanKind::internal;
    SpanContext context;
    std::array<std::uint8_t, 8> parent_span_id{};  // all zero for a root span
    std::string trace_state;
    std::uint64_t start_unix_ns = 0;
    std::uint64_t end_unix_ns = 0;
    Attributes attributes;
    std::vector<SpanEvent> events;
    std::vector<SpanLink> links;
    std::uint32_t dropped_events = 0;
    std::uint32_t dropped_links = 0;
    StatusCode status = StatusCode::unset;
    std::string status_message;
};

// Nanoseconds since the Unix epoch (OTLP time base).
std::uint64_t now_unix_ns() noexcept;

}  // namespace decnet::telemetry::detail
