// rdp: Windows Remote Desktop up to its logon (services.md §2.8, fixing the reference's
// confirm-before-request): the X.224 Connection Request read and logged (mstshash cookie,
// requested protocols), the Connection Confirm the persona's Windows sends (NLA required, or
// TLS allowed), TLS with the decky's certificate, then CredSSP: the TSRequest's SPNEGO or raw
// NTLMSSP goes through the NTLM acceptor, whose CHALLENGE carries the decky's identity (what
// nmap's rdp-ntlm-info reads); the AUTHENTICATE becomes user, domain and the NetNTLMv2
// hash (hashcat 5600) as bounty, and the client is told STATUS_LOGON_FAILURE as Windows tells
// it (an errorCode from CredSSP version 3 on; older clients see the connection close).
#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "events/event.hpp"
#include "honeypot/auth/ntlm_acceptor.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/rdp/rdp_protocol.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/decky_world.hpp"

// GCC 12 false positive (PR 109224), as in the other emulators with nested coroutines.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot {
namespace {

using boost::asio::awaitable;

// The CredSSP version Windows 10 1809+ and Server 2019+ speak.
constexpr std::int64_t kCredSspVersion = 6;
// NEGOTIATE, AUTHENTICATE and a spare: a client needing more is not NTLM.
constexpr int kMaxLegs = 3;

struct RdpSettings : ServiceSettings {
    bool nla_required = true;  // security = nla (default) | tls
};

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    auto settings = std::make_shared<RdpSettings>();
    static constexpr std::array<std::string_view, 2> kSecurity = {"nla", "tls"};
    settings->nla_required = persona.choice("security", kSecurity) == "nla";
    return settings;
}

// What the persona's Windows selects among the client's protocols (the most secure it
// allows), or the RDP_NEG_FAILURE code.
struct Selection {
    std::optional<std::uint32_t> selected;
    std::uint32_t failure = 0;
};

Selection select_protocol(const RdpSettings& settings, std::uint32_t requested) {
    if (requested & rdp::kProtocolHybridEx) return {rdp::kProtocolHybridEx};
    if (requested & rdp::kProtocolHybrid) return {rdp::kProtocolHybrid};
    if (requested & rdp::kProtocolRdstls) return {rdp::kProtocolRdstls};
    if (!settings.nla_required && (requested & rdp::kProtocolSsl)) return {rdp::kProtocolSsl};
    // Standard RDP security (RC4 and the server's proprietary certificate) is not offered.
    return {std::nullopt,
            settings.nla_required ? rdp::kHybridRequiredByServer : rdp::kSslRequiredByServer};
}

awaitable<std::optional<std::string>> read_tpkt(Session& s) {
    auto header = co_await s.read_exact(rdp::kTpktHeader);
    if (!header) co_return std::nullopt;
    const auto length = rdp::tpkt_length(*header);
    if (!length) {
        s.emit(s.event("protocol_error", Severity::warning)
                   .add("error", "not a TPKT")
                   .add("data", hex_prefix(*header, 64)));
        co_return std::nullopt;
    }
    const auto rest = co_await s.read_exact(*length - rdp::kTpktHeader);
    if (!rest) co_return std::nullopt;
    co_return *header + *rest;
}

// One DER TSRequest off the TLS stream: its header first, then the announced length.
awaitable<std::optional<std::string>> read_ts_request(Session& s) {
    std::string der;
    for (int i = 0; i < 5; ++i) {
        const auto length = rdp::ts_request_length(der);
        if (!length) {
            s.emit(s.event("protocol_error", Severity::warning)
                       .add("error", "not a TSRequest")
                       .add("data", hex_prefix(der, 64)));
            co_return std::nullopt;
        }
        if (*length > 0) {
            const auto rest = co_await s.read_exact(*length - der.size());
            if (!rest) co_return std::nullopt;
            co_return der + *rest;
        }
        const auto more = co_await s.read_exact(1);
        if (!more) co_return std::nullopt;
        der += *more;
    }
    co_return std::nullopt;
}

// CredSSP over the TLS session: NEGOTIATE → CHALLENGE, AUTHENTICATE → logged and refused.
awaitable<void> credssp(Session& s) {
    const auto* world = s.context().world;
    NtlmAcceptor ntlm(world ? ntlm_identity(*world)
                            : ntlm_identity(s.context().hostname, "", "", true));
    for (int leg = 0; leg < kMaxLegs; ++leg) {
        const auto der = co_await read_ts_request(s);
        if (!der) co_return;
        const auto request = rdp::parse_ts_request(*der);
        if (!request || request->nego_token.empty()) {
            s.emit(s.event("protocol_error", Severity::warning)
                       .add("error", request ? "TSRequest without a negoToken" : "bad TSRequest")
                       .add("data", hex_prefix(*der, 64)));
            co_return;
        }
        const std::int64_t version = std::clamp<std::int64_t>(request->version, 2, kCredSspVersion);
        const auto step = ntlm.spnego(request->nego_token);
        using Status = NtlmAcceptor::Reply::Status;
        if (step.status == Status::bad) {
            s.emit(s.event("protocol_error", Severity::warning)
                       .add("error", "bad NTLM or SPNEGO token")
                       .add("data", hex_prefix(request->nego_token, 64)));
            co_return;
        }
        if (step.status == Status::more) {
            s.emit(s.event("nla_negotiate").add("credssp_version", request->version));
            if (!co_await s.write(rdp::build_ts_request(version, step.token))) co_return;
            continue;
        }
        auto event = s.event("auth", Severity::warning);
        add_ntlm_fields(event, *ntlm.logon());
        event.add("credssp_version", request->version).add("status", "failed");
        s.emit(std::move(event));
        // Windows answers a version 3+ client with the NTSTATUS; an older one sees the end.
        if (request->version >= 3)
            co_await s.write(rdp::build_ts_request(version, "", rdp::kStatusLogonFailure));
        co_return;
    }
}

awaitable<void> serve_rdp(Session& s) {
    s.emit(s.event("connect"));
    const auto& settings = s.context().settings_as<RdpSettings>();
    const auto tpkt = co_await read_tpkt(s);
    if (!tpkt) {
        s.emit(s.event("disconnect"));
        co_return;
    }
    const auto request = rdp::parse_connection_request(*tpkt);
    if (!request) {
        s.emit(s.event("protocol_error", Severity::warning)
                   .add("error", "not an X.224 Connection Request")
                   .add("data", hex_prefix(*tpkt, 64)));
        s.emit(s.event("disconnect"));
        co_return;
    }
    const auto selection = select_protocol(settings, request->requested);
    auto cr = s.event("connection_request")
                  .add("mstshash", request->cookie)
                  .add("requested_protocols", request->negotiation
                                                  ? rdp::protocols_text(request->requested)
                                                  : std::string("none"));
    if (!request->routing_token.empty()) cr.add("routing_token", request->routing_token);
    if (selection.selected)
        cr.add("selected_protocol", rdp::protocols_text(*selection.selected));
    else
        cr.add("failure", selection.failure == rdp::kHybridRequiredByServer
                              ? "HYBRID_REQUIRED_BY_SERVER"
                              : "SSL_REQUIRED_BY_SERVER");
    s.emit(std::move(cr));
    if (!selection.selected) {
        co_await s.write(rdp::negotiation_failure(selection.failure));
        s.emit(s.event("disconnect"));
        co_return;
    }
    if (!co_await s.write(rdp::connection_confirm(*selection.selected))) {
        s.emit(s.event("disconnect"));
        co_return;
    }
    const bool tls = co_await s.start_tls();
    if (!tls) {
        if (!s.tls_error().empty())
            s.emit(s.event("tls_error", Severity::warning)
                       .add("dst_port", 3389)
                       .add("error", s.tls_error()));
        s.emit(s.event("disconnect"));
        co_return;
    }
    const auto hybrid = *selection.selected & (rdp::kProtocolHybrid | rdp::kProtocolHybridEx);
    if (hybrid) {
        co_await credssp(s);
    } else {
        // TLS without NLA: the client's MCS Connect Initial (its name, keyboard, build) is
        // logged; the session emulation ends there, like a host that drops the connection.
        if (const auto data = co_await s.read_some())
            s.emit(s.event("client_data")
                       .add("bytes", data->size())
                       .add("data", hex_prefix(*data, 256)));
    }
    s.emit(s.event("disconnect"));
}

SessionLimits rdp_limits(SessionLimits runtime) {
    runtime.max_line = std::max(runtime.max_line, rdp::kMaxTsRequest);
    return runtime;
}

constexpr EventDecl kEvents[] = {
    {"connect", "src_ip src_port", "a client connected"},
    {"connection_request",
     "src_ip src_port mstshash requested_protocols routing_token? selected_protocol? failure?",
     "the X.224 Connection Request: the mstshash cookie's user, the protocols the client asked "
     "for (SSL, HYBRID = NLA, HYBRID_EX, RDSTLS; none without RDP_NEG_REQ) and the persona's "
     "choice, or the negotiation failure it sent"},
    {"nla_negotiate", "src_ip src_port credssp_version",
     "CredSSP started: the client's NTLM NEGOTIATE was answered with the persona's CHALLENGE "
     "(what rdp-ntlm-info reads)"},
    {"auth",
     "src_ip src_port username password credential_type? hashcat_mode? domain workstation "
     "logon_type client_version? credssp_version status",
     "an NLA logon: password is the hashcat line (credential_type netntlmv2: mode 5600, "
     "netntlmv1: 5500); always refused with STATUS_LOGON_FAILURE"},
    {"client_data", "src_ip src_port bytes data",
     "the first bytes over TLS when NLA was not used (the MCS Connect Initial), hex"},
    {"protocol_error", "src_ip src_port error data",
     "bytes that are not RDP, X.224, CredSSP or NTLM; the session ends"},
    {"disconnect", "src_ip src_port", "the session ended"},
};

}  // namespace

const ServiceModule& rdp_module() {
    static const ServiceModule module{.slug = "rdp",
                                      .configure = &configure,
                                      .serve = &serve_rdp,
                                      .events = kEvents,
                                      .session_limits = &rdp_limits};
    return module;
}

}  // namespace decnet::honeypot
