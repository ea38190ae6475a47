#include "api/validation.hpp"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace decnet::api {
namespace {

// Pydantic's lax int: an integer literal, or a float literal with no fractional part.
std::optional<long long> parse_lax_int(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    if (text.empty()) return std::nullopt;
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size()) return value;
    double real = 0;
    auto [rend, rec] = std::from_chars(text.data(), text.data() + text.size(), real);
    if (rec != std::errc() || rend != text.data() + text.size()) return std::nullopt;
    if (!std::isfinite(real) || std::floor(real) != real || std::fabs(real) > 9.2e18)
        return std::nullopt;
    return static_cast<long long>(real);
}

}  // namespace

void fail_structural() {
    throw ApiError{400, std::string(kStructuralDetail), {}};
}

void fail_invalid(std::string_view detail) {
    throw ApiError{422, std::string(detail), {}};
}

std::optional<std::string> nullish(std::optional<std::string> value) {
    if (!value) return value;
    if (value->empty() || *value == "null" || *value == "NULL" || *value == "undefined")
        return std::nullopt;
    return value;
}

std::size_t utf8_length(std::string_view text) {
    std::size_t count = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ++count;
    return count;
}

long long query_int(const Request& request, std::string_view name, long long fallback,
                    long long min, long long max) {
    auto raw = request.query_param(name);
    if (!raw) return fallback;
    auto value = parse_lax_int(*raw);
    if (!value || *value < min || *value > max) fail_invalid();
    return *value;
}

std::optional<std::string> query_string(const Request& request, std::string_view name,
                                        bool normalise, std::size_t max_length) {
    auto value = request.query_param(name);
    if (normalise) value = nullish(std::move(value));
    if (value && max_length != std::string::npos && utf8_length(*value) > max_length)
        fail_invalid();
    return value;
}

nlohmann::json body_object(const Request& request) {
    if (request.body.empty()) fail_structural();
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded()) fail_invalid();
    if (body.is_null()) fail_structural();
    if (!body.is_object()) fail_invalid();
    return body;
}

std::string body_string(const nlohmann::json& body, std::string_view key, std::size_t min_length,
                        std::size_t max_length) {
    auto it = body.find(key);
    if (it == body.end() || !it->is_string()) fail_structural();
    const auto& text = it->get_ref<const std::string&>();
    auto length = utf8_length(text);
    if (length < min_length) fail_structural();
    if (length > max_length) fail_invalid();
    return text;
}

std::optional<std::string> body_optional_string(const nlohmann::json& body, std::string_view key,
                                                bool allow_null) {
    auto it = body.find(key);
    if (it == body.end()) return std::nullopt;
    if (it->is_null()) {
        if (!allow_null) fail_structural();
        return std::nullopt;
    }
    if (!it->is_string()) fail_structural();
    return it->get<std::string>();
}

long long body_int(const nlohmann::json& body, std::string_view key, long long min, long long max) {
    auto it = body.find(key);
    if (it == body.end()) fail_structural();
    std::optional<long long> value;
    if (it->is_number_integer()) {
        value = it->get<long long>();
    } else if (it->is_number_float()) {
        double real = it->get<double>();
        if (std::isfinite(real) && std::floor(real) == real && std::fabs(real) < 9.2e18)
            value = static_cast<long long>(real);
    } else if (it->is_string()) {
        value = parse_lax_int(it->get_ref<const std::string&>());
    } else if (it->is_boolean()) {
        value = it->get<bool>() ? 1 : 0;
    }
    if (!value || *value < min || *value > max) fail_invalid();
    return *value;
}

}  // namespace decnet::api
