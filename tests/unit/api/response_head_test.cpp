// The hand-written response head: status line and reason, Content-Type, extra headers,
// framing (Content-Length, chunked, none for 204/304), persistence per HTTP version, and
// no header able to split the answer.
#include "api/server/response_head.hpp"

#include <gtest/gtest.h>

namespace decnet::api {
namespace {

// Named fields, the rest default (designated initializers would warn about the rest).
ResponseHead head(int status, void (*more)(ResponseHead&) = nullptr) {
    ResponseHead h;
    h.status = status;
    if (more) more(h);
    return h;
}

TEST(ResponseHead, JsonAnswerOverHttp11) {
    std::string out = "left over from the previous answer";
    const std::vector<std::pair<std::string, std::string>> headers{{"Retry-After", "5"}};
    auto h = head(429, [](ResponseHead& x) {
        x.content_type = "application/json";
        x.body_size = 42;
    });
    h.headers = &headers;
    write_response_head(h, out);
    EXPECT_EQ(out,
              "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
              "Retry-After: 5\r\nContent-Length: 42\r\n\r\n");
}

TEST(ResponseHead, PersistenceFollowsTheVersion) {
    std::string out;
    write_response_head(head(200, [](ResponseHead& x) { x.keep_alive = false; }), out);
    EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    write_response_head(head(200, [](ResponseHead& x) { x.version = 10; }), out);
    EXPECT_EQ(out, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n");
    write_response_head(head(200,
                             [](ResponseHead& x) {
                                 x.version = 10;
                                 x.keep_alive = false;
                             }),
                        out);
    EXPECT_EQ(out, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
}

TEST(ResponseHead, StreamsAreChunkedAndBodilessStatusesHaveNoLength) {
    std::string out;
    write_response_head(head(200,
                             [](ResponseHead& x) {
                                 x.content_type = "text/event-stream";
                                 x.keep_alive = false;
                                 x.chunked = true;
                             }),
                        out);
    EXPECT_EQ(out,
              "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
              "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    write_response_head(head(304, [](ResponseHead& x) { x.body_size = 10; }), out);
    EXPECT_EQ(out, "HTTP/1.1 304 Not Modified\r\n\r\n");
    EXPECT_FALSE(status_has_body(204));
    EXPECT_TRUE(status_has_body(307));
}

TEST(ResponseHead, LineBreaksInHeadersCannotSplitTheAnswer) {
    std::string out;
    const std::vector<std::pair<std::string, std::string>> headers{
        {"Location", "http://x/\r\nSet-Cookie: evil=1"}, {"X-A\nB", "v"}};
    auto h = head(307);
    h.headers = &headers;
    write_response_head(h, out);
    EXPECT_EQ(out,
              "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://x/  Set-Cookie: evil=1\r\n"
              "X-A B: v\r\nContent-Length: 0\r\n\r\n");
}

}  // namespace
}  // namespace decnet::api
