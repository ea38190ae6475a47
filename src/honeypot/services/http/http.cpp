// http: a web server persona (services.md §2.3) — Apache-like error pages, fake_app presets,
// custom bodies — that logs every request and turns login-form posts into credentials.
// One request per connection (Connection: close), bounded head and body; garbage gets a
// 400 and a `bad_request` event. On 443 the runtime terminates TLS first; the `files`
// persona serves a directory's regular files, or the decky's own web root (`@world`).
#include <boost/asio/awaitable.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "core/base64.hpp"
#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/auth/ntlm_acceptor.hpp"
#include "honeypot/services/http/http_exchange.hpp"
#include "honeypot/services/http/http_persona.hpp"
#include "honeypot/services/http/http_request.hpp"
#include "honeypot/services/http/plc_front.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fake_filesystem.hpp"

// GCC 12 false positive (PR 109224): Asio's sized frame operator delete is reported as
// mismatched once a coroutine awaits several sub-coroutines on different paths.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot {
namespace {

using boost::asio::awaitable;
using namespace http;

// Past the 64 KiB we keep, an oversized body is drained up to here so the 413 reaches the
// client instead of being lost to a reset; beyond it we just close.
constexpr std::size_t kDiscardCap = 1024 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// The port in Apache's address line: the runtime's `port` (443 for the TLS listener).
std::string listening_port(const Session& s) {
    const auto port = s.context().persona_value("port");
    return port.empty() ? std::string("80") : port;
}

// The body of Apache's own error documents, with the same address line as the 403 (the
// decky's hostname, as Apache shows its ServerName; never the decky's internal name).
std::string apache_error_page(int code, std::string_view message, const std::string& server,
                              const std::string& host, const std::string& port) {
    const std::string title = std::to_string(code) + " " + std::string(reason_phrase(code));
    return "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>" + title +
           "</title>\n</head><body>\n<h1>" + std::string(reason_phrase(code)) + "</h1>\n<p>" +
           std::string(message) + "</p>\n<hr>\n<address>" + server + " Server at " + host +
           " Port " + port + "</address>\n</body></html>\n";
}

// The default page: byte-for-byte the reference's (273 bytes for an 8-character hostname on port
// 80).
std::string forbidden_page(const std::string& server, const std::string& host,
                           const std::string& port) {
    return apache_error_page(403, "You don't have permission to access this resource.", server,
                             host, port);
}

// What the persona answers for an accepted method: status and body.
struct Page {
    int code;
    std::string body;
};

Page persona_page(const Session& s, const std::string& server) {
    const auto& persona = s.context().settings_as<HttpSettings>();
    int code = persona.response_code;
    if (!persona.custom_body.empty()) return {code, persona.custom_body};
    if (auto page = fake_app_page(persona.fake_app)) {
        // A login form answered with 403 is a tell (services.md §2.3 "Defect-ish"): the
        // login presets are 200 unless the operator chose a code.
        const bool login_form = persona.fake_app == "wordpress" || persona.fake_app == "phpmyadmin";
        if (!persona.explicit_code && login_form) code = 200;
        return {code, std::move(*page)};
    }
    return {code, forbidden_page(server, s.context().hostname, listening_port(s))};
}

// Files bigger than this are not served from the `files` directory (the persona page is).
constexpr std::uintmax_t kMaxServedFile = 4 * 1024 * 1024;

// Python's mimetypes answers for what a bait directory usually holds.
std::string_view mime_type(const std::filesystem::path& file) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 22> kTypes = {{
        {".html", "text/html"},      {".htm", "text/html"},
        {".txt", "text/plain"},      {".css", "text/css"},
        {".js", "text/javascript"},  {".json", "application/json"},
        {".xml", "application/xml"}, {".csv", "text/csv"},
        {".png", "image/png"},       {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},     {".gif", "image/gif"},
        {".svg", "image/svg+xml"},   {".ico", "image/vnd.microsoft.icon"},
        {".pdf", "application/pdf"}, {".zip", "application/zip"},
        {".gz", "application/gzip"}, {".tar", "application/x-tar"},
        {".sql", "application/sql"}, {".php", "application/x-httpd-php"},
        {".sh", "application/x-sh"}, {".bak", "application/octet-stream"},
    }};
    std::string ext = file.extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& [suffix, type] : kTypes)
        if (ext == suffix) return type;
    return "application/octet-stream";
}

// The `files` persona (services.md §2.3 (1)): `<dir>/<path>` when it is a regular file
// inside the directory — `..` and symlinks leading out of it are refused — else nullopt.
struct ServedFile {
    std::string body;
    std::string type;
};
// `files = @world`: the decky's own web root (its world's /var/www/html), the same files
// the shell and FTP show; a directory serves its index.html, and .ht* files stay hidden
// as Apache hides them.
std::optional<ServedFile> file_from_world(const Session& s, const std::string& path) {
    const auto* world = s.context().world;
    if (!world || !world->fs || path.find("/.ht") != std::string::npos) return std::nullopt;
    const FsScope root{world->paths.web_root, "/"};
    const bool dir = world->fs->is_dir(path, root);
    const std::string file = dir ? path + "/index.html" : path;
    auto body = world->fs->read(file, root);
    if (!body || body.value.size() > kMaxServedFile) return std::nullopt;
    return ServedFile{std::move(body.value), std::string(mime_type(file))};
}

std::optional<ServedFile> file_from_directory(const Session& s, const std::string& path) {
    namespace fs = std::filesystem;
    const auto dir = s.context().settings_as<HttpSettings>().files;
    if (dir.empty() || path.find('\0') != std::string::npos) return std::nullopt;
    if (dir == "@world") return file_from_world(s, path);
    const auto relative = fs::path(path).relative_path();
    if (relative.empty()) return std::nullopt;
    std::error_code ec;
    const auto root = fs::canonical(dir, ec);
    if (ec) return std::nullopt;
    const auto file = fs::weakly_canonical(root / relative, ec);
    if (ec) return std::nullopt;
    const auto [root_end, file_it] =
        std::mismatch(root.begin(), root.end(), file.begin(), file.end());
    if (root_end != root.end() || file_it == file.end()) return std::nullopt;  // outside
    if (!fs::is_regular_file(file, ec)) return std::nullopt;
    const auto size = fs::file_size(file, ec);
    if (ec || size > kMaxServedFile) return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    std::string body(static_cast<std::size_t>(size), '\0');
    if (!in.read(body.data(), static_cast<std::streamsize>(body.size()))) return std::nullopt;
    return ServedFile{std::move(body), std::string(mime_type(file))};
}

std::string response(const Session& s, int code, const std::string& body, bool head_only,
                     const Fields& extra = {}, bool keep_alive = false) {
    const auto server = s.context().settings_as<HttpSettings>().server_header;
    std::string out = "HTTP/1.1 " + std::to_string(code) + " " + std::string(reason_phrase(code)) +
                      "\r\nDate: " + rfc1123_now() + "\r\nServer: " + server + "\r\n";
    bool has_type = false;
    for (const auto& [name, value] : extra) {
        has_type = has_type || find_header({{name, value}}, "content-type");
        out += name + ": " + value + "\r\n";
    }
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    if (!keep_alive) out += "Connection: close\r\n";
    if (!has_type) out += "Content-Type: text/html\r\n";
    out += "\r\n";
    if (!head_only) out += body;
    return out;
}

std::string error_response(const Session& s, int code, std::string_view message, bool head_only,
                           const Fields& extra = {}) {
    const auto server = s.context().settings_as<HttpSettings>().server_header;
    return response(
        s, code, apache_error_page(code, message, server, s.context().hostname, listening_port(s)),
        head_only, extra);
}

// Cut at a UTF-8 boundary so a logged prefix never ends in half a character.
std::string prefix(std::string_view text, std::size_t n) {
    if (text.size() <= n) return std::string(text);
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    return std::string(text.substr(0, n));
}

bool method_allowed(const std::string& method, const std::string& path, std::string& allow) {
    static constexpr std::array<std::string_view, 3> kRoot = {"GET", "HEAD", "OPTIONS"};
    static constexpr std::array<std::string_view, 7> kOther = {"GET",   "POST",    "PUT", "DELETE",
                                                               "PATCH", "OPTIONS", "HEAD"};
    if (path == "/") {
        allow = "GET, HEAD, OPTIONS";
        return std::find(kRoot.begin(), kRoot.end(), method) != kRoot.end();
    }
    allow = "GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD";
    return std::find(kOther.begin(), kOther.end(), method) != kOther.end();
}

// The response to an accepted request head: refusal, 405, OPTIONS, or the persona's page.
std::string answer(const Session& s, const RequestLine& line, int refuse, bool head_only) {
    if (refuse == 411)
        return error_response(s, 411,
                              "A request of the requested method " + line.method +
                                  " requires a valid Content-length.<br />\n",
                              head_only);
    if (refuse == 413)
        return error_response(s, 413,
                              "The requested resource does not allow request data with " +
                                  line.method +
                                  " requests, or the amount of data provided in the request "
                                  "exceeds the capacity limit.\n",
                              head_only);
    std::string allow;
    if (!method_allowed(line.method, line.path, allow))
        return error_response(
            s, 405, "The requested method " + line.method + " is not allowed for this URL.",
            head_only, {{"Allow", allow}});
    if (line.method == "OPTIONS") return response(s, 200, "", false, {{"Allow", allow}});
    if (auto file = file_from_directory(s, line.path)) {
        auto headers = s.context().settings_as<HttpSettings>().extra_headers;
        std::erase_if(headers, [](const Field& h) { return find_header({h}, "content-type"); });
        headers.insert(headers.begin(), {"Content-Type", file->type});
        return response(s, 200, file->body, head_only, headers);
    }
    const auto server = s.context().settings_as<HttpSettings>().server_header;
    const auto page = persona_page(s, server);
    return response(s, page.code, page.body, head_only,
                    s.context().settings_as<HttpSettings>().extra_headers);
}

// ---- Windows authentication (persona ntlm_paths) ----------------------------------------
// IIS's NTLM/Negotiate dance: a request without credentials gets 401 offering both schemes;
// a NEGOTIATE (raw, or inside SPNEGO) gets the persona's CHALLENGE on a kept-alive
// connection; the AUTHENTICATE is logged (user, domain, NetNTLMv2 hashcat line) and refused.

constexpr int kMaxNtlmLegs = 3;  // requests one connection may spend on the handshake

struct NtlmHttp {
    std::unique_ptr<NtlmAcceptor> acceptor;
    int legs = 0;
};

bool behind_ntlm(const Session& s, const std::string& path) {
    for (const auto& prefix : s.context().settings_as<HttpSettings>().ntlm_paths)
        if (path.starts_with(prefix)) return true;
    return false;
}

// IIS 10's 401.2 page.
std::string unauthorized(const Session& s, bool head_only, const Fields& challenge,
                         bool keep_alive) {
    static constexpr std::string_view kPage =
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
        "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\r\n<html "
        "xmlns=\"http://www.w3.org/1999/xhtml\">\r\n<head>\r\n<meta http-equiv=\"Content-Type\" "
        "content=\"text/html; charset=iso-8859-1\"/>\r\n<title>401 - Unauthorized: Access is "
        "denied due to invalid credentials.</title>\r\n</head>\r\n<body>\r\n<div "
        "id=\"header\"><h1>Server Error</h1></div>\r\n<div id=\"content\">\r\n <div "
        "class=\"content-container\"><fieldset>\r\n  <h2>401 - Unauthorized: Access is denied "
        "due to invalid credentials.</h2>\r\n  <h3>You do not have permission to view this "
        "directory or page using the credentials that you supplied.</h3>\r\n "
        "</fieldset></div>\r\n</div>\r\n</body>\r\n</html>\r\n";
    Fields headers = challenge;
    headers.emplace_back("Content-Type", "text/html");
    return response(s, 401, std::string(kPage), head_only, headers, keep_alive);
}

const Fields& offered_schemes() {
    static const Fields kBoth = {{"WWW-Authenticate", "Negotiate"}, {"WWW-Authenticate", "NTLM"}};
    return kBoth;
}

// The answer to a request on an NTLM path; `keep` is set when the handshake goes on.
std::string ntlm_answer(Session& s, NtlmHttp& ntlm, const RequestLine& line, const Fields& headers,
                        bool head_only, bool& keep) {
    keep = false;
    const auto* authorization = find_header(headers, "Authorization");
    if (!authorization) return unauthorized(s, head_only, offered_schemes(), false);
    const std::string_view value = *authorization;
    const auto space = value.find(' ');
    const auto scheme = value.substr(0, space);
    if (space == std::string_view::npos ||
        !(iequals(scheme, "NTLM") || iequals(scheme, "Negotiate")))
        return unauthorized(s, head_only, offered_schemes(), false);
    const auto token = base64_decode(trim(value.substr(space + 1)));
    if (!ntlm.acceptor)
        ntlm.acceptor = std::make_unique<NtlmAcceptor>(
            s.context().world ? ntlm_identity(*s.context().world)
                              : ntlm_identity(s.context().hostname, "", "", true));
    const auto step = token && ++ntlm.legs <= kMaxNtlmLegs ? ntlm.acceptor->spnego(*token)
                                                           : NtlmAcceptor::Reply{};
    using Status = NtlmAcceptor::Reply::Status;
    if (step.status == Status::bad) {
        s.emit(s.event("bad_request", Severity::warning)
                   .add("error", "bad " + std::string(scheme) + " token")
                   .add("data", prefix(value, kLoggedBody)));
        ntlm.acceptor.reset();
        return unauthorized(s, head_only, offered_schemes(), false);
    }
    if (step.status == Status::more) {
        keep = true;
        return unauthorized(
            s, head_only,
            {{"WWW-Authenticate", std::string(scheme) + " " + base64_encode(step.token)}}, true);
    }
    auto event = s.event("auth", Severity::warning);
    add_ntlm_fields(event, *ntlm.acceptor->logon());
    event.add("scheme", std::string(scheme)).add("path", line.path).add("status", "failed");
    s.emit(std::move(event));
    ntlm.acceptor.reset();
    return unauthorized(s, head_only, offered_schemes(), false);
}

// A PLC decky's web server (conpot) when the operator gave the page no content of its own.
const PlcDevice* plc_front(const Session& s) {
    const auto* world = s.context().world;
    const auto& persona = s.context().settings_as<HttpSettings>();
    if (!world || !world->plc || !persona.custom_body.empty() || !persona.fake_app.empty() ||
        !persona.files.empty())
        return nullptr;
    return world->plc.get();
}

awaitable<void> bad_request(Session& s, const std::string& error, std::string_view seen) {
    s.emit(s.event("bad_request", Severity::warning)
               .add("error", error)
               .add("data", prefix(seen, kLoggedBody)));
    const std::string reply = error_response(
        s, 400, "Your browser sent a request that this server could not understand.<br />\n",
        false);
    co_await s.write(reply);
}

// One request; true when the connection stays open for the next one (an NTLM handshake).
awaitable<bool> serve_request(Session& s, NtlmHttp& ntlm) {
    auto read = co_await read_head(s);
    if (!read.head) {
        if (!read.error.empty()) co_await bad_request(s, read.error, "");
        co_return false;
    }
    auto parsed = parse_request_head(*read.head);
    if (!parsed) {
        co_await bad_request(s, "malformed request", *read.head);
        co_return false;
    }
    const auto& line = parsed->line;
    const auto& headers = parsed->headers;
    const bool head_only = line.method == "HEAD";

    // Body: Content-Length only. Chunked uploads get 411 (clients retry with a length).
    std::string body;
    int refuse = 0;
    std::optional<std::size_t> length;
    if (find_header(headers, "Transfer-Encoding")) {
        refuse = 411;
    } else if (const auto* cl = find_header(headers, "Content-Length")) {
        length = parse_content_length(*cl);
        if (!length) {
            co_await bad_request(s, "bad Content-Length", *read.head);
            co_return false;
        }
    }
    if (length && *length > 0) {
        const auto* expect = find_header(headers, "Expect");
        const bool continue_expected = expect && (*expect == "100-continue");
        if (*length > kMaxBody) {
            refuse = 413;
            // Without Expect the client is already sending: drain what we'll accept so the
            // 413 is read, not reset away.
            if (!continue_expected && *length <= kDiscardCap)
                co_await read_body(s, *length, kLoggedBody, body);
        } else {
            if (continue_expected && !co_await s.write(kContinue)) co_return false;
            if (!co_await read_body(s, *length, kMaxBody, body)) {
                co_await bad_request(s, "truncated body", *read.head);
                co_return false;
            }
        }
    }

    auto event = s.event("request")
                     .add("method", line.method)
                     .add("path", line.path)
                     .add("query", line.query)
                     .add("dst_port", listening_port(s))  // 443: the request came over TLS
                     .add("headers", json_map(headers))
                     .add("body", prefix(body, kLoggedBody));
    const auto* type = find_header(headers, "Content-Type");
    if (line.method == "POST" && refuse == 0 && type &&
        type->starts_with("application/x-www-form-urlencoded"))
        if (auto creds = find_credentials(parse_form(body)))
            event.credential(creds->first, creds->second);
    s.emit(std::move(event));

    if (refuse == 0 && behind_ntlm(s, line.path)) {
        bool keep = false;
        const std::string reply = ntlm_answer(s, ntlm, line, headers, head_only, keep);
        const bool written = co_await s.write(reply);
        co_return written&& keep;
    }
    // Built outside co_await: GCC 12 cannot keep initializer-list temporaries in a frame.
    const std::string reply = plc_front(s)
                                  ? plc_front_response(*plc_front(s), line.method, line.path)
                                  : answer(s, line, refuse, head_only);
    co_await s.write(reply);
    co_return false;
}

awaitable<void> serve_http(Session& s) {
    NtlmHttp ntlm;
    for (int request = 0; request <= kMaxNtlmLegs; ++request) {
        const bool more = co_await serve_request(s, ntlm);
        if (!more) break;
    }
}

constexpr EventDecl kEvents[] = {
    {"request", "src_ip src_port method path query dst_port headers body username? password?",
     "one request (logged before routing); a login form post carries the credential"},
    {"bad_request", "src_ip src_port error data",
     "an unparseable or oversized request, answered with Apache's 400 page"},
    {"auth",
     "src_ip src_port username password credential_type? hashcat_mode? domain workstation "
     "logon_type client_version? scheme path status",
     "an NTLM/Negotiate logon on an ntlm_paths prefix: password is the hashcat line "
     "(credential_type netntlmv2: mode 5600, netntlmv1: 5500); refused with IIS's 401"},
};

}  // namespace

const ServiceModule& http_module() {
    static const ServiceModule module{
        .slug = "http", .configure = &configure_http, .serve = &serve_http, .events = kEvents};
    return module;
}

}  // namespace decnet::honeypot
