// mysql: the persona's MySQL 8.0 or MariaDB server as its clients see it (services.md §2.16):
// the protocol 10 greeting of that product and version with a fresh 20-byte scramble per
// connection, the SSL request upgraded to TLS, mysql_native_password and
// caching_sha2_password answers captured as crackable hashes (and the cleartext password
// caching_sha2 sends over TLS), error 1045 byte for byte — or, when the persona's accept
// policy lets the login in, a small read-only world over the decky's bait databases
// (mysql_sql) whose writes and destructive statements are captured as events.
#include <openssl/rand.h>

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/auth/login_policy.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/mysql/mysql_protocol.hpp"
#include "honeypot/services/mysql/mysql_sql.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/db_bait.hpp"
#include "honeypot/world/decky_world.hpp"

// GCC 12 false positive (PR 109224): Asio's sized frame operator delete is reported as
// mismatched once a coroutine awaits several sub-coroutines on different paths.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot {
namespace {

using boost::asio::awaitable;
namespace my = mysql;

constexpr std::string_view kNativePassword = "mysql_native_password";
constexpr std::string_view kCachingSha2 = "caching_sha2_password";
constexpr std::size_t kLoggedQuery = 4096;

struct MysqlSettings : ServiceSettings {
    std::string version;
    std::string version_comment;
    std::string os;
    bool mariadb = false;
    std::string plugin;  // the default authentication plugin
    bool tls = true;
    std::uint32_t capabilities = 0;
    std::uint8_t charset = 0xff;
    std::shared_ptr<LoginPolicy> policy;
};

// The server a distro ships (what `apt install default-mysql-server` gives).
struct Product {
    std::string_view version, comment, os;
};
Product distro_product(std::string_view distro) {
    if (distro == "ubuntu22") return {"8.0.40-0ubuntu0.22.04.1", "(Ubuntu)", "Linux"};
    if (distro == "ubuntu20") return {"8.0.40-0ubuntu0.20.04.1", "(Ubuntu)", "Linux"};
    if (distro == "rocky9" || distro == "centos7" || distro == "fedora")
        return {"8.0.40", "MySQL Community Server - GPL", "Linux"};
    if (distro == "alpine") return {"5.5.5-10.11.8-MariaDB", "MariaDB Server", "Linux"};
    if (distro == "arch") return {"5.5.5-11.4.3-MariaDB", "Arch Linux", "Linux"};
    if (distro == "kali") return {"5.5.5-11.4.3-MariaDB-1", "Debian n/a", "debian-linux-gnu"};
    return {"5.5.5-10.11.19-MariaDB-0+deb12u1", "Debian 12", "debian-linux-gnu"};
}

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    auto settings = std::make_shared<MysqlSettings>();
    const auto product = distro_product(persona.decky().distro);
    settings->version = persona.line("version");
    if (settings->version.empty()) {
        settings->version = std::string(product.version);
        settings->version_comment = std::string(product.comment);
    } else if (settings->version.size() > 64) {
        persona.fail("version", "at most 64 characters");
    }
    settings->mariadb = settings->version.find("MariaDB") != std::string::npos;
    if (settings->version_comment.empty())
        settings->version_comment =
            settings->mariadb ? "mariadb.org binary distribution" : "MySQL Community Server - GPL";
    settings->os = std::string(product.os);
    const bool mysql8 = !settings->mariadb && !settings->version.starts_with("5.");
    settings->plugin = std::string(mysql8 ? kCachingSha2 : kNativePassword);
    settings->tls = persona.boolean("tls");
    // What each server's greeting advertises (MariaDB 10.11.19 on Debian 12, captured; MySQL
    // 8.0): MariaDB clears CLIENT_LONG_PASSWORD (its "MySQL client" bit) and sends its own
    // extended capabilities; the charset is the server's collation (Debian's MariaDB:
    // utf8mb4_general_ci, MySQL 8: utf8mb4_0900_ai_ci, 5.7: utf8_general_ci).
    settings->capabilities = settings->mariadb ? 0x81fff7fe : (mysql8 ? 0xdffff7ff : 0x81fff7ff);
    settings->charset = settings->mariadb ? 0x2d : (mysql8 ? 0xff : 0x21);
    if (settings->tls) settings->capabilities |= my::kClientSsl;
    settings->policy = read_login_policy(persona);
    return settings;
}

std::string random_scramble() {
    std::string out(20, '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), 20);
    for (auto& c : out) c = static_cast<char>(0x21 + static_cast<unsigned char>(c) % 94);
    return out;
}

std::uint32_t next_connection_id() {
    static std::atomic<std::uint32_t> id{8};
    return id.fetch_add(1) + 1;
}

struct Packet {
    std::uint8_t seq = 0;
    std::string payload;
};

// One packet (a payload the session's frame limit allows), or nullopt: the peer is gone or
// sent more than the session allows.
awaitable<std::optional<Packet>> read_packet(Session& s) {
    auto header = co_await s.read_exact(4);
    if (!header) co_return std::nullopt;
    const auto h = my::parse_header(*header);
    Packet p{h.seq, {}};
    if (h.length == 0) co_return p;
    auto payload = co_await s.read_exact(h.length);
    if (!payload) co_return std::nullopt;
    p.payload = std::move(*payload);
    co_return p;
}

std::string hex_of(std::string_view bytes) {
    return to_hex(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

// Does the policy let `user` in with this answer? A persona password whose scramble matches
// is the credential; an unknown answer is a credential no list holds.
bool decide(const MysqlSettings& settings, const Session& s, const std::string& user,
            std::string_view plugin, std::string_view scramble, std::string_view response,
            const std::optional<std::string>& cleartext) {
    auto& policy = *settings.policy;
    if (cleartext) return policy.accepts(s.peer_ip(), user, *cleartext);
    for (const auto& [u, p] : policy.options().logins) {
        if (u != user) continue;
        const auto expected = plugin == kCachingSha2 ? my::caching_sha2_response(p, scramble)
                                                     : my::native_password_response(p, scramble);
        if (expected == response) return policy.accepts(s.peer_ip(), user, p);
    }
    return policy.accepts(s.peer_ip(), user, "\x01" + hex_of(response));
}

std::string client_attributes(const my::HandshakeResponse& h) {
    std::vector<std::string> items;
    for (const auto& [k, v] : h.attributes)
        if (k == "_client_name" || k == "_client_version" || k == "program_name" || k == "_os" ||
            k == "_platform")
            items.push_back(k + "=" + v.substr(0, 64));
    return json_list(items);
}

awaitable<void> send(Session& s, std::uint8_t& seq, const std::vector<std::string>& payloads) {
    std::string out;
    for (const auto& p : payloads) out += my::packet(seq++, p);
    co_await s.write(out);
}

awaitable<void> send_one(Session& s, std::uint8_t& seq, std::string payload) {
    const auto out = my::packet(seq++, payload);
    co_await s.write(out);
}

std::string access_denied(const Session& s, std::string_view user, bool password) {
    return my::err_payload(1045, "28000",
                           "Access denied for user '" + std::string(user) + "'@'" + s.peer_ip() +
                               "' (using password: " + (password ? "YES" : "NO") + ")");
}

std::vector<std::string> answer_payloads(const my::Answer& a, bool deprecate_eof) {
    switch (a.kind) {
        case my::Answer::ok:
            return {my::ok_payload(a.affected)};
        case my::Answer::error:
            return {my::err_payload(a.code, a.state, a.message)};
        case my::Answer::rows:
            break;
    }
    return my::resultset_payloads(a.columns, a.result, deprecate_eof);
}

// After a login: COM_QUERY and friends until COM_QUIT.
awaitable<void> command_loop(Session& s, const MysqlSettings& settings, my::Connection& c,
                             bool deprecate_eof) {
    my::Server server{settings.version, settings.version_comment, s.context().hostname,
                      settings.os,      settings.mariadb,         {}};
    if (const auto* world = s.context().world) server.schemas = make_db_bait(db_facts(*world));
    for (;;) {
        auto packet = co_await read_packet(s);
        if (!packet) co_return;
        std::uint8_t seq = packet->seq + 1;
        if (packet->payload.empty()) co_return;
        const auto command = static_cast<std::uint8_t>(packet->payload[0]);
        const std::string_view body = std::string_view(packet->payload).substr(1);
        if (command == 0x01) co_return;            // COM_QUIT
        if (command == 0x0e || command == 0x1f) {  // COM_PING, COM_RESET_CONNECTION
            co_await send_one(s, seq, my::ok_payload());
            continue;
        }
        if (command == 0x04) {  // COM_FIELD_LIST (the client's completion): no fields
            co_await send_one(s, seq, my::eof_payload());
            continue;
        }
        if (command == 0x09) {  // COM_STATISTICS: a bare string
            co_await send_one(
                s, seq,
                "Uptime: 864211  Threads: 1  Questions: 1835  Slow queries: 0  Opens: "
                "98  Open tables: 91  Queries per second avg: 0.002");
            continue;
        }
        if (command != 0x02 && command != 0x03) {
            co_await send_one(s, seq, my::err_payload(1047, "08S01", "Unknown command"));
            continue;
        }
        const std::string query =
            command == 0x02 ? "USE `" + std::string(body) + "`" : std::string(body);
        const auto answer =
            command == 0x02 ? my::use_database(server, c, body) : my::run_query(server, c, body);
        const auto logged = query.substr(0, kLoggedQuery);
        s.emit(s.event("query").add("database", c.database).add("query", logged));
        if (!answer.capture.empty())
            s.emit(s.event(answer.capture,
                           answer.capture == "write" ? Severity::notice : Severity::warning)
                       .add("database", c.database)
                       .add("query", logged));
        const auto payloads = answer_payloads(answer, deprecate_eof);
        co_await send(s, seq, payloads);
    }
}

awaitable<void> serve_mysql(Session& s) {
    const auto& settings = s.context().settings_as<MysqlSettings>();
    s.emit(s.event("connect"));
    const auto scramble = random_scramble();
    my::Greeting greeting{settings.version,      next_connection_id(), scramble,
                          settings.capabilities, settings.charset,     my::kStatusAutocommit,
                          settings.plugin};
    if (settings.mariadb) greeting.mariadb_capabilities = 0x1d;
    co_await s.write(my::packet(0, my::greeting_payload(greeting)));

    auto packet = co_await read_packet(s);
    std::optional<my::HandshakeResponse> hello;
    if (packet) hello = my::parse_handshake_response(packet->payload);
    if (hello && hello->ssl_request && settings.tls) {
        const bool started = co_await s.start_tls();
        if (!started) {
            if (!s.tls_error().empty())
                s.emit(s.event("tls_error", Severity::warning)
                           .add("dst_port", 3306)
                           .add("error", s.tls_error()));
            s.emit(s.event("disconnect"));
            co_return;
        }
        packet = co_await read_packet(s);
        hello.reset();
        if (packet) hello = my::parse_handshake_response(packet->payload);
    }
    if (!packet) {
        s.emit(s.event("disconnect"));
        co_return;
    }
    std::uint8_t seq = packet->seq + 1;
    if (!hello || hello->ssl_request) {
        s.emit(s.event("protocol_error", Severity::warning)
                   .add("error", "bad handshake")
                   .add("data", hex_prefix(packet->payload, 64)));
        co_await send_one(s, seq, my::err_payload(1043, "08S01", "Bad handshake"));
        s.emit(s.event("disconnect"));
        co_return;
    }

    // The answer under the server's plugin: a client that used another one is switched.
    std::string plugin = hello->plugin;
    std::string response = hello->auth_response;
    bool gone = false;
    if (plugin != settings.plugin) {
        co_await send_one(s, seq, my::auth_switch_payload(settings.plugin, scramble));
        auto switched = co_await read_packet(s);
        if (switched) {
            seq = switched->seq + 1;
            response = std::move(switched->payload);
        } else {
            gone = true;
        }
        plugin = settings.plugin;
    }
    std::optional<std::string> cleartext;
    bool fast_ok = false;  // caching_sha2's fast path: a persona password matched
    if (!gone && plugin == kCachingSha2 && !response.empty()) {
        for (const auto& [u, p] : settings.policy->options().logins)
            if (u == hello->user && my::caching_sha2_response(p, scramble) == response)
                fast_ok = true;
        if (!fast_ok) {
            // No cached entry: the full authentication, the password in clear over TLS.
            co_await send_one(s, seq, std::string("\x01\x04", 2));
            auto full = co_await read_packet(s);
            if (full && s.tls_active()) {
                seq = full->seq + 1;
                std::string password = full->payload;
                if (!password.empty() && password.back() == '\0') password.pop_back();
                cleartext = std::move(password);
            } else if (full) {
                seq = full->seq + 1;  // a public key request: refused below
            } else {
                gone = true;
            }
        }
    }

    const bool accepted =
        !gone && decide(settings, s, hello->user, plugin, scramble, response, cleartext);
    auto auth = s.event("auth", Severity::warning);
    if (cleartext) {
        auth.credential(hello->user, *cleartext).add("credential_type", "cleartext");
    } else if (plugin == kCachingSha2) {
        auth.credential(hello->user, my::caching_sha2_hash(scramble, response))
            .add("credential_type", "mysql_caching_sha2");
    } else {
        auth.credential(hello->user, my::native_password_hash(scramble, response))
            .add("credential_type", "mysqlna");
    }
    auth.add("plugin", plugin)
        .add("database", hello->database)
        .add("client", client_attributes(*hello))
        .add("tls", Event::python_bool(s.tls_active()))
        .add("status", accepted ? "success" : "failed");
    s.emit(std::move(auth));
    if (gone) {
        s.emit(s.event("disconnect"));
        co_return;
    }
    if (!accepted) {
        co_await send_one(s, seq, access_denied(s, hello->user, !response.empty() || cleartext));
        s.emit(s.event("disconnect"));
        co_return;
    }
    my::Connection connection{hello->user, s.peer_ip(), {}, greeting.connection_id};
    std::vector<std::string> welcome;
    if (fast_ok) welcome.emplace_back("\x01\x03", 2);
    if (!hello->database.empty()) {
        my::Server server{settings.version, settings.version_comment, s.context().hostname,
                          settings.os,      settings.mariadb,         {}};
        if (const auto* world = s.context().world) server.schemas = make_db_bait(db_facts(*world));
        const auto used = my::use_database(server, connection, hello->database);
        if (used.kind == my::Answer::error) {
            welcome.push_back(my::err_payload(used.code, used.state, used.message));
            co_await send(s, seq, welcome);
            s.emit(s.event("disconnect"));
            co_return;
        }
    }
    welcome.push_back(my::ok_payload());
    co_await send(s, seq, welcome);
    const bool deprecate_eof =
        (hello->capabilities & settings.capabilities & my::kClientDeprecateEof) != 0;
    co_await command_loop(s, settings, connection, deprecate_eof);
    s.emit(s.event("disconnect"));
}

SessionLimits mysql_limits(SessionLimits runtime) {
    // A query (a ransom note, a dump being restored) is one packet: 256 KiB of it is kept.
    runtime.max_line = std::max<std::size_t>(runtime.max_line, 256 * 1024);
    runtime.max_bytes_in = std::max<std::size_t>(runtime.max_bytes_in, 4 * 1024 * 1024);
    return runtime;
}

constexpr EventDecl kEvents[] = {
    {"connect", "src_ip src_port", "a client connected"},
    {"auth", "src_ip src_port username password credential_type plugin database client tls status",
     "a login: the password as a crackable hash (credential_type mysqlna: hashcat 11200 "
     "$mysqlna$<scramble>*<response>; mysql_caching_sha2: $mysql-sha2$<scramble>*<response>) "
     "or in clear (caching_sha2_password's full authentication over TLS); client attributes"},
    {"query", "src_ip src_port database query", "a statement after a login (first 4 KiB)"},
    {"write", "src_ip src_port database query", "INSERT, UPDATE, CREATE, ALTER, GRANT, …"},
    {"destructive", "src_ip src_port database query", "DROP, DELETE, TRUNCATE"},
    {"ransom_note", "src_ip src_port database query",
     "an INSERT/CREATE/UPDATE mentioning bitcoin, recovery, backups, …"},
    {"exploit", "src_ip src_port database query",
     "file access (INTO OUTFILE, LOAD DATA, LOAD_FILE), UDF libraries, sys_exec"},
    {"protocol_error", "src_ip src_port error data", "not a handshake response; the session ends"},
    {"disconnect", "src_ip src_port", "the session ended"},
};

}  // namespace

const ServiceModule& mysql_module() {
    static const ServiceModule module{.slug = "mysql",
                                      .configure = &configure,
                                      .serve = &serve_mysql,
                                      .events = kEvents,
                                      .session_limits = &mysql_limits};
    return module;
}

}  // namespace decnet::honeypot
