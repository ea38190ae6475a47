// libFuzzer target: what the API server does with a client's bytes before routing —
// Beast's request parser with the server's limits, fed in two pieces (as reads split a
// request), the conversion to the API's Request (percent-decoding, query splitting,
// header names), and the response head written back with request-controlled values
// (a redirect's Location carries the Host header). Must never crash, hang, read out of
// bounds, or let a line break into the head.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "api/server/request_conversion.hpp"
#include "api/server/response_head.hpp"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t split = data[0] % size;
    const char* bytes = reinterpret_cast<const char*>(data);
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(1024 * 1024);
    parser.eager(true);
    boost::beast::flat_buffer buffer;
    boost::beast::error_code ec;
    for (const auto& piece :
         {std::string(bytes, split), std::string(bytes + split, size - split)}) {
        auto space = buffer.prepare(piece.size());
        std::memcpy(space.data(), piece.data(), piece.size());
        buffer.commit(piece.size());
        while (buffer.size() > 0 && !parser.is_done()) {
            const auto used = parser.put(buffer.data(), ec);
            buffer.consume(used);
            if (ec || used == 0) break;
        }
        if (ec && ec != http::error::need_more) return 0;
        ec = {};
    }
    if (!parser.is_done()) return 0;
    const auto request = decnet::api::to_request(parser.release(), "127.0.0.1");
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& [name, value] : request.headers) headers.emplace_back(name, value);
    headers.emplace_back("Location", request.path);
    decnet::api::ResponseHead head;
    head.status = 307;
    head.headers = &headers;
    std::string out;
    decnet::api::write_response_head(head, out);
    // Only the head's own line breaks: one per header line, the status line and the end.
    std::size_t breaks = 0;
    for (const char c : out) breaks += c == '\n';
    if (breaks != headers.size() + 3) std::abort();
    return 0;
}
