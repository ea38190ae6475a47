// The SMTP dialogue of smtp and smtp_relay (see smtp_session.hpp). Reads as the MTA's
// script: greet, then one command at a time under Postfix's limits (line length, hard error
// count, recipients per message, message size), answering with the persona product's texts.
#include "honeypot/services/smtp/smtp_session.hpp"

#include <openssl/rand.h>

#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/base64.hpp"
#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/auth/login_policy.hpp"
#include "honeypot/services/sasl_ntlm.hpp"
#include "honeypot/services/smtp/smtp_protocol.hpp"
#include "honeypot/services/tls_persona.hpp"
#include "honeypot/services/windows_decky.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/artifact_store.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/mail_bait.hpp"

// GCC 12 false positive (PR 109224), as in mysql.cpp.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot {
namespace {

using boost::asio::awaitable;

constexpr std::size_t kLineLimit = 2048;        // Postfix line_length_limit (commands)
constexpr std::size_t kDataLineLimit = 65536;   // a DATA line longer than this is cut
constexpr std::size_t kAuthLineLimit = 12288;   // a SASL answer
constexpr int kHardErrorLimit = 20;             // smtpd_hard_error_limit
constexpr std::size_t kRecipientLimit = 1000;   // smtpd_recipient_limit
constexpr std::size_t kMaxCommands = 5000;      // per connection, whatever they are
constexpr std::size_t kParsedBytes = 4u << 20;  // of a message, kept for the MIME walk
constexpr std::size_t kLoggedValue = 512;

// ---- What each product says ----------------------------------------------------------------

// Reply templates: {host} the persona's name, {helo} the client's, {ip} its address, {addr}
// an address, {id} a queue id, {n} a count, {cmd} the command.
struct Replies {
    std::string ehlo_first, helo, ehlo_syntax, helo_syntax, need_helo, mail_ok, mail_syntax,
        nested_mail, need_mail, rcpt_syntax, rcpt_ok, relay_denied, unknown_user, too_many_rcpts,
        need_rcpt, data_go, queued, size_exceeded, rset, noop, quit, unknown, starttls_go,
        tls_active, auth_ok, auth_failed, auth_mechanism, auth_aborted, auth_already, auth_in_mail,
        auth_syntax, auth_base64, vrfy_ok, vrfy_unknown, vrfy_syntax, expn, too_many_errors,
        line_too_long, bdat_ok, bdat_syntax, help, forbidden;
};

Replies postfix_replies() {
    Replies r;
    r.ehlo_first = "{host}";
    r.helo = "250 {host}";
    r.ehlo_syntax = "501 Syntax: EHLO hostname";
    r.helo_syntax = "501 Syntax: HELO hostname";
    r.need_helo = "503 5.5.1 Error: send HELO/EHLO first";
    r.mail_ok = "250 2.1.0 Ok";
    r.mail_syntax = "501 5.5.4 Syntax: MAIL FROM:<address>";
    r.nested_mail = "503 5.5.1 Error: nested MAIL command";
    r.need_mail = "503 5.5.1 Error: need MAIL command";
    r.rcpt_syntax = "501 5.5.4 Syntax: RCPT TO:<address>";
    r.rcpt_ok = "250 2.1.5 Ok";
    r.relay_denied = "554 5.7.1 <{addr}>: Relay access denied";
    r.unknown_user =
        "550 5.1.1 <{addr}>: Recipient address rejected: User unknown in local recipient table";
    r.too_many_rcpts = "452 4.5.3 Error: too many recipients";
    r.need_rcpt = "503 5.5.1 Error: need RCPT command";
    r.data_go = "354 End data with <CR><LF>.<CR><LF>";
    r.queued = "250 2.0.0 Ok: queued as {id}";
    r.size_exceeded = "552 5.3.4 Message size exceeds fixed limit";
    r.rset = "250 2.0.0 Ok";
    r.noop = "250 2.0.0 Ok";
    r.quit = "221 2.0.0 Bye";
    r.unknown = "502 5.5.2 Error: command not recognized";
    r.starttls_go = "220 2.0.0 Ready to start TLS";
    r.tls_active = "554 5.5.1 Error: TLS already active";
    r.auth_ok = "235 2.7.0 Authentication successful";
    r.auth_failed = "535 5.7.8 Error: authentication failed: authentication failure";
    r.auth_mechanism = "535 5.7.8 Error: authentication failed: Invalid authentication mechanism";
    r.auth_aborted = "501 5.7.0 Authentication aborted";
    r.auth_already = "503 5.5.1 Error: already authenticated";
    r.auth_in_mail = "503 5.5.1 Error: MAIL transaction in progress";
    r.auth_syntax = "501 5.5.4 Syntax: AUTH mechanism";
    r.auth_base64 = "535 5.7.8 Error: authentication failed: Invalid base64 data in response";
    r.vrfy_ok = "252 2.0.0 {addr}";
    r.vrfy_unknown = r.unknown_user;
    r.vrfy_syntax = "501 5.5.4 Syntax: VRFY address";
    r.expn = r.unknown;
    r.too_many_errors = "421 4.7.0 {host} Error: too many errors";
    r.line_too_long = "500 5.5.0 Error: line too long";
    r.bdat_ok = "250 2.0.0 Ok: {n} bytes";
    r.bdat_syntax = "501 5.5.4 Syntax: BDAT count [LAST]";
    r.help = r.unknown;
    // smtpd_forbidden_commands (CONNECT GET POST): a web client or proxy probe.
    r.forbidden = "221 2.7.0 Error: I can break rules, too. Goodbye.";
    return r;
}

Replies exim_replies() {
    Replies r;
    r.ehlo_first = "{host} Hello {helo} [{ip}]";
    r.helo = "250 {host} Hello {helo} [{ip}]";
    r.ehlo_syntax = "501 Syntactically invalid EHLO argument(s)";
    r.helo_syntax = "501 Syntactically invalid HELO argument(s)";
    r.need_helo = "";  // Exim takes MAIL without a greeting
    r.mail_ok = "250 OK";
    r.mail_syntax = "501 MAIL must have an address operand";
    r.nested_mail = "503 sender already given";
    r.need_mail = "503 sender not yet given";
    r.rcpt_syntax = "501 RCPT must have an address operand";
    r.rcpt_ok = "250 Accepted";
    r.relay_denied = "550 relay not permitted";
    r.unknown_user = "550 Unrouteable address";
    r.too_many_rcpts = "452 too many recipients";
    r.need_rcpt = "503 valid RCPT command must precede DATA";
    r.data_go = "354 Enter message, ending with \".\" on a line by itself";
    r.queued = "250 OK id={id}";
    r.size_exceeded = "552 Message size exceeds maximum permitted";
    r.rset = "250 Reset OK";
    r.noop = "250 OK";
    r.quit = "221 {host} closing connection";
    r.unknown = "500 unrecognized command";
    r.starttls_go = "220 TLS go ahead";
    r.tls_active = "554 Already in TLS";
    r.auth_ok = "235 Authentication succeeded";
    r.auth_failed = "535 Incorrect authentication data";
    r.auth_mechanism = "504 Unsupported authentication mechanism";
    r.auth_aborted = "501 Authentication cancelled";
    r.auth_already = "503 already authenticated";
    r.auth_in_mail = "503 AUTH command used when not advertised";
    r.auth_syntax = "501 AUTH mechanism must be given";
    r.auth_base64 = "501 Invalid base64 data";
    r.vrfy_ok = "252 Administrative prohibition";
    r.vrfy_unknown = r.vrfy_ok;
    r.vrfy_syntax = "501 VRFY must have an address operand";
    r.expn = "550 Administrative prohibition";
    r.too_many_errors = "421 {host} Too many syntax or protocol errors";
    r.line_too_long = "500 Command line too long";
    r.bdat_ok = "250 {n} byte chunk received";
    r.bdat_syntax = "501 missing size for BDAT command";
    r.help =
        "214-Commands supported:\r\n214 AUTH STARTTLS HELO EHLO MAIL RCPT DATA BDAT NOOP QUIT "
        "RSET HELP";
    r.forbidden = "";
    return r;
}

Replies exchange_replies() {
    Replies r;
    r.ehlo_first = "{host} Hello [{ip}]";
    r.helo = "250 {host} Hello [{ip}]";
    r.ehlo_syntax = "501 5.5.4 Invalid domain name";
    r.helo_syntax = r.ehlo_syntax;
    r.need_helo = "503 5.5.2 Send hello first";
    r.mail_ok = "250 2.1.0 Sender OK";
    r.mail_syntax = "501 5.5.4 Invalid arguments";
    r.nested_mail = "503 5.5.2 Sender already specified";
    r.need_mail = "503 5.5.2 Need mail command";
    r.rcpt_syntax = "501 5.5.4 Invalid arguments";
    r.rcpt_ok = "250 2.1.5 Recipient OK";
    r.relay_denied = "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain";
    r.unknown_user =
        "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient {addr} not found by SMTP address "
        "lookup";
    r.too_many_rcpts = "452 4.5.3 Too many recipients";
    r.need_rcpt = "503 5.5.2 Need rcpt command";
    r.data_go = "354 Start mail input; end with <CRLF>.<CRLF>";
    r.queued = "250 2.6.0 <{id}@{host}> [InternalId={n}, Hostname={host}] Queued mail for delivery";
    r.size_exceeded = "552 5.3.4 Message size exceeds fixed maximum message size";
    r.rset = "250 2.0.0 Resetting";
    r.noop = "250 2.0.0 OK";
    r.quit = "221 2.0.0 Service closing transmission channel";
    r.unknown = "500 5.3.3 Unrecognized command '{cmd}'";
    r.starttls_go = "220 2.0.0 SMTP server ready";
    r.tls_active = "503 5.5.2 Only one STARTTLS command permitted per session";
    r.auth_ok = "235 2.7.0 Authentication successful";
    r.auth_failed = "535 5.7.3 Authentication unsuccessful";
    r.auth_mechanism = "504 5.7.4 Unrecognized authentication type";
    r.auth_aborted = "501 5.0.0 Authentication canceled";
    r.auth_already = "503 5.5.2 Already authenticated";
    r.auth_in_mail = "503 5.5.2 Not permitted during a mail transaction";
    r.auth_syntax = "501 5.5.4 Invalid arguments";
    r.auth_base64 = "501 5.5.2 Cannot Base64-decode Client responses";
    r.vrfy_ok = "252 2.1.5 Cannot VRFY user, but will take message for <{addr}>";
    r.vrfy_unknown = r.vrfy_ok;
    r.vrfy_syntax = "501 5.5.4 Invalid arguments";
    r.expn = "502 5.3.3 Command not implemented";
    r.too_many_errors =
        "421 4.7.0 Too many errors on this connection, closing transmission channel";
    r.line_too_long = "500 5.5.2 Line too long";
    r.bdat_ok = "250 2.0.0 {n} bytes received";
    r.bdat_syntax = "501 5.5.4 Invalid arguments";
    r.help = r.unknown;
    r.forbidden = "";
    return r;
}

const Replies& replies_for(MtaProduct product) {
    static const Replies postfix = postfix_replies();
    static const Replies exim = exim_replies();
    static const Replies exchange = exchange_replies();
    switch (product) {
        case MtaProduct::exim:
            return exim;
        case MtaProduct::exchange:
            return exchange;
        case MtaProduct::postfix:
            break;
    }
    return postfix;
}

std::string fill(std::string text,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
    for (const auto& [key, value] : values) {
        const std::string marker = "{" + std::string(key) + "}";
        for (auto at = text.find(marker); at != std::string::npos;
             at = text.find(marker, at + value.size()))
            text.replace(at, marker.size(), value);
    }
    return text;
}

// The EHLO keywords after the greeting line, in the product's order.
std::vector<std::string> capabilities(const SmtpSettings& set, bool tls_on) {
    const auto size = "SIZE " + std::to_string(set.size_limit);
    std::string auth;
    for (const auto& m : set.mechanisms) auth += (auth.empty() ? "AUTH " : " ") + m;
    std::vector<std::string> caps;
    auto add = [&caps](std::string c) {
        if (!c.empty()) caps.push_back(std::move(c));
    };
    switch (set.product) {
        case MtaProduct::postfix:
            for (auto c : {std::string("PIPELINING"), size, std::string("VRFY"),
                           std::string("ETRN"), tls_on ? "" : std::string("STARTTLS"), auth,
                           std::string("ENHANCEDSTATUSCODES"), std::string("8BITMIME"),
                           std::string("DSN"), std::string("SMTPUTF8"), std::string("CHUNKING")})
                add(c);
            break;
        case MtaProduct::exim:
            for (auto c : {size, std::string("8BITMIME"), std::string("PIPELINING"), auth,
                           std::string("CHUNKING"), tls_on ? "" : std::string("STARTTLS"),
                           std::string("PRDR"), std::string("HELP")})
                add(c);
            break;
        case MtaProduct::exchange:
            for (auto c :
                 {size, std::string("PIPELINING"), std::string("DSN"),
                  std::string("ENHANCEDSTATUSCODES"), tls_on ? "" : std::string("STARTTLS"),
                  tls_on ? "" : std::string("X-ANONYMOUSTLS"), auth,
                  std::string("X-EXPS GSSAPI NTLM"), std::string("8BITMIME"),
                  std::string("BINARYMIME"), std::string("CHUNKING"), std::string("SMTPUTF8")})
                add(c);
            break;
    }
    return caps;
}

std::string product_date(MtaProduct product) {
    auto date = rfc5322_date(std::time(nullptr));
    // Exchange writes the day without a leading zero ("Thu, 5 Dec 2026 …").
    if (product == MtaProduct::exchange && date.size() > 5 && date[5] == '0') date.erase(5, 1);
    return date;
}

std::string queue_id(MtaProduct product) {
    if (product == MtaProduct::postfix) return smtp::random_hex_id(10);
    static constexpr std::string_view kBase62 =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    unsigned char bytes[14];
    RAND_bytes(bytes, sizeof bytes);
    std::string id;
    if (product == MtaProduct::exim) {
        // 1tJabc-000123-AB: time, pid, fraction in base 62.
        for (int i = 0; i < 14; ++i) {
            if (i == 6 || i == 12) id += '-';
            id += kBase62[bytes[i] % 62];
        }
        id[0] = '1';
        return id;
    }
    const auto hex = smtp::random_hex_id(32);
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
           hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

// Who has mailboxes: the decky's accounts and Debian's /etc/aliases.
constexpr std::array<std::string_view, 13> kAliases = {
    "postmaster", "mailer-daemon", "nobody", "hostmaster", "usenet",   "news", "webmaster",
    "www",        "ftp",           "abuse",  "noc",        "security", "root"};

bool is_local_user(const Session& s, std::string user) {
    user = ascii_lower(user);
    if (const auto plus = user.find('+'); plus != std::string::npos) user.resize(plus);
    for (const auto alias : kAliases)
        if (user == alias) return true;
    if (const auto* world = s.context().world)
        for (const auto& account : world->accounts.users)
            if (account.name == user) return true;
    return false;
}

bool is_local_domain(const Session& s, const SmtpSettings& set, const std::string& domain) {
    if (domain.empty() || domain == "localhost" || domain == "localhost.localdomain") return true;
    if (iequals(domain, set.host) || iequals(domain, s.context().hostname)) return true;
    if (const auto* world = s.context().world) {
        if (iequals(domain, world->fqdn())) return true;
        if (!world->domain.empty() && iequals(domain, world->domain)) return true;
    }
    const auto local = s.local_ip();
    return !local.empty() && domain == "[" + local + "]";
}

// smtp_relay: whether this is the first message a source sends through the relay (a
// spammer's relay test goes first). Remembers at most kSources addresses.
bool first_relay_message(const std::string& ip) {
    static constexpr std::size_t kSources = 65536;
    static std::mutex mutex;
    static std::unordered_set<std::string> seen;
    std::lock_guard lock(mutex);
    if (seen.size() >= kSources) seen.clear();
    return seen.insert(ip).second;
}

std::string clip(std::string_view value) {
    return std::string(value.substr(0, kLoggedValue));
}

// ---- Lines -------------------------------------------------------------------------------

// The client's lines over Session::read_some, so an over-long line is cut (and the rest of
// it skipped) instead of ending the session, and BDAT's raw bytes come from the same buffer.
class Lines {
  public:
    explicit Lines(Session& s) : s_(s) {}

    // The next line without its CR LF, at most `max` bytes (`cut` says it was longer);
    // nullopt when the session is over.
    awaitable<std::optional<std::string>> next(std::size_t max, bool& cut) {
        cut = false;
        std::string line;
        for (;;) {
            const auto nl = buffer_.find('\n');
            const auto take = nl == std::string::npos ? buffer_.size() : nl;
            const auto room = max + 1 - std::min(max + 1, line.size());  // keep one for the CR
            line.append(buffer_, 0, std::min(take, room));
            if (take > room) cut = true;
            if (nl != std::string::npos) {
                buffer_.erase(0, nl + 1);
                if (!line.empty() && line.back() == '\r') line.pop_back();
                if (line.size() > max) {
                    line.resize(max);
                    cut = true;
                }
                co_return line;
            }
            buffer_.clear();
            auto more = co_await s_.read_some();
            if (!more) co_return std::nullopt;
            buffer_ = std::move(*more);
        }
    }

    // Up to `n` raw bytes (BDAT), handed to `sink` as they come; false when the session ended
    // first.
    template <class Sink>
    awaitable<bool> bytes(std::size_t n, Sink sink) {
        while (n > 0) {
            if (buffer_.empty()) {
                auto more = co_await s_.read_some();
                if (!more) co_return false;
                buffer_ = std::move(*more);
            }
            const auto take = std::min(n, buffer_.size());
            sink(std::string_view(buffer_).substr(0, take));
            buffer_.erase(0, take);
            n -= take;
        }
        co_return true;
    }

    bool pending() const { return !buffer_.empty(); }
    // STARTTLS: what was pipelined behind it is dropped, never read as if sent over TLS.
    std::size_t discard() {
        const auto n = buffer_.size();
        buffer_.clear();
        return n;
    }

  private:
    Session& s_;
    std::string buffer_;
};

// ---- The dialogue -------------------------------------------------------------------------

// One message as it arrives: streamed to the artifact store up to the size limit, its first
// kParsedBytes kept for the MIME walk.
struct Incoming {
    ArtifactCapture capture;
    std::string parsed;
    std::uint64_t size = 0;
    bool too_big = false;

    Incoming(ArtifactStore* store, std::string_view head) : capture(store) { capture.write(head); }
    void add(std::string_view bytes, std::uint64_t limit) {
        size += bytes.size();
        if (size > limit) {
            too_big = true;
            return;
        }
        capture.write(bytes);
        if (parsed.size() < kParsedBytes)
            parsed.append(bytes.substr(0, kParsedBytes - parsed.size()));
    }
};

class SmtpSession {
  public:
    explicit SmtpSession(Session& s)
        : s_(s),
          set_(s.context().settings_as<SmtpSettings>()),
          r_(replies_for(set_.product)),
          lines_(s) {}

    awaitable<void> run() {
        s_.emit(s_.event("connect"));
        const auto port = s_.context().persona_value("port");
        const std::string greeting =
            fill(set_.banner, {{"date", product_date(set_.product)}, {"host", set_.host}});
        bool ok = co_await raw(greeting + "\r\n");
        std::size_t commands = 0;
        while (ok) {
            bool cut = false;
            auto line = co_await lines_.next(kLineLimit, cut);
            if (!line) break;
            if (++commands > kMaxCommands) {
                co_await reply(r_.too_many_errors);
                break;
            }
            if (cut) {
                ok = co_await reply(r_.line_too_long);
                continue;
            }
            ok = co_await handle(*line);
        }
        s_.emit(s_.event("disconnect"));
    }

  private:
    awaitable<bool> raw(std::string text) { co_return co_await s_.write(text); }

    // Sends one reply (templates filled); a 4xx/5xx counts towards the hard error limit,
    // which ends the session as Postfix does. False: the session is over.
    awaitable<bool> reply(std::string text) {
        text = fill(std::move(text),
                    {{"host", set_.host}, {"helo", helo_}, {"ip", s_.peer_ip()}, {"cmd", verb_}});
        if (!co_await s_.write(text + "\r\n")) co_return false;
        if (!text.empty() && (text[0] == '4' || text[0] == '5') && ++errors_ >= kHardErrorLimit) {
            const auto closing = fill(r_.too_many_errors, {{"host", set_.host}}) + "\r\n";
            co_await s_.write(closing);
            co_return false;
        }
        co_return true;
    }

    void reset_transaction() {
        mail_from_.reset();
        rcpts_.clear();
    }

    // What may not be pipelined (RFC 2920 §3.1) was followed by more input: a bot that
    // does not wait for replies (Postfix logs "improper command pipelining").
    void check_pipelining(const std::string& verb) {
        if (pipelining_logged_ || !lines_.pending()) return;
        static constexpr std::string_view kMayPipeline[] = {"RSET", "MAIL", "RCPT", "SEND",
                                                            "SOML", "SAML", "NOOP", "BDAT"};
        for (const auto v : kMayPipeline)
            if (verb == v) return;
        pipelining_logged_ = true;
        s_.emit(s_.event("improper_pipelining", Severity::warning).add("after", clip(verb)));
    }

    awaitable<bool> handle(const std::string& line) {
        const auto command = smtp::parse_command(line);
        verb_ = clip(command.verb);
        check_pipelining(command.verb);
        const auto& v = command.verb;
        if (v == "EHLO" || v == "HELO") co_return co_await hello(v == "EHLO", command.arg);
        if (v == "MAIL") co_return co_await mail(command.arg);
        if (v == "RCPT") co_return co_await rcpt(command.arg);
        if (v == "DATA") co_return co_await data();
        if (v == "BDAT") co_return co_await bdat(command.arg);
        if (v == "AUTH") co_return co_await auth(command.arg);
        if (v == "STARTTLS") co_return co_await starttls();
        if (v == "VRFY") co_return co_await vrfy(command.arg);
        if (v == "EXPN") {
            s_.emit(s_.event("expn", Severity::warning).add("value", clip(command.arg)));
            co_return co_await reply(r_.expn);
        }
        if (v == "RSET") {
            reset_transaction();
            co_return co_await reply(r_.rset);
        }
        if (v == "NOOP") co_return co_await reply(r_.noop);
        if (v == "QUIT") {
            co_await reply(r_.quit);
            co_return false;
        }
        if (v == "HELP") co_return co_await reply(r_.help);
        if (v == "ETRN" && set_.product == MtaProduct::postfix) {
            const std::string text =
                command.arg.empty() ? "500 Syntax: ETRN domain" : "458 Unable to queue messages";
            co_return co_await reply(text);
        }
        s_.emit(s_.event("unknown_command").add("command", clip(line)));
        if (!r_.forbidden.empty() && (v == "GET" || v == "POST" || v == "CONNECT" ||
                                      (!line.empty() && !(line[0] >= 'A' && line[0] <= 'Z') &&
                                       !(line[0] >= 'a' && line[0] <= 'z')))) {
            co_await s_.write(r_.forbidden + "\r\n");
            co_return false;
        }
        co_return co_await reply(r_.unknown);
    }

    awaitable<bool> hello(bool extended, const std::string& arg) {
        if (arg.empty()) {
            const std::string text = extended ? r_.ehlo_syntax : r_.helo_syntax;
            co_return co_await reply(text);
        }
        helo_ = clip(arg.substr(0, arg.find(' ')));
        esmtp_ = extended;
        reset_transaction();
        s_.emit(s_.event("ehlo").add("domain", helo_).add("command", extended ? "EHLO" : "HELO"));
        if (!extended) co_return co_await reply(r_.helo);
        const auto caps = capabilities(set_, s_.tls_active());
        std::string text =
            "250" + std::string(caps.empty() ? " " : "-") +
            fill(r_.ehlo_first, {{"host", set_.host}, {"helo", helo_}, {"ip", s_.peer_ip()}}) +
            "\r\n";
        for (std::size_t i = 0; i < caps.size(); ++i)
            text += (i + 1 == caps.size() ? "250 " : "250-") + caps[i] + "\r\n";
        co_return co_await raw(text);
    }

    bool greeted() const { return !helo_.empty() || r_.need_helo.empty(); }

    awaitable<bool> mail(const std::string& arg) {
        if (!greeted()) co_return co_await reply(r_.need_helo);
        if (mail_from_) co_return co_await reply(r_.nested_mail);
        const auto path = smtp::parse_path(arg, "FROM");
        if (!path.ok) co_return co_await reply(r_.mail_syntax);
        auto event = s_.event("mail_from").add("value", clip(path.address));
        if (const auto* size = path.param("SIZE")) event.add("size", clip(*size));
        s_.emit(std::move(event));
        if (const auto* size = path.param("SIZE")) {
            std::uint64_t announced = 0;
            for (const char c : size->substr(0, 19))
                if (c >= '0' && c <= '9')
                    announced = announced * 10 + static_cast<unsigned>(c - '0');
            if (announced > set_.size_limit) co_return co_await reply(r_.size_exceeded);
        }
        mail_from_ = clip(path.address);
        co_return co_await reply(r_.mail_ok);
    }

    awaitable<bool> rcpt(const std::string& arg) {
        if (!greeted()) co_return co_await reply(r_.need_helo);
        if (!mail_from_) co_return co_await reply(r_.need_mail);
        const auto path = smtp::parse_path(arg, "TO");
        if (!path.ok || path.address.empty()) co_return co_await reply(r_.rcpt_syntax);
        if (rcpts_.size() >= kRecipientLimit) co_return co_await reply(r_.too_many_rcpts);
        const auto address = clip(path.address);
        const auto [user, domain] = smtp::split_address(address);
        const bool local_domain = is_local_domain(s_, set_, domain);
        const bool local = local_domain && is_local_user(s_, user);
        std::string refusal;
        if (!set_.relay) {
            if (local_domain && !local) refusal = "unknown_user";
            if (!local_domain && !authenticated_) refusal = "relay";
        }
        if (!refusal.empty()) {
            s_.emit(s_.event("rcpt_denied", Severity::warning)
                        .add("value", address)
                        .add("reason", refusal));
            const std::string text =
                fill(refusal == "relay" ? r_.relay_denied : r_.unknown_user, {{"addr", address}});
            co_return co_await reply(text);
        }
        rcpts_.push_back(address);
        s_.emit(s_.event("rcpt_to").add("value", address).add("local", local));
        co_return co_await reply(r_.rcpt_ok);
    }

    // The headers the MTA adds in front of a queued message.
    std::string trace_headers(const std::string& id) const {
        const char* with = s_.tls_active()
                               ? (authenticated_ ? "ESMTPSA" : "ESMTPS")
                               : (authenticated_ ? "ESMTPA" : (esmtp_ ? "ESMTP" : "SMTP"));
        std::string h = "Return-Path: <" + *mail_from_ + ">\r\nReceived: from " +
                        (helo_.empty() ? "unknown" : helo_) + " (unknown [" + s_.peer_ip() +
                        "])\r\n\tby " + set_.host + " with " + with + " id " + id;
        if (rcpts_.size() == 1) h += "\r\n\tfor <" + rcpts_.front() + ">";
        h += "; " + rfc5322_date(std::time(nullptr)) + "\r\n";
        return h;
    }

    awaitable<bool> data() {
        if (!greeted()) co_return co_await reply(r_.need_helo);
        if (!mail_from_) co_return co_await reply(r_.need_mail);
        if (rcpts_.empty()) co_return co_await reply(r_.need_rcpt);
        if (!co_await reply(r_.data_go)) co_return false;
        const auto id = queue_id(set_.product);
        Incoming message(s_.context().artifacts, trace_headers(id));
        bool cut_lines = false;
        for (;;) {
            bool cut = false;
            auto line = co_await lines_.next(kDataLineLimit, cut);
            if (!line) co_return false;  // the peer left mid-message: nothing is kept
            cut_lines = cut_lines || cut;
            if (*line == ".") break;
            std::string_view text = *line;
            if (text.starts_with('.')) text.remove_prefix(1);  // dot-unstuffing
            message.add(text, set_.size_limit);
            message.add("\r\n", set_.size_limit);
        }
        co_return co_await finish_message(message, id, cut_lines);
    }

    awaitable<bool> bdat(const std::string& arg) {
        const auto space = arg.find(' ');
        const auto count = arg.substr(0, space);
        const bool last =
            space != std::string::npos && iequals(trim(arg.substr(space + 1)), "LAST");
        if (count.empty() || count.size() > 12 ||
            count.find_first_not_of("0123456789") != std::string::npos)
            co_return co_await reply(r_.bdat_syntax);
        const std::uint64_t n = std::stoull(count);
        // The chunk is read whatever the state, or its bytes would be taken for commands.
        std::string chunk;
        const bool usable = greeted() && mail_from_ && !rcpts_.empty();
        if (usable && !bdat_)
            bdat_.emplace(s_.context().artifacts, trace_headers(queue_id(set_.product)));
        bool got = false;
        if (usable) {
            auto& message = *bdat_;
            const auto limit = set_.size_limit;
            got = co_await lines_.bytes(
                n, [&message, limit](std::string_view b) { message.add(b, limit); });
        } else {
            got = co_await lines_.bytes(n, [](std::string_view) {});
        }
        if (!got) co_return false;
        if (!greeted()) co_return co_await reply(r_.need_helo);
        if (!mail_from_) co_return co_await reply(r_.need_mail);
        if (rcpts_.empty()) co_return co_await reply(r_.need_rcpt);
        if (!last) {
            const auto text = fill(r_.bdat_ok, {{"n", std::to_string(n)}});
            co_return co_await reply(text);
        }
        Incoming message = std::move(*bdat_);
        bdat_.reset();
        co_return co_await finish_message(message, queue_id(set_.product), false);
    }

    awaitable<bool> finish_message(Incoming& message, const std::string& id, bool cut_lines) {
        const auto from = *mail_from_;
        const auto rcpts = rcpts_;
        reset_transaction();
        if (message.too_big) {
            s_.emit(s_.event("message_rejected", Severity::warning)
                        .add("mail_from", from)
                        .add("size", message.size)
                        .add("reason", "size_limit"));
            co_return co_await reply(r_.size_exceeded);
        }
        const auto kept = message.capture.finish();
        const auto summary = smtp::summarize_message(message.parsed);
        std::string rcpt_list;
        for (const auto& r : rcpts) rcpt_list += (rcpt_list.empty() ? "" : ",") + r;
        const bool probe = set_.relay && first_relay_message(s_.peer_ip());
        auto event = s_.event("message_accepted", set_.relay ? Severity::warning : Severity::info);
        event.add("mail_from", from)
            .add("rcpt_to", clip(rcpt_list))
            .add("helo", helo_)
            .add("queue_id", id)
            .add("body_bytes", message.size)
            .add("subject", clip(summary.subject))
            .add("message_id", clip(summary.message_id))
            .add("attachments", summary.attachments.size())
            .add("sha256", kept.sha256)
            .add("stored", kept.stored)
            .add("truncated", cut_lines || summary.truncated || message.size > kParsedBytes)
            .add("authenticated", authenticated_)
            .add("relay_test", probe);
        s_.emit(std::move(event));
        for (const auto& a : summary.attachments) {
            const auto artifact = ArtifactCapture::whole(s_.context().artifacts, a.data);
            auto captured = s_.event("file_captured", Severity::warning);
            add_artifact_fields(captured, artifact, "smtp:" + id,
                                artifact_filename(a.filename.empty() ? "attachment" : a.filename));
            captured.add("content_type", clip(a.content_type));
            s_.emit(std::move(captured));
        }
        // Every message is answered as queued for delivery (none ever leaves): a spammer's
        // relay test sees its probe go through.
        const auto text =
            fill(r_.queued, {{"id", id}, {"n", std::to_string(message.size % 100000)}});
        co_return co_await reply(text);
    }

    awaitable<bool> vrfy(const std::string& arg) {
        if (arg.empty()) co_return co_await reply(r_.vrfy_syntax);
        std::string address(trim(arg, " \t<>"));
        address = clip(address);
        const auto [user, domain] = smtp::split_address(address);
        const bool exists = is_local_domain(s_, set_, domain) && is_local_user(s_, user);
        s_.emit(s_.event("vrfy", Severity::warning).add("value", address).add("exists", exists));
        const std::string text = fill(exists ? r_.vrfy_ok : r_.vrfy_unknown, {{"addr", address}});
        co_return co_await reply(text);
    }

    awaitable<bool> starttls() {
        if (s_.tls_active()) co_return co_await reply(r_.tls_active);
        if (!co_await reply(r_.starttls_go)) co_return false;
        const auto discarded = lines_.discard();
        const bool started = co_await s_.start_tls();
        auto event = s_.event("starttls", started ? Severity::info : Severity::warning);
        event.add("status", started ? "success" : "failed").add("discarded", discarded);
        if (!started) event.add("error", s_.tls_error().empty() ? "peer closed" : s_.tls_error());
        s_.emit(std::move(event));
        if (!started) co_return false;
        // RFC 3207 §4.2: the client starts over with EHLO.
        helo_.clear();
        esmtp_ = false;
        reset_transaction();
        co_return true;
    }

    // ---- AUTH ----------------------------------------------------------------------------

    // One SASL answer line; nullopt ends the session, "*" is a cancel.
    awaitable<std::optional<std::string>> sasl_answer(std::string challenge) {
        if (!co_await raw("334 " + challenge + "\r\n")) co_return std::nullopt;
        bool cut = false;
        auto line = co_await lines_.next(kAuthLineLimit, cut);
        co_return line;
    }

    void emit_auth(const std::string& mechanism, const std::string& user,
                   const std::string& password, std::string_view credential_type, bool accepted) {
        s_.emit(s_.event("auth_attempt", Severity::warning)
                    .credential(clip(user), clip(password))
                    .add("credential_type", credential_type)
                    .add("mechanism", mechanism)
                    .add("tls", s_.tls_active())
                    .add("status", accepted ? "success" : "failed"));
    }

    awaitable<bool> auth(const std::string& arg) {
        if (!greeted() || helo_.empty()) {
            const std::string text =
                r_.need_helo.empty() ? "503 AUTH command used when not advertised" : r_.need_helo;
            co_return co_await reply(text);
        }
        if (authenticated_) co_return co_await reply(r_.auth_already);
        if (mail_from_) co_return co_await reply(r_.auth_in_mail);
        const auto space = arg.find(' ');
        const auto mechanism = ascii_upper(arg.substr(0, space));
        const std::string initial =
            space == std::string::npos ? "" : std::string(trim(arg.substr(space + 1)));
        if (mechanism.empty()) co_return co_await reply(r_.auth_syntax);
        const bool offered = std::find(set_.mechanisms.begin(), set_.mechanisms.end(), mechanism) !=
                             set_.mechanisms.end();
        if (!offered) {
            s_.emit(s_.event("auth_mechanism").add("mechanism", clip(mechanism)));
            co_return co_await reply(r_.auth_mechanism);
        }
        std::string user, password, type = "cleartext";
        bool accepted = false;
        auto& policy = *set_.policy;
        if (mechanism == "PLAIN") {
            std::string blob = initial;
            if (blob.empty()) {
                auto answer = co_await sasl_answer("");
                if (!answer) co_return false;
                blob = *answer;
            }
            if (blob == "*") co_return co_await reply(r_.auth_aborted);
            const auto plain = smtp::decode_plain(blob == "=" ? "" : blob);
            if (!plain) co_return co_await reply(r_.auth_base64);
            user = plain->user;
            password = plain->password;
            accepted = policy.accepts(s_.peer_ip(), user, password);
        } else if (mechanism == "LOGIN") {
            std::optional<std::string> name;
            if (!initial.empty()) {
                name = initial;
            } else {
                name = co_await sasl_answer("VXNlcm5hbWU6");
                if (!name) co_return false;
            }
            if (*name == "*") co_return co_await reply(r_.auth_aborted);
            const auto decoded_user = base64_decode(trim(*name));
            if (!decoded_user) co_return co_await reply(r_.auth_base64);
            auto secret = co_await sasl_answer("UGFzc3dvcmQ6");
            if (!secret) co_return false;
            if (*secret == "*") co_return co_await reply(r_.auth_aborted);
            const auto decoded_password = base64_decode(trim(*secret));
            if (!decoded_password) co_return co_await reply(r_.auth_base64);
            user = *decoded_user;
            password = *decoded_password;
            accepted = policy.accepts(s_.peer_ip(), user, password);
        } else if (mechanism == "CRAM-MD5") {
            std::uint32_t r = 0;
            RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r);
            const std::string challenge = "<" + std::to_string(r % 90000000 + 10000000) + "." +
                                          std::to_string(std::time(nullptr)) + "@" + set_.host +
                                          ">";
            auto answer = co_await sasl_answer(base64_encode(challenge));
            if (!answer) co_return false;
            if (*answer == "*") co_return co_await reply(r_.auth_aborted);
            const auto cram = smtp::decode_cram(*answer);
            if (!cram) co_return co_await reply(r_.auth_base64);
            user = cram->user;
            password = smtp::cram_crackable(challenge, *answer);
            type = "cram_md5";
            // A listed password that yields the digest is that credential; any other answer
            // is a credential no list holds.
            std::string matched = "\x01" + password;
            for (const auto& [u, p] : policy.options().logins)
                if (u == user && smtp::cram_digest(p, challenge) == cram->digest) matched = p;
            accepted = policy.accepts(s_.peer_ip(), user, matched);
        } else if (mechanism == "NTLM") {
            co_return co_await auth_ntlm(initial);
        } else {
            co_return co_await reply(r_.auth_mechanism);
        }
        emit_auth(mechanism, user, password, type, accepted);
        if (!accepted) co_return co_await reply(r_.auth_failed);
        authenticated_ = true;
        co_return co_await reply(r_.auth_ok);
    }

    // AUTH NTLM (MS-SMTPNTLM): NEGOTIATE, CHALLENGE, AUTHENTICATE as base64 lines; the
    // NetNTLM response is the captured credential.
    awaitable<bool> auth_ntlm(std::string token) {
        SaslNtlm ntlm(s_.context().world, set_.host, set_.product == MtaProduct::exchange);
        if (token.empty()) {
            auto line = co_await sasl_answer("NTLM supported");
            if (!line) co_return false;
            token = *line;
        }
        for (int legs = 0;; ++legs) {
            if (trim(token) == "*") co_return co_await reply(r_.auth_aborted);
            const auto step = ntlm.next(token);
            if (step.kind == SaslNtlm::Step::Kind::done) break;
            if (step.kind == SaslNtlm::Step::Kind::bad || legs > 0) {
                s_.emit(s_.event("auth_mechanism").add("mechanism", "NTLM (malformed)"));
                co_return co_await reply(r_.auth_failed);
            }
            auto line = co_await sasl_answer(step.challenge);
            if (!line) co_return false;
            token = *line;
        }
        const bool accepted = ntlm.decide(*set_.policy, s_.peer_ip());
        auto event = s_.event("auth_attempt", Severity::warning);
        ntlm.add_fields(event);
        event.add("mechanism", "NTLM")
            .add("tls", s_.tls_active())
            .add("status", accepted ? "success" : "failed");
        s_.emit(std::move(event));
        if (!accepted) co_return co_await reply(r_.auth_failed);
        authenticated_ = true;
        co_return co_await reply(r_.auth_ok);
    }

    Session& s_;
    const SmtpSettings& set_;
    const Replies& r_;
    Lines lines_;
    std::string verb_;  // the command being answered ({cmd})
    std::string helo_;
    bool esmtp_ = false;
    bool authenticated_ = false;
    bool pipelining_logged_ = false;
    int errors_ = 0;
    std::optional<std::string> mail_from_;
    std::vector<std::string> rcpts_;
    std::optional<Incoming> bdat_;  // a BDAT message in progress
};

MtaProduct default_product(const DeckyConfig& decky) {
    return is_windows_decky(decky) ? MtaProduct::exchange : MtaProduct::postfix;
}

// The 220 line each product sends by default on the decky's distro.
std::string default_banner(MtaProduct product, const std::string& distro) {
    switch (product) {
        case MtaProduct::exim: {
            const char* version = distro == "ubuntu22"   ? "4.95"
                                  : distro == "ubuntu20" ? "4.93"
                                                         : "4.96";
            return std::string("220 {host} ESMTP Exim ") + version + " {date}";
        }
        case MtaProduct::exchange:
            return "220 {host} Microsoft ESMTP MAIL Service ready at {date}";
        case MtaProduct::postfix:
            break;
    }
    if (distro.starts_with("ubuntu")) return "220 {host} ESMTP Postfix (Ubuntu)";
    if (distro == "debian" || distro == "kali" || distro.empty())
        return "220 {host} ESMTP Postfix (Debian/GNU)";
    return "220 {host} ESMTP Postfix";
}

std::uint64_t default_size(MtaProduct product) {
    switch (product) {
        case MtaProduct::exim:
            return 52428800;
        case MtaProduct::exchange:
            return 37748736;
        case MtaProduct::postfix:
            break;
    }
    return 10240000;
}

std::vector<std::string> default_mechanisms(MtaProduct product) {
    if (product == MtaProduct::exchange) return {"NTLM", "LOGIN"};
    return {"PLAIN", "LOGIN", "CRAM-MD5"};
}

}  // namespace

std::shared_ptr<const ServiceSettings> configure_smtp(const PersonaReader& persona, bool relay) {
    auto set = std::make_shared<SmtpSettings>();
    set->relay = relay;
    static constexpr std::string_view kProducts[] = {"", "postfix", "exim", "exchange"};
    const auto product = persona.choice("product", kProducts);
    set->product = product == "exim"       ? MtaProduct::exim
                   : product == "exchange" ? MtaProduct::exchange
                   : product == "postfix"  ? MtaProduct::postfix
                                           : default_product(persona.decky());
    set->host = persona.line("mta");
    if (set->host.empty() || set->host.size() > 255)
        persona.fail("mta", "a host name of 1 to 255 characters");
    if (persona.has("banner")) {
        set->banner = persona.line("banner");
        if (!set->banner.starts_with("220")) persona.fail("banner", "must start with 220");
    } else {
        set->banner = default_banner(set->product, persona.decky().distro);
    }
    const auto size = persona.text("message_size_limit");
    set->size_limit = size.empty() ? default_size(set->product)
                                   : static_cast<std::uint64_t>(persona.integer(
                                         "message_size_limit", 1024, 100L * 1024 * 1024));
    const auto mechanisms = ascii_upper(persona.text("auth_mechanisms"));
    if (mechanisms.empty()) {
        set->mechanisms = default_mechanisms(set->product);
    } else {
        std::string_view rest = mechanisms;
        while (!rest.empty()) {
            const auto sep = rest.find_first_of(" ,");
            const auto m = rest.substr(0, sep);
            rest = sep == std::string_view::npos ? std::string_view{} : rest.substr(sep + 1);
            if (m.empty()) continue;
            if (m != "PLAIN" && m != "LOGIN" && m != "CRAM-MD5" && m != "NTLM")
                persona.fail(
                    "auth_mechanisms",
                    "expected PLAIN, LOGIN, CRAM-MD5 and/or NTLM, got '" + std::string(m) + "'");
            set->mechanisms.emplace_back(m);
        }
    }
    set->policy = read_login_policy(persona);
    check_tls_persona(persona);
    return set;
}

awaitable<void> serve_smtp(Session& s) {
    SmtpSession smtp(s);
    co_await smtp.run();
}

SessionLimits smtp_limits(SessionLimits runtime) {
    // A message up to the size limit (and a 100 MB one discarded to its end) fits.
    runtime.max_bytes_in = std::max<std::size_t>(runtime.max_bytes_in, 128u << 20);
    runtime.max_session_time = std::max(runtime.max_session_time, std::chrono::seconds(900));
    return runtime;
}

std::span<const EventDecl> smtp_events() {
    static constexpr EventDecl kEvents[] = {
        {"connect", "src_ip src_port", "a client connected"},
        {"ehlo", "src_ip src_port domain command", "EHLO or HELO: the name the client gave"},
        {"auth_attempt",
         "src_ip src_port username password credential_type? hashcat_mode? domain? workstation? "
         "logon_type? client_version? mechanism tls status",
         "AUTH PLAIN or LOGIN (credential_type cleartext), CRAM-MD5 (cram_md5: "
         "$cram_md5$<base64 challenge>$<base64 answer>, hashcat 10200) or NTLM (netntlmv2/v1: "
         "the hashcat 5600/5500 line)"},
        {"auth_mechanism", "src_ip src_port mechanism", "AUTH with a mechanism not offered"},
        {"mail_from", "src_ip src_port value size?", "MAIL FROM: the envelope sender"},
        {"rcpt_to", "src_ip src_port value local", "RCPT TO accepted"},
        {"rcpt_denied", "src_ip src_port value reason",
         "RCPT TO refused: relay (not ours, not authenticated) or unknown_user"},
        {"vrfy", "src_ip src_port value exists", "VRFY: user enumeration"},
        {"expn", "src_ip src_port value", "EXPN: list enumeration"},
        {"starttls", "src_ip src_port status discarded error?",
         "STARTTLS; discarded = plaintext bytes pipelined behind it (dropped)"},
        {"improper_pipelining", "src_ip src_port after",
         "more input arrived behind a command that must wait for its reply"},
        {"message_accepted",
         "src_ip src_port mail_from rcpt_to helo queue_id body_bytes subject message_id "
         "attachments sha256 stored truncated authenticated relay_test",
         "a message queued (kept as an artifact, never delivered); relay_test: smtp_relay's "
         "first message from this source"},
        {"message_rejected", "src_ip src_port mail_from size reason",
         "a message over the size limit"},
        {"file_captured",
         "src_ip src_port sha256 size mime first_bytes origin filename stored drop_reason? "
         "content_type",
         "an attachment of an accepted message, kept in the artifact store"},
        {"unknown_command", "src_ip src_port command", "anything else (first 512 bytes)"},
        {"disconnect", "src_ip src_port", "the session ended"},
    };
    return kEvents;
}

}  // namespace decnet::honeypot
