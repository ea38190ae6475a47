// Event: one attacker interaction as every stage after the protocol emulator sees it
// (ARCHITECTURE.md data flow), plus the trace context that travels with it.
#pragma once

#include <array>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "telemetry/span_context.hpp"

namespace decnet {

// Syslog severities (RFC 5424 §6.2.1); the numeric value is what goes into PRI.
enum class Severity : std::uint8_t {
    emergency = 0,
    alert = 1,
    critical = 2,
    error = 3,
    warning = 4,
    notice = 5,
    info = 6,
    debug = 7,
};
std::string_view to_string(Severity severity);

// Events carry UTC wall-clock time at microsecond resolution, like the reference's
// datetime.now(timezone.utc).
using EventTime = std::chrono::sys_time<std::chrono::microseconds>;
EventTime event_now();

// "2026-11-27T09:54:39.490269+00:00"; the fraction is omitted when it is exactly zero
// (Python isoformat behaviour, services.md §1.1). Never "Z".
std::string format_iso8601(EventTime time);
void append_iso8601(std::string& out, EventTime time);

// Lower-case hex of raw bytes, and its inverse (exactly 2 × out.size() hex digits, either
// case); false leaves `out` unspecified.
std::string to_hex(std::span<const std::uint8_t> bytes);
// The first `max` bytes of `data` in hex (how events show a payload's start).
std::string hex_prefix(std::string_view data, std::size_t max);
bool from_hex(std::string_view hex, std::span<std::uint8_t> out);

// W3C trace context of the span that produced the event, so the ingester and the live
// hub can continue the trace. An all-zero trace or span id means "not traced". One type
// with the tracer's, so an event carries exactly what a span hands out.
using TraceContext = telemetry::SpanContext;

// One SD param: name and its value already rendered to text. Order is the order the
// service supplied them, and it is kept through formatting and parsing.
using Field = std::pair<std::string, std::string>;
using Fields = std::vector<Field>;

struct Event {
    EventTime time{};
    std::string decky;       // decky name → syslog HOSTNAME
    std::string service;     // service log name → APP-NAME
    std::string event_type;  // → MSGID
    Severity severity = Severity::info;
    // The attacker's endpoint as typed data for in-process consumers (correlation, rate
    // limits). It is NOT written to the syslog line by itself: a service names it in
    // `fields` with its own key (src, src_ip, remote_addr…), as the reference does.
    std::string src_ip;
    std::uint16_t src_port = 0;
    Fields fields;
    std::string msg;  // free text after the SD; only `startup` events use it
    TraceContext trace;

    Event& add(std::string name, std::string value);
    Event& add(std::string name, std::string_view value) {
        return add(std::move(name), std::string(value));
    }
    Event& add(std::string name, const char* value) {
        return add(std::move(name), std::string(value));
    }
    Event& add(std::string name, std::integral auto value) {
        if constexpr (std::same_as<decltype(value), bool>) {
            return add(std::move(name), python_bool(value));
        } else {
            return add(std::move(name), std::to_string(value));
        }
    }
    // A captured credential: always the fields `username` and `password` (the bounty
    // extractor's names), whatever the protocol calls them. A hash or challenge-response
    // goes in `password` too, with a `credential_type` field saying which.
    Event& credential(std::string username, std::string password) {
        return add("username", std::move(username)).add("password", std::move(password));
    }
    // The value of the first field with that name, or nullptr.
    const std::string* find(std::string_view name) const;

    // Booleans read `True`/`False` as the reference's str(bool) does (collector parity).
    static std::string python_bool(bool value) { return value ? "True" : "False"; }
};

// Lists and maps are rendered as JSON (the reference wrote Python repr, which nothing
// downstream could parse — services.md §1.1).
std::string json_list(std::span<const std::string> items);
std::string json_map(const Fields& entries);

}  // namespace decnet
