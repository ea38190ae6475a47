#include "api/validation.hpp"

#include <atomic>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace decnet::api {
namespace {

std::atomic<bool> g_developer_errors{false};

using json = nlohmann::json;

// Pydantic's integer errors for a value that did not become an in-range integer.
[[noreturn]] void fail_int(std::string_view where, std::string_view name, const json& input,
                           std::optional<long long> value, bool fractional, long long min,
                           long long max) {
    const json location = json::array({where, name});
    if (!value) {
        if (fractional)
            fail_invalid(location, "int_from_float",
                         "Input should be a valid integer, got a number with a fractional part",
                         input, nullptr);
        fail_invalid(location, "int_parsing",
                     "Input should be a valid integer, unable to parse string as an integer", input,
                     nullptr);
    }
    if (*value < min)
        fail_invalid(location, "greater_than_equal",
                     "Input should be greater than or equal to " + std::to_string(min), input,
                     json{{"ge", min}});
    fail_invalid(location, "less_than_equal",
                 "Input should be less than or equal to " + std::to_string(max), input,
                 json{{"le", max}});
}

[[noreturn]] void fail_too_long(std::string_view where, std::string_view name, const json& input,
                                std::size_t max_length) {
    fail_invalid(json::array({where, name}), "string_too_long",
                 "String should have at most " + std::to_string(max_length) + " characters", input,
                 json{{"max_length", max_length}});
}

bool has_fraction(std::string_view text) {
    double real = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), real);
    return ec == std::errc() && end == text.data() + text.size() && std::isfinite(real) &&
           std::floor(real) != real;
}

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

void set_developer_validation_errors(bool on) {
    g_developer_errors.store(on, std::memory_order_relaxed);
}

bool developer_validation_errors() {
    return g_developer_errors.load(std::memory_order_relaxed);
}

void fail_invalid(const json& location, std::string_view type, std::string_view message,
                  const json& input, const json& context, std::string_view detail) {
    ValidationError error{{422, std::string(detail), {}}, {}};
    if (developer_validation_errors()) {
        nlohmann::ordered_json issue;
        issue["type"] = type;
        issue["loc"] = location;
        issue["msg"] = message;
        issue["input"] = input;
        if (!context.is_null()) issue["ctx"] = context;
        // Inputs are attacker-controlled: never let invalid UTF-8 turn a 422 into a 500.
        error.developer_issues.push_back(
            issue.dump(-1, ' ', false, json::error_handler_t::replace));
    }
    throw error;
}

void fail_pattern(std::string_view where, std::string_view name, const json& input,
                  std::string_view pattern) {
    fail_invalid(json::array({where, name}), "string_pattern_mismatch",
                 "String should match pattern '" + std::string(pattern) + "'", input,
                 json{{"pattern", pattern}});
}

void fail_literal(std::string_view where, std::string_view name, const json& input,
                  std::string_view expected) {
    fail_invalid(json::array({where, name}), "literal_error",
                 "Input should be " + std::string(expected), input, json{{"expected", expected}});
}

std::string developer_error_body(const std::vector<std::string>& issues) {
    std::string out = R"({"detail":[)";
    for (std::size_t i = 0; i < issues.size(); ++i) {
        if (i > 0) out += ',';
        out += issues[i];
    }
    out += "]}";
    return out;
}

std::string developer_body_issue(std::string_view body, bool json_content_type) {
    nlohmann::ordered_json issue;
    if (json_content_type) {
        std::string reason = "Invalid JSON";
        std::size_t position = 0;
        try {
            [[maybe_unused]] const auto parsed = json::parse(body);
        } catch (const json::parse_error& e) {
            position = e.byte > 0 ? e.byte - 1 : 0;
            reason = e.what();
            if (const auto colon = reason.rfind(": "); colon != std::string::npos)
                reason = reason.substr(colon + 2);
        } catch (const json::exception& e) {
            // Well-formed but unrepresentable (a number such as 1e999999 overflows): still
            // the client's bad body, a 422, never the router's 500.
            reason = e.what();
            if (const auto space = reason.find("] "); space != std::string::npos)
                reason = reason.substr(space + 2);
        }
        issue["type"] = "json_invalid";
        issue["loc"] = json::array({"body", position});
        issue["msg"] = "JSON decode error";
        issue["input"] = json::object();
        issue["ctx"] = json{{"error", reason}};
    } else {
        issue["type"] = "model_attributes_type";
        issue["loc"] = json::array({"body"});
        issue["msg"] = "Input should be a valid dictionary or object to extract fields from";
        issue["input"] = std::string(body);
    }
    return issue.dump(-1, ' ', false, json::error_handler_t::replace);
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
    if (!value || *value < min || *value > max)
        fail_int("query", name, *raw, value, !value && has_fraction(*raw), min, max);
    return *value;
}

std::optional<std::string> query_string(const Request& request, std::string_view name,
                                        bool normalise, std::size_t max_length) {
    auto value = request.query_param(name);
    if (normalise) value = nullish(std::move(value));
    if (value && max_length != std::string::npos && utf8_length(*value) > max_length)
        fail_too_long("query", name, *value, max_length);
    return value;
}

nlohmann::json body_object(const Request& request) {
    if (request.body.empty()) fail_structural();
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
        ValidationError error{{422, std::string(kInvalidParamsDetail), {}}, {}};
        if (developer_validation_errors())
            error.developer_issues.push_back(developer_body_issue(request.body, true));
        throw error;
    }
    if (body.is_null()) fail_structural();
    if (!body.is_object())
        fail_invalid(json::array({"body"}), "model_attributes_type",
                     "Input should be a valid dictionary or object to extract fields from", body,
                     nullptr);
    return body;
}

std::string body_string(const nlohmann::json& body, std::string_view key, std::size_t min_length,
                        std::size_t max_length) {
    auto it = body.find(key);
    if (it == body.end() || !it->is_string()) fail_structural();
    const auto& text = it->get_ref<const std::string&>();
    auto length = utf8_length(text);
    if (length < min_length) fail_structural();
    if (length > max_length) fail_too_long("body", key, text, max_length);
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
    bool fractional = false;
    if (it->is_number_integer()) {
        value = it->get<long long>();
    } else if (it->is_number_float()) {
        double real = it->get<double>();
        if (std::isfinite(real) && std::floor(real) == real && std::fabs(real) < 9.2e18)
            value = static_cast<long long>(real);
        fractional = !value;
    } else if (it->is_string()) {
        const auto& text = it->get_ref<const std::string&>();
        value = parse_lax_int(text);
        fractional = !value && has_fraction(text);
    } else if (it->is_boolean()) {
        value = it->get<bool>() ? 1 : 0;
    }
    if (!value || *value < min || *value > max)
        fail_int("body", key, *it, value, fractional, min, max);
    return *value;
}

}  // namespace decnet::api
