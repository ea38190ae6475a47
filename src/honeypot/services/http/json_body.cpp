// Bounded JSON request bodies (see json_body.hpp).
#include "honeypot/services/http/json_body.hpp"

#include <nlohmann/json.hpp>

namespace decnet::honeypot::http {

std::size_t json_depth(std::string_view text, std::size_t limit) {
    std::size_t depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (const char c : text) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > limit) return deepest;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

std::optional<nlohmann::json> parse_json_body(std::string_view body, std::string* error) {
    if (json_depth(body) > kMaxJsonDepth) {
        if (error) *error = "JSON nested too deep";
        return std::nullopt;
    }
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded()) {
        if (error) *error = "invalid JSON";
        return std::nullopt;
    }
    return parsed;
}

std::string utf8_prefix(std::string_view text, std::size_t n) {
    if (text.size() <= n) return std::string(text);
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    return std::string(text.substr(0, n));
}

std::string json_text(const nlohmann::json& value, std::size_t max) {
    if (value.is_string()) return utf8_prefix(value.get_ref<const std::string&>(), max);
    return utf8_prefix(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), max);
}

}  // namespace decnet::honeypot::http
