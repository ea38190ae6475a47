// Request validation with the status mapping of api.md §0.3: structural problems
// (missing, wrong type, too short) → 400, range/pattern/too long/malformed → 422. Each
// helper throws ApiError; the texts are the production ones of §0.3.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_message.hpp"

namespace decnet::api {

inline constexpr std::string_view kStructuralDetail =
    "Bad Request: Schema structural violation (wrong type, extra fields, or invalid length).";
inline constexpr std::string_view kInvalidParamsDetail = "Invalid request parameters";

[[noreturn]] void fail_structural();                                             // 400
[[noreturn]] void fail_invalid(std::string_view detail = kInvalidParamsDetail);  // 422

// Developer mode (DECNET_DEVELOPER=true) answers a 422 with the framework's error list,
// `{"detail":[{"type","loc","msg","input","ctx"?}]}` (api.md §0.3), instead of the
// production text. Process-wide, set once by the API service before it serves.
void set_developer_validation_errors(bool on);
bool developer_validation_errors();

// A 422 whose developer-mode body is known; `detail` is the production text.
struct ValidationError : ApiError {
    // One JSON object text per error; empty outside developer mode.
    std::vector<std::string> developer_issues;
};
// {"detail":[<issues>]}
std::string developer_error_body(const std::vector<std::string>& issues);
// One Pydantic-style error. `location` is the JSON array of where the input was
// (["query","limit"], ["body","role"], ["path","decky_name"]); `input` the offending
// value; `context` a JSON object or null.
[[noreturn]] void fail_invalid(const nlohmann::json& location, std::string_view type,
                               std::string_view message, const nlohmann::json& input,
                               const nlohmann::json& context,
                               std::string_view detail = kInvalidParamsDetail);
// Common shapes: a regex mismatch (string_pattern_mismatch) and a Literal mismatch.
[[noreturn]] void fail_pattern(std::string_view where, std::string_view name,
                               const nlohmann::json& input, std::string_view pattern);
[[noreturn]] void fail_literal(std::string_view where, std::string_view name,
                               const nlohmann::json& input, std::string_view expected);
// The developer-mode issue for a body that is not JSON (json_invalid) or was sent with a
// non-JSON content type.
std::string developer_body_issue(std::string_view body, bool json_content_type);

// api.md §0.6: "null", "NULL", "undefined" and "" mean absent.
std::optional<std::string> nullish(std::optional<std::string> value);

// An integer query parameter (lax: "5" and "5.0" accepted, "5.5"/"abc" → 422) within
// [min, max]; `fallback` when absent.
long long query_int(const Request& request, std::string_view name, long long fallback,
                    long long min, long long max);
// A string query parameter, null-ish normalised when `normalise`; longer than max_length → 422.
std::optional<std::string> query_string(const Request& request, std::string_view name,
                                        bool normalise = true,
                                        std::size_t max_length = std::string::npos);

// The request body as a JSON object: empty body → 400; not an object → 422. (Malformed
// JSON / non-JSON content types were already answered by the router.)
nlohmann::json body_object(const Request& request);
// A required string member with length bounds in characters (UTF-8 code points):
// missing/non-string/shorter than min → 400; longer than max → 422.
std::string body_string(const nlohmann::json& body, std::string_view key, std::size_t min_length,
                        std::size_t max_length);
// An optional string member: absent → nullopt; null → nullopt when allow_null else 400.
std::optional<std::string> body_optional_string(const nlohmann::json& body, std::string_view key,
                                                bool allow_null = true);
// A required integer member (lax: 5, 5.0 and "5" accepted; 5.5 → 422), in [min, max].
long long body_int(const nlohmann::json& body, std::string_view key, long long min, long long max);

// Number of UTF-8 code points (Pydantic counts characters, not bytes).
std::size_t utf8_length(std::string_view text);

}  // namespace decnet::api
