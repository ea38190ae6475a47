// RDP's connection sequence up to NLA, as pure bounded codecs: TPKT (RFC 1006) and the
// X.224 Connection Request/Confirm with the RDP negotiation request, response and failure
// (MS-RDPBCGR §2.2.1.1–2.2.1.2), and CredSSP's TSRequest over BER (MS-CSSP §2.2.1). No I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::honeypot::rdp {

// requestedProtocols / selectedProtocol bits.
constexpr std::uint32_t kProtocolRdp = 0;
constexpr std::uint32_t kProtocolSsl = 0x1;
constexpr std::uint32_t kProtocolHybrid = 0x2;
constexpr std::uint32_t kProtocolRdstls = 0x4;
constexpr std::uint32_t kProtocolHybridEx = 0x8;

// RDP_NEG_FAILURE codes.
constexpr std::uint32_t kSslRequiredByServer = 1;
constexpr std::uint32_t kHybridRequiredByServer = 5;

// STATUS_LOGON_FAILURE, as a TSRequest's errorCode.
constexpr std::uint32_t kStatusLogonFailure = 0xC000006D;

constexpr std::size_t kTpktHeader = 4;
constexpr std::size_t kMaxTpkt = 8 * 1024;
constexpr std::size_t kMaxTsRequest = 32 * 1024;

// The length a TPKT header announces (header included); nullopt when it is not a TPKT
// header (version 3) or the length is below 7 or above kMaxTpkt.
std::optional<std::size_t> tpkt_length(std::string_view header);

struct ConnectionRequest {
    std::string cookie;           // the mstshash user name ("" when none)
    std::string routing_token;    // a load balancer's "Cookie: msts=…" token, when sent
    bool negotiation = false;     // an RDP_NEG_REQ was present
    std::uint32_t requested = 0;  // its requestedProtocols
    std::uint8_t neg_flags = 0;
};

// A whole TPKT carrying an X.224 Connection Request; nullopt when it is not one.
std::optional<ConnectionRequest> parse_connection_request(std::string_view tpkt);

// The X.224 Connection Confirm with an RDP_NEG_RSP selecting `selected` (Windows' flags:
// extended client data, graphics pipeline, restricted admin and redirected authentication
// supported).
std::string connection_confirm(std::uint32_t selected);
// The Connection Confirm with an RDP_NEG_FAILURE.
std::string negotiation_failure(std::uint32_t code);

// "SSL|HYBRID|HYBRID_EX"; "RDP" for 0.
std::string protocols_text(std::uint32_t protocols);

struct TsRequest {
    std::int64_t version = 0;
    std::string nego_token;  // the first negoToken (SPNEGO or raw NTLMSSP)
    bool auth_info = false;
    bool pub_key_auth = false;
    std::optional<std::int64_t> error_code;
    std::string client_nonce;
};

// The length of the DER TLV starting `head` (tag, length octets), when `head` holds its
// whole header; 0 when more bytes are needed to know; nullopt when it is not a SEQUENCE or
// is longer than kMaxTsRequest.
std::optional<std::size_t> ts_request_length(std::string_view head);
std::optional<TsRequest> parse_ts_request(std::string_view der);
// version, then the negoToken and the errorCode when set.
std::string build_ts_request(std::int64_t version, std::string_view nego_token,
                             std::optional<std::uint32_t> error_code = std::nullopt);

}  // namespace decnet::honeypot::rdp
