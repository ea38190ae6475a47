// The http emulator's request parsing: request lines, headers, limits, form credentials.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/percent_encoding.hpp"
#include "honeypot/services/http/http_request.hpp"

namespace decnet::honeypot::http {
namespace {

TEST(HttpRequestLine, SplitsPathAndQueryAndDecodesThePath) {
    const auto line = parse_request_line("GET /a%20b/c.php?x=1&y=%2F HTTP/1.1");
    ASSERT_TRUE(line);
    EXPECT_EQ(line->method, "GET");
    EXPECT_EQ(line->path, "/a b/c.php");
    EXPECT_EQ(line->query, "x=1&y=%2F");
    EXPECT_EQ(line->version, "HTTP/1.1");
}

TEST(HttpRequestLine, ToleratesHttp09AndAbsoluteForm) {
    const auto bare = parse_request_line("GET /");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->version, "HTTP/0.9");
    const auto proxy = parse_request_line("GET http://example.com/x?y HTTP/1.0");
    ASSERT_TRUE(proxy);
    EXPECT_EQ(proxy->path, "/x");
    EXPECT_EQ(proxy->query, "y");
    const auto host_only = parse_request_line("GET http://example.com HTTP/1.0");
    ASSERT_TRUE(host_only);
    EXPECT_EQ(host_only->path, "/");
    EXPECT_TRUE(parse_request_line("OPTIONS * HTTP/1.1"));
}

TEST(HttpRequestLine, RejectsGarbage) {
    EXPECT_FALSE(parse_request_line(""));
    EXPECT_FALSE(parse_request_line("GARBAGE"));
    EXPECT_FALSE(parse_request_line("GET / HTTP/1.1 extra"));
    EXPECT_FALSE(parse_request_line("GET noslash HTTP/1.1"));
    EXPECT_FALSE(parse_request_line("G(T / HTTP/1.1"));
    EXPECT_FALSE(parse_request_line("GET / FTP/1.0"));
    EXPECT_FALSE(parse_request_line(std::string("GET /\x01 HTTP/1.1")));
    EXPECT_FALSE(parse_request_line("GET /" + std::string(kMaxRequestLine, 'a') + " HTTP/1.1"));
}

TEST(HttpHeaders, CanonicalisesNamesAndTrimsValues) {
    const auto h = parse_header_line("user-AGENT:   curl/7.88.1  ");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->first, "User-Agent");
    EXPECT_EQ(h->second, "curl/7.88.1");
    EXPECT_FALSE(parse_header_line("no colon here"));
    EXPECT_FALSE(parse_header_line("Bad Name: x"));
    EXPECT_FALSE(parse_header_line(": x"));
}

TEST(HttpHeaders, ContentLengthIsDigitsOnly) {
    EXPECT_EQ(parse_content_length(" 42 "), 42u);
    EXPECT_FALSE(parse_content_length("-1"));
    EXPECT_FALSE(parse_content_length("1e3"));
    EXPECT_FALSE(parse_content_length(""));
    EXPECT_FALSE(parse_content_length("99999999999999999999999"));
}

TEST(HttpHead, ParsesAWholeHeadWithFoldingAndLimits) {
    const auto head = parse_request_head(
        "POST /login HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\nContent-Length: 3\r\n\r\n");
    ASSERT_TRUE(head);
    EXPECT_EQ(head->line.method, "POST");
    ASSERT_EQ(head->headers.size(), 3u);
    EXPECT_EQ(head->headers[1].second, "one two");
    EXPECT_EQ(*find_header(head->headers, "content-length"), "3");
    EXPECT_EQ(find_header(head->headers, "Cookie"), nullptr);

    std::string many = "GET / HTTP/1.1\n";
    for (std::size_t i = 0; i <= kMaxHeaders; ++i) many += "X: y\n";
    EXPECT_FALSE(parse_request_head(many));
    EXPECT_FALSE(parse_request_head("GET / HTTP/1.1\nbroken header\n\n"));
}

TEST(HttpForm, DecodesAndFindsCredentials) {
    const auto form = parse_form("log=ad+min&pwd=s3cr%3Det%21&&rememberme=forever&x");
    ASSERT_EQ(form.size(), 4u);
    EXPECT_EQ(form[0], (Field{"log", "ad min"}));
    EXPECT_EQ(form[3], (Field{"x", ""}));
    const auto creds = find_credentials(form);
    ASSERT_TRUE(creds);
    EXPECT_EQ(creds->first, "ad min");
    EXPECT_EQ(creds->second, "s3cr=et!");

    const auto pma = find_credentials(parse_form("pma_username=root&pma_password=toor&server=1"));
    ASSERT_TRUE(pma);
    EXPECT_EQ(pma->first, "root");
    EXPECT_EQ(pma->second, "toor");
    EXPECT_FALSE(find_credentials(parse_form("username=admin&remember=1")));
    EXPECT_FALSE(find_credentials(parse_form("")));
}

TEST(HttpForm, BadEscapesAreKeptLiterally) {
    EXPECT_EQ(percent_decode("100%", false), "100%");
    EXPECT_EQ(percent_decode("%zz%4", false), "%zz%4");
    EXPECT_EQ(percent_decode("a+b%20c", false), "a+b c");
    EXPECT_EQ(percent_decode("a+b", true), "a b");
}

}  // namespace
}  // namespace decnet::honeypot::http
