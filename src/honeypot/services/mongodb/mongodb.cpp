// mongodb: the persona's mongod as drivers, mongosh, scanners and ransom bots see it
// (services.md §2.19): OP_MSG and legacy OP_QUERY framed and bounded, the handshake (hello,
// isMaster with the version's wire version, speculative authentication), buildInfo, and —
// when the persona is open, the classic ransom target — listDatabases, listCollections and
// find over the decky's bait databases, whose writes, drops and ransom notes are captured
// as events (mongodb_commands). SCRAM-SHA-1 and SCRAM-SHA-256 conversations are captured in
// a crackable form and refused with mongod's "Authentication failed." (code 18), unless the
// accept policy knows the password; an auth-required persona refuses every other command
// with code 13 until a login.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "core/base64.hpp"
#include "events/event.hpp"
#include "honeypot/auth/login_policy.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/mongodb/mongodb_commands.hpp"
#include "honeypot/services/mongodb/mongodb_protocol.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/db_bait.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/distro_files.hpp"

// GCC 12 false positive (PR 109224): Asio's sized frame operator delete is reported as
// mismatched once a coroutine awaits several sub-coroutines on different paths.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot {
namespace {

using boost::asio::awaitable;
namespace mg = mongodb;
using wire::bson::Document;
using wire::bson::Value;

constexpr int kSha1Iterations = 10000;    // mongod's scramIterationCount
constexpr int kSha256Iterations = 15000;  // mongod's scramSHA256IterationCount
// The largest message read: a 16 MiB document and its envelope. mongod reads up to 48 MB;
// a bigger claim ends the session here.
constexpr std::size_t kMaxRead = 16 * 1024 * 1024 + 64 * 1024;

struct MongodbSettings : ServiceSettings {
    std::string version;
    std::string openssl, distmod, os_name, os_version;
    bool auth = false;
    std::shared_ptr<LoginPolicy> policy;
};

// What mongodb.org ships for the distro (its repository's package for that release).
struct Product {
    std::string_view version, distmod, openssl, os_name, os_version;
};
Product distro_product(std::string_view distro) {
    if (distro == "ubuntu22")
        return {"6.0.19", "ubuntu2204", "OpenSSL 3.0.2 15 Mar 2022", "Ubuntu", "22.04"};
    if (distro == "ubuntu20")
        return {"4.4.29", "ubuntu2004", "OpenSSL 1.1.1f  31 Mar 2020", "Ubuntu", "20.04"};
    if (distro == "rocky9")
        return {"7.0.15", "rhel90", "OpenSSL 3.0.7 1 Nov 2022", "Rocky Linux", "9.4"};
    if (distro == "centos7")
        return {"4.4.29", "rhel70", "OpenSSL 1.0.1e-fips 11 Feb 2013", "CentOS Linux", "7"};
    return {"7.0.15", "debian12", "OpenSSL 3.0.15 3 Sep 2024", "Debian GNU/Linux", "12"};
}

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    auto settings = std::make_shared<MongodbSettings>();
    const auto product = distro_product(persona.decky().distro);
    settings->version = persona.line("version");
    if (settings->version.empty()) settings->version = std::string(product.version);
    const auto& v = settings->version;
    if (v.size() > 32 || v.find_first_not_of("0123456789.-rc") != std::string::npos ||
        v.find('.') == std::string::npos || v[0] < '3' || v[0] > '9' || v[1] != '.')
        persona.fail("version", "expected a MongoDB release such as 6.0.19 (3.6 to 9.x)");
    settings->openssl = std::string(product.openssl);
    settings->distmod = std::string(product.distmod);
    settings->os_name = std::string(product.os_name);
    settings->os_version = std::string(product.os_version);
    settings->auth = persona.boolean("auth");
    settings->policy = read_login_policy(persona);
    return settings;
}

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n));
    return out;
}

std::string sha(const EVP_MD* md, std::string_view text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_Digest(text.data(), text.size(), digest.data(), &size, md, nullptr);
    return std::string(reinterpret_cast<const char*>(digest.data()), size);
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::int32_t next_connection_id() {
    static std::atomic<std::int32_t> id{3};
    return id.fetch_add(1) + 1;
}

std::int32_t next_message_id() {
    static std::atomic<std::int32_t> id{1021};
    return id.fetch_add(1) + 1;
}

// The mongod this decky runs: its build, its start (a minute after the host booted), and
// the bait databases of the decky's world.
mg::Server make_server(const MongodbSettings& settings, const ServiceContext& context) {
    mg::Server server;
    server.version = settings.version;
    server.wire_version = mg::wire_version_of(settings.version);
    const auto git = sha(EVP_sha1(), "mongo r" + settings.version);
    server.git_version =
        to_hex(std::span(reinterpret_cast<const std::uint8_t*>(git.data()), git.size()));
    server.openssl = settings.openssl;
    server.distmod = settings.distmod;
    server.os_name = settings.os_name;
    server.os_version = settings.os_version;
    server.hostname = context.hostname;
    server.auth = settings.auth;
    const auto now = now_ms();
    std::uint64_t seed = 0;
    for (const char c : context.hostname) seed = seed * 131 + static_cast<unsigned char>(c);
    server.started_ms = now - 3'600'000;
    if (const auto* world = context.world) {
        server.started_ms = (world->host.boot_time(now / 1000) + 40 + seed % 50) * 1000 +
                            static_cast<std::int64_t>(seed % 1000);
        server.kernel = world->host.kernel_release;
        server.cores = world->host.cpu_count;
        server.mem_mb = static_cast<std::int64_t>(world->host.mem_total_kb / 1024);
        server.databases = make_db_bait(db_facts(*world));
    }
    std::string oid(12, '\0');
    const auto secs = static_cast<std::uint32_t>(server.started_ms / 1000);
    for (int i = 0; i < 4; ++i) oid[i] = static_cast<char>((secs >> (24 - 8 * i)) & 0xff);
    const auto random = sha(EVP_sha256(), context.hostname + "\nmongod");
    for (int i = 4; i < 12; ++i) oid[i] = random[i];
    server.process_id = oid;
    return server;
}

// One SCRAM conversation (saslStart, then saslContinue).
struct Conversation {
    mg::Scram scram = mg::Scram::sha256;
    std::string user, database;
    std::string first_bare, server_first, salt;
    int iterations = 0;
    bool skip_empty = false;
    bool speculative = false;
    bool done = false;  // proved; waiting for the client's empty last step
};

struct SaslResult {
    Document reply;
    bool ok = false;
};

Document sasl_failed() {
    return mg::error_reply(18, "AuthenticationFailed", "Authentication failed.");
}

std::string payload_of(const Document& body) {
    const auto* p = body.find("payload");
    if (!p) return {};
    return p->type == wire::bson::Type::binary || p->is_string() ? p->bytes : std::string();
}

// saslStart (or hello's speculativeAuthenticate): the server-first message, or mongod's
// refusal. PLAIN (Enterprise's LDAP mechanism) carries the password in clear: captured,
// then refused as Community refuses it.
SaslResult sasl_start(Session& s, std::optional<Conversation>& conversation, const Document& body,
                      const std::string& database, bool speculative) {
    conversation.reset();
    const auto mechanism = body.find("mechanism");
    const std::string name = mechanism && mechanism->is_string() ? mechanism->bytes : "";
    const auto scram = mg::scram_mechanism(name);
    const auto payload = payload_of(body);
    if (!scram) {
        if (name == "PLAIN") {
            const auto first = payload.find('\0');
            const auto second = first == std::string::npos ? first : payload.find('\0', first + 1);
            if (second != std::string::npos)
                s.emit(s.event("auth", Severity::warning)
                           .credential(payload.substr(first + 1, second - first - 1),
                                       payload.substr(second + 1, 256))
                           .add("credential_type", "cleartext")
                           .add("mechanism", "PLAIN")
                           .add("database", database)
                           .add("speculative", Event::python_bool(speculative))
                           .add("status", "failed"));
        }
        return {mg::error_reply(334, "MechanismUnavailable",
                                "Received authentication for mechanism " + name.substr(0, 64) +
                                    " which is unknown or not enabled"),
                false};
    }
    const auto first = mg::parse_scram_first(payload);
    if (!first)
        return {mg::error_reply(2, "BadValue",
                                "Invalid SCRAM client first message: expected a gs2 header, "
                                "n=<user>,r=<nonce>"),
                false};
    Conversation c;
    c.scram = *scram;
    c.user = first->user.substr(0, 256);
    c.database = database;
    c.first_bare = first->bare;
    c.speculative = speculative;
    c.iterations = *scram == mg::Scram::sha1 ? kSha1Iterations : kSha256Iterations;
    // A user the server does not know gets a salt as stable as a real one.
    c.salt = sha(EVP_sha256(), s.context().hostname + "\n" + database + "\n" + c.user + "\n" + name)
                 .substr(0, *scram == mg::Scram::sha1 ? 16 : 28);
    if (const auto* options = body.find("options"); options && options->is_document())
        if (const auto* skip = options->document.find("skipEmptyExchange"))
            c.skip_empty = skip->truthy();
    c.server_first = "r=" + first->nonce + base64_encode(random_bytes(24)) +
                     ",s=" + base64_encode(c.salt) + ",i=" + std::to_string(c.iterations);
    Document reply;
    reply.add("conversationId", Value::i32(1))
        .add("done", Value::boolean(false))
        .add("payload", Value::binary(c.server_first));
    conversation = std::move(c);
    return {mg::ok_reply(std::move(reply)), true};
}

SaslResult sasl_continue(Session& s, const MongodbSettings& settings, mg::Connection& connection,
                         std::optional<Conversation>& conversation, const Document& body) {
    if (!conversation)
        return {mg::error_reply(17, "ProtocolError", "No SASL session state found"), false};
    auto& c = *conversation;
    if (c.done) {  // the empty exchange after a proved login
        Document reply;
        reply.add("conversationId", Value::i32(1))
            .add("done", Value::boolean(true))
            .add("payload", Value::binary(""));
        conversation.reset();
        return {mg::ok_reply(std::move(reply)), true};
    }
    const auto final_message = mg::parse_scram_final(payload_of(body));
    const auto nonce = c.server_first.substr(2, c.server_first.find(',') - 2);
    if (!final_message || final_message->nonce != nonce) {
        conversation.reset();
        return {sasl_failed(), false};
    }
    const auto auth_message =
        c.first_bare + "," + c.server_first + "," + final_message->without_proof;
    const auto hash =
        mg::scram_hash(c.scram, c.salt, c.iterations, auth_message, final_message->proof);
    std::optional<std::string> matched;
    std::string signature;
    for (const auto& [u, p] : settings.policy->options().logins) {
        if (u != c.user) continue;
        const auto secret = mg::scram_secret(c.scram, u, p);
        if (mg::scram_client_proof(c.scram, secret, c.salt, c.iterations, auth_message) ==
            final_message->proof) {
            matched = p;
            signature =
                mg::scram_server_signature(c.scram, secret, c.salt, c.iterations, auth_message);
        }
    }
    // SCRAM proves the server knows the password: only a persona password can be let in.
    const bool accepted = matched && settings.policy->accepts(s.peer_ip(), c.user, *matched);
    s.emit(s.event("auth", Severity::warning)
               .credential(c.user, hash)
               .add("credential_type",
                    c.scram == mg::Scram::sha1 ? "mongodb_scram_sha1" : "mongodb_scram_sha256")
               .add("mechanism", std::string(mg::mechanism_name(c.scram)))
               .add("database", c.database)
               .add("speculative", Event::python_bool(c.speculative))
               .add("status", accepted ? "success" : "failed"));
    if (!accepted) {
        conversation.reset();
        return {sasl_failed(), false};
    }
    connection.authenticated = true;
    connection.user = c.user;
    connection.user_db = c.database;
    Document reply;
    reply.add("conversationId", Value::i32(1))
        .add("done", Value::boolean(c.skip_empty))
        .add("payload", Value::binary("v=" + base64_encode(signature)));
    if (c.skip_empty)
        conversation.reset();
    else
        c.done = true;
    return {mg::ok_reply(std::move(reply)), true};
}

// hello's `client` metadata: "PyMongo 3.11.0", "Linux", …
std::string client_field(const Document& body, std::string_view section, std::string_view a,
                         std::string_view b = {}) {
    const auto* client = body.find("client");
    if (!client || !client->is_document()) return {};
    const auto* part = client->document.find(section);
    if (!part) return {};
    if (part->is_string()) return part->bytes.substr(0, 128);
    if (!part->is_document()) return {};
    std::string out;
    for (const auto key : {a, b}) {
        if (key.empty()) continue;
        const auto* v = part->document.find(key);
        if (v && v->is_string()) out += (out.empty() ? "" : " ") + v->bytes.substr(0, 64);
    }
    return out;
}

bool quiet(std::string_view command) {
    return command == "hello" || command == "isMaster" || command == "ping" ||
           command == "endSessions";
}

std::string arguments(const Document& body) {
    Document logged;
    for (const auto& e : body.elements)
        if (e.name != "lsid" && e.name != "$clusterTime" && e.name != "$db" &&
            e.name != "$readPreference" && e.name != "documents" && e.name != "payload")
            logged.elements.push_back(e);
    return wire::bson::to_json(logged, 1024);
}

awaitable<void> serve_mongodb(Session& s) {
    const auto& settings = s.context().settings_as<MongodbSettings>();
    s.emit(s.event("connect"));
    const auto server = make_server(settings, s.context());
    mg::Connection connection{
        next_connection_id(), s.peer_ip() + ":" + std::to_string(s.peer_port()), false, {}, {}};
    std::optional<Conversation> conversation;
    bool greeted = false;
    for (int i = 0; i < 100000; ++i) {
        auto head = co_await s.read_exact(16);
        if (!head) break;
        if (head->starts_with("GET ")) {
            // mongod's transport layer answers HTTP on the driver port, then closes.
            s.emit(s.event("protocol_error", Severity::warning)
                       .add("error", "HTTP request on the native driver port")
                       .add("opcode", 0)
                       .add("data", hex_prefix(*head, 16)));
            co_await s.write(
                "HTTP/1.0 200 OK\r\nConnection: close\r\nContent-Type: text/plain\r\n"
                "Content-Length: 84\r\n\r\nIt looks like you are trying to access MongoDB over "
                "HTTP on the native driver port.\n");
            break;
        }
        const auto header = mg::parse_header(*head);
        if (!mg::valid_length(header) || static_cast<std::size_t>(header.length) > kMaxRead) {
            // mongod: "recv(): message msgLen N is invalid. Min 16 Max: 48000000", then close.
            s.emit(
                s.event("protocol_error", Severity::warning)
                    .add("error", "message length " + std::to_string(header.length) + " is invalid")
                    .add("opcode", header.op_code)
                    .add("data", hex_prefix(*head, 16)));
            break;
        }
        std::string message = std::move(*head);
        if (header.length > 16) {
            auto body = co_await s.read_exact(static_cast<std::size_t>(header.length) - 16);
            if (!body) break;
            message += *body;
        }
        mg::Parsed parsed;
        if (header.op_code == mg::kOpMsg) {
            parsed = mg::parse_op_msg(message);
        } else if (header.op_code == mg::kOpQuery) {
            parsed = mg::parse_op_query(message);
        } else {
            // OP_COMPRESSED (never offered) and the removed legacy opcodes: mongod closes.
            s.emit(s.event("protocol_error", Severity::warning)
                       .add("error", "unsupported opcode")
                       .add("opcode", header.op_code)
                       .add("data", hex_prefix(message, 64)));
            break;
        }
        const bool legacy = header.op_code == mg::kOpQuery;
        const auto reply_with = [&](const Document& doc) {
            return legacy ? mg::op_reply(next_message_id(), header.request_id, doc)
                          : mg::op_msg(next_message_id(), header.request_id, doc);
        };
        if (!parsed.command) {
            s.emit(s.event("protocol_error", Severity::warning)
                       .add("error", parsed.error.substr(0, 256))
                       .add("opcode", header.op_code)
                       .add("data", hex_prefix(message.substr(16), 64)));
            const auto out =
                reply_with(mg::error_reply(parsed.code, parsed.code_name, parsed.error));
            if (!co_await s.write(out)) break;
            continue;
        }
        const auto& command = *parsed.command;
        const auto sent = command.name();
        const auto name = mg::canonical_command(sent);
        mg::Outcome outcome;
        if (!legacy && (name == "saslStart" || name == "saslContinue")) {
            auto result = name == "saslStart"
                              ? sasl_start(s, conversation, command.body, command.database, false)
                              : sasl_continue(s, settings, connection, conversation, command.body);
            outcome.reply = std::move(result.reply);
        } else {
            outcome = mg::run_command(server, connection, command, now_ms());
            if ((name == "hello" || name == "isMaster") && !greeted) {
                greeted = true;
                s.emit(s.event("handshake")
                           .add("command", sent.substr(0, 32))
                           .add("legacy", Event::python_bool(legacy))
                           .add("driver", client_field(command.body, "driver", "name", "version"))
                           .add("os", client_field(command.body, "os", "type", "name"))
                           .add("application", client_field(command.body, "application", "name")));
            }
            if (name == "hello" || name == "isMaster") {
                const auto* speculative = command.body.find("speculativeAuthenticate");
                if (speculative && speculative->is_document()) {
                    std::string db = "admin";
                    if (const auto* d = speculative->document.find("db"); d && d->is_string())
                        db = d->bytes;
                    auto result = sasl_start(s, conversation, speculative->document, db, true);
                    if (result.ok)
                        mg::insert_before_ok(outcome.reply, "speculativeAuthenticate",
                                             Value::doc(std::move(result.reply)));
                }
            } else if (!quiet(name)) {
                const auto* ok = outcome.reply.find("ok");
                const auto* code_name = outcome.reply.find("codeName");
                s.emit(s.event("command")
                           .add("database", command.database.substr(0, 128))
                           .add("command", sent.substr(0, 64))
                           .add("collection", outcome.collection.substr(0, 128))
                           .add("arguments", arguments(command.body))
                           .add("result", ok && ok->truthy() ? std::string("ok")
                                          : code_name && code_name->is_string()
                                              ? code_name->bytes
                                              : std::string("error")));
            }
            if (!outcome.capture.empty())
                s.emit(s.event(outcome.capture,
                               outcome.capture == "write" ? Severity::notice : Severity::warning)
                           .add("database", outcome.database.substr(0, 128))
                           .add("collection", outcome.collection.substr(0, 128))
                           .add("command", sent.substr(0, 64))
                           .add("documents", outcome.documents));
        }
        // moreToCome: the client wants no answer (an unacknowledged write).
        if (!legacy && (command.flags & mg::kMoreToCome)) continue;
        if (outcome.await_ms > 0) co_await s.pause(std::chrono::milliseconds(outcome.await_ms));
        std::string out;
        if (legacy && command.legacy_find && outcome.reply.empty()) {
            // 4.4's OP_QUERY on a collection: the documents themselves.
            const auto doc_count = outcome.legacy_documents.size();
            std::string docs;
            for (const auto& d : outcome.legacy_documents) docs += wire::bson::encode(d);
            out = mg::op_reply(next_message_id(), header.request_id, Document{});
            out.resize(out.size() - 5);  // the placeholder document
            out += docs;
            const auto total = static_cast<std::uint32_t>(out.size());
            for (int k = 0; k < 4; ++k) out[k] = static_cast<char>((total >> (8 * k)) & 0xff);
            for (int k = 0; k < 4; ++k)
                out[32 + k] = static_cast<char>((doc_count >> (8 * k)) & 0xff);
        } else {
            out = reply_with(outcome.reply);
        }
        if (!co_await s.write(out)) break;
    }
    s.emit(s.event("disconnect"));
}

SessionLimits mongodb_limits(SessionLimits runtime) {
    // A message is read whole: up to a 16 MiB document (a restore, a ransom bot's insert).
    runtime.max_line = std::max<std::size_t>(runtime.max_line, kMaxRead);
    runtime.max_bytes_in = std::max<std::size_t>(runtime.max_bytes_in, 64 * 1024 * 1024);
    return runtime;
}

constexpr EventDecl kEvents[] = {
    {"connect", "src_ip src_port", "a client connected"},
    {"handshake", "src_ip src_port command legacy driver os application",
     "the first hello/isMaster: the driver's metadata (PyMongo 3.11.0, Linux, …)"},
    {"auth",
     "src_ip src_port username password credential_type mechanism database speculative status",
     "a login: credential_type mongodb_scram_sha1 / mongodb_scram_sha256 "
     "($mongodb-scram-sha-1$<iterations>$<salt>$<auth message>$<proof>, base64; SHA-1's "
     "secret is hex(md5(\"<user>:mongo:<password>\"))) or cleartext (PLAIN)"},
    {"command", "src_ip src_port database command collection arguments result",
     "a command other than the handshake and ping (arguments as JSON, first 1 KiB; result ok or "
     "mongod's codeName, e.g. Unauthorized)"},
    {"write", "src_ip src_port database collection command documents",
     "insert, update, create, createIndexes, createUser, … (documents: first 4 KiB as JSON)"},
    {"destructive", "src_ip src_port database collection command documents",
     "drop, dropDatabase, delete, dropIndexes, dropUser, shutdown"},
    {"ransom_note", "src_ip src_port database collection command documents",
     "a write whose documents mention bitcoin, recovery, backups, …"},
    {"protocol_error", "src_ip src_port error opcode data",
     "a message mongod refuses (bad length, opcode or BSON); a bad length or opcode ends the "
     "session"},
    {"disconnect", "src_ip src_port", "the session ended"},
};

}  // namespace

const ServiceModule& mongodb_module() {
    static const ServiceModule module{.slug = "mongodb",
                                      .configure = &configure,
                                      .serve = &serve_mongodb,
                                      .events = kEvents,
                                      .session_limits = &mongodb_limits};
    return module;
}

}  // namespace decnet::honeypot
