// imap: the persona's IMAP server (services.md §2.12) — Dovecot, or Exchange on a Windows
// decky — on 143 (STARTTLS) and 993 (implicit TLS). LOGIN and AUTHENTICATE PLAIN/LOGIN are
// captured; when the persona's accept policy lets a login in, the user finds a small mailbox
// of bait mail (world/mail_bait) that real clients list, search and fetch. Literals are
// bounded (size, count); every command is an event.
#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base64.hpp"
#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/auth/login_policy.hpp"
#include "honeypot/services/imap/imap_parser.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/services/sasl_ntlm.hpp"
#include "honeypot/services/tls_persona.hpp"
#include "honeypot/services/windows_decky.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/artifact_store.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/mail_bait.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot {
namespace {

using boost::asio::awaitable;

constexpr std::size_t kMaxLiteral = 64 * 1024;        // one literal (an APPEND's message)
constexpr std::size_t kMaxCommandBytes = 256 * 1024;  // a command with its literals
constexpr std::size_t kMaxLiterals = 32;              // per command
constexpr std::size_t kLogged = 256;
constexpr std::uint32_t kUidValidity = 1712345678;

struct ImapSettings : ServiceSettings {
    bool exchange = false;
    std::string greeting_text;  // after "* OK [CAPABILITY …] "
    std::shared_ptr<LoginPolicy> policy;
};

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    auto set = std::make_shared<ImapSettings>();
    static constexpr std::string_view kProducts[] = {"", "dovecot", "exchange"};
    const auto product = persona.choice("product", kProducts);
    const auto& decky = persona.decky();
    set->exchange = product == "exchange" || (product.empty() && is_windows_decky(decky));
    // Ubuntu's package says so in its greeting; upstream's (Debian's) does not.
    set->greeting_text = set->exchange ? "The Microsoft Exchange IMAP4 service is ready."
                         : decky.distro.starts_with("ubuntu") ? "Dovecot (Ubuntu) ready."
                                                              : "Dovecot ready.";
    set->policy = read_login_policy(persona);
    check_tls_persona(persona);
    return set;
}

enum class State { not_authenticated, authenticated, selected };

std::string_view state_name(State s) {
    switch (s) {
        case State::authenticated:
            return "AUTHENTICATED";
        case State::selected:
            return "SELECTED";
        case State::not_authenticated:
            break;
    }
    return "NOT_AUTHENTICATED";
}

constexpr std::string_view kMailboxes[] = {"INBOX", "Drafts", "Sent", "Trash", "Junk"};

const std::string_view* find_mailbox(std::string_view name) {
    for (const auto& m : kMailboxes)
        if (m == name || (m == "INBOX" && iequals(name, "INBOX"))) return &m;
    return nullptr;
}

// LIST's wildcard match: `*` anything, `%` anything but the hierarchy delimiter.
bool glob(std::string_view pattern, std::string_view name, int budget = 256) {
    if (--budget < 0) return false;
    if (pattern.empty()) return name.empty();
    if (pattern[0] == '*' || pattern[0] == '%') {
        for (std::size_t i = 0; i <= name.size(); ++i) {
            if (glob(pattern.substr(1), name.substr(i), budget)) return true;
            if (i < name.size() && pattern[0] == '%' && name[i] == '/') break;
        }
        return false;
    }
    return !name.empty() && ascii_lower(pattern[0]) == ascii_lower(name[0]) &&
           glob(pattern.substr(1), name.substr(1), budget);
}

struct Flags {
    bool seen = false, flagged = false, answered = false, deleted = false;
    std::string list() const {
        std::string out;
        auto add = [&out](const char* f) { out += (out.empty() ? "" : " ") + std::string(f); };
        if (answered) add("\\Answered");
        if (flagged) add("\\Flagged");
        if (deleted) add("\\Deleted");
        if (seen) add("\\Seen");
        return "(" + out + ")";
    }
};

std::pair<std::string_view, std::string_view> split_message(std::string_view raw) {
    const auto end = raw.find("\r\n\r\n");
    if (end == std::string_view::npos) return {raw, {}};
    return {raw.substr(0, end + 4), raw.substr(end + 4)};
}

std::size_t count_lines(std::string_view text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::string header_field(std::string_view headers, std::string_view name) {
    std::size_t at = 0;
    while (at < headers.size()) {
        const auto nl = headers.find("\r\n", at);
        const auto line =
            headers.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        const auto colon = line.find(':');
        if (colon != std::string_view::npos && iequals(line.substr(0, colon), name))
            return std::string(trim(line.substr(colon + 1)));
        if (nl == std::string_view::npos) break;
        at = nl + 2;
    }
    return {};
}

// "\"Name\" <user@domain>" → (("Name" NIL "user" "domain"))
std::string address_list(std::string_view value) {
    if (value.empty()) return "NIL";
    std::string name;
    std::string_view address = value;
    const auto lt = value.find('<');
    if (lt != std::string_view::npos) {
        name = std::string(trim(value.substr(0, lt), " \""));
        address = value.substr(lt + 1, value.find('>', lt) - lt - 1);
    }
    const auto at = address.find('@');
    const auto local = address.substr(0, at);
    const auto domain = at == std::string_view::npos ? std::string_view{} : address.substr(at + 1);
    return "((" + (name.empty() ? std::string("NIL") : imap::quote(name)) + " NIL " +
           imap::quote(local) + " " + imap::quote(domain) + "))";
}

std::string envelope(const MailMessage& m) {
    const auto [headers, body] = split_message(m.raw);
    const auto from = address_list(header_field(headers, "From"));
    return "(" + imap::quote(rfc5322_date(m.date)) + " " + imap::quote(m.subject) + " " + from +
           " " + from + " " + from + " " + address_list(header_field(headers, "To")) +
           " NIL NIL NIL " + imap::quote(m.message_id) + ")";
}

// One part's BODYSTRUCTURE from its own headers and body.
std::string part_structure(std::string_view headers, std::string_view body) {
    auto type = header_field(headers, "Content-Type");
    if (type.empty()) type = "text/plain; charset=us-ascii";
    const auto semi = type.find(';');
    const auto mime = ascii_lower(trim(std::string_view(type).substr(0, semi)));
    const auto slash = mime.find('/');
    const auto main = mime.substr(0, slash);
    const auto sub = slash == std::string::npos ? std::string("plain") : mime.substr(slash + 1);
    std::string params = "NIL";
    if (semi != std::string::npos) {
        auto p = trim(std::string_view(type).substr(semi + 1));
        const auto eq = p.find('=');
        if (eq != std::string_view::npos)
            params = "(" + imap::quote(ascii_lower(trim(p.substr(0, eq)))) + " " +
                     imap::quote(trim(p.substr(eq + 1), " \"")) + ")";
    }
    auto encoding = header_field(headers, "Content-Transfer-Encoding");
    if (encoding.empty()) encoding = "7bit";
    std::string out = "(" + imap::quote(main) + " " + imap::quote(sub) + " " + params +
                      " NIL NIL " + imap::quote(encoding) + " " + std::to_string(body.size());
    if (main == "text") out += " " + std::to_string(count_lines(body));
    return out + " NIL NIL NIL NIL)";
}

std::string bodystructure(const MailMessage& m) {
    const auto [headers, body] = split_message(m.raw);
    const auto type = header_field(headers, "Content-Type");
    if (!istarts_with(type, "multipart/")) return part_structure(headers, body);
    const auto b = type.find("boundary=\"");
    const std::string boundary =
        b == std::string::npos ? "" : "--" + type.substr(b + 10, type.find('"', b + 10) - b - 10);
    std::string out = "(";
    std::size_t at = body.find(boundary);
    while (!boundary.empty() && at != std::string_view::npos) {
        const auto start = body.find("\r\n", at);
        if (start == std::string_view::npos) break;
        const auto next = body.find("\r\n" + boundary, start);
        if (next == std::string_view::npos) break;
        const auto part = body.substr(start + 2, next - start - 2);
        const auto [ph, pb] = split_message(part);
        out += part_structure(ph, pb);
        at = next + 2;
        if (body.substr(at + boundary.size(), 2) == "--") break;
    }
    return out + " \"mixed\" (\"boundary\" " + imap::quote(boundary.substr(2)) + ") NIL NIL NIL)";
}

struct Mailbox {
    std::string name;
    bool read_only = false;
};

class ImapSession {
  public:
    explicit ImapSession(Session& s) : s_(s), set_(s.context().settings_as<ImapSettings>()) {}

    awaitable<void> run() {
        s_.emit(s_.event("connect"));
        implicit_tls_ = s_.context().persona_value("port") == "993" || s_.tls_active();
        const std::string greeting = set_.exchange ? "* OK " + set_.greeting_text + "\r\n"
                                                   : "* OK [CAPABILITY " + capabilities() + "] " +
                                                         set_.greeting_text + "\r\n";
        bool ok = co_await send(greeting);
        while (ok) {
            auto text = co_await read_command();
            if (!text) break;
            ok = co_await handle(*text);
        }
        s_.emit(s_.event("disconnect"));
    }

  private:
    // ---- Reading -------------------------------------------------------------------------

    // One command with its literals; nullopt ends the session (peer gone, or a literal or
    // command over the bounds, answered with BYE).
    awaitable<std::optional<std::string>> read_command() {
        std::string text;
        for (std::size_t literals = 0;; ++literals) {
            auto line = co_await s_.read_line();
            if (!line) co_return std::nullopt;
            text += *line;
            const auto marker = imap::literal_at_end(*line);
            if (!marker) co_return text;
            if (literals >= kMaxLiterals || marker->size > kMaxLiteral ||
                text.size() + marker->size > kMaxCommandBytes) {
                s_.emit(s_.event("protocol_error", Severity::warning)
                            .add("error", "literal too large")
                            .add("size", marker->size));
                co_await send("* BYE Too long argument.\r\n");
                co_return std::nullopt;
            }
            if (!marker->non_synchronizing) {
                const bool sent = co_await send("+ OK\r\n");
                if (!sent) co_return std::nullopt;
            }
            text += "\r\n";
            if (marker->size > 0) {
                auto bytes = co_await s_.read_exact(marker->size);
                if (!bytes) co_return std::nullopt;
                text += *bytes;
            }
        }
    }

    // ---- Replies -------------------------------------------------------------------------

    std::string capabilities() const {
        const bool tls = s_.tls_active() || implicit_tls_;
        if (set_.exchange)
            return std::string("IMAP4 IMAP4rev1 AUTH=NTLM AUTH=GSSAPI AUTH=PLAIN") +
                   (tls ? "" : " STARTTLS") +
                   " UIDPLUS MOVE ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+";
        if (state_ != State::not_authenticated)
            return "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY "
                   "THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL "
                   "CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 "
                   "CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS "
                   "BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ "
                   "NOTIFY SPECIAL-USE";
        return std::string("IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+") +
               (tls ? "" : " STARTTLS") + " AUTH=PLAIN AUTH=LOGIN";
    }

    // "Select completed (0.001 + 0.000 secs)." (Dovecot) / "SELECT completed." (Exchange).
    std::string completed(std::string_view command) const {
        if (set_.exchange) return ascii_upper(command) + " completed.";
        std::string word = ascii_lower(command);
        if (!word.empty()) word[0] = ascii_upper(word[0]);
        return word + " completed (0.001 + 0.000 secs).";
    }

    // By value: the text lives in this frame while the write is pending (a temporary in a
    // co_await expression may not, with GCC 12).
    awaitable<bool> send(std::string text) { co_return co_await s_.write(text); }

    awaitable<bool> tagged(const std::string& tag, std::string text) {
        const std::string line = tag + " " + text + "\r\n";
        co_return co_await s_.write(line);
    }

    awaitable<bool> bad(const std::string& tag, std::string_view why = {}) {
        std::string text;
        if (set_.exchange)
            text = "BAD Command Error. 12";
        else if (state_ == State::not_authenticated || why.empty())
            text = "BAD Error in IMAP command received by server.";
        else
            text = "BAD Error in IMAP command " + std::string(why);
        co_return co_await tagged(tag, text);
    }

    // ---- Commands ------------------------------------------------------------------------

    awaitable<bool> handle(const std::string& text) {
        std::string error;
        const auto parsed = imap::parse_command(text, error);
        if (!parsed) {
            if (trim(text).empty()) co_return true;
            co_return co_await send("* BAD Error in IMAP command received by server.\r\n");
        }
        const auto& c = *parsed;
        s_.emit(s_.event("command")
                    .add("cmd", c.name.substr(0, 32))
                    .add("state", state_name(state_))
                    .add("tag", c.tag.substr(0, 32)));
        if (!error.empty()) co_return co_await bad(c.tag, c.name + ": " + error + ".");
        const auto& n = c.name;
        if (n == "CAPABILITY") {
            if (!co_await send("* CAPABILITY " + capabilities() + "\r\n")) co_return false;
            const std::string done =
                state_ == State::not_authenticated && !set_.exchange
                    ? "OK Pre-login capabilities listed, post-login capabilities have more."
                    : "OK " + completed("Capability");
            co_return co_await tagged(c.tag, done);
        }
        if (n == "NOOP" || n == "CHECK") co_return co_await tagged(c.tag, "OK " + completed(n));
        if (n == "LOGOUT") {
            const std::string bye =
                set_.exchange ? "* BYE Microsoft Exchange Server IMAP4 server signing off.\r\n"
                              : "* BYE Logging out\r\n";
            co_await send(bye);
            co_await tagged(c.tag, "OK " + completed("Logout"));
            co_return false;
        }
        if (n == "ID") {
            const std::string id =
                set_.exchange ? "* ID NIL\r\n" : "* ID (\"name\" \"Dovecot\")\r\n";
            if (!co_await send(id)) co_return false;
            co_return co_await tagged(c.tag, "OK " + completed("ID"));
        }
        if (state_ == State::not_authenticated) {
            if (n == "STARTTLS") co_return co_await starttls(c.tag);
            if (n == "LOGIN") co_return co_await login(c);
            if (n == "AUTHENTICATE") co_return co_await authenticate(c);
            co_return co_await bad(c.tag);
        }
        if (n == "LOGIN" || n == "AUTHENTICATE" || n == "STARTTLS")
            co_return co_await bad(c.tag, n + ": Already authenticated.");
        if (n == "SELECT" || n == "EXAMINE") co_return co_await select(c);
        if (n == "LIST" || n == "LSUB") co_return co_await list(c);
        if (n == "STATUS") co_return co_await status(c);
        if (n == "NAMESPACE") {
            if (!co_await send("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n")) co_return false;
            co_return co_await tagged(c.tag, "OK " + completed("Namespace"));
        }
        if (n == "ENABLE") {
            if (!co_await send("* ENABLED\r\n")) co_return false;
            co_return co_await tagged(c.tag, "OK " + completed("Enable"));
        }
        if (n == "IDLE") co_return co_await idle(c.tag);
        if (n == "CREATE" || n == "DELETE" || n == "RENAME" || n == "SUBSCRIBE" ||
            n == "UNSUBSCRIBE") {
            s_.emit(s_.event("mailbox_change")
                        .add("cmd", n)
                        .add("mailbox",
                             c.args.empty() ? std::string() : c.args[0].text.substr(0, kLogged)));
            co_return co_await tagged(c.tag, "OK " + completed(n));
        }
        if (n == "APPEND") co_return co_await append(c);
        if (state_ != State::selected) {
            static constexpr std::string_view kSelected[] = {
                "FETCH",     "SEARCH",   "STORE",    "COPY",       "MOVE",
                "EXPUNGE",   "CLOSE",    "UNSELECT", "UID FETCH",  "UID SEARCH",
                "UID STORE", "UID COPY", "UID MOVE", "UID EXPUNGE"};
            if (std::find(std::begin(kSelected), std::end(kSelected), n) != std::end(kSelected)) {
                const std::string text = set_.exchange ? "BAD Command received in Invalid state."
                                                       : "BAD No mailbox selected.";
                co_return co_await tagged(c.tag, text);
            }
            co_return co_await bad(c.tag, n.substr(0, 32) + ": Unknown command.");
        }
        if (n == "CLOSE" || n == "UNSELECT") {
            state_ = State::authenticated;
            co_return co_await tagged(c.tag, "OK " + completed(n));
        }
        if (n == "EXPUNGE" || n == "UID EXPUNGE")
            co_return co_await tagged(c.tag, "OK " + completed("Expunge"));
        if (n == "FETCH" || n == "UID FETCH") co_return co_await fetch(c, n == "UID FETCH");
        if (n == "SEARCH" || n == "UID SEARCH") co_return co_await search(c, n == "UID SEARCH");
        if (n == "STORE" || n == "UID STORE") co_return co_await store(c, n == "UID STORE");
        if (n == "COPY" || n == "MOVE" || n == "UID COPY" || n == "UID MOVE") {
            const std::string text = "OK " + completed(n.starts_with("UID ") ? n.substr(4) : n);
            co_return co_await tagged(c.tag, text);
        }
        co_return co_await bad(c.tag, n.substr(0, 32) + ": Unknown command.");
    }

    awaitable<bool> starttls(const std::string& tag) {
        if (s_.tls_active() || implicit_tls_)
            co_return co_await bad(tag, "STARTTLS: TLS is already active.");
        if (!co_await tagged(tag, "OK Begin TLS negotiation now.")) co_return false;
        const bool started = co_await s_.start_tls();
        auto event = s_.event("starttls", started ? Severity::info : Severity::warning);
        event.add("status", started ? "success" : "failed")
            .add("discarded", s_.discarded_before_tls());
        s_.emit(std::move(event));
        co_return started;
    }

    // ---- Logins --------------------------------------------------------------------------

    awaitable<bool> finish_login(const std::string& tag, const std::string& mechanism,
                                 const std::string& user, const std::string& password) {
        const bool accepted = set_.policy->accepts(s_.peer_ip(), user, password);
        s_.emit(s_.event("auth", accepted ? Severity::info : Severity::warning)
                    .credential(user.substr(0, kLogged), password.substr(0, kLogged))
                    .add("credential_type", "cleartext")
                    .add("mechanism", mechanism)
                    .add("tls", s_.tls_active())
                    .add("status", accepted ? "success" : "failed"));
        co_return co_await decided(tag, mechanism, user, accepted);
    }

    // The answer to a login, and the mailbox of an accepted one.
    awaitable<bool> decided(const std::string& tag, const std::string& mechanism,
                            const std::string& user, bool accepted) {
        if (!accepted) {
            const std::string no = set_.exchange
                                       ? "NO " + mechanism + " failed."
                                       : "NO [AUTHENTICATIONFAILED] Authentication failed.";
            co_return co_await tagged(tag, no);
        }
        state_ = State::authenticated;
        user_ = user;
        const auto facts =
            s_.context().world
                ? mail_facts(*s_.context().world, std::time(nullptr))
                : MailFacts{s_.context().hostname, "example.com", "portal", "", {}, 1,
                            std::time(nullptr)};
        messages_ = make_mailbox(facts, user.empty() ? "user" : user);
        flags_.clear();
        for (const auto& m : messages_) flags_.push_back({m.seen, m.flagged, false, false});
        const std::string ok = set_.exchange ? "OK " + mechanism + " completed."
                                             : "OK [CAPABILITY " + capabilities() + "] Logged in";
        co_return co_await tagged(tag, ok);
    }

    awaitable<bool> login(const imap::Command& c) {
        if (c.args.size() != 2) co_return co_await bad(c.tag);
        co_return co_await finish_login(c.tag, "LOGIN", c.args[0].text, c.args[1].text);
    }

    // A SASL continuation line; nullopt: the session is over.
    awaitable<std::optional<std::string>> continuation(std::string challenge) {
        const std::string line = "+ " + challenge + "\r\n";
        const bool sent = co_await send(line);
        if (!sent) co_return std::nullopt;
        auto answer = co_await s_.read_line();
        co_return answer;
    }

    awaitable<bool> authenticate(const imap::Command& c) {
        if (c.args.empty()) co_return co_await bad(c.tag);
        const auto mechanism = ascii_upper(c.args[0].text);
        const std::string aborted = "BAD Authentication aborted by client.";
        if (mechanism == "PLAIN") {
            std::string blob;
            if (c.args.size() > 1) {
                blob = c.args[1].text;
            } else {
                auto line = co_await continuation("");
                if (!line) co_return false;
                blob = *line;
            }
            if (trim(blob) == "*") co_return co_await tagged(c.tag, aborted);
            const auto decoded = base64_decode(trim(blob));
            const auto first = decoded ? decoded->find('\0') : std::string::npos;
            const auto second =
                first == std::string::npos ? std::string::npos : decoded->find('\0', first + 1);
            if (second == std::string::npos)
                co_return co_await bad(c.tag, "AUTHENTICATE: Invalid base64 data.");
            co_return co_await finish_login(c.tag, "PLAIN",
                                            decoded->substr(first + 1, second - first - 1),
                                            decoded->substr(second + 1));
        }
        if (mechanism == "LOGIN" && !set_.exchange) {
            auto name = co_await continuation("VXNlcm5hbWU6");
            if (!name) co_return false;
            if (trim(*name) == "*") co_return co_await tagged(c.tag, aborted);
            auto secret = co_await continuation("UGFzc3dvcmQ6");
            if (!secret) co_return false;
            if (trim(*secret) == "*") co_return co_await tagged(c.tag, aborted);
            const auto user = base64_decode(trim(*name));
            const auto password = base64_decode(trim(*secret));
            if (!user || !password)
                co_return co_await bad(c.tag, "AUTHENTICATE: Invalid base64 data.");
            co_return co_await finish_login(c.tag, "LOGIN", *user, *password);
        }
        if (mechanism == "NTLM" && set_.exchange) co_return co_await authenticate_ntlm(c);
        s_.emit(s_.event("auth_mechanism").add("mechanism", mechanism.substr(0, 32)));
        const std::string no =
            set_.exchange ? "NO AUTHENTICATE failed." : "NO Unsupported authentication mechanism.";
        co_return co_await tagged(c.tag, no);
    }

    // AUTHENTICATE NTLM (MS-OXIMAP): base64 NTLMSSP on continuation lines; the NetNTLM
    // response is the captured credential.
    awaitable<bool> authenticate_ntlm(const imap::Command& c) {
        SaslNtlm ntlm(s_.context().world, s_.context().hostname, true);
        std::string token;
        if (c.args.size() > 1) {
            token = c.args[1].text;
        } else {
            auto line = co_await continuation("");
            if (!line) co_return false;
            token = *line;
        }
        for (int legs = 0;; ++legs) {
            if (trim(token) == "*")
                co_return co_await tagged(c.tag, "BAD Authentication aborted by client.");
            const auto step = ntlm.next(token);
            if (step.kind == SaslNtlm::Step::Kind::done) break;
            if (step.kind == SaslNtlm::Step::Kind::bad || legs > 0)
                co_return co_await tagged(c.tag, "NO AUTHENTICATE failed.");
            auto line = co_await continuation(step.challenge);
            if (!line) co_return false;
            token = *line;
        }
        const bool accepted = ntlm.decide(*set_.policy, s_.peer_ip());
        auto event = s_.event("auth", accepted ? Severity::info : Severity::warning);
        ntlm.add_fields(event);
        event.add("mechanism", "NTLM")
            .add("tls", s_.tls_active())
            .add("status", accepted ? "success" : "failed");
        s_.emit(std::move(event));
        const std::string user = ntlm.logon() ? ntlm.logon()->user : "";
        co_return co_await decided(c.tag, "AUTHENTICATE", user, accepted);
    }

    // ---- Mailboxes -----------------------------------------------------------------------

    std::uint32_t count_in(std::string_view mailbox) const {
        return mailbox == "INBOX" ? static_cast<std::uint32_t>(messages_.size()) : 0;
    }

    awaitable<bool> select(const imap::Command& c) {
        const bool examine = c.name == "EXAMINE";
        if (c.args.empty()) co_return co_await bad(c.tag);
        const auto* box = find_mailbox(c.args[0].text);
        s_.emit(s_.event("select")
                    .add("mailbox", c.args[0].text.substr(0, kLogged))
                    .add("found", box != nullptr));
        if (!box) {
            state_ = State::authenticated;
            const std::string no =
                set_.exchange ? "NO " + c.name + " failed."
                              : "NO Mailbox doesn't exist: " + c.args[0].text.substr(0, kLogged);
            co_return co_await tagged(c.tag, no);
        }
        selected_ = {std::string(*box), examine};
        state_ = State::selected;
        const auto count = count_in(*box);
        std::uint32_t unseen = 0;
        for (std::uint32_t i = 0; i < count; ++i)
            if (!flags_[i].seen && unseen == 0) unseen = i + 1;
        std::string out =
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags "
            "permitted.\r\n"
            "* " +
            std::to_string(count) + " EXISTS\r\n* 0 RECENT\r\n";
        if (unseen) out += "* OK [UNSEEN " + std::to_string(unseen) + "] First unseen.\r\n";
        out += "* OK [UIDVALIDITY " + std::to_string(kUidValidity) +
               "] UIDs valid\r\n* OK [UIDNEXT " + std::to_string(count + 1) +
               "] Predicted next UID\r\n";
        if (!co_await send(out)) co_return false;
        const std::string done = std::string(examine ? "OK [READ-ONLY] " : "OK [READ-WRITE] ") +
                                 completed(examine ? "Examine" : "Select");
        co_return co_await tagged(c.tag, done);
    }

    awaitable<bool> list(const imap::Command& c) {
        if (c.args.size() < 2) co_return co_await bad(c.tag);
        const auto& reference = c.args[0].text;
        const auto& pattern = c.args[1].text;
        std::string out;
        if (pattern.empty()) {
            out = "* " + c.name + " (\\Noselect) \"/\" \"\"\r\n";
        } else {
            const auto full = (reference + pattern).substr(0, 512);
            for (const auto box : kMailboxes) {
                if (!glob(full, box)) continue;
                std::string attributes = "\\HasNoChildren";
                if (box != "INBOX") attributes += " \\" + std::string(box);
                out += "* " + c.name + " (" + attributes + ") \"/\" " + std::string(box) + "\r\n";
            }
        }
        if (!out.empty()) {
            const bool sent = co_await send(out);
            if (!sent) co_return false;
        }
        co_return co_await tagged(c.tag, "OK " + completed(c.name));
    }

    awaitable<bool> status(const imap::Command& c) {
        if (c.args.size() < 2 || c.args[1].kind != imap::Token::Kind::list)
            co_return co_await bad(c.tag);
        const auto* box = find_mailbox(c.args[0].text);
        if (!box)
            co_return co_await tagged(
                c.tag, "NO Mailbox doesn't exist: " + c.args[0].text.substr(0, kLogged));
        const auto count = count_in(*box);
        std::uint32_t unseen = 0;
        std::size_t size = 0;
        for (std::uint32_t i = 0; i < count; ++i) {
            unseen += flags_[i].seen ? 0 : 1;
            size += messages_[i].raw.size();
        }
        std::string items;
        for (const auto& t : c.args[1].items) {
            const auto item = ascii_upper(t.text);
            std::string value;
            if (item == "MESSAGES")
                value = std::to_string(count);
            else if (item == "RECENT")
                value = "0";
            else if (item == "UIDNEXT")
                value = std::to_string(count + 1);
            else if (item == "UIDVALIDITY")
                value = std::to_string(kUidValidity);
            else if (item == "UNSEEN")
                value = std::to_string(unseen);
            else if (item == "SIZE")
                value = std::to_string(size);
            else
                continue;
            items += (items.empty() ? "" : " ") + item + " " + value;
        }
        if (!co_await send("* STATUS " + std::string(*box) + " (" + items + ")\r\n"))
            co_return false;
        co_return co_await tagged(c.tag, "OK " + completed("Status"));
    }

    awaitable<bool> idle(const std::string& tag) {
        if (!co_await send("+ idling\r\n")) co_return false;
        auto line = co_await s_.read_line();  // DONE (the session's idle timeout bounds it)
        if (!line) co_return false;
        co_return co_await tagged(tag, "OK " + completed("Idle"));
    }

    // APPEND: the message an attacker stores (a phishing draft, a payload) is an artifact.
    awaitable<bool> append(const imap::Command& c) {
        if (c.args.size() < 2 || c.args.back().kind != imap::Token::Kind::string)
            co_return co_await bad(c.tag);
        const auto& message = c.args.back().text;
        const auto artifact = ArtifactCapture::whole(s_.context().artifacts, message);
        auto captured = s_.event("file_captured", Severity::warning);
        add_artifact_fields(captured, artifact, "imap:APPEND " + c.args[0].text.substr(0, 64),
                            "message.eml");
        s_.emit(std::move(captured));
        const std::string ok = "OK [APPENDUID " + std::to_string(kUidValidity) + " " +
                               std::to_string(messages_.size() + 1) + "] " + completed("Append");
        co_return co_await tagged(c.tag, ok);
    }

    // ---- Selected state ------------------------------------------------------------------

    // Message numbers (1-based) a sequence set or UID set names in the selected mailbox.
    std::optional<std::vector<std::uint32_t>> numbers(const std::string& set) const {
        return imap::sequence_set(set, count_in(selected_.name));  // UID == sequence number
    }

    // One FETCH attribute's text, or "" when unknown. Sets \Seen for a non-peek body.
    std::string fetch_item(std::uint32_t n, std::string item, bool& seen_now) {
        const auto& m = messages_[n - 1];
        const auto [headers, body] = split_message(m.raw);
        const std::string upper = ascii_upper(item);
        if (upper == "UID") return "UID " + std::to_string(m.uid);
        if (upper == "FLAGS") return "FLAGS " + flags_[n - 1].list();
        if (upper == "INTERNALDATE") return "INTERNALDATE \"" + imap_date(m.date) + "\"";
        if (upper == "RFC822.SIZE") return "RFC822.SIZE " + std::to_string(m.raw.size());
        if (upper == "ENVELOPE") return "ENVELOPE " + envelope(m);
        if (upper == "BODYSTRUCTURE" || upper == "BODY") return upper + " " + bodystructure(m);
        if (upper == "RFC822") {
            seen_now = true;
            return "RFC822 " + imap::quote(m.raw);
        }
        if (upper == "RFC822.HEADER") return "RFC822.HEADER " + imap::quote(headers);
        if (upper == "RFC822.TEXT") {
            seen_now = true;
            return "RFC822.TEXT " + imap::quote(body);
        }
        const bool peek = upper.starts_with("BODY.PEEK[");
        if (!peek && !upper.starts_with("BODY[") && !upper.starts_with("BINARY")) return {};
        const auto open = upper.find('[');
        const auto close = upper.rfind(']');
        if (close == std::string::npos || close < open) return {};
        const auto section = upper.substr(open + 1, close - open - 1);
        std::string content;
        if (section.empty())
            content = m.raw;
        else if (section == "HEADER")
            content = std::string(headers);
        else if (section == "TEXT" || section == "1")
            content = std::string(body);
        else if (section.starts_with("HEADER.FIELDS")) {
            const bool negate = section.starts_with("HEADER.FIELDS.NOT");
            std::string kept;
            std::size_t at = 0;
            while (at < headers.size()) {
                const auto nl = headers.find("\r\n", at);
                if (nl == std::string_view::npos || nl == at) break;
                const auto line = headers.substr(at, nl + 2 - at);
                const auto name = ascii_upper(line.substr(0, line.find(':')));
                const bool listed = section.find(name) != std::string::npos;
                if (listed != negate) kept += line;
                at = nl + 2;
            }
            content = kept + "\r\n";
        } else {
            content = "";
        }
        // <origin.length> partial fetch
        std::string partial;
        if (close + 1 < item.size() && item[close + 1] == '<') {
            const auto end = item.find('>', close);
            const auto spec =
                item.substr(close + 2, end == std::string::npos ? 0 : end - close - 2);
            const auto dot = spec.find('.');
            std::size_t origin = 0, length = std::string::npos;
            try {
                origin = std::stoul(spec.substr(0, dot));
                if (dot != std::string::npos) length = std::stoul(spec.substr(dot + 1));
            } catch (...) {
                return {};
            }
            content = origin < content.size() ? content.substr(origin, length) : "";
            partial = "<" + std::to_string(origin) + ">";
        }
        if (!peek) seen_now = true;
        std::string name = item.substr(0, close + 1);
        if (peek) name = "BODY" + name.substr(9);  // BODY.PEEK[x] answers as BODY[x]
        return ascii_upper(name) + partial + " {" + std::to_string(content.size()) + "}\r\n" +
               content;
    }

    awaitable<bool> fetch(const imap::Command& c, bool uid) {
        if (c.args.size() < 2) co_return co_await bad(c.tag);
        const auto set = numbers(c.args[0].text);
        if (!set) co_return co_await bad(c.tag, "FETCH: Invalid messageset.");
        std::vector<std::string> items;
        const auto& spec = c.args[1];
        if (spec.kind == imap::Token::Kind::list) {
            for (const auto& t : spec.items) items.push_back(t.text);
        } else {
            const auto macro = ascii_upper(spec.text);
            if (macro == "ALL")
                items = {"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"};
            else if (macro == "FAST")
                items = {"FLAGS", "INTERNALDATE", "RFC822.SIZE"};
            else if (macro == "FULL")
                items = {"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"};
            else
                items = {spec.text};
            for (std::size_t i = 2; i < c.args.size(); ++i) items.push_back(c.args[i].text);
        }
        if (items.size() > 64) items.resize(64);
        if (uid && std::none_of(items.begin(), items.end(),
                                [](const std::string& i) { return iequals(i, "UID"); }))
            items.insert(items.begin(), "UID");
        std::string fetched_items;
        for (const auto& i : items)
            fetched_items += (fetched_items.empty() ? "" : " ") + ascii_upper(i).substr(0, 64);
        std::string numbers_logged;
        for (const auto n : *set) {
            bool seen_now = false;
            std::string parts;
            for (const auto& i : items) {
                auto text = fetch_item(n, i, seen_now);
                if (text.empty()) continue;
                parts += (parts.empty() ? "" : " ") + text;
            }
            if (seen_now && !flags_[n - 1].seen && !selected_.read_only) {
                flags_[n - 1].seen = true;
                parts += " FLAGS " + flags_[n - 1].list();
            }
            if (!co_await send("* " + std::to_string(n) + " FETCH (" + parts + ")\r\n"))
                co_return false;
            if (numbers_logged.size() < 64)
                numbers_logged += (numbers_logged.empty() ? "" : ",") + std::to_string(n);
        }
        s_.emit(s_.event("fetch")
                    .add("mailbox", selected_.name)
                    .add("messages", numbers_logged)
                    .add("items", fetched_items.substr(0, kLogged)));
        co_return co_await tagged(c.tag, "OK " + completed("Fetch"));
    }

    awaitable<bool> search(const imap::Command& c, bool uid) {
        (void)uid;  // UIDs equal sequence numbers here
        const auto count = count_in(selected_.name);
        std::string criteria;
        for (const auto& a : c.args)
            criteria += (criteria.empty() ? "" : " ") + a.text.substr(0, 64);
        const auto upper = ascii_upper(criteria);
        std::string out = "* SEARCH";
        for (std::uint32_t n = 1; n <= count; ++n) {
            if (upper.find("UNSEEN") != std::string::npos && flags_[n - 1].seen) continue;
            if (upper.find("FLAGGED") != std::string::npos && !flags_[n - 1].flagged) continue;
            out += " " + std::to_string(n);
        }
        s_.emit(s_.event("search").add("criteria", criteria.substr(0, kLogged)));
        if (!co_await send(out + "\r\n")) co_return false;
        co_return co_await tagged(c.tag, "OK " + completed("Search"));
    }

    awaitable<bool> store(const imap::Command& c, bool uid) {
        if (c.args.size() < 3) co_return co_await bad(c.tag);
        const auto set = numbers(c.args[0].text);
        if (!set) co_return co_await bad(c.tag, "STORE: Invalid messageset.");
        const auto how = ascii_upper(c.args[1].text);
        const bool silent = how.ends_with(".SILENT");
        const int mode = how.starts_with("+") ? 1 : how.starts_with("-") ? -1 : 0;
        std::vector<std::string> given;
        for (std::size_t i = 2; i < c.args.size(); ++i) {
            if (c.args[i].kind == imap::Token::Kind::list)
                for (const auto& f : c.args[i].items) given.push_back(ascii_upper(f.text));
            else
                given.push_back(ascii_upper(c.args[i].text));
        }
        std::string out;
        for (const auto n : *set) {
            auto& f = flags_[n - 1];
            auto apply = [&](bool& flag, std::string_view name) {
                const bool named = std::find(given.begin(), given.end(), name) != given.end();
                if (mode == 0)
                    flag = named;
                else if (named)
                    flag = mode > 0;
            };
            if (!selected_.read_only) {
                apply(f.seen, "\\SEEN");
                apply(f.flagged, "\\FLAGGED");
                apply(f.answered, "\\ANSWERED");
                apply(f.deleted, "\\DELETED");
            }
            if (!silent)
                out += "* " + std::to_string(n) + " FETCH (" +
                       (uid ? "UID " + std::to_string(n) + " " : std::string()) + "FLAGS " +
                       f.list() + ")\r\n";
        }
        if (!out.empty()) {
            const bool sent = co_await send(out);
            if (!sent) co_return false;
        }
        co_return co_await tagged(c.tag, "OK " + completed("Store"));
    }

    Session& s_;
    const ImapSettings& set_;
    bool implicit_tls_ = false;
    State state_ = State::not_authenticated;
    std::string user_;
    std::vector<MailMessage> messages_;  // the INBOX of the logged-in user
    std::vector<Flags> flags_;           // this session's flags of each message
    Mailbox selected_;
};

awaitable<void> serve_imap(Session& s) {
    ImapSession imap(s);
    co_await imap.run();
}

SessionLimits imap_limits(SessionLimits runtime) {
    // A literal (an APPENDed message) is read in one piece.
    runtime.max_line = std::max<std::size_t>(runtime.max_line, kMaxLiteral);
    runtime.max_bytes_in = std::max<std::size_t>(runtime.max_bytes_in, 4u << 20);
    return runtime;
}

constexpr EventDecl kEvents[] = {
    {"connect", "src_ip src_port", "a client connected"},
    {"command", "src_ip src_port cmd state tag", "every command (arguments are not logged)"},
    {"auth",
     "src_ip src_port username password credential_type? hashcat_mode? domain? workstation? "
     "logon_type? client_version? mechanism tls status",
     "LOGIN or AUTHENTICATE PLAIN/LOGIN: a credential in clear; AUTHENTICATE NTLM (Exchange): "
     "the NetNTLM hashcat 5600/5500 line"},
    {"auth_mechanism", "src_ip src_port mechanism", "AUTHENTICATE with a mechanism not served"},
    {"starttls", "src_ip src_port status discarded", "STARTTLS on 143"},
    {"select", "src_ip src_port mailbox found", "SELECT or EXAMINE"},
    {"fetch", "src_ip src_port mailbox messages items", "FETCH / UID FETCH of bait mail"},
    {"search", "src_ip src_port criteria", "SEARCH / UID SEARCH"},
    {"mailbox_change", "src_ip src_port cmd mailbox", "CREATE, DELETE, RENAME, (UN)SUBSCRIBE"},
    {"file_captured",
     "src_ip src_port sha256 size mime first_bytes origin filename stored drop_reason?",
     "an APPENDed message, kept in the artifact store"},
    {"protocol_error", "src_ip src_port error size", "a literal over the bounds; the session ends"},
    {"disconnect", "src_ip src_port", "the session ended"},
};

}  // namespace

const ServiceModule& imap_module() {
    static const ServiceModule module{.slug = "imap",
                                      .configure = &configure,
                                      .serve = &serve_imap,
                                      .events = kEvents,
                                      .session_limits = &imap_limits};
    return module;
}

}  // namespace decnet::honeypot
