#include "api/server/request_conversion.hpp"

#include <algorithm>
#include <cctype>

#include "api/server/query_string.hpp"
#include "core/percent_encoding.hpp"

namespace decnet::api {

namespace http = boost::beast::http;

Request to_request(http::request<http::string_body>&& message, const std::string& peer) {
    Request request;
    request.method = std::string(message.method_string());
    const auto raw_target = message.target();
    const std::string_view target(raw_target.data(), raw_target.size());
    const auto question = target.find('?');
    request.path = percent_decode(target.substr(0, question), false);
    if (question != std::string_view::npos)
        request.query = parse_query(target.substr(question + 1));
    for (const auto& field : message) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        request.headers.emplace(std::move(name), std::string(field.value()));
    }
    request.body = std::move(message.body());
    request.peer_ip = peer;
    return request;
}

}  // namespace decnet::api
