// Beast's parsed request → the API's Request (http_message.hpp): method, decoded path
// and query, lower-cased header names, body, peer. Kept apart so the fuzz target
// (tests/fuzz/api_request_fuzz.cpp) runs the exact code the server runs on a request.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "api/http_message.hpp"

namespace decnet::api {

Request to_request(boost::beast::http::request<boost::beast::http::string_body>&& message,
                   const std::string& peer);

}  // namespace decnet::api
