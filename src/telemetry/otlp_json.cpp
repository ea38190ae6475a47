// Hand-written OTLP/JSON writer: the exporter thread runs it for every batch, and the
// format is small and fixed, so a DOM library would only add allocations.
#include "telemetry/otlp_json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

namespace decnet::telemetry::detail {
namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 if it is not valid
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xbf;  // allowed range of the second byte
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        if (lead == 0xe0) low = 0xa0;
        if (lead == 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        if (lead == 0xf0) low = 0x90;
        if (lead == 0xf4) high = 0x8f;
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    if (byte(i + 1) < low || byte(i + 1) > high) return 0;
    for (std::size_t k = 2; k < length; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
    return length;
}

void append_uint(std::string& out, std::uint64_t value) {
    char buffer[24];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, end);
}

void append_int(std::string& out, std::int64_t value) {
    char buffer[24];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, end);
}

void append_quoted_uint(std::string& out, std::uint64_t value) {
    out.push_back('"');
    append_uint(out, value);
    out.push_back('"');
}

template <std::size_t N>
void append_hex_string(std::string& out, const std::array<std::uint8_t, N>& bytes) {
    out.push_back('"');
    append_hex(out, bytes.data(), N);
    out.push_back('"');
}

void append_value(std::string& out, const AttributeValue& value) {
    out += "{";
    if (const auto* s = std::get_if<std::string>(&value)) {
        out += "\"stringValue\":";
        append_json_string(out, *s);
    } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
        out += "\"intValue\":\"";  // int64 is a string in the protobuf JSON mapping
        append_int(out, *i);
        out += "\"";
    } else if (const auto* d = std::get_if<double>(&value)) {
        out += "\"doubleValue\":";
        if (std::isnan(*d)) {
            out += "\"NaN\"";
        } else if (std::isinf(*d)) {
            out += *d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
        } else {
            char buffer[32];
            const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, *d);
            out.append(buffer, end);
        }
    } else {
        out += "\"boolValue\":";
        out += std::get<bool>(value) ? "true" : "false";
    }
    out += "}";
}

void append_attributes(std::string& out, std::span<const Attribute> attributes) {
    out += "\"attributes\":[";
    bool first = true;
    for (const auto& attribute : attributes) {
        if (!first) out.push_back(',');
        first = false;
        out += "{\"key\":";
        append_json_string(out, attribute.key);
        out += ",\"value\":";
        append_value(out, attribute.value);
        out += "}";
    }
    out += "]";
}

void append_attributes(std::string& out, const Attributes& attributes) {
    append_attributes(out, attributes.items);
    if (attributes.dropped != 0) {
        out += ",\"droppedAttributesCount\":";
        append_uint(out, attributes.dropped);
    }
}

void append_span(std::string& out, const SpanRecord& span) {
    out += "{\"traceId\":";
    append_hex_string(out, span.context.trace_id);
    out += ",\"spanId\":";
    append_hex_string(out, span.context.span_id);
    if (!span.trace_state.empty()) {
        out += ",\"traceState\":";
        append_json_string(out, span.trace_state);
    }
    const bool root = std::all_of(span.parent_span_id.begin(), span.parent_span_id.end(),
                                  [](std::uint8_t b) { return b == 0; });
    if (!root) {
        out += ",\"parentSpanId\":";
        append_hex_string(out, span.parent_span_id);
    }
    out += ",\"flags\":";
    append_uint(out, span.context.flags);
    out += ",\"name\":";
    append_json_string(out, span.name);
    out += ",\"kind\":";
    append_uint(out, static_cast<std::uint64_t>(span.kind));
    out += ",\"startTimeUnixNano\":";
    append_quoted_uint(out, span.start_unix_ns);
    out += ",\"endTimeUnixNano\":";
    append_quoted_uint(out, span.end_unix_ns);
    out.push_back(',');
    append_attributes(out, span.attributes);

    out += ",\"events\":[";
    for (std::size_t i = 0; i < span.events.size(); ++i) {
        const auto& event = span.events[i];
        if (i != 0) out.push_back(',');
        out += "{\"timeUnixNano\":";
        append_quoted_uint(out, event.time_unix_ns);
        out += ",\"name\":";
        append_json_string(out, event.name);
        out.push_back(',');
        append_attributes(out, event.attributes);
        out += "}";
    }
    out += "]";
    if (span.dropped_events != 0) {
        out += ",\"droppedEventsCount\":";
        append_uint(out, span.dropped_events);
    }

    out += ",\"links\":[";
    for (std::size_t i = 0; i < span.links.size(); ++i) {
        const auto& link = span.links[i];
        if (i != 0) out.push_back(',');
        out += "{\"traceId\":";
        append_hex_string(out, link.context.trace_id);
        out += ",\"spanId\":";
        append_hex_string(out, link.context.span_id);
        if (!link.trace_state.empty()) {
            out += ",\"traceState\":";
            append_json_string(out, link.trace_state);
        }
        out += ",\"flags\":";
        append_uint(out, link.context.flags);
        out.push_back(',');
        append_attributes(out, link.attributes);
        out += "}";
    }
    out += "]";
    if (span.dropped_links != 0) {
        out += ",\"droppedLinksCount\":";
        append_uint(out, span.dropped_links);
    }

    out += ",\"status\":{";
    if (span.status != StatusCode::unset) {
        out += "\"code\":";
        append_uint(out, static_cast<std::uint64_t>(span.status));
        if (!span.status_message.empty()) {
            out += ",\"message\":";
            append_json_string(out, span.status_message);
        }
    }
    out += "}}";
}

std::string_view component_of(std::string_view span_name) {
    const auto dot = span_name.find('.');
    return dot == std::string_view::npos ? std::string_view() : span_name.substr(0, dot);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t i = 0;
    while (i < text.size()) {
        // Copy the run of characters that need nothing in one append.
        std::size_t plain = i;
        while (plain < text.size()) {
            const auto c = static_cast<unsigned char>(text[plain]);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') break;
            ++plain;
        }
        out.append(text.data() + i, plain - i);
        i = plain;
        if (i == text.size()) break;
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            switch (c) {
                case '"':
                    out += "\\\"";
                    break;
                case '\\':
                    out += "\\\\";
                    break;
                case '\n':
                    out += "\\n";
                    break;
                case '\r':
                    out += "\\r";
                    break;
                case '\t':
                    out += "\\t";
                    break;
                default:
                    if (c < 0x20 || c == 0x7f) {
                        out += "\\u00";
                        out.push_back(kHex[c >> 4]);
                        out.push_back(kHex[c & 0x0f]);
                    } else {
                        out.push_back(static_cast<char>(c));
                    }
            }
            ++i;
            continue;
        }
        const std::size_t length = utf8_sequence(text, i);
        if (length == 0) {
            out += "\xef\xbf\xbd";  // U+FFFD REPLACEMENT CHARACTER for one bad byte
            ++i;
        } else {
            out.append(text.substr(i, length));
            i += length;
        }
    }
    out.push_back('"');
}

std::string encode_otlp_json(std::span<const Attribute> resource, std::string_view scope_version,
                             std::span<const SpanRecord* const> spans) {
    std::map<std::string_view, std::vector<const SpanRecord*>> by_component;
    std::size_t size_hint = 256;
    for (const auto* span : spans) {
        by_component[component_of(span->name)].push_back(span);
        size_hint += 400 + span->attributes.items.size() * 64 + span->links.size() * 120;
    }
    std::string out;
    out.reserve(size_hint);
    out += "{\"resourceSpans\":[{\"resource\":{";
    append_attributes(out, resource);
    out += "},\"scopeSpans\":[";
    bool first_scope = true;
    for (const auto& [component, members] : by_component) {
        if (!first_scope) out.push_back(',');
        first_scope = false;
        std::string scope = "decnet";
        if (!component.empty()) {
            scope.push_back('.');
            scope += component;
        }
        out += "{\"scope\":{\"name\":";
        append_json_string(out, scope);
        out += ",\"version\":";
        append_json_string(out, scope_version);
        out += "},\"spans\":[";
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (i != 0) out.push_back(',');
            append_span(out, *members[i]);
        }
        out += "]}";
    }
    out += "]}]}";
    return out;
}

}  // namespace decnet::telemetry::detail
