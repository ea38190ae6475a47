// postgres: the persona's PostgreSQL server as psql and scanners see it (services.md §2.17):
// SSLRequest answered 'S' and upgraded with start_tls (or 'N'), GSSENCRequest 'N', the
// startup packet's user, database and application_name captured, then the persona's
// authentication — SCRAM-SHA-256 (default from PostgreSQL 14), md5 or cleartext — captured
// in a crackable form and refused with the server's own FATAL 28P01, or, when the accept
// policy lets the login in, the version's ParameterStatus and a simple query protocol over
// the decky's bait databases (postgres_sql) whose writes and code execution attempts are
// captured as events.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <boost/asio/awaitable.hpp>

#include <array>
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "core/base64.hpp"
#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/auth/login_policy.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/postgres/postgres_protocol.hpp"
#include "honeypot/services/postgres/postgres_sql.hpp"
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
namespace pg = postgres;

constexpr int kScramIterations = 4096;

struct PostgresSettings : ServiceSettings {
    std::string version;
    int major = 15;
    std::string auth;  // scram-sha-256, md5, password
    bool tls = true;
    std::shared_ptr<LoginPolicy> policy;
};

std::string_view distro_version(std::string_view distro) {
    if (distro == "ubuntu22") return "14.15 (Ubuntu 14.15-0ubuntu0.22.04.1)";
    if (distro == "ubuntu20") return "12.22 (Ubuntu 12.22-0ubuntu0.20.04.1)";
    if (distro == "rocky9") return "13.16";
    if (distro == "centos7") return "9.2.24";
    if (distro == "fedora" || distro == "alpine") return "16.6";
    if (distro == "arch") return "17.2";
    if (distro == "kali") return "17.2 (Debian 17.2-1)";
    return "15.10 (Debian 15.10-0+deb12u1)";
}

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    auto settings = std::make_shared<PostgresSettings>();
    settings->version = persona.line("version");
    if (settings->version.empty())
        settings->version = std::string(distro_version(persona.decky().distro));
    if (settings->version.size() > 64 || settings->version.empty() || settings->version[0] < '0' ||
        settings->version[0] > '9')
        persona.fail("version",
                     "expected a PostgreSQL version such as 16.6, at most 64 characters");
    settings->major = std::atoi(settings->version.c_str());
    static constexpr std::array<std::string_view, 4> kAuth = {"", "scram-sha-256", "md5",
                                                              "password"};
    settings->auth = persona.choice("auth", kAuth);
    if (settings->auth.empty()) settings->auth = settings->major >= 14 ? "scram-sha-256" : "md5";
    settings->tls = persona.boolean("tls");
    settings->policy = read_login_policy(persona);
    return settings;
}

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n));
    return out;
}

std::uint32_t next_pid() {
    static std::atomic<std::uint32_t> pid{0};
    return 21000 + (pid.fetch_add(7) % 40000);
}

// A frontend message: type and body, or nullopt (gone, or longer than the session allows).
struct Message {
    char type = 0;
    std::string body;
};
awaitable<std::optional<Message>> read_message(Session& s) {
    auto head = co_await s.read_exact(5);
    if (!head) co_return std::nullopt;
    const auto length = pg::read32(std::string_view(*head).substr(1));
    if (length < 4) co_return std::nullopt;
    Message m{(*head)[0], {}};
    if (length > 4) {
        auto body = co_await s.read_exact(length - 4);
        if (!body) co_return std::nullopt;
        m.body = std::move(*body);
    }
    co_return m;
}

std::string fatal(std::string_view code, std::string_view message, std::string_view file,
                  std::string_view line, std::string_view routine) {
    return pg::error_response({{'S', "FATAL"},
                               {'V', "FATAL"},
                               {'C', std::string(code)},
                               {'M', std::string(message)},
                               {'F', std::string(file)},
                               {'L', std::string(line)},
                               {'R', std::string(routine)}});
}

// postmaster.c's line for ProcessStartupPacket's version check (what nmap reads the
// version from, per release range); a release nmap has no line for gets one of its own.
std::string_view startup_line(std::string_view version) {
    const int major = std::atoi(std::string(version).c_str());
    const auto dot = version.find('.');
    const int minor =
        dot == std::string_view::npos ? 0 : std::atoi(std::string(version.substr(dot + 1)).c_str());
    if (major == 12 && minor >= 9 && minor <= 12) return "2119";
    if (major == 13 && minor >= 5 && minor <= 8) return "2133";
    if (major == 14 && minor >= 1 && minor <= 5) return "2138";
    if (major == 15) return "2194";
    return "2231";
}

std::string hex_of(std::string_view bytes) {
    return to_hex(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

// What ParameterStatus reports after a login (the version's own set).
std::string parameters(const PostgresSettings& settings, const std::string& user,
                       const std::string& application) {
    std::string out = pg::parameter_status("application_name", application) +
                      pg::parameter_status("client_encoding", "UTF8") +
                      pg::parameter_status("DateStyle", "ISO, MDY");
    if (settings.major >= 14)
        out += pg::parameter_status("default_transaction_read_only", "off") +
               pg::parameter_status("in_hot_standby", "off");
    out += pg::parameter_status("integer_datetimes", "on") +
           pg::parameter_status("IntervalStyle", "postgres") +
           pg::parameter_status("is_superuser", user == "postgres" ? "on" : "off");
    if (settings.major >= 16) out += pg::parameter_status("scram_iterations", "4096");
    out += pg::parameter_status("server_encoding", "UTF8") +
           pg::parameter_status("server_version", settings.version) +
           pg::parameter_status("session_authorization", user) +
           pg::parameter_status("standard_conforming_strings", "on") +
           pg::parameter_status("TimeZone", "Etc/UTC");
    return out;
}

struct Login {
    std::string password;                // the credential as captured
    std::string type;                    // postgres_md5, scram-sha-256, cleartext
    std::optional<std::string> matched;  // the persona password it proved
    std::string server_final;            // SCRAM: the server's signature message
    bool complete = false;               // the client answered
};

awaitable<Login> authenticate(Session& s, const PostgresSettings& settings, const std::string& user,
                              const std::string& method) {
    Login login;
    const auto& logins = settings.policy->options().logins;
    if (method == "password") {
        co_await s.write(pg::auth_request(3));
        auto m = co_await read_message(s);
        if (!m || m->type != 'p') co_return login;
        login.password = m->body.substr(0, m->body.find('\0'));
        login.type = "cleartext";
        login.complete = true;
        co_return login;
    }
    if (method == "md5") {
        const auto salt = random_bytes(4);
        co_await s.write(pg::auth_request(5, salt));
        auto m = co_await read_message(s);
        if (!m || m->type != 'p') co_return login;
        const auto response = m->body.substr(0, m->body.find('\0'));
        login.password = pg::md5_hash(user, salt, response);
        login.type = "postgres_md5";
        login.complete = true;
        for (const auto& [u, p] : logins)
            if (u == user && pg::md5_response(p, user, salt) == response) login.matched = p;
        co_return login;
    }
    co_await s.write(pg::auth_request(10, std::string("SCRAM-SHA-256\0\0", 15)));
    auto first = co_await read_message(s);
    if (!first || first->type != 'p') co_return login;
    const auto initial = pg::parse_sasl_initial(first->body);
    std::optional<pg::ScramClientFirst> client_first;
    if (initial) client_first = pg::parse_client_first(initial->data);
    if (!client_first) co_return login;
    // The server's mock salt for a user it does not know is stable per user, as here.
    std::array<unsigned char, 32> digest{};
    unsigned int size = 0;
    const auto seed = s.context().hostname + "\n" + user;
    EVP_Digest(seed.data(), seed.size(), digest.data(), &size, EVP_sha256(), nullptr);
    const std::string salt(reinterpret_cast<const char*>(digest.data()), 16);
    const auto nonce = client_first->nonce + base64_encode(random_bytes(18));
    const auto server_first =
        "r=" + nonce + ",s=" + base64_encode(salt) + ",i=" + std::to_string(kScramIterations);
    co_await s.write(pg::auth_request(11, server_first));
    auto last = co_await read_message(s);
    if (!last || last->type != 'p') co_return login;
    const auto client_final = pg::parse_client_final(last->body);
    if (!client_final) co_return login;
    const auto auth_message =
        client_first->bare + "," + server_first + "," + client_final->without_proof;
    login.password = pg::scram_hash(salt, kScramIterations, auth_message, client_final->proof);
    login.type = "scram-sha-256";
    login.complete = true;
    for (const auto& [u, p] : logins)
        if (u == user && pg::scram_client_proof(p, salt, kScramIterations, auth_message) ==
                             client_final->proof) {
            login.matched = p;
            login.server_final = "v=" + base64_encode(pg::scram_server_signature(
                                            p, salt, kScramIterations, auth_message));
        }
    co_return login;
}

std::string result_messages(const pg::Result& r) {
    switch (r.kind) {
        case pg::Result::empty:
            return pg::message('I', {});
        case pg::Result::command:
            return pg::command_complete(r.tag);
        case pg::Result::error:
            return pg::error_response({{'S', "ERROR"},
                                       {'V', "ERROR"},
                                       {'C', r.code},
                                       {'M', r.message},
                                       {'F', "postgres.c"},
                                       {'L', "1047"},
                                       {'R', "exec_simple_query"}});
        case pg::Result::row_set:
            break;
    }
    std::string out = pg::row_description(r.columns);
    for (const auto& row : r.values) out += pg::data_row(row);
    return out + pg::command_complete(r.tag);
}

awaitable<void> query_loop(Session& s, pg::Connection& c) {
    pg::Server server{
        s.context().settings_as<PostgresSettings>().version, s.context().hostname, {}};
    if (const auto* world = s.context().world) server.databases = make_db_bait(db_facts(*world));
    bool extended_error = false;
    for (int i = 0; i < 100000; ++i) {
        auto m = co_await read_message(s);
        if (!m || m->type == 'X') co_return;
        if (m->type == 'S') {  // Sync: the end of an extended-protocol exchange
            extended_error = false;
            co_await s.write(pg::ready_for_query());
            continue;
        }
        if (m->type == 'P' || m->type == 'B' || m->type == 'E' || m->type == 'D' ||
            m->type == 'C' || m->type == 'H') {
            if (!extended_error) {
                extended_error = true;
                const auto refused =
                    pg::error_response({{'S', "ERROR"},
                                        {'V', "ERROR"},
                                        {'C', "0A000"},
                                        {'M', "prepared statements are disabled"}});
                co_await s.write(refused);
            }
            continue;
        }
        if (m->type != 'Q') {
            co_await s.write(fatal("08P01",
                                   "invalid frontend message type " +
                                       std::to_string(static_cast<unsigned char>(m->type)),
                                   "postgres.c", "4982", "PostgresMain"));
            co_return;
        }
        const auto sql = std::string_view(m->body).substr(0, m->body.find('\0'));
        const auto results = pg::run_simple_query(server, c, sql);
        std::string out;
        for (const auto& r : results) {
            s.emit(s.event("query").add("database", c.database).add("query", r.statement));
            if (!r.capture.empty())
                s.emit(
                    s.event(r.capture, r.capture == "write" ? Severity::notice : Severity::warning)
                        .add("database", c.database)
                        .add("query", r.statement));
            out += result_messages(r);
        }
        out += pg::ready_for_query();
        if (!co_await s.write(out)) co_return;
    }
}

awaitable<void> serve_postgres(Session& s) {
    const auto& settings = s.context().settings_as<PostgresSettings>();
    s.emit(s.event("connect"));
    std::optional<pg::StartupPacket> startup;
    for (int attempt = 0; attempt < 4 && !startup; ++attempt) {
        auto head = co_await s.read_exact(4);
        if (!head) break;
        const auto length = pg::read32(*head);
        if (length < 8 || length > pg::kMaxStartup) {
            // "invalid length of startup packet": logged by the server, the client just
            // sees the connection close.
            s.emit(s.event("protocol_error", Severity::warning)
                       .add("error", "invalid length of startup packet")
                       .add("data", hex_of(*head)));
            break;
        }
        auto body = co_await s.read_exact(length - 4);
        if (!body) break;
        auto packet = pg::parse_startup(*body);
        if (packet.kind == pg::StartupPacket::ssl) {
            const bool upgrade = settings.tls && !s.tls_active();
            const std::string_view answer = upgrade ? "S" : "N";
            co_await s.write(answer);
            if (!upgrade) continue;
            const bool started = co_await s.start_tls();
            if (started) continue;
            if (!s.tls_error().empty())
                s.emit(s.event("tls_error", Severity::warning)
                           .add("dst_port", 5432)
                           .add("error", s.tls_error()));
            break;
        }
        if (packet.kind == pg::StartupPacket::gssenc) {
            co_await s.write("N");
            continue;
        }
        if (packet.kind == pg::StartupPacket::cancel) break;
        if (packet.kind == pg::StartupPacket::unsupported) {
            const auto message =
                "unsupported frontend protocol " + std::to_string(packet.code >> 16) + "." +
                std::to_string(packet.code & 0xffff) + ": server supports 3.0 to 3.0";
            s.emit(s.event("protocol_error", Severity::warning)
                       .add("error", message)
                       .add("data", hex_of(body->substr(0, 64))));
            co_await s.write(fatal("0A000", message, "postmaster.c", startup_line(settings.version),
                                   "ProcessStartupPacket"));
            break;
        }
        if (packet.kind == pg::StartupPacket::invalid) {
            s.emit(s.event("protocol_error", Severity::warning)
                       .add("error", "invalid startup packet layout")
                       .add("data", hex_of(body->substr(0, 64))));
            co_await s.write(fatal("08P01",
                                   "invalid startup packet layout: expected terminator as last "
                                   "byte",
                                   "postmaster.c", startup_line(settings.version),
                                   "ProcessStartupPacket"));
            break;
        }
        startup = std::move(packet);
    }
    if (!startup) {
        s.emit(s.event("disconnect"));
        co_return;
    }
    const auto user = startup->get("user");
    auto database = startup->get("database");
    if (database.empty()) database = user;
    const auto application = startup->get("application_name");
    s.emit(s.event("startup_message")
               .add("username", user)
               .add("database", database)
               .add("application_name", application)
               .add("tls", Event::python_bool(s.tls_active())));
    if (user.empty()) {
        co_await s.write(fatal("28000", "no PostgreSQL user name specified in startup packet",
                               "postmaster.c", "2300", "ProcessStartupPacket"));
        s.emit(s.event("disconnect"));
        co_return;
    }
    // SCRAM proves the server knows the password: a policy that lets unknown passwords in
    // asks for md5 instead (the client cannot check that answer).
    std::string method = settings.auth;
    if (method == "scram-sha-256" &&
        (settings.policy->options().mode == AcceptMode::any ||
         settings.policy->options().mode == AcceptMode::after_failures))
        method = "md5";
    const auto login = co_await authenticate(s, settings, user, method);
    if (!login.complete) {
        s.emit(s.event("disconnect"));
        co_return;
    }
    const std::string guess = login.matched               ? *login.matched
                              : login.type == "cleartext" ? login.password
                                                          : "\x01" + login.password;
    const bool accepted = settings.policy->accepts(s.peer_ip(), user, guess);
    s.emit(s.event("auth", Severity::warning)
               .credential(user, login.password)
               .add("credential_type", login.type)
               .add("database", database)
               .add("tls", Event::python_bool(s.tls_active()))
               .add("status", accepted ? "success" : "failed"));
    if (!accepted) {
        co_await s.write(fatal("28P01", "password authentication failed for user \"" + user + "\"",
                               "auth.c", "326", "auth_failed"));
        s.emit(s.event("disconnect"));
        co_return;
    }
    pg::Server server{settings.version, s.context().hostname, {}};
    if (const auto* world = s.context().world) server.databases = make_db_bait(db_facts(*world));
    std::string welcome;
    if (!login.server_final.empty()) welcome += pg::auth_request(12, login.server_final);
    welcome += pg::auth_request(0);
    if (!pg::database_exists(server, database)) {
        welcome += fatal("3D000", "database \"" + database + "\" does not exist", "postinit.c",
                         "1032", "InitPostgres");
        co_await s.write(welcome);
        s.emit(s.event("disconnect"));
        co_return;
    }
    welcome += parameters(settings, user, application) +
               pg::backend_key_data(next_pid(), static_cast<std::uint32_t>(std::rand())) +
               pg::ready_for_query();
    co_await s.write(welcome);
    pg::Connection connection{user, database, s.peer_ip()};
    co_await query_loop(s, connection);
    s.emit(s.event("disconnect"));
}

SessionLimits postgres_limits(SessionLimits runtime) {
    runtime.max_line = std::max<std::size_t>(runtime.max_line, 256 * 1024);
    runtime.max_bytes_in = std::max<std::size_t>(runtime.max_bytes_in, 4 * 1024 * 1024);
    return runtime;
}

constexpr EventDecl kEvents[] = {
    {"connect", "src_ip src_port", "a client connected"},
    {"startup_message", "src_ip src_port username database application_name tls",
     "the startup packet (after TLS when the client asked for it)"},
    {"auth", "src_ip src_port username password credential_type database tls status",
     "a login: credential_type postgres_md5 (John's $postgres$<user>*<salt>*<hash>), "
     "scram-sha-256 ($scram-sha-256$<iterations>$<salt>$<auth message>$<proof>, base64) or "
     "cleartext"},
    {"query", "src_ip src_port database query", "a statement after a login (first 4 KiB)"},
    {"write", "src_ip src_port database query", "INSERT, UPDATE, CREATE, ALTER, GRANT, …"},
    {"destructive", "src_ip src_port database query", "DROP, DELETE, TRUNCATE"},
    {"ransom_note", "src_ip src_port database query",
     "an INSERT/CREATE/UPDATE mentioning bitcoin, recovery, backups, …"},
    {"exploit", "src_ip src_port database query",
     "COPY … FROM/TO PROGRAM, CREATE FUNCTION … LANGUAGE C, pg_read_file, lo_import, dblink"},
    {"protocol_error", "src_ip src_port error data",
     "a startup packet the server refuses; the session ends"},
    {"disconnect", "src_ip src_port", "the session ended"},
};

}  // namespace

const ServiceModule& postgres_module() {
    static const ServiceModule module{.slug = "postgres",
                                      .configure = &configure,
                                      .serve = &serve_postgres,
                                      .events = kEvents,
                                      .session_limits = &postgres_limits};
    return module;
}

}  // namespace decnet::honeypot
