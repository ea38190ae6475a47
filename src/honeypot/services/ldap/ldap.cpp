// ldap: an LDAPv3 directory as Active Directory (Windows archetypes) or OpenLDAP publishes
// it (services.md §2.14, with its defects fixed): every request decoded (wire/ldap), the
// rootDSE of the persona product, simple binds captured and decided by the persona's login
// policy (anonymous and unauthenticated binds told apart), SASL CRAM-MD5 captured as a
// crackable hash, searches answered from a directory consistent with the decky's domain
// (ldap_directory) with size limits and paged results, writes captured and refused, the
// StartTLS and WhoAmI extended operations. 636 is the same dialogue under implicit TLS.
#include <openssl/rand.h>

#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <array>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "core/base64.hpp"
#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/auth/login_policy.hpp"
#include "honeypot/auth/ntlm_acceptor.hpp"
#include "honeypot/services/ldap/ldap_directory.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/decky_world.hpp"
#include "wire/ldap.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot {
namespace {

using boost::asio::awaitable;
namespace wl = wire::ldap;
using wl::Op;
namespace rc = wl::result;

constexpr std::size_t kMaxMessage = 256 * 1024;
constexpr std::size_t kLoggedAttributes = 16;
constexpr std::int64_t kServerSizeLimitAd = 1000, kServerSizeLimitOpenldap = 500;

struct LdapSettings : ServiceSettings {
    bool active_directory = false;
    std::shared_ptr<LoginPolicy> policy;
};

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    auto settings = std::make_shared<LdapSettings>();
    static constexpr std::array<std::string_view, 3> kProducts = {"", "active_directory",
                                                                  "openldap"};
    const auto product = persona.choice("product", kProducts);
    settings->active_directory =
        product.empty() ? persona.decky().nmap_os == "windows" : product == "active_directory";
    settings->policy = read_login_policy(persona);
    return settings;
}

// What one connection knows.
struct Connection {
    const LdapSettings& settings;
    std::optional<ldap::Directory> directory;  // built on first use
    std::string bound_dn;                      // "" while anonymous
    std::string bound_account;                 // sAMAccountName / uid of the bound DN
    std::string cram_challenge;                // a CRAM-MD5 bind in progress
    std::unique_ptr<NtlmAcceptor> ntlm;        // a GSS-SPNEGO (NTLM) bind in progress

    const ldap::Directory& dir(const Session& s) {
        if (!directory)
            directory = ldap::make_directory(*s.context().world, settings.active_directory,
                                             std::time(nullptr));
        return *directory;
    }
};

// AD's diagnostic messages end with a NUL, as Windows sends them.
std::string ad_text(std::string_view text) {
    return std::string(text) + std::string(1, '\0');
}

// The account a bind name names: cn=/uid= of a DN, DOMAIN\user, user@domain, or as is.
std::string account_of(std::string_view name) {
    if (const auto slash = name.find('\\'); slash != std::string_view::npos)
        return ascii_lower(name.substr(slash + 1));
    if (const auto at = name.find('@'); at != std::string_view::npos && name.find('=') == name.npos)
        return ascii_lower(name.substr(0, at));
    const auto eq = name.find('=');
    if (eq == std::string_view::npos) return ascii_lower(name);
    const auto rdn = trim(name.substr(eq + 1, name.find(',') - eq - 1));
    return ascii_lower(rdn);
}

// By value: the coroutine frame owns what it sends (no temporary lives across the write).
awaitable<bool> send(Session& s, std::int64_t id, std::string op,
                     std::vector<wl::Control> controls = {}) {
    const auto bytes = wl::message(id, op, controls);
    co_return co_await s.write(bytes);
}

// ---- Bind --------------------------------------------------------------------------------

std::string random_token() {
    unsigned char bytes[8];
    RAND_bytes(bytes, sizeof bytes);
    std::uint64_t v = 0;
    for (const auto b : bytes) v = (v << 8) | b;
    return std::to_string(v % 10000000000ULL);
}

// The bound entry's DN and account, when the name names one.
void remember_bind(Connection& c, const Session& s, const std::string& name,
                   const std::string& account) {
    const auto& dir = c.dir(s);
    c.bound_account = account;
    c.bound_dn = name;
    for (const auto& e : dir.entries) {
        const auto* sam = e.find(dir.active_directory ? "sAMAccountName" : "uid");
        if (sam && !sam->empty() && iequals((*sam)[0], account)) {
            c.bound_dn = e.dn;
            c.bound_account = (*sam)[0];
            return;
        }
    }
}

bool accepted(Connection& c, const Session& s, const std::string& account,
              const std::string& password) {
    // A person of the decky's own /etc/passwd logs in with the bait password its files leak.
    if (const auto* world = s.context().world)
        if (const auto* u = world->accounts.find(account); u && u->person && !u->password.empty())
            if (u->password == password) return true;
    return c.settings.policy->accepts(s.peer_ip(), account, password);
}

awaitable<bool> simple_bind(Session& s, Connection& c, const wl::Message& m) {
    const auto& b = m.bind;
    const bool ad = c.settings.active_directory;
    auto event = s.event("bind")
                     .add("dn", b.name)
                     .add("mechanism", "simple")
                     .add("tls", Event::python_bool(s.tls_active()))
                     .add("version", b.version);
    if (b.name.empty() && b.password.empty()) {
        c.bound_dn.clear();
        c.bound_account.clear();
        s.emit(std::move(event.add("status", "anonymous")));
        co_return co_await send(s, m.id, wl::result_op(Op::bind_response, rc::success, "", ""));
    }
    if (b.password.empty()) {
        // RFC 4513 §5.1.2 unauthenticated bind: AD treats it as anonymous, OpenLDAP refuses.
        s.emit(std::move(event.add("status", ad ? "anonymous" : "unauthenticated")));
        if (ad) {
            c.bound_dn.clear();
            co_return co_await send(s, m.id, wl::result_op(Op::bind_response, rc::success, "", ""));
        }
        co_return co_await send(
            s, m.id,
            wl::result_op(Op::bind_response, rc::unwilling_to_perform, "",
                          "unauthenticated bind (DN with no password) disallowed"));
    }
    const auto account = account_of(b.name);
    const bool ok = accepted(c, s, account, b.password);
    event.credential(b.name, b.password)
        .add("credential_type", "cleartext")
        .add("status", ok ? "success" : "failed");
    s.emit(std::move(event));
    if (ok) {
        remember_bind(c, s, b.name, account);
        co_return co_await send(s, m.id, wl::result_op(Op::bind_response, rc::success, "", ""));
    }
    c.bound_dn.clear();
    c.bound_account.clear();
    const std::string diagnostic =
        ad ? ad_text(
                 "80090308: LdapErr: DSID-0C090439, comment: AcceptSecurityContext error, "
                 "data 52e, v4563")
           : "";
    co_return co_await send(
        s, m.id, wl::result_op(Op::bind_response, rc::invalid_credentials, "", diagnostic));
}

// The NTLM logon decided and logged, as both NTLM bind forms end.
NtlmDecision decide(Session& s, Connection& c, const NtlmLogon& logon, Event event) {
    std::vector<std::pair<std::string, std::string>> people;
    for (const auto& u : s.context().world->accounts.users)
        if (u.person && !u.password.empty()) people.emplace_back(u.name, u.password);
    auto decision = decide_ntlm(*c.settings.policy, s.peer_ip(), logon, people);
    add_ntlm_fields(event, logon);
    s.emit(std::move(event.add("status", decision.accepted ? "success" : "failed")));
    if (decision.accepted) {
        remember_bind(c, s, logon.user, ascii_lower(logon.user));
    } else {
        c.bound_dn.clear();
        c.bound_account.clear();
    }
    return decision;
}

// GSS-SPNEGO with NTLM inside (what Windows clients, ldapdomaindump and impacket use): the
// shared NTLM acceptor answers each leg; the AUTHENTICATE is captured as a hashcat line and
// decided by the login policy (plus the decky's own people with their bait passwords).
// A client that then negotiates SASL signing or sealing is not followed further: its wrapped
// requests end the session as protocol errors, after the capture.
awaitable<bool> spnego_bind(Session& s, Connection& c, const wl::Message& m, Event event) {
    if (!c.ntlm) c.ntlm = std::make_unique<NtlmAcceptor>(ntlm_identity(*s.context().world));
    const auto reply = c.ntlm->spnego(m.bind.credentials.value_or(""));
    if (reply.status == NtlmAcceptor::Reply::Status::more) {
        auto op = wl::result_op(Op::bind_response, rc::sasl_bind_in_progress, "", "",
                                wl::sasl_credentials(reply.token));
        const bool sent = co_await send(s, m.id, std::move(op));
        co_return sent;
    }
    const auto refused = ad_text(
        "80090308: LdapErr: DSID-0C0904DC, comment: AcceptSecurityContext error, data 52e, "
        "v4563");
    if (reply.status == NtlmAcceptor::Reply::Status::bad || !c.ntlm->logon()) {
        c.ntlm.reset();
        if (m.bind.credentials) event.add("data", hex_prefix(*m.bind.credentials, 64));
        s.emit(std::move(event.add("status", "failed")));
        auto op = wl::result_op(Op::bind_response, rc::invalid_credentials, "", refused);
        const bool sent = co_await send(s, m.id, std::move(op));
        co_return sent;
    }
    const auto logon = *c.ntlm->logon();
    const auto decision = decide(s, c, logon, std::move(event));
    const auto final_token = c.ntlm->spnego_final(decision.accepted, decision.session_key);
    c.ntlm.reset();
    if (decision.accepted) {
        auto op = wl::result_op(Op::bind_response, rc::success, "", "",
                                wl::sasl_credentials(final_token));
        const bool sent = co_await send(s, m.id, std::move(op));
        co_return sent;
    }
    auto op = wl::result_op(Op::bind_response, rc::invalid_credentials, "", refused);
    const bool sent = co_await send(s, m.id, std::move(op));
    co_return sent;
}

// Sicily: package discovery answers "NTLM" in matchedDN, the negotiate gets the CHALLENGE in
// matchedDN, the response is decided.
awaitable<bool> sicily_bind(Session& s, Connection& c, const wl::Message& m, Event event) {
    const auto refused = ad_text(
        "80090308: LdapErr: DSID-0C0904DC, comment: AcceptSecurityContext error, data 52e, "
        "v4563");
    std::string op;
    if (m.bind.sicily == 9) {
        op = wl::result_op(Op::bind_response, rc::success, "NTLM", "");
    } else if (m.bind.sicily == 10) {
        c.ntlm = std::make_unique<NtlmAcceptor>(ntlm_identity(*s.context().world));
        const auto challenge = c.ntlm->challenge(m.bind.credentials.value_or(""));
        op = challenge ? wl::result_op(Op::bind_response, rc::success, *challenge, "")
                       : wl::result_op(Op::bind_response, rc::invalid_credentials, "", refused);
    } else {
        std::optional<NtlmLogon> logon;
        if (c.ntlm) logon = c.ntlm->authenticate(m.bind.credentials.value_or(""));
        c.ntlm.reset();
        bool accepted = false;
        if (logon) {
            accepted = decide(s, c, *logon, std::move(event)).accepted;
        } else {
            s.emit(std::move(event.add("status", "failed")));
        }
        op = wl::result_op(Op::bind_response, accepted ? rc::success : rc::invalid_credentials, "",
                           accepted ? std::string() : refused);
    }
    const bool sent = co_await send(s, m.id, std::move(op));
    co_return sent;
}

awaitable<bool> sasl_bind(Session& s, Connection& c, const wl::Message& m) {
    const auto& b = m.bind;
    const bool ad = c.settings.active_directory;
    const auto mechanism = ascii_upper(b.mechanism);
    auto event = s.event("bind")
                     .add("dn", b.name)
                     .add("mechanism", mechanism)
                     .add("tls", Event::python_bool(s.tls_active()))
                     .add("version", b.version);
    if (!ad && mechanism == "CRAM-MD5") {
        if (c.cram_challenge.empty() || !b.credentials) {
            // RFC 2195: the server's challenge, a message-id-like string.
            c.cram_challenge = "<" + random_token() + "." + std::to_string(std::time(nullptr)) +
                               "@" + s.context().hostname + ">";
            co_return co_await send(s, m.id,
                                    wl::result_op(Op::bind_response, rc::sasl_bind_in_progress, "",
                                                  "", wl::sasl_credentials(c.cram_challenge)));
        }
        // "user hexdigest": hashcat 16400's $cram_md5$<challenge b64>$<response b64>.
        const std::string response = *b.credentials;
        const auto space = response.rfind(' ');
        const std::string user = space == std::string::npos ? response : response.substr(0, space);
        event
            .credential(user, "$cram_md5$" + base64_encode(c.cram_challenge) + "$" +
                                  base64_encode(response))
            .add("credential_type", "cram_md5")
            .add("status", "failed");
        s.emit(std::move(event));
        c.cram_challenge.clear();
        co_return co_await send(s, m.id,
                                wl::result_op(Op::bind_response, rc::invalid_credentials, "",
                                              "SASL(-13): authentication failure: incorrect "
                                              "digest response"));
    }
    if (ad && m.bind.sicily && s.context().world) {
        const bool sent = co_await sicily_bind(s, c, m, std::move(event));
        co_return sent;
    }
    if (ad && mechanism == "GSS-SPNEGO" && s.context().world) {
        const bool sent = co_await spnego_bind(s, c, m, std::move(event));
        co_return sent;
    }
    const bool listed = ad ? (mechanism == "GSSAPI" || mechanism == "GSS-SPNEGO" ||
                              mechanism == "EXTERNAL" || mechanism == "DIGEST-MD5")
                           : mechanism == "DIGEST-MD5";
    if (b.credentials) event.add("data", hex_prefix(*b.credentials, 64));
    s.emit(std::move(event.add("status", listed ? "failed" : "unsupported")));
    if (listed)
        co_return co_await send(
            s, m.id,
            wl::result_op(Op::bind_response, rc::invalid_credentials, "",
                          ad ? ad_text("80090308: LdapErr: DSID-0C0904DC, comment: "
                                       "AcceptSecurityContext error, data 57, v4563")
                             : "SASL(-13): authentication failure: client response doesn't "
                               "match what we generated"));
    co_return co_await send(
        s, m.id,
        wl::result_op(Op::bind_response, rc::auth_method_not_supported, "",
                      ad ? ad_text("00002027: LdapErr: DSID-0C0905C4, comment: Unknown "
                                   "authentication mechanism, data 0, v4563")
                         : "SASL(-4): no mechanism available: "));
}

awaitable<bool> bind(Session& s, Connection& c, const wl::Message& m) {
    if (m.bind.version != 3 && !(c.settings.active_directory && m.bind.version == 2)) {
        s.emit(s.event("bind")
                   .add("dn", m.bind.name)
                   .add("mechanism", m.bind.simple ? "simple" : ascii_upper(m.bind.mechanism))
                   .add("tls", Event::python_bool(s.tls_active()))
                   .add("version", m.bind.version)
                   .add("status", "refused_version"));
        co_return co_await send(s, m.id,
                                wl::result_op(Op::bind_response, rc::protocol_error, "",
                                              "historical protocol version requested, use "
                                              "LDAPv3 instead"));
    }
    if (m.bind.simple) {
        const bool sent = co_await simple_bind(s, c, m);
        co_return sent;
    }
    const bool sent = co_await sasl_bind(s, c, m);
    co_return sent;
}

// ---- Search ------------------------------------------------------------------------------

std::string_view scope_name(std::int64_t scope) {
    return scope == 0 ? "base" : scope == 1 ? "one" : "sub";
}

// What a search is after, as an analyst names it.
std::string recon_tag(const std::string& filter) {
    const auto f = ascii_lower(filter);
    if (f.find("serviceprincipalname") != std::string::npos) return "kerberoast";
    if (f.find("4194304") != std::string::npos) return "asreproast";
    if (f.find("admincount") != std::string::npos || f.find("domain admins") != std::string::npos)
        return "privileged_accounts";
    if (f.find("objectcategory=computer") != std::string::npos ||
        f.find("objectclass=computer") != std::string::npos)
        return "computers";
    if (f.find("objectclass=group") != std::string::npos) return "groups";
    if (f.find("objectclass=user") != std::string::npos ||
        f.find("objectcategory=person") != std::string::npos ||
        f.find("samaccounttype=805306368") != std::string::npos)
        return "users";
    return "";
}

awaitable<bool> search(Session& s, Connection& c, const wl::Message& m) {
    const auto& q = m.search;
    const bool ad = c.settings.active_directory;
    const auto filter = wl::filter_to_string(q.filter);
    std::vector<std::string> logged(
        q.attributes.begin(), q.attributes.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                         q.attributes.size(), kLoggedAttributes)));
    auto event = s.event("search")
                     .add("base", q.base)
                     .add("scope", scope_name(q.scope))
                     .add("filter", filter)
                     .add("attributes", json_list(logged))
                     .add("bound", c.bound_dn.empty() ? "anonymous" : c.bound_dn);
    if (const auto tag = recon_tag(filter); !tag.empty()) event.add("recon", tag);
    const auto& dir = c.dir(s);

    // The rootDSE: readable by anyone.
    if (q.base.empty() && q.scope == 0) {
        bool sent = true;
        if (ldap::matches(q.filter, dir.root_dse)) {
            const auto attributes = ldap::select(dir.root_dse, q.attributes);
            sent = co_await send(s, m.id, wl::search_entry_op("", attributes, q.types_only));
        }
        s.emit(std::move(event.add("entries", 1).add("status", "success")));
        if (!sent) co_return false;
        co_return co_await send(s, m.id, wl::result_op(Op::search_done, rc::success, "", ""));
    }
    if (ad && c.bound_dn.empty()) {
        s.emit(std::move(event.add("entries", 0).add("status", "bind_required")));
        co_return co_await send(
            s, m.id,
            wl::result_op(Op::search_done, rc::operations_error, "",
                          ad_text("000004DC: LdapErr: DSID-0C090A69, comment: In order to "
                                  "perform this operation a successful bind must be completed "
                                  "on the connection., data 0, v4563")));
    }
    const auto base = ldap::normalize_dn(q.base);
    if (base.empty() || !dir.find(q.base)) {
        s.emit(std::move(event.add("entries", 0).add("status", "no_such_object")));
        const auto matched = q.base.empty() ? std::string() : dir.best_match(q.base);
        const auto diagnostic =
            ad ? ad_text(
                     "0000208D: NameErr: DSID-0310028B, problem 2001 (NO_OBJECT), data 0, "
                     "best match of:\n\t'" +
                     matched + "'\n")
               : "";
        co_return co_await send(
            s, m.id, wl::result_op(Op::search_done, rc::no_such_object, matched, diagnostic));
    }

    std::vector<const ldap::Entry*> found;
    for (const auto& e : dir.entries)
        if (ldap::in_scope(e, base, q.scope) && ldap::matches(q.filter, e)) found.push_back(&e);

    // Paged results: the cookie is the offset of the next page.
    std::optional<std::pair<std::int64_t, std::string>> paged;
    for (const auto& control : m.controls)
        if (control.oid == wl::kPagedResultsOid && control.value)
            paged = wl::parse_paged_results(*control.value);
    std::size_t first = 0, count = found.size();
    int code = rc::success;
    std::vector<wl::Control> reply_controls;
    if (paged) {
        std::size_t offset = 0;
        for (const char ch : paged->second)
            if (ch >= '0' && ch <= '9' && offset < found.size()) offset = offset * 10 + (ch - '0');
        first = std::min(offset, found.size());
        const auto page = static_cast<std::size_t>(std::clamp<std::int64_t>(
            paged->first, 1, ad ? kServerSizeLimitAd : kServerSizeLimitOpenldap));
        count = std::min(page, found.size() - first);
        const bool more = first + count < found.size();
        reply_controls.push_back(
            {std::string(wl::kPagedResultsOid), false,
             wl::paged_results_value(0, more ? std::to_string(first + count) : std::string())});
    } else {
        const std::int64_t server_limit = ad ? kServerSizeLimitAd : kServerSizeLimitOpenldap;
        const std::int64_t limit =
            q.size_limit > 0 ? std::min(q.size_limit, server_limit) : server_limit;
        if (static_cast<std::int64_t>(count) > limit) {
            count = static_cast<std::size_t>(limit);
            code = rc::size_limit_exceeded;
        }
    }
    std::string out;
    for (std::size_t i = first; i < first + count; ++i)
        out += wl::message(
            m.id,
            wl::search_entry_op(found[i]->dn, ldap::select(*found[i], q.attributes), q.types_only));
    s.emit(std::move(
        event.add("entries", count).add("status", code == rc::success ? "success" : "size_limit")));
    if (!out.empty()) {
        const bool written = co_await s.write(out);
        if (!written) co_return false;
    }
    std::string diagnostic;
    if (code == rc::size_limit_exceeded && ad) diagnostic = ad_text("");
    auto done = wl::result_op(Op::search_done, code, "", diagnostic);
    const bool sent = co_await send(s, m.id, std::move(done), std::move(reply_controls));
    co_return sent;
}

// ---- Writes, compare, extended -----------------------------------------------------------

awaitable<bool> refuse_write(Session& s, Connection& c, const wl::Message& m) {
    std::vector<std::string> attributes;
    std::string_view op = "modify";
    Op response = Op::modify_response;
    switch (m.op) {
        case Op::modify_request:
            for (const auto& ch : m.changes)
                attributes.push_back(std::string(ch.operation == 0   ? "add:"
                                                 : ch.operation == 1 ? "delete:"
                                                                     : "replace:") +
                                     ch.attribute.first);
            break;
        case Op::add_request:
            op = "add";
            response = Op::add_response;
            for (const auto& a : m.attributes) attributes.push_back(a.first);
            break;
        case Op::del_request:
            op = "delete";
            response = Op::del_response;
            break;
        default:
            op = "modify_dn";
            response = Op::modify_dn_response;
            attributes.push_back(m.new_rdn);
            break;
    }
    if (attributes.size() > kLoggedAttributes) attributes.resize(kLoggedAttributes);
    s.emit(s.event("write", Severity::warning)
               .add("op", op)
               .add("dn", m.dn)
               .add("attributes", json_list(attributes))
               .add("bound", c.bound_dn.empty() ? "anonymous" : c.bound_dn));
    const auto diagnostic =
        c.settings.active_directory
            ? ad_text(
                  "00002098: SecErr: DSID-03150F94, problem 4003 (INSUFF_ACCESS_RIGHTS), "
                  "data 0\n")
            : std::string(op == "modify" ? "no write access to entry"
                                         : "no write access to parent");
    co_return co_await send(
        s, m.id, wl::result_op(response, rc::insufficient_access_rights, "", diagnostic));
}

awaitable<bool> compare(Session& s, Connection& c, const wl::Message& m) {
    const auto& dir = c.dir(s);
    const auto* entry = dir.find(m.dn);
    s.emit(s.event("compare").add("dn", m.dn).add("attribute", m.assertion.first));
    int code = rc::no_such_object;
    if (entry && !(c.settings.active_directory && c.bound_dn.empty())) {
        wl::Filter f;
        f.kind = wl::Filter::Kind::equality;
        f.attribute = m.assertion.first;
        f.value = m.assertion.second.empty() ? "" : m.assertion.second[0];
        code = ldap::matches(f, *entry) ? rc::compare_true : rc::compare_false;
    } else if (entry) {
        code = rc::operations_error;
    }
    co_return co_await send(s, m.id, wl::result_op(Op::compare_response, code, "", ""));
}

// The authorization identity WhoAmI reports ("" for anonymous).
std::string authzid(const Session& s, Connection& c) {
    if (c.bound_dn.empty()) return "";
    if (c.settings.active_directory) return "u:" + c.dir(s).netbios + "\\" + c.bound_account;
    return "dn:" + c.bound_dn;
}

enum class Next { go_on, end };

awaitable<Next> extended(Session& s, Connection& c, const wl::Message& m) {
    const auto& oid = m.extended_name;
    const bool ad = c.settings.active_directory;
    auto event = s.event("extended").add("oid", oid);
    if (oid == wl::kStartTlsOid) {
        if (s.tls_active()) {
            s.emit(std::move(event.add("name", "starttls").add("status", "already_tls")));
            const bool sent =
                co_await send(s, m.id,
                              wl::extended_response_op(rc::operations_error, "TLS already started",
                                                       oid, std::nullopt));
            co_return sent ? Next::go_on : Next::end;
        }
        s.emit(std::move(event.add("name", "starttls").add("status", "success")));
        if (!co_await send(s, m.id, wl::extended_response_op(rc::success, "", oid, std::nullopt)))
            co_return Next::end;
        const bool started = co_await s.start_tls();
        if (!started) {
            if (!s.tls_error().empty())
                s.emit(s.event("tls_error", Severity::warning)
                           .add("dst_port", 389)
                           .add("error", s.tls_error()));
            co_return Next::end;
        }
        co_return Next::go_on;
    }
    if (oid == wl::kWhoAmIOid) {
        const auto id = authzid(s, c);
        s.emit(std::move(event.add("name", "whoami").add("status", "success")));
        const bool sent = co_await send(s, m.id, wl::extended_response_op(rc::success, "", "", id));
        co_return sent ? Next::go_on : Next::end;
    }
    s.emit(std::move(event.add("name", oid == "1.3.6.1.4.1.4203.1.11.1" ? "password_modify" : "")
                         .add("status", "unsupported")));
    const auto diagnostic =
        ad ? ad_text(
                 "0000203D: LdapErr: DSID-0C090D6E, comment: Unknown extended request OID, "
                 "data 0, v4563")
           : std::string("unsupported extended operation");
    const bool sent = co_await send(
        s, m.id, wl::extended_response_op(rc::protocol_error, diagnostic, "", std::nullopt));
    co_return sent ? Next::go_on : Next::end;
}

awaitable<Next> dispatch(Session& s, Connection& c, const wl::Message& m) {
    bool sent = true;
    switch (m.op) {
        case Op::unbind_request:
            co_return Next::end;
        case Op::abandon_request:
            co_return Next::go_on;
        case Op::bind_request:
            sent = co_await bind(s, c, m);
            break;
        case Op::search_request:
            sent = co_await search(s, c, m);
            break;
        case Op::modify_request:
        case Op::add_request:
        case Op::del_request:
        case Op::modify_dn_request:
            sent = co_await refuse_write(s, c, m);
            break;
        case Op::compare_request:
            sent = co_await compare(s, c, m);
            break;
        case Op::extended_request: {
            const auto next = co_await extended(s, c, m);
            co_return next;
        }
        default:
            break;
    }
    co_return sent ? Next::go_on : Next::end;
}

awaitable<void> serve_ldap(Session& s) {
    Connection c{s.context().settings_as<LdapSettings>(), {}, {}, {}, {}, {}};
    s.emit(s.event("connect").add("tls", Event::python_bool(s.tls_active())));
    std::string buffer;
    for (;;) {
        const auto f = wl::frame(buffer, kMaxMessage);
        if (f.status == wl::Frame::Status::need_more) {
            auto more = co_await s.read_some();
            if (!more) break;
            buffer += *more;
            continue;
        }
        std::string_view bytes(buffer);
        std::optional<wl::Message> message;
        std::string error = f.error;
        std::int64_t id = 0;
        if (f.status == wl::Frame::Status::complete) {
            auto parsed = wl::parse_message(bytes.substr(0, f.size));
            message = std::move(parsed.message);
            error = parsed.error;
            id = parsed.id;
        }
        if (!message) {
            // Both servers answer an undecodable PDU with a Notice of Disconnection.
            s.emit(s.event("protocol_error", Severity::warning)
                       .add("error", error)
                       .add("data", hex_prefix(bytes, 64)));
            (void)id;
            co_await send(s, 0,
                          wl::extended_response_op(rc::protocol_error, "decoding error",
                                                   "1.3.6.1.4.1.1466.20036", std::nullopt));
            break;
        }
        buffer.erase(0, f.size);
        const auto next = co_await dispatch(s, c, *message);
        if (next == Next::end) break;
        // StartTLS discards what was pipelined behind it (Session::start_tls).
        if (message->op == Op::extended_request && message->extended_name == wl::kStartTlsOid)
            buffer.clear();
    }
    s.emit(s.event("disconnect"));
}

constexpr EventDecl kEvents[] = {
    {"connect", "src_ip src_port tls", "a client connected (tls: on the implicit-TLS port 636)"},
    {"bind",
     "src_ip src_port dn mechanism tls version username? password? credential_type? hashcat_mode? "
     "domain? workstation? logon_type? client_version? data? status",
     "a bind: simple (cleartext credential), anonymous, unauthenticated (a DN without password), "
     "GSS-SPNEGO with NTLM on AD (the NetNTLMv2/v1 hashcat line, 5600/5500), "
     "SASL CRAM-MD5 (hashcat 16400 $cram_md5$), other SASL mechanisms (first bytes in data)"},
    {"search", "src_ip src_port base scope filter attributes bound recon? entries status",
     "a search: RFC 4515 filter, what it is after (recon: kerberoast, asreproast, "
     "privileged_accounts, users, groups, computers) and how many entries it got"},
    {"compare", "src_ip src_port dn attribute", "a compare request"},
    {"write", "src_ip src_port op dn attributes bound",
     "modify, add, delete or modify DN, refused with insufficientAccessRights"},
    {"extended", "src_ip src_port oid name status", "an extended operation (starttls, whoami, …)"},
    {"tls_error", "src_ip src_port dst_port error", "the TLS handshake after StartTLS failed"},
    {"protocol_error", "src_ip src_port error data",
     "not an LDAPv3 request (bad BER, length lie, too deep a filter); the session ends"},
    {"disconnect", "src_ip src_port", "the session ended"},
};

}  // namespace

const ServiceModule& ldap_module() {
    static const ServiceModule module{
        .slug = "ldap", .configure = &configure, .serve = &serve_ldap, .events = kEvents};
    return module;
}

}  // namespace decnet::honeypot
