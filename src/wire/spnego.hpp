// SPNEGO (RFC 4178) as SMB, HTTP Negotiate, LDAP SASL GSS-SPNEGO and CredSSP carry NTLMSSP:
// the GSS-API wrapped NegTokenInit (a server's hint list, a client's first token) and the
// NegTokenResp of the later legs, over the shared BER codec. No Boost, no I/O.
// Bounds: those of ber.hpp, at most kMaxMechs mechanisms in a list.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::wire::spnego {

constexpr std::size_t kMaxMechs = 16;

// Mechanism OIDs, dotted.
inline constexpr std::string_view kSpnego = "1.3.6.1.5.5.2";
inline constexpr std::string_view kNtlmssp = "1.3.6.1.4.1.311.2.2.10";
inline constexpr std::string_view kKerberos = "1.2.840.113554.1.2.2";
inline constexpr std::string_view kMsKerberos = "1.2.840.48018.1.2.2";
inline constexpr std::string_view kKerberosU2U = "1.2.840.113554.1.2.2.3";
inline constexpr std::string_view kNegoex = "1.3.6.1.4.1.311.2.2.30";

enum class NegState : std::uint8_t {
    accept_completed = 0,
    accept_incomplete = 1,
    reject = 2,
    request_mic = 3
};

struct Init {
    std::vector<std::string> mechs;  // dotted OIDs, preferred first
    std::string mech_token;          // the optimistic token of the first mech
    std::string hint;                // negHints' hintName (negTokenInit2)
    std::string mic;
};

struct Resp {
    std::optional<NegState> state;
    std::string supported_mech;  // dotted, "" when absent
    std::string response_token;
    std::string mic;
};

struct Token {
    std::optional<Init> init;  // exactly one of the two is set
    std::optional<Resp> resp;
};

// A NegotiationToken: the GSS-API framed [APPLICATION 0] { spnego OID, [0] NegTokenInit }, or
// a bare [0] NegTokenInit / [1] NegTokenResp; nullopt when malformed.
std::optional<Token> parse(std::string_view token);

// The GSS-API framed NegTokenInit (negTokenInit2 when `hint` is set: the server's list in
// an SMB negotiate response).
std::string build_init(const Init& init);
// A bare [1] NegTokenResp.
std::string build_resp(const Resp& resp);

}  // namespace decnet::wire::spnego
