// The NTLM acceptor (see ntlm_acceptor.hpp).
#include "honeypot/auth/ntlm_acceptor.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <ctime>

#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/auth/login_policy.hpp"
#include "honeypot/auth/ntlm_crypto.hpp"
#include "honeypot/world/decky_world.hpp"
#include "wire/ber.hpp"
#include "wire/spnego.hpp"

namespace decnet::honeypot {
namespace {

namespace ntlm = wire::ntlm;
namespace spnego = wire::spnego;
using ntlm_crypto::Key16;

// Windows archetypes that stand in an Active Directory domain (as decky_world decides).
bool domain_archetype(std::string_view archetype) {
    return archetype == "domain-controller" || archetype == "windows-server" ||
           archetype == "windows-workstation";
}

std::uint64_t filetime_now() {
    return (static_cast<std::uint64_t>(std::time(nullptr)) + 11644473600ULL) * 10000000ULL;
}

// What a Windows or Samba server answers whatever the client asked for.
constexpr std::uint32_t kServerFlags = ntlm::kRequestTarget | ntlm::kNtlm | ntlm::kTargetInfo |
                                       ntlm::kExtendedSessionSecurity | ntlm::kVersion;
// What it echoes when the client asked.
constexpr std::uint32_t kEchoedFlags = ntlm::kSign | ntlm::kSeal | ntlm::kAlwaysSign | ntlm::k128 |
                                       ntlm::kKeyExchange | ntlm::k56 | ntlm::kIdentify;

Key16 md5(std::string_view data) {
    Key16 out{};
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_md5(), nullptr);
    return out;
}

std::string spnego_token(std::string_view raw_ntlm, spnego::NegState state, bool first) {
    spnego::Resp resp;
    resp.state = state;
    if (first) resp.supported_mech = std::string(spnego::kNtlmssp);
    resp.response_token = std::string(raw_ntlm);
    return spnego::build_resp(resp);
}

// The DER MechTypeList the client sent (re-encoded: DER is canonical).
std::string mech_list_der(const std::vector<std::string>& mechs) {
    std::string body;
    for (const auto& m : mechs)
        if (const auto oid = wire::ber::oid_from_string(m))
            body += wire::ber::tlv(wire::ber::kOid, wire::ber::oid_contents(*oid));
    return wire::ber::tlv(wire::ber::kSequence, body);
}

// The server's first NTLMSSP signature (MS-NLMP §3.4.4.2, extended session security with
// key exchange): what mechListMIC carries.
std::string ntlm_signature(const Key16& session_key, std::string_view message) {
    const std::string key(ntlm_crypto::view(session_key));
    const auto sign_key =
        md5(key + std::string("session key to server-to-client signing key magic constant\0", 59));
    const auto seal_key =
        md5(key + std::string("session key to server-to-client sealing key magic constant\0", 59));
    const std::string seq(4, '\0');
    const auto mac = ntlm_crypto::hmac_md5(ntlm_crypto::view(sign_key), seq + std::string(message));
    const auto sealed =
        ntlm_crypto::rc4(ntlm_crypto::view(seal_key),
                         std::string_view(reinterpret_cast<const char*>(mac.data()), 8));
    return std::string("\x01\0\0\0", 4) + sealed + seq;
}

}  // namespace

NtlmIdentity ntlm_identity(std::string_view hostname, std::string_view domain,
                           std::string_view archetype, bool windows) {
    NtlmIdentity id;
    const auto dot = hostname.find('.');
    const std::string shortname(hostname.substr(0, dot));
    id.nb_computer = ascii_upper(shortname).substr(0, 15);
    const std::string fqdn = domain.empty() ? shortname : shortname + "." + std::string(domain);
    if (!windows) {
        // Samba as a standalone server: its SAM is named after the host.
        id.samba = true;
        id.nb_domain = id.nb_computer;
        id.dns_computer = fqdn;
        id.dns_domain = std::string(domain);
        id.version = {6, 1, 0, 15};
        id.os_name = "Windows 6.1";
        id.lan_manager = "Samba 4.17.12-Debian";
        return id;
    }
    id.domain_member = domain_archetype(archetype) && !domain.empty();
    if (id.domain_member) {
        const auto label = domain.substr(0, domain.find('.'));
        id.nb_domain = ascii_upper(label).substr(0, 15);
        id.dns_computer = fqdn;
        id.dns_domain = std::string(domain);
        id.dns_forest = std::string(domain);
    } else {
        id.nb_domain = id.nb_computer;
        id.dns_computer = shortname;
        id.dns_domain = shortname;
    }
    if (archetype == "windows-workstation") {
        id.version = {10, 0, 19045, 15};
        id.os_name = "Windows 10 Pro 19045";
        id.lan_manager = "Windows 10 Pro 6.3";
    } else if (archetype == "domain-controller") {
        id.version = {10, 0, 20348, 15};
        id.os_name = "Windows Server 2022 Standard 20348";
        id.lan_manager = "Windows Server 2022 Standard 6.3";
    } else {
        id.version = {10, 0, 17763, 15};
        id.os_name = "Windows Server 2019 Standard 17763";
        id.lan_manager = "Windows Server 2019 Standard 6.3";
    }
    return id;
}

NtlmIdentity ntlm_identity(const DeckyWorld& world) {
    return ntlm_identity(world.hostname, world.domain, world.archetype,
                         world.os_family == "windows");
}

std::string_view to_string(NtlmLogon::Kind kind) {
    switch (kind) {
        case NtlmLogon::Kind::anonymous:
            return "anonymous";
        case NtlmLogon::Kind::guest:
            return "guest";
        case NtlmLogon::Kind::user:
            break;
    }
    return "user";
}

NtlmAcceptor::NtlmAcceptor(NtlmIdentity identity) : identity_(std::move(identity)) {}

std::optional<std::string> NtlmAcceptor::challenge(std::string_view negotiate) {
    const auto n = ntlm::parse_negotiate(negotiate);
    if (!n) return std::nullopt;
    ntlm::Challenge c;
    c.flags = kServerFlags | (n->flags & kEchoedFlags) |
              (n->flags & ntlm::kUnicode ? ntlm::kUnicode : ntlm::kOem) |
              (identity_.domain_member ? ntlm::kTargetTypeDomain : ntlm::kTargetTypeServer);
    c.target_name = identity_.nb_domain;
    RAND_bytes(c.server_challenge.data(), static_cast<int>(c.server_challenge.size()));
    c.target_info.nb_computer = identity_.nb_computer;
    c.target_info.nb_domain = identity_.nb_domain;
    c.target_info.dns_computer = identity_.dns_computer;
    c.target_info.dns_domain = identity_.dns_domain;
    c.target_info.dns_tree = identity_.dns_forest;
    c.target_info.timestamp = filetime_now();
    c.version = identity_.version;
    challenge_ = c.server_challenge;
    logon_.reset();
    return ntlm::build_challenge(c);
}

std::optional<NtlmLogon> NtlmAcceptor::authenticate(std::string_view message) {
    if (!challenge_) return std::nullopt;
    const auto a = ntlm::parse_authenticate(message);
    if (!a) return std::nullopt;
    NtlmLogon logon;
    logon.user = a->user;
    logon.domain = a->domain;
    logon.workstation = a->workstation;
    logon.server_challenge = *challenge_;
    logon.nt_response = a->nt_response;
    logon.lm_response = a->lm_response;
    logon.encrypted_session_key = a->session_key;
    logon.flags = a->flags;
    if (a->version) logon.client_version = a->version->text();
    if (a->user.empty() && a->nt_response.empty()) {
        logon.kind = NtlmLogon::Kind::anonymous;
    } else {
        logon.kind = iequals(a->user, "guest") ? NtlmLogon::Kind::guest : NtlmLogon::Kind::user;
        if (ntlm::is_v2(a->nt_response)) {
            logon.hash = ntlm::netntlmv2_line(a->user, a->domain, *challenge_, a->nt_response);
            logon.hashcat_mode = 5600;
            logon.credential_type = "netntlmv2";
            if (const auto blob = ntlm::parse_client_blob(a->nt_response))
                logon.spn = blob->info.target_name;
        } else if (a->nt_response.size() == 24) {
            logon.hash = ntlm::netntlmv1_line(a->user, a->domain, *challenge_, a->lm_response,
                                              a->nt_response);
            logon.hashcat_mode = 5500;
            logon.credential_type = "netntlmv1";
        }
    }
    logon_ = logon;
    return logon;
}

NtlmAcceptor::Reply NtlmAcceptor::spnego(std::string_view token) {
    using Status = Reply::Status;
    const auto raw_step = [this](std::string_view message) -> Reply {
        const auto type = ntlm::message_type(message);
        if (type == ntlm::MessageType::negotiate) {
            auto c = challenge(message);
            if (!c) return {};
            return {Status::more, std::move(*c)};
        }
        if (type == ntlm::MessageType::authenticate && authenticate(message))
            return {Status::done, {}};
        return {};
    };
    if (token.starts_with(std::string_view("NTLMSSP\0", 8))) {
        raw_ = true;
        return raw_step(token);
    }
    const auto parsed = spnego::parse(token);
    if (!parsed) return {};
    std::string_view inner;
    bool first = false;
    if (parsed->init) {
        mech_list_ = mech_list_der(parsed->init->mechs);
        first = true;
        inner = parsed->init->mech_token;
        const bool ntlm_first =
            !parsed->init->mechs.empty() && parsed->init->mechs.front() == spnego::kNtlmssp;
        bool offers_ntlm = false;
        for (const auto& m : parsed->init->mechs)
            offers_ntlm = offers_ntlm || m == spnego::kNtlmssp;
        if (!offers_ntlm) return {};
        if (!ntlm_first || inner.empty()) {
            // The optimistic token is for another mechanism (Kerberos): ask for NTLM.
            return {Status::more, spnego_token({}, spnego::NegState::accept_incomplete, true)};
        }
    } else {
        inner = parsed->resp->response_token;
    }
    auto reply = raw_step(inner);
    if (reply.status == Status::more)
        reply.token = spnego_token(reply.token, spnego::NegState::accept_incomplete, first);
    return reply;
}

std::string NtlmAcceptor::spnego_final(
    bool accepted, const std::optional<std::array<std::uint8_t, 16>>& session_key) const {
    if (raw_) return {};
    spnego::Resp resp;
    resp.state = accepted ? spnego::NegState::accept_completed : spnego::NegState::reject;
    if (accepted && session_key && !mech_list_.empty() && logon_ && (logon_->flags & ntlm::kSign))
        resp.mic = ntlm_signature(*session_key, mech_list_);
    return spnego::build_resp(resp);
}

std::string NtlmAcceptor::spnego_hints() const {
    spnego::Init init;
    if (!identity_.samba && identity_.domain_member)
        init.mechs = {std::string(spnego::kMsKerberos), std::string(spnego::kKerberos),
                      std::string(spnego::kNtlmssp)};
    else
        init.mechs = {std::string(spnego::kNtlmssp)};
    init.hint = "not_defined_in_RFC4178@please_ignore";
    return spnego::build_init(init);
}

std::optional<std::array<std::uint8_t, 16>> verify_ntlm_password(const NtlmLogon& logon,
                                                                 std::string_view password) {
    if (!ntlm::is_v2(logon.nt_response)) return std::nullopt;
    const std::string_view challenge(reinterpret_cast<const char*>(logon.server_challenge.data()),
                                     logon.server_challenge.size());
    const auto proof = std::string_view(logon.nt_response).substr(0, 16);
    const auto blob = std::string_view(logon.nt_response).substr(16);
    const auto nt = ntlm_crypto::nt_hash(password);
    for (const std::string_view domain : {std::string_view(logon.domain), std::string_view()}) {
        const auto key = ntlm_crypto::ntlmv2_response_key(nt, logon.user, domain);
        const auto expected = ntlm_crypto::ntproofstr(key, challenge, blob);
        if (ntlm_crypto::view(expected) != proof) continue;
        auto session = ntlm_crypto::hmac_md5(ntlm_crypto::view(key), proof);
        if ((logon.flags & ntlm::kKeyExchange) && logon.encrypted_session_key.size() == 16) {
            const auto exported =
                ntlm_crypto::rc4(ntlm_crypto::view(session), logon.encrypted_session_key);
            std::copy(exported.begin(), exported.end(), session.begin());
        }
        return session;
    }
    return std::nullopt;
}

NtlmDecision decide_ntlm(LoginPolicy& policy, std::string_view peer_ip, const NtlmLogon& logon,
                         const std::vector<std::pair<std::string, std::string>>& extra) {
    NtlmDecision d;
    if (logon.kind != NtlmLogon::Kind::user) return d;
    const auto mode = policy.options().mode;
    const auto match = [&](const std::vector<std::pair<std::string, std::string>>& list)
        -> const std::pair<std::string, std::string>* {
        for (const auto& entry : list) {
            if (!iequals(entry.first, logon.user)) continue;
            if (auto key = verify_ntlm_password(logon, entry.second)) {
                d.password = entry.second;
                d.session_key = key;
                return &entry;
            }
        }
        return nullptr;
    };
    if (const auto* entry = match(policy.options().logins)) {
        // The policy's own spelling of the user, so its list matches.
        d.accepted = policy.accepts(peer_ip, entry->first, entry->second);
    } else if (const auto* account = match(extra)) {
        // A decky account's real password counts as listed.
        d.accepted =
            mode == AcceptMode::list || policy.accepts(peer_ip, account->first, account->second);
    } else {
        d.accepted = policy.accepts(peer_ip, logon.user, "\x01" + logon.hash);
    }
    if (!d.accepted) d.session_key.reset();
    return d;
}

void add_ntlm_fields(Event& event, const NtlmLogon& logon) {
    event.credential(logon.user, logon.hash);
    if (!logon.credential_type.empty())
        event.add("credential_type", logon.credential_type).add("hashcat_mode", logon.hashcat_mode);
    event.add("domain", logon.domain)
        .add("workstation", logon.workstation)
        .add("logon_type", to_string(logon.kind));
    if (!logon.client_version.empty()) event.add("client_version", logon.client_version);
}

}  // namespace decnet::honeypot
