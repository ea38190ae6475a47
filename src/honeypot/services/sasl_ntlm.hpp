// SASL NTLM as the mail protocols carry it (SMTP AUTH NTLM, MS-SMTPNTLM; IMAP AUTHENTICATE
// NTLM, MS-OXIMAP; POP3 AUTH NTLM, MS-OXPOP3): base64 NTLMSSP tokens on continuation lines,
// NEGOTIATE in, CHALLENGE out, AUTHENTICATE in. The protocol module does the I/O with its
// own prompts; this does the tokens with the shared NtlmAcceptor and decides under the
// service's LoginPolicy.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "honeypot/auth/ntlm_acceptor.hpp"

namespace decnet {
struct Event;
}

namespace decnet::honeypot {

class LoginPolicy;

class SaslNtlm {
  public:
    // `windows`: the persona is a Windows product (Exchange) whatever the decky runs.
    SaslNtlm(const DeckyWorld* world, std::string_view hostname, bool windows);

    struct Step {
        enum class Kind { challenge, done, bad };
        Kind kind = Kind::bad;
        std::string challenge;  // base64, to send on the next continuation line
    };
    // One client line (base64 NTLMSSP): a NEGOTIATE gets the CHALLENGE, an AUTHENTICATE
    // finishes; anything else (not base64, not NTLMSSP, out of order) is bad.
    Step next(std::string_view line);

    // After `done`: the logon and the decision under `policy`.
    const std::optional<NtlmLogon>& logon() const { return acceptor_.logon(); }
    bool decide(LoginPolicy& policy, std::string_view peer_ip);
    // username, password (the hashcat line), credential_type, hashcat_mode, domain,
    // workstation, logon_type, client_version.
    void add_fields(Event& event) const;

  private:
    NtlmAcceptor acceptor_;
    bool challenged_ = false;
};

}  // namespace decnet::honeypot
