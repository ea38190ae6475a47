// NtlmAcceptor: the server side of one NTLM authentication, written once for every protocol
// that offers NTLM (smb now; rdp/CredSSP, http NTLM/Negotiate, smtp/imap AUTH NTLM, ldap).
// The CHALLENGE carries the decky's persona (NetBIOS and DNS names, domain, forest, the
// Windows build its archetype runs, or Samba's 6.1.0 on a Linux decky); the AUTHENTICATE
// becomes an NtlmLogon: user, domain, workstation, anonymous/guest/user, and the response
// as a hashcat line (NetNTLMv2: mode 5600, NetNTLMv1: 5500) — the bounty.
//
// What a protocol module calls:
//   const auto identity = ntlm_identity(*s.context().world);   // once per session
//   NtlmAcceptor ntlm(identity);                               // once per authentication
//   // SPNEGO-carrying protocols (SMB2 SESSION_SETUP, HTTP Negotiate, LDAP GSS-SPNEGO):
//   //   the hint list for an SMB negotiate response: ntlm.spnego_hints()
//   auto reply = ntlm.spnego(client_token);   // reply.status: more → send reply.token
//   //  and read the next token; done → ntlm.logon() is set; bad → refuse the token
//   // Raw NTLMSSP protocols (CredSSP's negoTokens, HTTP NTLM, SMTP AUTH NTLM, LDAP Sicily):
//   auto challenge = ntlm.challenge(negotiate);            // nullopt: not a NEGOTIATE
//   auto logon = ntlm.authenticate(authenticate_message);  // nullopt: malformed
//   // The decision, under the service's LoginPolicy (accept/logins persona keys):
//   const auto decision = decide_ntlm(policy, s.peer_ip(), *logon, extra_logins);
//   // SPNEGO's last leg: ntlm.spnego_final(decision.accepted, decision.session_key)
//   // The event: add_ntlm_fields(event, *logon) (username, password = the hashcat line,
//   // credential_type, hashcat_mode, domain, workstation, logon_type, client_version).
// decision.session_key is the ExportedSessionKey of an accepted NTLMv2 logon (the key SMB
// signing and sealing derive from); empty when the password is not known.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wire/ntlm.hpp"

namespace decnet {
struct Event;
}

namespace decnet::honeypot {

struct DeckyWorld;
class LoginPolicy;

// How a host names itself in NTLM (MS-NLMP §2.2.2.1), and what it claims to run.
struct NtlmIdentity {
    std::string nb_computer;   // NetBIOS computer name: FS01 (upper case, ≤ 15)
    std::string nb_domain;     // NetBIOS domain: CORP (a standalone host: its own name)
    std::string dns_computer;  // fs01.corp.local
    std::string dns_domain;    // corp.local
    std::string dns_forest;    // corp.local ("" for a standalone host)
    wire::ntlm::Version version;
    bool domain_member = false;  // target type domain (else server)
    bool samba = false;          // a Linux decky: Samba's NTLMSSP
    std::string os_name;         // "Windows 10 Pro 19045" / "Windows 6.1" (SMB1's NativeOS)
    std::string lan_manager;     // "Windows 10 Pro 6.3" / "Samba 4.17.12-Debian"
};

// The identity of a decky: its hostname and domain (world/decky_world), the Windows build
// of its archetype (workstation: Windows 10 22H2 19045; server: Server 2019 17763; domain
// controller: Server 2022 20348) or Samba on a Linux decky (version 6.1.0, as Samba says).
NtlmIdentity ntlm_identity(const DeckyWorld& world);
// The same from the parts (tests, and protocols without a world).
NtlmIdentity ntlm_identity(std::string_view hostname, std::string_view domain,
                           std::string_view archetype, bool windows);

struct NtlmLogon {
    enum class Kind { anonymous, guest, user };
    Kind kind = Kind::user;
    std::string user, domain, workstation;
    std::string hash;             // the hashcat line; "" for an anonymous logon
    int hashcat_mode = 0;         // 5600 (NetNTLMv2), 5500 (NetNTLMv1), 0 (none)
    std::string credential_type;  // "netntlmv2", "netntlmv1", "" (anonymous)
    std::string client_version;   // "10.0.19041" when the client sent its VERSION
    std::string spn;              // the service the client meant (MsvAvTargetName), if sent
    // What verify_ntlm_password needs.
    std::array<std::uint8_t, 8> server_challenge{};
    std::string nt_response, lm_response, encrypted_session_key;
    std::uint32_t flags = 0;
};
std::string_view to_string(NtlmLogon::Kind kind);  // "anonymous", "guest", "user"

class NtlmAcceptor {
  public:
    explicit NtlmAcceptor(NtlmIdentity identity);

    // Raw NTLMSSP: the CHALLENGE for a NEGOTIATE (nullopt when it is not one).
    std::optional<std::string> challenge(std::string_view negotiate);
    // Raw NTLMSSP: the logon of an AUTHENTICATE answering our CHALLENGE (nullopt when
    // malformed or sent before a CHALLENGE).
    std::optional<NtlmLogon> authenticate(std::string_view authenticate);

    // SPNEGO (or raw NTLMSSP inside it, as some clients send): one client token in.
    struct Reply {
        enum class Status { more, done, bad };
        Status status = Status::bad;
        std::string token;  // more: the server's token to send
    };
    Reply spnego(std::string_view token);
    // The last server token once the decision is made (accept-completed or reject).
    // With the session key of an accepted logon it carries the mechListMIC clients check.
    std::string spnego_final(
        bool accepted, const std::optional<std::array<std::uint8_t, 16>>& session_key = {}) const;
    // The negTokenInit2 a server puts in an SMB NEGOTIATE response (its mechanisms).
    std::string spnego_hints() const;

    const std::optional<NtlmLogon>& logon() const { return logon_; }
    const NtlmIdentity& identity() const { return identity_; }

  private:
    NtlmIdentity identity_;
    std::optional<std::array<std::uint8_t, 8>> challenge_;
    std::optional<NtlmLogon> logon_;
    bool raw_ = false;       // the client sent bare NTLMSSP: answer bare
    std::string mech_list_;  // the client's MechTypeList (DER), what mechListMIC signs
};

// The ExportedSessionKey when `logon`'s NTLMv2 response was computed from `password`
// (with the logon's own user and domain, or an empty domain), else nullopt.
std::optional<std::array<std::uint8_t, 16>> verify_ntlm_password(const NtlmLogon& logon,
                                                                 std::string_view password);

struct NtlmDecision {
    bool accepted = false;
    std::string password;  // the known password the response matched ("" when none)
    std::optional<std::array<std::uint8_t, 16>> session_key;
};
// Does the policy let `logon` in? A password from the policy's list (users compared without
// case, as Windows does) or from `extra` (e.g. the decky's own accounts) whose response
// matches is the credential; an unknown response is a credential no list holds (`any` and
// `after:N` still let it in). Anonymous and guest logons are refused here; a protocol that
// allows them (smb's null session on IPC$) decides so itself.
NtlmDecision decide_ntlm(LoginPolicy& policy, std::string_view peer_ip, const NtlmLogon& logon,
                         const std::vector<std::pair<std::string, std::string>>& extra = {});

// username, password (the hashcat line), credential_type, hashcat_mode, domain, workstation,
// logon_type, client_version (only those with a value).
void add_ntlm_fields(Event& event, const NtlmLogon& logon);

}  // namespace decnet::honeypot
