// The bytes before an answer's body: status line, headers, framing. Written by hand
// rather than through Beast's serializer because it is the same handful of lines for
// every answer, and the serializer's buffer machinery cost more than the rest of a cached
// request (see docs/BENCHMARKS.md).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::api {

struct ResponseHead {
    int status = 200;
    unsigned version = 11;          // 10 or 11: the request's
    std::string_view content_type;  // empty: no Content-Type
    const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
    bool keep_alive = true;
    // Framing: a Content-Length of `body_size`, or chunked (streams).
    std::size_t body_size = 0;
    bool chunked = false;
};

// Appends the head to `out` (cleared first; its capacity is reused across answers). CR
// and LF inside header names or values become spaces: no header can split the answer.
void write_response_head(const ResponseHead& head, std::string& out);

// False for the statuses that never carry a body (1xx, 204, 304).
bool status_has_body(int status);

}  // namespace decnet::api
