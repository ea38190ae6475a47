// The http emulator's dialogue over an in-memory session: one request per connection, the
// persona's status, Server header and page (server_header, response_code, custom_body,
// fake_app, extra_headers, files), login-form capture, and each refusal (400, 405, 411, 413)
// with its event.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/base64.hpp"
#include "core/error.hpp"
#include "honeypot/auth/ntlm_crypto.hpp"
#include "honeypot/services/registry.hpp"
#include "support/dialogue.hpp"
#include "support/netntlmv2.hpp"
#include "wire/ntlm.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_literals;
using decnet::testing::Dialogue;
using decnet::testing::DialogueOptions;
using decnet::testing::event_types;
using decnet::testing::field;

struct Response {
    std::string status;  // "HTTP/1.1 403 Forbidden"
    Fields headers;      // in order
    std::string body;
    std::string header(std::string_view name) const {
        for (const auto& [k, v] : headers)
            if (k == name) return v;
        return "<absent>";
    }
    std::size_t count(std::string_view name) const {
        std::size_t n = 0;
        for (const auto& h : headers) n += h.first == name;
        return n;
    }
};

// A whole response: the emulator closes after each one (Connection: close).
Response read_response(Dialogue& d) {
    const auto text = d.expect_closed();
    Response r;
    const auto end = text.find("\r\n\r\n");
    if (end == std::string::npos) {
        ADD_FAILURE() << "no response head in '" << text << "'";
        return r;
    }
    std::size_t at = text.find("\r\n");
    r.status = text.substr(0, at);
    while (at < end) {
        const auto next = text.find("\r\n", at + 2);
        const auto line = text.substr(at + 2, next - at - 2);
        const auto colon = line.find(": ");
        r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
        at = next;
    }
    r.body = text.substr(end + 4);
    return r;
}

Dialogue http(PersonaConfig persona = {}, std::string decky = "decky-01") {
    return Dialogue("http",
                    DialogueOptions{.persona = std::move(persona), .decky = std::move(decky)});
}

// The reference's default page, byte for byte.
const std::string kForbidden =
    "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n"
    "<title>403 Forbidden</title>\n</head><body>\n<h1>Forbidden</h1>\n"
    "<p>You don't have permission to access this resource.</p>\n<hr>\n"
    "<address>Apache/2.4.54 (Debian) Server at web-prod-03 Port 80</address>\n</body></html>\n";

TEST(HttpDialogue, ByDefaultAnswersApachesForbiddenPageAndLogsTheRequest) {
    auto d = http();
    ASSERT_TRUE(
        d.send("GET /admin/login.php?next=%2F HTTP/1.1\r\nHost: 10.0.0.5\r\n"
               "user-agent: sqlmap/1.7\r\n\r\n"));
    const auto r = read_response(d);
    EXPECT_EQ(r.status, "HTTP/1.1 403 Forbidden");
    ASSERT_EQ(r.headers.size(), 5u);
    EXPECT_EQ(r.headers[0].first, "Date");
    EXPECT_TRUE(r.headers[0].second.ends_with(" GMT")) << r.headers[0].second;
    EXPECT_EQ(r.headers[1], (Field{"Server", "Apache/2.4.54 (Debian)"}));
    EXPECT_EQ(r.headers[2], (Field{"Content-Length", "276"}));
    EXPECT_EQ(r.headers[3], (Field{"Connection", "close"}));
    EXPECT_EQ(r.headers[4], (Field{"Content-Type", "text/html"}));
    EXPECT_EQ(r.body, kForbidden);
    EXPECT_EQ(kForbidden.size(), 276u);

    ASSERT_TRUE(d.wait_ended());
    const auto events = d.events();
    ASSERT_EQ(event_types(events), std::vector<std::string>{"request"});
    const auto& e = events[0];
    EXPECT_EQ(e.service, "http");
    EXPECT_EQ(field(e, "method"), "GET");
    EXPECT_EQ(field(e, "path"), "/admin/login.php");
    EXPECT_EQ(field(e, "query"), "next=%2F");
    EXPECT_EQ(field(e, "src_ip"), "203.0.113.7");
    EXPECT_EQ(field(e, "src_port"), "40000");
    EXPECT_EQ(field(e, "dst_port"), "80");
    EXPECT_EQ(field(e, "headers"), R"({"Host":"10.0.0.5","User-Agent":"sqlmap/1.7"})");
    EXPECT_EQ(field(e, "body"), "");
    EXPECT_EQ(e.find("username"), nullptr);
}

TEST(HttpDialogue, HeadSendsTheHeadersOnly) {
    auto d = http();
    ASSERT_TRUE(d.send("HEAD / HTTP/1.0\r\n\r\n"));
    const auto r = read_response(d);
    EXPECT_EQ(r.status, "HTTP/1.1 403 Forbidden");
    EXPECT_EQ(r.header("Content-Length"), "276");
    EXPECT_EQ(r.body, "");
}

TEST(HttpDialogue, PersonaServerHeaderCodeAndCustomBody) {
    auto d = http({{"server_header", "nginx/1.18.0 (Ubuntu)"},
                   {"response_code", "404"},
                   {"custom_body", "<h1>nothing here</h1>"}});
    ASSERT_TRUE(d.send("GET /x HTTP/1.1\r\n\r\n"));
    const auto r = read_response(d);
    EXPECT_EQ(r.status, "HTTP/1.1 404 Not Found");
    EXPECT_EQ(r.header("Server"), "nginx/1.18.0 (Ubuntu)");
    EXPECT_EQ(r.count("Server"), 1u);
    EXPECT_EQ(r.body, "<h1>nothing here</h1>");
    EXPECT_EQ(r.header("Content-Length"), "21");
}

// Bad persona values are refused when the decky is deployed (they used to be repaired or
// ignored at the first request): a header that would break the framing, a code out of
// range, extra headers that are not a JSON object.
TEST(HttpDialogue, BadPersonaValuesAreRefusedAtDeploy) {
    EXPECT_THROW(http({{"server_header", "nginx\r\nX-Injected: 1"}}), ConfigError);
    EXPECT_THROW(http({{"response_code", "99"}}), ConfigError);
    EXPECT_THROW(http({{"extra_headers", "[not json"}}), ConfigError);
    EXPECT_THROW(http({{"extra_headers", R"({"Bad:Name": "x"})"}}), ConfigError);
}

TEST(HttpDialogue, FakeAppLoginPagesAre200UnlessTheCodeIsChosen) {
    {
        auto d = http({{"fake_app", "wordpress"}});
        ASSERT_TRUE(d.send("GET /wp-login.php HTTP/1.1\r\n\r\n"));
        const auto r = read_response(d);
        EXPECT_EQ(r.status, "HTTP/1.1 200 OK");
        EXPECT_NE(r.body.find("name=\"pwd\""), std::string::npos);  // smoke: a login form
    }
    {
        auto d = http({{"fake_app", "phpmyadmin"}, {"response_code", "401"}});
        ASSERT_TRUE(d.send("GET / HTTP/1.1\r\n\r\n"));
        const auto r = read_response(d);
        EXPECT_EQ(r.status, "HTTP/1.1 401 Unauthorized");
        EXPECT_NE(r.body.find("phpMyAdmin"), std::string::npos);
    }
    {
        auto d = http({{"fake_app", "nginx_default"}});  // not a login page: the code stays
        ASSERT_TRUE(d.send("GET / HTTP/1.1\r\n\r\n"));
        const auto r = read_response(d);
        EXPECT_EQ(r.status, "HTTP/1.1 403 Forbidden");
        EXPECT_NE(r.body.find("Welcome to nginx!"), std::string::npos);
    }
}

TEST(HttpDialogue, ExtraHeadersAreAddedButNeverReplaceTheFraming) {
    auto d = http(
        {{"extra_headers", R"({"X-Powered-By":"PHP/7.4.3","Server":"evil","content-length":"0",)"
                           R"("Set-Cookie":"PHPSESSID=abc\r\nX-Evil: 1","X-Num":42})"}});
    ASSERT_TRUE(d.send("GET / HTTP/1.1\r\n\r\n"));
    const auto r = read_response(d);
    EXPECT_EQ(r.header("X-Powered-By"), "PHP/7.4.3");
    EXPECT_EQ(r.count("Server"), 1u);
    EXPECT_EQ(r.header("Server"), "Apache/2.4.54 (Debian)");
    EXPECT_EQ(r.count("Content-Length"), 1u);
    EXPECT_EQ(r.count("content-length"), 0u);
    EXPECT_EQ(r.header("Set-Cookie"), "PHPSESSID=abcX-Evil: 1");
    EXPECT_EQ(r.header("X-Num"), "42");
    EXPECT_EQ(r.body, kForbidden);
}

TEST(HttpDialogue, FilesPersonaServesRegularFilesInsideItsDirectoryOnly) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("decnet-http-files-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / "backup");
    std::ofstream(dir / "backup" / "db.sql") << "-- dump\n";
    std::ofstream(dir.string() + "-secret.txt") << "outside\n";
    const PersonaConfig persona = {{"files", dir.string()}};
    {
        auto d = http(persona);
        ASSERT_TRUE(d.send("GET /backup/db.sql HTTP/1.1\r\n\r\n"));
        const auto r = read_response(d);
        EXPECT_EQ(r.status, "HTTP/1.1 200 OK");
        EXPECT_EQ(r.header("Content-Type"), "application/sql");
        EXPECT_EQ(r.body, "-- dump\n");
    }
    for (const std::string& path :
         {"/../" + dir.filename().string() + "-secret.txt", "/backup"s, "/nothing"s}) {
        auto d = http(persona);
        ASSERT_TRUE(d.send("GET " + path + " HTTP/1.1\r\n\r\n"));
        const auto r = read_response(d);
        EXPECT_EQ(r.status, "HTTP/1.1 403 Forbidden") << path;
        EXPECT_EQ(r.body, kForbidden) << path;
    }
    std::filesystem::remove_all(dir);
    std::filesystem::remove(dir.string() + "-secret.txt");
}

TEST(HttpDialogue, LoginFormPostsBecomeCredentials) {
    auto d = http({{"fake_app", "wordpress"}});
    const std::string body = "log=admin&pwd=s3cr%21t+x&wp-submit=Log+In";
    ASSERT_TRUE(
        d.send("POST /wp-login.php HTTP/1.1\r\nHost: blog\r\n"
               "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body));
    const auto r = read_response(d);
    EXPECT_EQ(r.status, "HTTP/1.1 200 OK");
    ASSERT_TRUE(d.wait_ended());
    const auto e = d.event("request");
    EXPECT_EQ(field(e, "method"), "POST");
    EXPECT_EQ(field(e, "body"), body);
    EXPECT_EQ(field(e, "username"), "admin");
    EXPECT_EQ(field(e, "password"), "s3cr!t x");
}

TEST(HttpDialogue, JsonPostsAreLoggedWithoutCredentials) {
    auto d = http();
    const std::string body = R"({"username":"admin","password":"x"})";
    ASSERT_TRUE(
        d.send("POST /api/login HTTP/1.1\r\nContent-Type: application/json\r\n"
               "Content-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body));
    EXPECT_EQ(read_response(d).status, "HTTP/1.1 403 Forbidden");
    ASSERT_TRUE(d.wait_ended());
    const auto e = d.event("request");
    EXPECT_EQ(field(e, "body"), body);
    EXPECT_EQ(e.find("username"), nullptr);
}

TEST(HttpDialogue, ExpectContinueIsAnsweredBeforeTheBodyIsRead) {
    auto d = http();
    ASSERT_TRUE(
        d.send("PUT /upload.php HTTP/1.1\r\nContent-Length: 5\r\n"
               "Expect: 100-continue\r\n\r\n"));
    EXPECT_EQ(d.read_until("\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");
    ASSERT_TRUE(d.send("hello"));
    EXPECT_EQ(read_response(d).status, "HTTP/1.1 403 Forbidden");
    ASSERT_TRUE(d.wait_ended());
    EXPECT_EQ(field(d.event("request"), "body"), "hello");
}

TEST(HttpDialogue, MethodsNotAllowedAndOptions) {
    {
        auto d = http();
        ASSERT_TRUE(d.send("DELETE / HTTP/1.1\r\n\r\n"));
        const auto r = read_response(d);
        EXPECT_EQ(r.status, "HTTP/1.1 405 Method Not Allowed");
        EXPECT_EQ(r.header("Allow"), "GET, HEAD, OPTIONS");
        EXPECT_NE(r.body.find("<p>The requested method DELETE is not allowed for this URL.</p>"),
                  std::string::npos)
            << r.body;
    }
    {
        auto d = http();
        ASSERT_TRUE(d.send("OPTIONS /index.php HTTP/1.1\r\n\r\n"));
        const auto r = read_response(d);
        EXPECT_EQ(r.status, "HTTP/1.1 200 OK");
        EXPECT_EQ(r.header("Allow"), "GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD");
        EXPECT_EQ(r.header("Content-Length"), "0");
        EXPECT_EQ(r.body, "");
    }
}

TEST(HttpDialogue, ChunkedUploadsGet411AndHugeBodies413) {
    {
        auto d = http();
        ASSERT_TRUE(d.send("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
        const auto r = read_response(d);
        EXPECT_EQ(r.status, "HTTP/1.1 411 Length Required");
        ASSERT_TRUE(d.wait_ended());
        EXPECT_EQ(field(d.event("request"), "method"), "POST");  // still logged
    }
    {
        auto d = http();
        ASSERT_TRUE(
            d.send("POST /x HTTP/1.1\r\nContent-Length: 70000\r\n"
                   "Expect: 100-continue\r\n\r\n"));
        const auto r = read_response(d);  // at once: no 100 Continue, nothing read
        EXPECT_EQ(r.status, "HTTP/1.1 413 Content Too Large");
    }
    {
        // Without Expect the body is drained so the client reads the 413; the event keeps
        // a bounded prefix.
        auto d = http();
        ASSERT_TRUE(
            d.send("POST /x HTTP/1.1\r\nContent-Length: 70000\r\n\r\n" + std::string(70000, 'b')));
        EXPECT_EQ(read_response(d).status, "HTTP/1.1 413 Content Too Large");
        ASSERT_TRUE(d.wait_ended());
        EXPECT_EQ(field(d.event("request"), "body"), std::string(512, 'b'));
    }
}

// Refused input: a 400 page, a `bad_request` event with the reason, and the end.
void expect_bad_request(const std::string& input, const std::string& error,
                        bool half_close = false) {
    SCOPED_TRACE(decnet::testing::Client::printable(input));
    auto d = http();
    ASSERT_TRUE(d.send(input));
    if (half_close) d.client().shutdown_send();
    const auto r = read_response(d);
    EXPECT_EQ(r.status, "HTTP/1.1 400 Bad Request");
    EXPECT_NE(r.body.find("<p>Your browser sent a request that this server could not "
                          "understand.<br />\n</p>"),
              std::string::npos)
        << r.body;
    ASSERT_TRUE(d.wait_ended());
    const auto events = d.events();
    ASSERT_EQ(event_types(events), std::vector<std::string>{"bad_request"});
    EXPECT_EQ(field(events[0], "error"), error);
    EXPECT_EQ(field(events[0], "src_ip"), "203.0.113.7");
    EXPECT_EQ(events[0].severity, Severity::warning);
}

TEST(HttpDialogue, BadRequestsGet400AndABadRequestEvent) {
    expect_bad_request("GARBAGE\r\n\r\n", "malformed request");
    expect_bad_request("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"s,
                       "malformed request");
    expect_bad_request("GET / HTTP/1.1\r\nno colon\r\n\r\n", "malformed request");
    expect_bad_request(std::string(9000, 'A'), "request line too long");
    expect_bad_request("GET / HTTP/1.1\r\nX-Long: " + std::string(9000, 'x'),
                       "header line too long");
    std::string many = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 101; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
    expect_bad_request(many + "\r\n", "too many headers");
    std::string big = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 5; ++i)
        big += "X-H" + std::to_string(i) + ": " + std::string(8000, 'v') + "\r\n";
    expect_bad_request(big + "\r\n", "header block too large");
    expect_bad_request("\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n\r\n",
                       "no request line");
    expect_bad_request("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "bad Content-Length");
    expect_bad_request("POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", "truncated body", true);
}

TEST(HttpDialogue, TheBadRequestEventKeepsABoundedPrefixOfTheHead) {
    auto d = http();
    const std::string head = "BAD " + std::string(2000, 'z') + "\r\n\r\n";
    ASSERT_TRUE(d.send(head));
    read_response(d);
    ASSERT_TRUE(d.wait_ended());
    EXPECT_EQ(field(d.event("bad_request"), "data"), ("BAD " + std::string(508, 'z')));
}

TEST(HttpDialogue, APeerThatLeavesMidHeadGetsNothingAndNoEvent) {
    auto d = http();
    ASSERT_TRUE(d.send("GET / HTTP/1.1\r\nHost: x\r\n"));
    d.client().shutdown_send();
    EXPECT_EQ(d.expect_closed(), "");
    ASSERT_TRUE(d.wait_ended());
    EXPECT_TRUE(d.events().empty()) << decnet::testing::describe(d.events());
    EXPECT_EQ(d.close_reason(), "peer_closed");
}

TEST(HttpDialogue, AnEmptyConnectionIsSilent) {
    auto d = http();
    d.client().shutdown_send();
    EXPECT_EQ(d.expect_closed(), "");
    ASSERT_TRUE(d.wait_ended());
    EXPECT_TRUE(d.events().empty());
}

// ---- NTLM on ntlm_paths ---------------------------------------------------------------

// A client's NTLMv2 AUTHENTICATE for the CHALLENGE (as curl --ntlm computes it).
std::string ntlm_authenticate(std::string_view challenge_message, std::string_view user,
                              std::string_view domain, std::string_view password) {
    namespace ntlm = wire::ntlm;
    namespace crypto = ntlm_crypto;
    const auto c = ntlm::parse_challenge(challenge_message);
    EXPECT_TRUE(c);
    if (!c) return {};
    const std::string blob = "\x01\x01"s + std::string(6, '\0') + std::string(8, '\x01') +
                             "CLIENTCH"s + std::string(4, '\0') +
                             ntlm::build_av_pairs(c->target_info) + std::string(4, '\0');
    const std::string server(reinterpret_cast<const char*>(c->server_challenge.data()), 8);
    const auto key = crypto::ntlmv2_response_key(crypto::nt_hash(password), user, domain);
    ntlm::Authenticate a;
    a.flags = ntlm::kUnicode | ntlm::kNtlm | ntlm::kExtendedSessionSecurity;
    a.user = std::string(user);
    a.domain = std::string(domain);
    a.workstation = "LAPTOP";
    a.nt_response = std::string(crypto::view(crypto::ntproofstr(key, server, blob))) + blob;
    a.lm_response = std::string(24, '\0');
    return ntlm::build_authenticate(a);
}

TEST(HttpNtlm, AnNtlmPathAsksForWindowsAuthentication) {
    auto d = http({{"ntlm_paths", "/ews,/owa/auth"}, {"server_header", "Microsoft-IIS/10.0"}});
    ASSERT_TRUE(d.send("GET /ews/Exchange.asmx HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto r = read_response(d);
    EXPECT_EQ(r.status, "HTTP/1.1 401 Unauthorized");
    EXPECT_EQ(r.count("WWW-Authenticate"), 2u);
    EXPECT_EQ(r.header("WWW-Authenticate"), "Negotiate");
    EXPECT_NE(r.body.find("401 - Unauthorized"), std::string::npos);
}

TEST(HttpNtlm, TheHandshakeRunsOnOneConnectionAndTheHashVerifies) {
    auto d = http({{"ntlm_paths", "/ews"}});
    wire::ntlm::Negotiate negotiate;
    negotiate.flags = wire::ntlm::kUnicode | wire::ntlm::kNtlm | wire::ntlm::kRequestTarget;
    ASSERT_TRUE(d.send("GET /ews/ HTTP/1.1\r\nHost: x\r\nAuthorization: NTLM " +
                       base64_encode(wire::ntlm::build_negotiate(negotiate)) + "\r\n\r\n"));
    const auto head = d.read_until("\r\n\r\n");
    EXPECT_EQ(head.find("Connection: close"), std::string::npos);  // kept for the next leg
    const auto at = head.find("WWW-Authenticate: NTLM ");
    ASSERT_NE(at, std::string::npos) << head;
    const auto b64 = head.substr(at + 23, head.find("\r\n", at) - at - 23);
    const auto length = head.substr(head.find("Content-Length: ") + 16);
    d.read_exact(static_cast<std::size_t>(std::stoul(length)));
    const auto challenge = base64_decode(b64);
    ASSERT_TRUE(challenge);
    ASSERT_TRUE(d.send("GET /ews/ HTTP/1.1\r\nHost: x\r\nAuthorization: NTLM " +
                       base64_encode(ntlm_authenticate(*challenge, "carol", "CORP", "pw")) +
                       "\r\n\r\n"));
    EXPECT_EQ(read_response(d).status, "HTTP/1.1 401 Unauthorized");
    const auto auth = d.event("auth");
    EXPECT_EQ(field(auth, "username"), "carol");
    EXPECT_EQ(field(auth, "domain"), "CORP");
    EXPECT_EQ(field(auth, "scheme"), "NTLM");
    EXPECT_EQ(field(auth, "path"), "/ews/");
    EXPECT_TRUE(decnet::testing::netntlmv2_matches(field(auth, "password"), "pw"));
    EXPECT_FALSE(decnet::testing::netntlmv2_matches(field(auth, "password"), "pw2"));
}

TEST(HttpNtlm, AGarbageTokenIsRefusedAndLogged) {
    auto d = http({{"ntlm_paths", "/ews"}});
    ASSERT_TRUE(d.send("GET /ews/ HTTP/1.1\r\nAuthorization: Negotiate AAAA\r\n\r\n"));
    EXPECT_EQ(read_response(d).status, "HTTP/1.1 401 Unauthorized");
    EXPECT_EQ(field(d.event("bad_request"), "error"), "bad Negotiate token");
}

TEST(HttpNtlm, BadPathsFailTheDeploy) {
    DeckyConfig decky;
    decky.name = "decky-01";
    decky.hostname = "h";
    decky.service_config["http"] = {{"ntlm_paths", "ews"}};
    EXPECT_ANY_THROW(configure_service(*find_module("http"), decky));
}

}  // namespace
}  // namespace decnet::honeypot
