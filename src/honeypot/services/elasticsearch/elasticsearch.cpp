// elasticsearch: an Elasticsearch node on 9200 as its clients see it (services.md §2.21, its
// defects fixed): HTTP/1.1 keep-alive the way Netty answers (no Server or Date header, the
// release's content type, X-elastic-product from 7.14, the "security features are not
// enabled" Warning of an open 7.x), the persona's release and cluster in `GET /`, the REST
// API of es_api over the decky's bait indices, and on a secured cluster the 401 with its
// WWW-Authenticate challenges — Basic credentials captured, let in by the accept policy.
// Every request is a `request` event; credentials, writes, deletes (ransom wipes), ransom
// notes and scripts (the old Groovy/MVEL RCE payloads) are events of their own.
#include <boost/asio/awaitable.hpp>

#include <ctime>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/base64.hpp"
#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/auth/login_policy.hpp"
#include "honeypot/services/elasticsearch/es_api.hpp"
#include "honeypot/services/elasticsearch/es_indices.hpp"
#include "honeypot/services/elasticsearch/es_persona.hpp"
#include "honeypot/services/http/go_server.hpp"
#include "honeypot/services/http/json_body.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/db_bait.hpp"
#include "honeypot/world/decky_world.hpp"

// GCC 12 false positive (PR 109224), as in http.cpp.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot {
namespace {

using boost::asio::awaitable;
using namespace http;

constexpr std::size_t kMaxRequests = 500;
constexpr std::size_t kKeepBody = 256 * 1024;
constexpr std::size_t kMaxBody = 4 * 1024 * 1024;  // far below http.max_content_length
constexpr std::size_t kLogged = 1024;
constexpr std::size_t kMaxCredentials = 64;  // distinct ones reported per connection

const EsSettings& node_settings(const Session& s) {
    return s.context().settings_as<EsSettings>();
}

// Netty's reason phrases (HttpResponseStatus).
std::string_view netty_reason(int code) {
    switch (code) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 409:
            return "Conflict";
        case 413:
            return "Request Entity Too Large";
        case 500:
            return "Internal Server Error";
        default:
            return reason_phrase(code);
    }
}

// Headers in DefaultRestChannel's order: the response's own, then the thread context's
// (X-elastic-product, Warning), then content-type and content-length. No Server, no Date.
std::string wire_response(const Session& s, const ApiRequest& r, const es::Reply& reply) {
    const auto& settings = node_settings(s);
    const auto& rel = *settings.release;
    std::string out = r.http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out += std::to_string(reply.status) + " " + std::string(netty_reason(reply.status)) + "\r\n";
    for (const auto& [name, value] : reply.headers) out += name + ": " + value + "\r\n";
    if (reply.authenticated) {
        if (rel.product_header()) out += "X-elastic-product: Elasticsearch\r\n";
        if (rel.security_warning() && !settings.security)
            out += "Warning: 299 Elasticsearch-" + std::string(rel.number) + "-" +
                   std::string(rel.build_hash) +
                   " \"Elasticsearch built-in security features are not enabled. Without "
                   "authentication, your cluster could be accessible to anyone. See "
                   "https://www.elastic.co/guide/en/elasticsearch/reference/" +
                   std::to_string(rel.major) + "." + std::to_string(rel.minor) +
                   "/security-minimal-setup.html to enable security.\"\r\n";
    }
    const std::string type =
        reply.content_type.empty() ? std::string(rel.json_type()) : reply.content_type;
    out += "content-type: " + type + "\r\n";
    out += "content-length: " + std::to_string(reply.body.size()) + "\r\n\r\n";
    if (!r.head_only) out += reply.body;
    return out;
}

// What came in the Authorization header.
struct Credential {
    std::string user, password, type;  // type: basic, api_key, bearer
};

std::optional<Credential> credential_of(const ApiRequest& r) {
    const auto* header = r.header("Authorization");
    if (!header) return std::nullopt;
    const std::string_view value = trim(*header);
    const auto space = value.find(' ');
    if (space == std::string_view::npos)
        return Credential{"", utf8_prefix(value, kLogged), "other"};
    const auto scheme = value.substr(0, space);
    const auto token = trim(value.substr(space + 1));
    if (iequals(scheme, "Basic")) {
        const auto decoded = base64_decode(token);
        if (decoded) {
            const auto colon = decoded->find(':');
            if (colon == std::string::npos)
                return Credential{utf8_prefix(*decoded, kLogged), "", "basic"};
            return Credential{utf8_prefix(decoded->substr(0, colon), kLogged),
                              utf8_prefix(decoded->substr(colon + 1), kLogged), "basic"};
        }
        return Credential{"", utf8_prefix(token, kLogged), "basic"};
    }
    if (iequals(scheme, "ApiKey")) {
        // base64(id:api_key): the id names the key, the rest is the secret.
        if (const auto decoded = base64_decode(token);
            decoded && decoded->find(':') != std::string::npos)
            return Credential{utf8_prefix(decoded->substr(0, decoded->find(':')), kLogged),
                              utf8_prefix(decoded->substr(decoded->find(':') + 1), kLogged),
                              "api_key"};
        return Credential{"", utf8_prefix(token, kLogged), "api_key"};
    }
    if (iequals(scheme, "Bearer")) return Credential{"", utf8_prefix(token, kLogged), "bearer"};
    return Credential{"", utf8_prefix(value, kLogged), "other"};
}

// Words ransom notes use (the wipe-and-extort bots that found open clusters since 2017).
bool looks_like_ransom(std::string_view body) {
    const auto lower = ascii_lower(body.substr(0, 64 * 1024));
    for (const std::string_view word :
         {"bitcoin", "btc", "monero", "xmr ", "ransom", "backed up", "backup", "recover", "restore",
          "your data", "your database", "protonmail", "onionmail", "telegram"})
        if (lower.find(word) != std::string::npos) return true;
    return false;
}

struct Connection {
    std::shared_ptr<const std::vector<es::Index>> bait;
    std::set<std::string> credentials_seen;
};

std::shared_ptr<const std::vector<es::Index>> bait_for(const Session& s) {
    DbFacts facts;
    if (const auto* world = s.context().world) {
        facts = db_facts(*world);
    } else {
        facts.hostname = s.context().hostname;
        facts.seed = node_settings(s).seed;
    }
    return node_settings(s).bait->get(facts, static_cast<std::int64_t>(std::time(nullptr)));
}

void emit_effects(Session& s, const ApiRequest& r, const std::vector<es::Effect>& effects) {
    for (const auto& e : effects) {
        const bool write = e.kind == es::Effect::Kind::write;
        s.emit(s.event(write ? "write" : "delete", Severity::warning)
                   .add("action", e.action)
                   .add("index", utf8_prefix(e.index, kLogged))
                   .add("id", utf8_prefix(e.id, 256))
                   .add("count", e.count)
                   .add("body", utf8_prefix(r.body, kLogged)));
        if (write && e.action != "index_create" && looks_like_ransom(r.body))
            s.emit(s.event("ransom_note", Severity::warning)
                       .add("index", utf8_prefix(e.index, kLogged))
                       .add("note", utf8_prefix(r.body, 4096)));
    }
}

es::Reply answer(Session& s, Connection& c, const es::Request& request,
                 const std::optional<Credential>& cred, std::vector<es::Effect>& effects) {
    const auto& settings = node_settings(s);
    es::Node node{settings, s.context().hostname,
                  s.local_ip().empty() ? std::string("127.0.0.1") : s.local_ip(),
                  static_cast<std::int64_t>(std::time(nullptr)), c.bait.get()};
    if (settings.security) {
        const bool basic = cred && cred->type == "basic";
        const bool accepted =
            basic && settings.policy->accepts(s.peer_ip(), cred->user, cred->password);
        if (!accepted) return es::unauthorized(node, request, basic ? cred->user : "");
    }
    return es::handle(node, request, effects);
}

awaitable<void> refuse(Session& s, int status, const std::string& error) {
    s.emit(s.event("bad_request", Severity::warning).add("error", error));
    const auto& rel = *node_settings(s).release;
    std::string out =
        "HTTP/1.1 " + std::to_string(status) + " " + std::string(netty_reason(status)) + "\r\n";
    if (status == 413) {
        out += "content-length: 0\r\nconnection: close\r\n\r\n";
    } else {
        const std::string body =
            R"({"error":{"root_cause":[{"type":"illegal_argument_exception","reason":"invalid HTTP request"}],"type":"illegal_argument_exception","reason":"invalid HTTP request"},"status":400})";
        out += "content-type: " + std::string(rel.json_type()) +
               "\r\ncontent-length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    }
    co_await s.write(out);
}

awaitable<void> serve_elasticsearch(Session& s) {
    Connection c;
    c.bait = bait_for(s);
    for (std::size_t n = 0; n < kMaxRequests; ++n) {
        std::string error;
        auto request = co_await read_api_head(s, error);
        if (!request) {
            if (!error.empty()) co_await refuse(s, 400, error);
            co_return;
        }
        const bool read = co_await read_api_body(s, *request, kKeepBody, kMaxBody, error);
        if (!read) {
            if (!error.empty()) co_await refuse(s, error == "body too large" ? 413 : 400, error);
            co_return;
        }
        const auto cred = credential_of(*request);
        const auto script = es::find_script(request->body);
        es::Request er{request->line.method, request->line.path, request->query,
                       request->body,        request->body_size, script ? &*script : nullptr};
        std::vector<es::Effect> effects;
        const auto reply = answer(s, c, er, cred, effects);
        const auto& settings = node_settings(s);
        if (cred && c.credentials_seen.size() < kMaxCredentials &&
            c.credentials_seen.insert(cred->type + '\0' + cred->user + '\0' + cred->password)
                .second) {
            const std::string status = !settings.security    ? "ignored"
                                       : reply.authenticated ? "success"
                                                             : "failed";
            s.emit(s.event("auth", Severity::warning)
                       .credential(cred->user, cred->password)
                       .add("credential_type", cred->type)
                       .add("status", status));
        }
        if (script)
            s.emit(s.event("script", Severity::warning)
                       .add("lang", script->lang)
                       .add("source", script->source)
                       .add("command", script->command)
                       .add("path", utf8_prefix(request->line.path, kLogged)));
        emit_effects(s, *request, effects);
        const auto* agent = request->header("User-Agent");
        s.emit(s.event("request")
                   .add("method", request->line.method)
                   .add("path", utf8_prefix(request->line.path, kLogged))
                   .add("query", utf8_prefix(request->line.query, kLogged))
                   .add("status", reply.status)
                   .add("user_agent", agent ? utf8_prefix(*agent, kLogged) : std::string())
                   .add("user", cred ? cred->user : std::string())
                   .add("body", utf8_prefix(request->body, kLogged)));
        const bool written = co_await s.write(wire_response(s, *request, reply));
        if (!written || !request->keep_alive) co_return;
    }
}

SessionLimits es_limits(SessionLimits runtime) {
    runtime.max_bytes_in = std::max(runtime.max_bytes_in, kMaxBody + 1024 * 1024);
    return runtime;
}

constexpr EventDecl kEvents[] = {
    {"request", "src_ip src_port method path query status user_agent user body",
     "one REST request and the status it got (body: the first 1 KiB)"},
    {"auth", "src_ip src_port username password credential_type status",
     "credentials in an Authorization header (basic: user and password; api_key: id and "
     "secret; bearer): success or failed on a secured cluster, ignored on an open one"},
    {"write", "src_ip src_port action index id count body",
     "a write: index_create, doc_index, bulk, update, update_by_query, index_settings, "
     "cluster_settings"},
    {"delete", "src_ip src_port action index id count body",
     "a delete: index_delete (ransom wipes), doc_delete, delete_by_query, bulk_delete"},
    {"ransom_note", "src_ip src_port index note",
     "a written document that reads like a ransom note"},
    {"script", "src_ip src_port lang source command path",
     "a script in a request (the Groovy/MVEL RCE payloads of CVE-2014-3120 and CVE-2015-1427): "
     "its language, source and the command it would run"},
    {"bad_request", "src_ip src_port error", "an unparseable or oversized request (then closed)"},
};

}  // namespace

const ServiceModule& elasticsearch_module() {
    static const ServiceModule module{.slug = "elasticsearch",
                                      .configure = &configure_elasticsearch,
                                      .serve = &serve_elasticsearch,
                                      .events = kEvents,
                                      .session_limits = &es_limits};
    return module;
}

}  // namespace decnet::honeypot
