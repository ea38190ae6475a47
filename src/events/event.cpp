// Event helpers: severity names, ISO-8601 timestamps, hex, JSON
// rendering of list and map field values.
#include "events/event.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace decnet {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Fixed-width zero-padded decimal, without going through a locale or a format string:
// this runs once per event on the hot path.
void append_padded(std::string& out, unsigned value, int width) {
    char buffer[10];
    for (int i = width - 1; i >= 0; --i) {
        buffer[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    out.append(buffer, static_cast<std::size_t>(width));
}

// Values may hold attacker bytes that are not UTF-8; JSON output must still be valid.
std::string dump_json(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string_view to_string(Severity severity) {
    switch (severity) {
        case Severity::emergency:
            return "emergency";
        case Severity::alert:
            return "alert";
        case Severity::critical:
            return "critical";
        case Severity::error:
            return "error";
        case Severity::warning:
            return "warning";
        case Severity::notice:
            return "notice";
        case Severity::info:
            return "info";
        case Severity::debug:
            return "debug";
    }
    return "unknown";
}

EventTime event_now() {
    return std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now());
}

void append_iso8601(std::string& out, EventTime time) {
    using namespace std::chrono;
    const auto day = floor<days>(time);
    const year_month_day date{day};
    const hh_mm_ss clock{time - day};
    append_padded(out, static_cast<unsigned>(static_cast<int>(date.year())), 4);
    out.push_back('-');
    append_padded(out, static_cast<unsigned>(date.month()), 2);
    out.push_back('-');
    append_padded(out, static_cast<unsigned>(date.day()), 2);
    out.push_back('T');
    append_padded(out, static_cast<unsigned>(clock.hours().count()), 2);
    out.push_back(':');
    append_padded(out, static_cast<unsigned>(clock.minutes().count()), 2);
    out.push_back(':');
    append_padded(out, static_cast<unsigned>(clock.seconds().count()), 2);
    if (const auto micros = clock.subseconds().count(); micros != 0) {
        out.push_back('.');
        append_padded(out, static_cast<unsigned>(micros), 6);
    }
    out.append("+00:00");
}

std::string format_iso8601(EventTime time) {
    std::string out;
    out.reserve(32);
    append_iso8601(out, time);
    return out;
}

std::string hex_prefix(std::string_view data, std::size_t max) {
    return to_hex({reinterpret_cast<const std::uint8_t*>(data.data()), std::min(data.size(), max)});
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const std::uint8_t b : bytes) {
        out.push_back(kHexDigits[b >> 4]);
        out.push_back(kHexDigits[b & 0x0f]);
    }
    return out;
}

bool from_hex(std::string_view hex, std::span<std::uint8_t> out) {
    if (hex.size() != out.size() * 2) return false;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int high = hex_value(hex[2 * i]);
        const int low = hex_value(hex[2 * i + 1]);
        if (high < 0 || low < 0) return false;
        out[i] = static_cast<std::uint8_t>(high << 4 | low);
    }
    return true;
}

Event& Event::add(std::string name, std::string value) {
    fields.emplace_back(std::move(name), std::move(value));
    return *this;
}

const std::string* Event::find(std::string_view name) const {
    for (const auto& [key, value] : fields) {
        if (key == name) return &value;
    }
    return nullptr;
}

std::string json_list(std::span<const std::string> items) {
    auto array = nlohmann::json::array();
    for (const auto& item : items) array.push_back(item);
    return dump_json(array);
}

std::string json_map(const Fields& entries) {
    // ordered_json keeps the caller's key order (headers read in the order received).
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (const auto& [key, value] : entries) object[key] = value;
    return object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace decnet
