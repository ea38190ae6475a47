// W3C Trace Context codecs: traceparent (level 1 rules for versions and invalid ids) and
// tracestate (key/value grammar, 32-member limit).
#include "telemetry/span_context.hpp"

#include <algorithm>

namespace decnet::telemetry {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

int lower_hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;  // upper case is invalid in traceparent (W3C: HEXDIGLC)
}

template <std::size_t N>
bool all_zero(const std::array<std::uint8_t, N>& bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

std::string_view trim_ows(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

bool is_lcalpha(char c) {
    return c >= 'a' && c <= 'z';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_key_char(char c) {
    return is_lcalpha(c) || is_digit(c) || c == '_' || c == '-' || c == '*' || c == '/';
}

}  // namespace

void append_hex(std::string& out, const std::uint8_t* bytes, std::size_t size) {
    const std::size_t at = out.size();
    out.resize(at + 2 * size);  // one size check, not two per byte (the exporter's hot loop)
    char* p = out.data() + at;
    for (std::size_t i = 0; i < size; ++i) {
        *p++ = kHexDigits[bytes[i] >> 4];
        *p++ = kHexDigits[bytes[i] & 0x0f];
    }
}

bool parse_lower_hex(std::string_view hex, std::uint8_t* out, std::size_t size) {
    if (hex.size() != size * 2) return false;
    for (std::size_t i = 0; i < size; ++i) {
        const int high = lower_hex_value(hex[2 * i]);
        const int low = lower_hex_value(hex[2 * i + 1]);
        if (high < 0 || low < 0) return false;
        out[i] = static_cast<std::uint8_t>(high << 4 | low);
    }
    return true;
}

bool SpanContext::valid() const {
    return !all_zero(trace_id) && !all_zero(span_id);
}

std::string SpanContext::trace_id_hex() const {
    std::string out;
    out.reserve(32);
    append_hex(out, trace_id.data(), trace_id.size());
    return out;
}

std::string SpanContext::span_id_hex() const {
    std::string out;
    out.reserve(16);
    append_hex(out, span_id.data(), span_id.size());
    return out;
}

std::string SpanContext::traceparent() const {
    std::string out;
    out.reserve(55);
    out += "00-";
    append_hex(out, trace_id.data(), trace_id.size());
    out.push_back('-');
    append_hex(out, span_id.data(), span_id.size());
    out.push_back('-');
    append_hex(out, &flags, 1);
    return out;
}

std::optional<SpanContext> SpanContext::from_traceparent(std::string_view header) {
    header = trim_ows(header);
    // version "-" trace-id "-" parent-id "-" flags: 2 + 1 + 32 + 1 + 16 + 1 + 2 = 55.
    constexpr std::size_t kLength = 55;
    if (header.size() < kLength) return std::nullopt;
    std::uint8_t version = 0;
    if (!parse_lower_hex(header.substr(0, 2), &version, 1) || version == 0xff) return std::nullopt;
    // Version 00 has exactly this shape; a later version may append fields after a '-'.
    if (version == 0 && header.size() != kLength) return std::nullopt;
    if (header.size() > kLength && header[kLength] != '-') return std::nullopt;
    if (header[2] != '-' || header[35] != '-' || header[52] != '-') return std::nullopt;
    SpanContext context;
    if (!parse_lower_hex(header.substr(3, 32), context.trace_id.data(), 16) ||
        !parse_lower_hex(header.substr(36, 16), context.span_id.data(), 8) ||
        !parse_lower_hex(header.substr(53, 2), &context.flags, 1) || !context.valid()) {
        return std::nullopt;
    }
    return context;
}

bool TraceState::valid_key(std::string_view key) {
    if (key.empty()) return false;
    const auto at = key.find('@');
    if (at == std::string_view::npos) {
        // simple-key = lcalpha 0*255(lcalpha / DIGIT / "_" / "-" / "*" / "/")
        if (key.size() > 256 || !is_lcalpha(key[0])) return false;
        return std::all_of(key.begin(), key.end(), is_key_char);
    }
    // multi-tenant-key = tenant-id "@" system-id
    const auto tenant = key.substr(0, at);
    const auto system = key.substr(at + 1);
    if (tenant.empty() || tenant.size() > 241) return false;
    if (!is_lcalpha(tenant[0]) && !is_digit(tenant[0])) return false;
    if (system.empty() || system.size() > 14 || !is_lcalpha(system[0])) return false;
    return std::all_of(tenant.begin(), tenant.end(), is_key_char) &&
           std::all_of(system.begin(), system.end(), is_key_char);
}

bool TraceState::valid_value(std::string_view value) {
    // value = 0*255(chr) nblk-chr; chr = %x20 / nblk-chr; nblk-chr excludes ',' and '='.
    if (value.empty() || value.size() > 256 || value.back() == ' ') return false;
    return std::all_of(value.begin(), value.end(),
                       [](char c) { return c >= 0x20 && c <= 0x7e && c != ',' && c != '='; });
}

std::optional<TraceState> TraceState::parse(std::string_view header) {
    TraceState state;
    while (true) {
        const auto comma = header.find(',');
        const auto member = trim_ows(header.substr(0, comma));
        if (!member.empty()) {
            const auto eq = member.find('=');
            if (eq == std::string_view::npos) return std::nullopt;
            const auto key = member.substr(0, eq);
            const auto value = member.substr(eq + 1);
            if (!valid_key(key) || !valid_value(value) || state.get(key)) return std::nullopt;
            if (state.members_.size() == kMaxMembers) return std::nullopt;
            state.members_.emplace_back(key, value);
        }
        if (comma == std::string_view::npos) break;
        header.remove_prefix(comma + 1);
    }
    return state;
}

std::optional<std::string_view> TraceState::get(std::string_view key) const {
    for (const auto& [k, v] : members_)
        if (k == key) return std::string_view(v);
    return std::nullopt;
}

bool TraceState::put(std::string_view key, std::string_view value) {
    if (!valid_key(key) || !valid_value(value)) return false;
    erase(key);
    if (members_.size() == kMaxMembers) members_.pop_back();  // W3C: drop the right-most
    members_.emplace(members_.begin(), key, value);
    return true;
}

void TraceState::erase(std::string_view key) {
    std::erase_if(members_, [&](const auto& member) { return member.first == key; });
}

std::string TraceState::header() const {
    std::string out;
    for (const auto& [key, value] : members_) {
        if (!out.empty()) out.push_back(',');
        out += key;
        out.push_back('=');
        out += value;
    }
    return out;
}

}  // namespace decnet::telemetry
