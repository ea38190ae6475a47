#include "api/http_message.hpp"

#include <nlohmann/json.hpp>

namespace decnet::api {

std::optional<std::string> Request::query_param(std::string_view name) const {
    for (const auto& [key, value] : query)
        if (key == name) return value;
    return std::nullopt;
}

std::optional<std::string> Request::header(std::string_view lower_name) const {
    auto it = headers.find(std::string(lower_name));
    if (it == headers.end()) return std::nullopt;
    return it->second;
}

const std::string& Request::path_param(std::string_view name) const {
    static const std::string kEmpty;
    auto it = path_params.find(std::string(name));
    return it == path_params.end() ? kEmpty : it->second;
}

Response Response::json(std::string body, int status) {
    Response response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

Response Response::detail(int status, std::string_view text) {
    return json(nlohmann::json{{"detail", text}}.dump(), status);
}

Response Response::message(std::string_view text) {
    return json(nlohmann::json{{"message", text}}.dump());
}

Response& Response::with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
}

}  // namespace decnet::api
