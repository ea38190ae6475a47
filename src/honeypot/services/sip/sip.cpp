// sip: the persona's PBX (Asterisk with chan_sip, or FreePBX on it) on 5060 UDP and TCP
// (services.md §2.24, its defects fixed): OPTIONS answered with the product's Server, Allow
// and Supported lines; REGISTER challenged with 401 and INVITE with 407 (Digest, realm
// "asterisk"), the answer captured as John's `$sip$*…` line and checked against the persona's
// secrets (a match registers, or — for an INVITE — is a toll-fraud attempt logged as a call);
// extensions the persona does not have get 404, the ones it has a challenge, so svwar "finds"
// them. Enumeration (one source trying many extensions) is aggregated into bounded
// `enumeration` events instead of one event per guess. UDP replies stay under the
// amplification bound; TCP messages are framed by Content-Length.
#include <openssl/rand.h>

#include <boost/asio/awaitable.hpp>

#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <ctime>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/auth/login_policy.hpp"
#include "honeypot/datagram.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/services/sip/sip_message.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/decky_world.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot {
namespace {

using boost::asio::awaitable;

constexpr std::string_view kAllow =
    "INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, SUBSCRIBE, NOTIFY, INFO, PUBLISH, MESSAGE";
constexpr std::string_view kRealm = "asterisk";
// A UDP reply larger than this many times its request is not sent (the listener's bound is 10).
constexpr std::size_t kReplyFactor = 8;
constexpr std::size_t kMaxExtensions = 10000;

struct SipSettings : ServiceSettings {
    std::string server;  // the Server / User-Agent value
    std::set<std::string> extensions;
    std::shared_ptr<LoginPolicy> policy;
};

// "100-120,200,1000-1010" → the extensions.
std::set<std::string> parse_extensions(const PersonaReader& persona, const std::string& text) {
    std::set<std::string> out;
    std::string_view rest = text;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto item = trim(rest.substr(0, comma));
        rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
        if (item.empty()) continue;
        const auto dash = item.find('-');
        unsigned long lo = 0, hi = 0;
        const auto a = item.substr(0, dash);
        const auto b = dash == std::string_view::npos ? a : item.substr(dash + 1);
        const auto r1 = std::from_chars(a.data(), a.data() + a.size(), lo);
        const auto r2 = std::from_chars(b.data(), b.data() + b.size(), hi);
        if (r1.ec != std::errc() || r2.ec != std::errc() || r1.ptr != a.data() + a.size() ||
            r2.ptr != b.data() + b.size() || hi < lo || hi - lo >= kMaxExtensions)
            persona.fail("extensions", "expected numbers and ranges like 100-120,200");
        for (auto n = lo; n <= hi; ++n) out.insert(std::to_string(n));
        if (out.size() > kMaxExtensions)
            persona.fail("extensions", "at most " + std::to_string(kMaxExtensions));
    }
    return out;
}

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    auto settings = std::make_shared<SipSettings>();
    static constexpr std::array<std::string_view, 2> kProducts = {"asterisk", "freepbx"};
    const auto product = persona.choice("product", kProducts);
    auto version = persona.line("version");
    if (version.size() > 64) persona.fail("version", "at most 64 characters");
    for (const char c : version)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '(' ||
              c == ')' || c == '_'))
            persona.fail("version", "letters, digits, '.', '-', '_' and parentheses only");
    if (product == "freepbx")
        settings->server = "FPBX-" + (version.empty() ? std::string("15.0.37(16.30.0)") : version);
    else
        settings->server = "Asterisk PBX " + (version.empty() ? std::string("16.30.0") : version);
    settings->extensions = parse_extensions(persona, persona.text("extensions"));
    settings->policy = read_login_policy(persona);
    return settings;
}

// ---- Enumeration ------------------------------------------------------------------------

// Which extensions each source has tried recently, process-wide (UDP and TCP share it).
class Enumerations {
  public:
    struct Observation {
        bool enumerating = false;
        std::optional<std::pair<std::size_t, std::vector<std::string>>> report;  // count, sample
    };
    Observation observe(const std::string& key, const std::string& extension) {
        static constexpr std::size_t kThreshold = 5, kSample = 32, kMaxSources = 4096,
                                     kMaxSeen = 4096;
        static constexpr auto kWindow = std::chrono::minutes(10);
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard lock(mutex_);
        if (sources_.size() >= kMaxSources && !sources_.contains(key)) sources_.clear();
        auto& s = sources_[key];
        if (now - s.last > kWindow) s = Source{};
        s.last = now;
        if (s.seen.size() < kMaxSeen && !s.seen.insert(extension).second)
            return {s.count >= kThreshold, std::nullopt};
        ++s.count;
        if (s.sample.size() < kSample) s.sample.push_back(extension.substr(0, 64));
        Observation o;
        o.enumerating = s.count >= kThreshold;
        if (s.count == s.next_report) {
            o.report = std::make_pair(s.count, s.sample);
            s.next_report *= 2;
        }
        return o;
    }

  private:
    struct Source {
        std::chrono::steady_clock::time_point last{};
        std::unordered_set<std::string> seen;
        std::vector<std::string> sample;
        std::size_t count = 0;
        std::size_t next_report = 5;
    };
    std::mutex mutex_;
    std::unordered_map<std::string, Source> sources_;
};

Enumerations& enumerations() {
    static Enumerations e;
    return e;
}

// ---- Replies -----------------------------------------------------------------------------

std::string random_hex(std::size_t bytes) {
    unsigned char buf[16];
    RAND_bytes(buf, static_cast<int>(std::min<std::size_t>(bytes, sizeof buf)));
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < bytes && i < sizeof buf; ++i) {
        out += kDigits[buf[i] >> 4];
        out += kDigits[buf[i] & 0xf];
    }
    return out;
}

// Where the PBX is and who asked: what a reply needs beyond the request.
struct Endpoint {
    std::string peer_ip;
    std::uint16_t peer_port = 0;
    std::string local_ip;
    std::string transport;  // "udp" / "tcp"
};

std::string reply(const sip::Message& req, int code, std::string_view reason, const SipSettings& st,
                  const Endpoint& at, const std::vector<std::string>& extra = {}) {
    std::string out = "SIP/2.0 " + std::to_string(code) + " " + std::string(reason) + "\r\n";
    bool first_via = true;
    for (const auto& [name, value] : req.headers) {
        if (name != "via") continue;
        std::string via = value;
        if (first_via) {
            // RFC 3581: fill rport and add received, as Asterisk does.
            if (const auto at_rport = via.find(";rport");
                at_rport != std::string::npos &&
                (at_rport + 6 == via.size() || via[at_rport + 6] == ';'))
                via.insert(at_rport + 6, "=" + std::to_string(at.peer_port));
            via += ";received=" + at.peer_ip;
            first_via = false;
        }
        out += "Via: " + via + "\r\n";
    }
    if (const auto* from = req.header("from")) out += "From: " + *from + "\r\n";
    if (const auto* to = req.header("to")) {
        out += "To: " + *to;
        if (to->find(";tag=") == std::string::npos) out += ";tag=as" + random_hex(4);
        out += "\r\n";
    }
    if (const auto* id = req.header("call-id")) out += "Call-ID: " + *id + "\r\n";
    if (const auto* cseq = req.header("cseq")) out += "CSeq: " + *cseq + "\r\n";
    out += "Server: " + st.server + "\r\n";
    out += "Allow: " + std::string(kAllow) + "\r\n";
    out += "Supported: replaces, timer\r\n";
    for (const auto& line : extra) out += line + "\r\n";
    out += "Content-Length: 0\r\n\r\n";
    return out;
}

std::string http_date() {
    char buf[64];
    const auto t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

std::string challenge_line(bool proxy) {
    return std::string(proxy ? "Proxy-Authenticate" : "WWW-Authenticate") +
           ": Digest algorithm=MD5, realm=\"" + std::string(kRealm) + "\", nonce=\"" +
           random_hex(4) + "\"";
}

std::string header_or(const sip::Message& m, std::string_view name, std::size_t max = 256) {
    const auto* v = m.header(name);
    return v ? v->substr(0, max) : std::string();
}

// The extension a request is about: the To user for REGISTER, else the Request-URI's.
std::string extension_of(const sip::Message& m) {
    if (m.method != "REGISTER")
        if (const auto uri = sip::parse_uri(m.uri); uri && !uri->user.empty()) return uri->user;
    if (const auto* to = m.header("to"))
        if (const auto uri = sip::parse_uri(sip::address_uri(*to))) return uri->user;
    return {};
}

// What one request got: the reply, and the events it caused.
struct Outcome {
    std::string reply;
    std::vector<Event> events;
};

using MakeEvent = std::function<Event(std::string, Severity)>;

// Does the digest answer match a secret the policy lets in?
bool digest_accepted(const SipSettings& st, const Endpoint& at, const sip::Digest& d,
                     const std::string& method) {
    for (const auto& [user, secret] : st.policy->options().logins)
        if (user == d.username &&
            sip::digest_response(d, method, secret) == ascii_lower(d.response))
            return st.policy->accepts(at.peer_ip, user, secret);
    return st.policy->accepts(at.peer_ip, d.username, "\x01" + d.response);
}

Outcome handle(const sip::Message& m, const SipSettings& st, const Endpoint& at,
               const std::string& decky, const MakeEvent& make) {
    Outcome o;
    const std::string method = ascii_upper(m.method);
    const auto extension = extension_of(m);
    const bool known = extension.empty() || st.extensions.contains(extension);
    const auto user_agent = header_or(m, "user-agent");
    const bool is_invite = method == "INVITE";
    const auto* auth_header = m.header(is_invite ? "proxy-authorization" : "authorization");
    if (!auth_header) auth_header = m.header(is_invite ? "authorization" : "proxy-authorization");
    const auto digest = auth_header ? sip::parse_digest(*auth_header) : std::nullopt;

    int code = 0;
    std::string reason;
    std::vector<std::string> extra;
    if (method == "ACK") {
        code = 0;
    } else if (digest && (method == "REGISTER" || is_invite)) {
        const bool ok = digest_accepted(st, at, *digest, method);
        auto e = make("auth", Severity::warning);
        e.add("transport", at.transport)
            .add("method", method)
            .credential(digest->username, sip::john_line(*digest, at.local_ip, at.peer_ip, method))
            .add("credential_type", "sip_digest")
            .add("realm", digest->realm)
            .add("uri", digest->uri.substr(0, 256))
            .add("user_agent", user_agent)
            .add("status", ok ? "success" : "failed");
        o.events.push_back(std::move(e));
        if (!ok) {
            code = 403;
            reason = "Forbidden";
        } else if (is_invite) {
            // An authenticated INVITE: the call a toll fraudster wanted. The trunk is busy.
            auto call = make("call", Severity::warning);
            call.add("transport", at.transport)
                .add("from", header_or(m, "from"))
                .add("to", header_or(m, "to"))
                .add("uri", m.uri.substr(0, 256))
                .add("user_agent", user_agent);
            o.events.push_back(std::move(call));
            code = 486;
            reason = "Busy Here";
        } else {
            code = 200;
            reason = "OK";
            extra.push_back("Expires: 3600");
            if (const auto* contact = m.header("contact"))
                extra.push_back("Contact: " + contact->substr(0, 256) + ";expires=3600");
            extra.push_back("Date: " + http_date());
        }
    } else if (method == "OPTIONS" || method == "REGISTER" || is_invite || method == "SUBSCRIBE" ||
               method == "MESSAGE" || method == "PUBLISH" || method == "NOTIFY") {
        if (!known) {
            code = 404;
            reason = "Not Found";
        } else if (method == "OPTIONS") {
            code = 200;
            reason = "OK";
            extra.push_back("Contact: <sip:" + at.local_ip + ":5060>");
            extra.push_back("Accept: application/sdp");
        } else {
            code = is_invite ? 407 : 401;
            reason = is_invite ? "Proxy Authentication Required" : "Unauthorized";
            extra.push_back(challenge_line(is_invite));
        }
    } else if (method == "BYE" || method == "CANCEL" || method == "INFO" || method == "REFER" ||
               method == "UPDATE" || method == "PRACK") {
        code = 481;
        reason = "Call/Transaction Does Not Exist";
    } else {
        code = 501;
        reason = "Not Implemented";
    }

    // Per-request events, unless this source is enumerating extensions (then aggregated).
    bool enumerating = false;
    if (!digest && (method == "REGISTER" || is_invite || method == "OPTIONS") &&
        !extension.empty()) {
        const auto seen = enumerations().observe(decky + "|" + at.peer_ip, extension);
        enumerating = seen.enumerating;
        if (seen.report) {
            auto e = make("enumeration", Severity::warning);
            e.add("transport", at.transport)
                .add("method", method)
                .add("count", seen.report->first)
                .add("extensions", json_list(seen.report->second))
                .add("user_agent", user_agent);
            o.events.push_back(std::move(e));
        }
    }
    if (!enumerating && !digest) {
        auto e = make("request", Severity::info);
        e.add("transport", at.transport)
            .add("method", m.method.substr(0, 32))
            .add("uri", m.uri.substr(0, 256))
            .add("from", header_or(m, "from"))
            .add("to", header_or(m, "to"))
            .add("extension", extension.substr(0, 64))
            .add("user_agent", user_agent)
            .add("status", code);
        o.events.push_back(std::move(e));
    }
    if (code) o.reply = reply(m, code, reason, st, at, extra);
    return o;
}

// ---- UDP ---------------------------------------------------------------------------------

void serve_udp(DatagramExchange& x) {
    const auto& st = x.context().settings_as<SipSettings>();
    const auto parsed = sip::parse(x.payload(), false);
    if (!parsed.message) {
        x.emit(x.event("parse_error", Severity::warning)
                   .add("transport", "udp")
                   .add("error", parsed.error)
                   .add("data", hex_prefix(x.payload(), 64)));
        return;
    }
    if (!parsed.message->request) return;  // a response (a scanner reflecting): nothing to say
    const Endpoint at{x.peer_ip(), x.peer_port(),
                      x.context().world ? x.context().world->ip : std::string(), "udp"};
    auto outcome = handle(
        *parsed.message, st, at, x.context().decky,
        [&x](std::string type, Severity severity) { return x.event(std::move(type), severity); });
    for (auto& e : outcome.events) x.emit(std::move(e));
    if (!outcome.reply.empty() && outcome.reply.size() <= kReplyFactor * x.payload().size())
        x.reply(std::move(outcome.reply));
}

// ---- TCP ---------------------------------------------------------------------------------

awaitable<void> serve_tcp(Session& s) {
    const auto& st = s.context().settings_as<SipSettings>();
    s.emit(s.event("connect"));
    const Endpoint at{s.peer_ip(), s.peer_port(), s.local_ip(), "tcp"};
    std::string buffer;
    for (;;) {
        auto parsed = sip::parse(buffer, true);
        if (!parsed.message && parsed.error.empty()) {
            // Keep-alive CRLFs (RFC 5626) between messages.
            while (buffer.starts_with("\r\n")) buffer.erase(0, 2);
            auto more = co_await s.read_some();
            if (!more) break;
            buffer += *more;
            continue;
        }
        if (!parsed.message) {
            s.emit(s.event("parse_error", Severity::warning)
                       .add("transport", "tcp")
                       .add("error", parsed.error)
                       .add("data", hex_prefix(buffer, 64)));
            break;
        }
        buffer.erase(0, parsed.consumed);
        if (!parsed.message->request) continue;
        auto outcome = handle(*parsed.message, st, at, s.context().decky,
                              [&s](std::string type, Severity severity) {
                                  return s.event(std::move(type), severity);
                              });
        for (auto& e : outcome.events) s.emit(std::move(e));
        if (!outcome.reply.empty()) {
            const bool written = co_await s.write(outcome.reply);
            if (!written) break;
        }
    }
    s.emit(s.event("disconnect"));
}

constexpr EventDecl kEvents[] = {
    {"connect", "src_ip src_port", "a TCP client connected"},
    {"request", "src_ip src_port transport method uri from to extension user_agent status",
     "a request and the status answered (not while the source is enumerating extensions)"},
    {"auth",
     "src_ip src_port transport method username password credential_type realm uri user_agent "
     "status",
     "a Digest answer to a challenge: password is John's $sip$ line (credential_type "
     "sip_digest)"},
    {"call", "src_ip src_port transport from to uri user_agent",
     "an authenticated INVITE: a call (toll fraud) attempt, answered 486 Busy Here"},
    {"enumeration", "src_ip src_port transport method count extensions user_agent",
     "one source tried many extensions (svwar): at 5 distinct, then each doubling; the first "
     "32 tried"},
    {"parse_error", "src_ip src_port transport error data",
     "not a SIP message (or a header flood); over TCP the session ends"},
    {"disconnect", "src_ip src_port", "the TCP session ended"},
};

}  // namespace

const ServiceModule& sip_module() {
    static const ServiceModule module{.slug = "sip",
                                      .configure = &configure,
                                      .serve = &serve_tcp,
                                      .datagram = &serve_udp,
                                      .events = kEvents};
    return module;
}

}  // namespace decnet::honeypot
