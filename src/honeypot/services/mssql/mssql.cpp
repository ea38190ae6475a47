// mssql: the persona's Microsoft SQL Server as its clients and scanners see it (services.md
// §2.18, its defects fixed): the PRELOGIN answer with the persona's version (what nmap names)
// and encryption, TLS inside TDS with the decky's certificate (the whole session, or only the
// LOGIN7 when the client asked for no more), the LOGIN7's user, de-obfuscated password, host,
// application, server, library and database captured, error 18456 as SQL Server sends it — or,
// when the accept policy lets the login in, LOGINACK and a small T-SQL world over the decky's
// bait databases (mssql_sql) whose xp_cmdshell, sp_configure and writes are events.
#include <boost/asio/awaitable.hpp>

#include <array>
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/auth/login_policy.hpp"
#include "honeypot/auth/ntlm_acceptor.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/mssql/mssql_sql.hpp"
#include "honeypot/services/mssql/tds_channel.hpp"
#include "honeypot/services/mssql/tds_protocol.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/services/windows_decky.hpp"
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

constexpr std::size_t kMaxPrelogin = 4096;
constexpr std::size_t kMaxBatch = 1024 * 1024;

// A release as @@VERSION and PRELOGIN show it.
struct Release {
    std::string_view year;
    tds::Version version;    // PRELOGIN's (sub-build 0, as the server sends it)
    std::string_view full;   // SERVERPROPERTY('ProductVersion')
    std::string_view label;  // "(RTM)" / "(SP2) (KB4052908)"
    std::string_view level;  // SERVERPROPERTY('ProductLevel')
    std::string_view built;
    std::string_view copyright;
    std::string_view windows;  // the OS it runs on in the Windows persona
};

constexpr Release kReleases[] = {
    {"2016",
     {13, 0, 5026, 0},
     "13.0.5026.0",
     "(SP2) (KB4052908)",
     "SP2",
     "Mar 18 2018 09:11:49",
     "Copyright (c) Microsoft Corporation",
     "Windows Server 2016 Standard 10.0 <X64> (Build 14393: ) (Hypervisor)"},
    {"2017",
     {14, 0, 1000, 0},
     "14.0.1000.169",
     "(RTM)",
     "RTM",
     "Aug 22 2017 17:04:49",
     "Copyright (C) 2017 Microsoft Corporation",
     "Windows Server 2016 Standard 10.0 <X64> (Build 14393: ) (Hypervisor)"},
    {"2019",
     {15, 0, 2000, 0},
     "15.0.2000.5",
     "(RTM)",
     "RTM",
     "Sep 24 2019 13:48:23",
     "Copyright (C) 2019 Microsoft Corporation",
     "Windows Server 2019 Standard 10.0 <X64> (Build 17763: ) (Hypervisor)"},
    {"2022",
     {16, 0, 1000, 0},
     "16.0.1000.6",
     "(RTM)",
     "RTM",
     "Oct  8 2022 05:58:25",
     "Copyright (C) 2022 Microsoft Corporation",
     "Windows Server 2022 Standard 10.0 <X64> (Build 20348: ) (Hypervisor)"},
};

struct MssqlSettings : ServiceSettings {
    const Release* release = &kReleases[2];
    std::string edition;     // "Standard Edition (64-bit)"
    std::string banner;      // @@VERSION
    std::string encryption;  // off, on, required, not_supported
    bool windows = true;
    std::shared_ptr<LoginPolicy> policy;
};

// SQL Server on Linux names its distribution in @@VERSION.
std::string_view linux_name(std::string_view distro) {
    if (distro == "ubuntu20") return "Ubuntu 20.04.6 LTS";
    if (distro == "rocky9") return "Rocky Linux 9.4 (Blue Onyx)";
    if (distro == "centos7") return "CentOS Linux 7 (Core)";
    return "Ubuntu 22.04.4 LTS";
}

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    auto settings = std::make_shared<MssqlSettings>();
    static constexpr std::array<std::string_view, 5> kVersions = {"", "2016", "2017", "2019",
                                                                  "2022"};
    const auto year = persona.choice("version", kVersions);
    for (const auto& r : kReleases)
        if (r.year == year) settings->release = &r;
    settings->windows = is_windows_decky(persona.decky()) || persona.decky().distro.empty() ||
                        persona.decky().distro == "windows";
    static constexpr std::array<std::string_view, 6> kEditions = {
        "", "standard", "enterprise", "express", "developer", "web"};
    auto edition = persona.choice("edition", kEditions);
    if (edition.empty()) edition = settings->windows ? "standard" : "developer";
    edition[0] = ascii_upper(edition[0]);
    settings->edition = edition + " Edition (64-bit)";
    static constexpr std::array<std::string_view, 4> kEncryption = {"off", "on", "required",
                                                                    "not_supported"};
    settings->encryption = persona.choice("encryption", kEncryption);
    const auto& r = *settings->release;
    settings->banner =
        "Microsoft SQL Server " + std::string(r.year) + " " + std::string(r.label) + " - " +
        std::string(r.full) + " (X64) \n\t" + std::string(r.built) + " \n\t" +
        std::string(r.copyright) + "\n\t" + settings->edition + " on " +
        (settings->windows
             ? std::string(r.windows) + "\n"
             : "Linux (" + std::string(linux_name(persona.decky().distro)) + ") <X64>");
    settings->policy = read_login_policy(persona);
    return settings;
}

std::uint16_t next_spid() {
    static std::atomic<std::uint16_t> spid{0};
    return static_cast<std::uint16_t>(51 + spid.fetch_add(1) % 400);
}

std::string hex_of(std::string_view bytes) {
    return to_hex(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

std::string encryption_name(std::uint8_t value) {
    switch (value) {
        case tds::kEncryptOff:
            return "off";
        case tds::kEncryptOn:
            return "on";
        case tds::kEncryptNotSup:
            return "not_supported";
        case tds::kEncryptReq:
            return "required";
        default:
            return "0x" + hex_of(std::string(1, static_cast<char>(value)));
    }
}

// What the server answers to the client's ENCRYPTION option (MS-TDS 2.2.6.5): without
// Force Encryption a client that asks for nothing gets its login encrypted only; a forced
// server asks for all of it.
std::uint8_t negotiate(std::string_view setting, std::uint8_t client) {
    const bool client_can = client != tds::kEncryptNotSup;
    if (setting == "not_supported") return tds::kEncryptNotSup;
    if (setting == "on") return tds::kEncryptOn;
    if (setting == "required")
        return client == tds::kEncryptOff || !client_can ? tds::kEncryptReq : tds::kEncryptOn;
    if (!client_can) return tds::kEncryptNotSup;
    return client == tds::kEncryptOff ? tds::kEncryptOff : tds::kEncryptOn;
}

std::string server_name(const Session& s) {
    const auto& settings = s.context().settings_as<MssqlSettings>();
    auto name = s.context().hostname;
    name = name.substr(0, name.find('.'));
    return settings.windows ? ascii_upper(name) : name;
}

tds::Message login_failed(const Session& s, std::string_view user) {
    return tds::Message{
        18456, 1, 14, "Login failed for user '" + std::string(user) + "'.", server_name(s), "", 1};
}

void protocol_error(Session& s, std::string_view error, std::string_view data) {
    s.emit(s.event("protocol_error", Severity::warning)
               .add("error", std::string(error))
               .add("data", hex_of(data.substr(0, 64))));
}

// The batch's answer: each statement's tokens, DONE_MORE on all but the last; a USE's
// ENVCHANGE names the database it left.
std::string batch_tokens(const std::vector<mssql::Result>& results, std::string database,
                         bool tds72) {
    if (results.empty()) return tds::done_token(tds::kDoneFinal, 0, 0, tds72);
    std::string out;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i];
        const std::uint16_t more = i + 1 < results.size() ? tds::kDoneMore : 0;
        if (r.kind == mssql::Result::error) {
            out += tds::error_token(r.message, tds72);
            out += tds::done_token(more | tds::kDoneError, r.command, 0, tds72);
            continue;
        }
        if (r.kind == mssql::Result::rows) {
            out += tds::colmetadata_token(r.columns, tds72);
            for (const auto& row : r.values) out += tds::row_token(r.columns, row);
        }
        if (!r.database.empty()) {
            out += tds::envchange_token(1, r.database, database);
            database = r.database;
        }
        for (const auto& info : r.infos) out += tds::info_token(info, tds72);
        out += tds::done_token(more | (r.counted ? tds::kDoneCount : 0), r.command, r.count, tds72);
    }
    return out;
}

awaitable<void> batch_loop(Session& s, tds::TdsChannel& channel, mssql::Connection& c, bool tds72) {
    const auto& settings = s.context().settings_as<MssqlSettings>();
    const auto& r = *settings.release;
    mssql::Server server{settings.banner,  std::string(r.full), std::string(r.level),
                         settings.edition, server_name(s),      {}};
    if (const auto* world = s.context().world) server.databases = make_db_bait(db_facts(*world));
    for (int i = 0; i < 100000; ++i) {
        auto request = co_await channel.read(kMaxBatch);
        if (!request) {
            if (!channel.error().empty()) protocol_error(s, channel.error(), {});
            co_return;
        }
        if (request->type == tds::kAttention) {
            if (!co_await channel.send(tds::kTabular, tds::done_token(tds::kDoneAttn, 0, 0, tds72)))
                co_return;
            continue;
        }
        if (request->type == tds::kRpc) {
            // Parameterised calls (sp_executesql, sp_prepare) are not served: refused as a
            // server refuses an unknown procedure.
            s.emit(s.event("query")
                       .add("database", c.database)
                       .add("query", "RPC " + hex_of(request->payload.substr(0, 64))));
            const tds::Message refused{
                2812, 62, 16, "Could not find stored procedure ''.", server.server_name, "", 1};
            const auto answer =
                tds::error_token(refused, tds72) + tds::done_token(tds::kDoneError, 0, 0, tds72);
            if (!co_await channel.send(tds::kTabular, answer)) co_return;
            continue;
        }
        if (request->type != tds::kSqlBatch) {
            protocol_error(s,
                           "unexpected packet type 0x" +
                               hex_of(std::string(1, static_cast<char>(request->type))) +
                               " after the login",
                           request->payload);
            co_return;
        }
        const auto sql = tds::sql_batch_text(request->payload);
        const auto before = c.database;
        auto results = mssql::run_batch(server, c, sql);
        for (const auto& result : results) {
            s.emit(s.event("query").add("database", c.database).add("query", result.statement));
            if (!result.capture.empty())
                s.emit(s.event(result.capture,
                               result.capture == "write" ? Severity::notice : Severity::warning)
                           .add("database", c.database)
                           .add("query", result.statement));
        }
        const auto answer = batch_tokens(results, before, tds72);
        if (!co_await channel.send(tds::kTabular, answer)) co_return;
    }
}

// LOGINACK and the environment a fresh login gets.
std::string welcome(const Session& s, const tds::Login7& login, const std::string& database,
                    std::size_t packet_size, bool tds72) {
    const auto& settings = s.context().settings_as<MssqlSettings>();
    const auto server = server_name(s);
    std::uint32_t version = login.tds_version;
    // The versions SQL Server answers with; anything newer (or garbage) gets 7.4.
    if (version != 0x70000000 && version != 0x71000000 && version != 0x71000001 &&
        version != 0x72090002 && version != 0x730a0003 && version != 0x730b0003)
        version = 0x74000004;
    std::string out = tds::envchange_token(1, database, "master");
    out += tds::info_token(
        tds::Message{5701, 2, 0, "Changed database context to '" + database + "'.", server, "", 1},
        tds72);
    out += tds::envchange_token(2, "us_english", "");
    out += tds::info_token(
        tds::Message{5703, 1, 0, "Changed language setting to us_english.", server, "", 1}, tds72);
    out += tds::collation_envchange_token();
    out += tds::loginack_token(version, settings.release->version);
    if (login.extension()) out += tds::featureextack_token();
    const auto size = std::to_string(packet_size);
    out += tds::envchange_token(4, size, "4096");
    out += tds::done_token(tds::kDoneFinal, 0, 0, tds72);
    return out;
}

awaitable<void> serve_mssql(Session& s) {
    const auto& settings = s.context().settings_as<MssqlSettings>();
    s.emit(s.event("connect"));
    tds::TdsChannel channel(s);
    const auto end = [&s]() { s.emit(s.event("disconnect")); };

    // PRELOGIN: the first message of every TDS 7+ client.
    auto first = co_await channel.read(kMaxPrelogin);
    if (!first) {
        if (!channel.error().empty()) protocol_error(s, channel.error(), {});
        end();
        co_return;
    }
    const auto prelogin =
        first->type == tds::kPrelogin ? tds::parse_prelogin(first->payload) : std::nullopt;
    if (!prelogin) {
        protocol_error(s,
                       first->type == tds::kPrelogin
                           ? "malformed PRELOGIN"
                           : "expected PRELOGIN, got packet type 0x" +
                                 hex_of(std::string(1, static_cast<char>(first->type))),
                       first->payload);
        end();
        co_return;
    }
    const std::uint8_t asked = prelogin->encryption.value_or(tds::kEncryptOff);
    const auto encryption = negotiate(settings.encryption, asked);
    const bool instance_ok =
        prelogin->instance.empty() || iequals(prelogin->instance, "MSSQLServer");
    s.emit(
        s.event("prelogin")
            .add("client_version", prelogin->version ? tds::version_text(*prelogin->version) : "")
            .add("encryption", encryption_name(asked))
            .add("instance", prelogin->instance)
            .add("answer", encryption_name(encryption)));
    tds::PreloginReply reply;
    reply.version = settings.release->version;
    reply.encryption = encryption;
    reply.instance_ok = instance_ok;
    reply.mars = prelogin->has_mars;
    reply.fedauth = prelogin->fedauth;
    if (!co_await channel.send(tds::kTabular, tds::prelogin_reply(reply))) {
        end();
        co_return;
    }
    channel.spid = next_spid();
    const bool client_tls = asked != tds::kEncryptNotSup;
    const bool tls = encryption != tds::kEncryptNotSup && client_tls;
    if (tls) {
        const bool started = co_await channel.start_tls();
        if (auto plain = channel.take_plain_login()) {
            // SQL Server reads it as a broken handshake and hangs up; the password is kept.
            if (const auto early = tds::parse_login7(plain->payload))
                s.emit(s.event("auth", Severity::warning)
                           .credential(early->username, early->password)
                           .add("credential_type", "cleartext")
                           .add("hostname", early->hostname)
                           .add("app_name", early->app_name)
                           .add("server_name", early->server_name)
                           .add("library", early->library)
                           .add("database", early->database.empty() ? "master" : early->database)
                           .add("tds_version", tds::tds_version_name(early->tds_version))
                           .add("tls", Event::python_bool(false))
                           .add("status", "failed"));
            end();
            co_return;
        }
        if (!started) {
            if (!channel.error().empty())
                s.emit(s.event("tls_error", Severity::warning)
                           .add("dst_port", 1433)
                           .add("error", channel.error()));
            end();
            co_return;
        }
    }
    const auto tls_version = channel.tls_version();
    auto message = co_await channel.read(tds::kMaxLogin7);
    if (!message) {
        if (!channel.error().empty()) protocol_error(s, channel.error(), {});
        end();
        co_return;
    }
    const auto login =
        message->type == tds::kLogin7 ? tds::parse_login7(message->payload) : std::nullopt;
    if (!login) {
        protocol_error(s,
                       message->type == tds::kLogin7
                           ? "malformed LOGIN7"
                           : "expected LOGIN7, got packet type 0x" +
                                 hex_of(std::string(1, static_cast<char>(message->type))),
                       message->payload);
        end();
        co_return;
    }
    // Login-only encryption: the answer and everything after go in clear.
    if (encryption == tds::kEncryptOff) channel.stop_tls();
    const bool refused_plain = !tls && !client_tls && encryption != tds::kEncryptNotSup;
    const std::string database = login->database.empty() ? "master" : login->database;
    const bool tds72 = login->tds_version >= 0x72000000 && login->tds_version < 0x80000000;
    mssql::Server server{settings.banner,
                         std::string(settings.release->full),
                         std::string(settings.release->level),
                         settings.edition,
                         server_name(s),
                         {}};
    if (const auto* world = s.context().world) server.databases = make_db_bait(db_facts(*world));
    // An integrated login: NTLM in SSPI tokens (raw NTLMSSP or SPNEGO), the decky's identity
    // in the CHALLENGE; the AUTHENTICATE's NetNTLMv2 response is the bounty.
    std::optional<NtlmAcceptor> ntlm;
    std::optional<NtlmLogon> logon;
    if (login->integrated() && !refused_plain && !login->sspi.empty() && s.context().world) {
        ntlm.emplace(ntlm_identity(*s.context().world));
        auto reply = ntlm->spnego(login->sspi);
        if (reply.status == NtlmAcceptor::Reply::Status::more) {
            const auto challenge = tds::sspi_token(reply.token);
            if (!co_await channel.send(tds::kTabular, challenge)) {
                end();
                co_return;
            }
            auto answer = co_await channel.read(tds::kMaxLogin7);
            if (answer && answer->type == tds::kSspi) reply = ntlm->spnego(answer->payload);
        }
        if (reply.status == NtlmAcceptor::Reply::Status::done) logon = ntlm->logon();
        if (!logon) {
            // ms-sql-ntlm-info and friends read the CHALLENGE and leave.
            end();
            co_return;
        }
    }
    std::string user = login->username;
    bool accepted = false;
    auto auth = s.event("auth", Severity::warning);
    if (logon) {
        const auto decision = decide_ntlm(*settings.policy, s.peer_ip(), *logon);
        accepted = decision.accepted;
        user = logon->domain.empty() ? logon->user : logon->domain + "\\" + logon->user;
        add_ntlm_fields(auth, *logon);
    } else {
        accepted = !refused_plain && !login->integrated() &&
                   settings.policy->accepts(s.peer_ip(), login->username, login->password);
        auth.credential(login->username, login->password)
            .add("credential_type", login->integrated() ? "sspi" : "cleartext");
    }
    auth.add("hostname", login->hostname)
        .add("app_name", login->app_name)
        .add("server_name", login->server_name)
        .add("library", login->library)
        .add("database", database)
        .add("tds_version", tds::tds_version_name(login->tds_version))
        .add("tls", Event::python_bool(tls))
        .add("status", accepted ? "success" : "failed");
    if (!tls_version.empty()) auth.add("tls_version", tls_version);
    if (!login->change_password.empty()) auth.add("new_password", login->change_password);
    s.emit(std::move(auth));
    if (refused_plain) {
        // The server wanted TLS and read a login in clear: it just hangs up.
        end();
        co_return;
    }
    if (login->packet_size >= 512 && login->packet_size <= tds::kMaxPacket)
        channel.packet_size = login->packet_size;
    std::string spnego_final;
    if (ntlm) spnego_final = ntlm->spnego_final(accepted);
    if (!accepted || !mssql::database_exists(server, database)) {
        std::string answer;
        if (!spnego_final.empty()) answer += tds::sspi_token(spnego_final);
        if (login->integrated() && !logon)
            answer += tds::error_token(
                tds::Message{
                    18452, 1, 14,
                    "Login failed. The login is from an untrusted domain and cannot be used with "
                    "Integrated authentication.",
                    server.server_name, "", 1},
                tds72);
        else if (accepted)
            answer +=
                tds::error_token(tds::Message{4060, 1, 11,
                                              "Cannot open database \"" + database +
                                                  "\" requested by the login. The login failed.",
                                              server.server_name, "", 1},
                                 tds72) +
                tds::error_token(login_failed(s, user), tds72);
        else
            answer += tds::error_token(login_failed(s, user), tds72);
        answer += tds::done_token(tds::kDoneError, 0, 0, tds72);
        co_await channel.send(tds::kTabular, answer);
        end();
        co_return;
    }
    std::string current = database;
    for (const auto& name : mssql::database_names(server))
        if (iequals(name, database)) current = name;
    std::string greeting;
    if (!spnego_final.empty()) greeting = tds::sspi_token(spnego_final);
    greeting += welcome(s, *login, current, channel.packet_size, tds72);
    if (!co_await channel.send(tds::kTabular, greeting)) {
        end();
        co_return;
    }
    mssql::Connection connection{
        user, current, s.peer_ip(), login->hostname, login->app_name, channel.spid};
    co_await batch_loop(s, channel, connection, tds72);
    end();
}

SessionLimits mssql_limits(SessionLimits runtime) {
    runtime.max_line = std::max<std::size_t>(runtime.max_line, 64 * 1024);
    runtime.max_bytes_in = std::max<std::size_t>(runtime.max_bytes_in, 4 * 1024 * 1024);
    return runtime;
}

constexpr EventDecl kEvents[] = {
    {"connect", "src_ip src_port", "a client connected"},
    {"prelogin", "src_ip src_port client_version encryption instance answer",
     "the client's PRELOGIN: its library version, the encryption it asked for and got"},
    {"auth",
     "src_ip src_port username password credential_type hashcat_mode? domain? workstation? "
     "logon_type? client_version? hostname app_name server_name library database tds_version "
     "tls status tls_version? new_password?",
     "a LOGIN7: a SQL login's password de-obfuscated (credential_type cleartext), an "
     "integrated login's NTLM response (netntlmv2/netntlmv1, the hashcat line), or an SSPI "
     "token that is not NTLM (sspi, refused); hostname, app_name and library are the "
     "client's own words"},
    {"query", "src_ip src_port database query", "a statement after a login (first 4 KiB)"},
    {"write", "src_ip src_port database query",
     "INSERT, UPDATE, CREATE, ALTER, GRANT, sp_addlogin, …"},
    {"destructive", "src_ip src_port database query", "DROP, DELETE, TRUNCATE, SHUTDOWN"},
    {"ransom_note", "src_ip src_port database query",
     "an INSERT/CREATE/UPDATE mentioning bitcoin, recovery, backups, …"},
    {"exploit", "src_ip src_port database query",
     "xp_cmdshell, sp_configure changes, sp_OACreate, OPENROWSET, xp_dirtree/xp_fileexist (UNC "
     "hash leaks), xp_regwrite, BULK INSERT, CREATE ASSEMBLY"},
    {"protocol_error", "src_ip src_port error data",
     "a packet the server refuses (lying length, oversized, out of order, a type MS-TDS does not "
     "define: at its header); the session ends"},
    {"disconnect", "src_ip src_port", "the session ended"},
};

}  // namespace

const ServiceModule& mssql_module() {
    static const ServiceModule module{.slug = "mssql",
                                      .configure = &configure,
                                      .serve = &serve_mssql,
                                      .events = kEvents,
                                      .session_limits = &mssql_limits};
    return module;
}

}  // namespace decnet::honeypot
