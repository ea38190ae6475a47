// SMB1 for a Windows persona that still has it on (`smb1 = on`: Server 2016 and older
// installs, or any host an administrator never hardened). What scanners read from it is the
// host's identity: the NEGOTIATE response's workgroup and computer name (nmap -sV names the
// Windows family from its layout) and SESSION_SETUP_ANDX's NativeOS / NativeLanMan, which
// smb-os-discovery prints. Logons go through the same NTLM acceptor as SMB2 (extended
// security), or, in the basic form, the LM/NT responses to the negotiate's challenge are
// the hashcat line. Past the logon only IPC$ and the MS17-010 check are answered, as a
// patched host answers them; everything else is "not supported".
#include <openssl/rand.h>

#include <algorithm>
#include <ctime>

#include "events/event.hpp"
#include "honeypot/auth/login_policy.hpp"
#include "honeypot/services/smb/smb1.hpp"
#include "honeypot/services/smb/smb_bytes.hpp"
#include "honeypot/services/smb/smb_session.hpp"
#include "honeypot/session.hpp"
#include "wire/ntlm.hpp"

namespace decnet::honeypot::smb {
namespace {

constexpr std::uint32_t kInvalidHandle = 0xc0000008;
constexpr std::uint8_t kSessionSetup = 0x73, kTreeConnect = 0x75, kLogoff = 0x74,
                       kTreeDisconnect = 0x71, kEcho = 0x2b, kTrans = 0x25;
constexpr std::uint32_t kCapabilities = 0x0001e3fc;  // Windows' NT LM 0.12 capabilities
constexpr std::uint32_t kCapExtendedSecurity = 0x80000000;

// The flags2 Windows answers with: NT status and long names, the client's Unicode and
// extended-security choices echoed.
std::uint16_t response_flags2(std::string_view request) {
    return static_cast<std::uint16_t>(
        0x4001 | (smb1_flags2(request) & (kSmb1Unicode | kSmb1ExtendedSecurity)));
}

}  // namespace

std::string SmbConnection::smb1_negotiate(std::string_view message,
                                          const std::vector<std::string>& dialects) {
    const auto nt = std::find(dialects.begin(), dialects.end(), "NT LM 0.12");
    if (nt == dialects.end()) return {};
    const auto request_flags2 = smb1_flags2(message);
    smb1_ = true;
    smb1_extended_ = request_flags2 & kSmb1ExtendedSecurity;
    const bool workstation = identity_.os_name.find("Server") == std::string::npos;
    std::string words;
    put16(words, static_cast<std::uint16_t>(nt - dialects.begin()));
    put8(words, settings_.signing_required ? 0x0f : 0x07);  // user level, challenge/response
    put16(words, 50);                                       // MaxMpxCount
    put16(words, 1);                                        // MaxNumberVcs
    put32(words, workstation ? 4356 : 16644);               // MaxBufferSize
    put32(words, 65536);                                    // MaxRawSize
    put32(words, 0);                                        // SessionKey
    put32(words, kCapabilities | (smb1_extended_ ? kCapExtendedSecurity : 0));
    put64(words, filetime(std::time(nullptr)));
    put16(words, 0);  // ServerTimeZone: the decky keeps UTC
    put8(words, smb1_extended_ ? 0 : 8);
    std::string bytes;
    if (smb1_extended_) {
        bytes.append(reinterpret_cast<const char*>(server_guid_.data()), server_guid_.size());
        bytes += NtlmAcceptor(identity_).spnego_hints();
    } else {
        RAND_bytes(smb1_challenge_.data(), static_cast<int>(smb1_challenge_.size()));
        bytes.append(reinterpret_cast<const char*>(smb1_challenge_.data()), 8);
        // Windows names its workgroup and itself in UTF-16 whatever the client's flags2.
        bytes += wire::ntlm::utf16le(identity_.nb_domain);
        bytes.append(2, '\0');
        bytes += wire::ntlm::utf16le(identity_.nb_computer);
        bytes.append(2, '\0');
    }
    const auto flags2 = response_flags2(message);
    return smb1_response(message, status::kSuccess, flags2, 0, words, bytes);
}

std::string SmbConnection::smb1_command_answer(std::string_view message) {
    const auto flags2 = response_flags2(message);
    const auto none = [&](std::uint32_t status, std::uint16_t uid) {
        return smb1_response(message, status, flags2, uid, {}, {});
    };
    switch (smb1_command(message)) {
        case kSessionSetup:
            return smb1_session_setup(message);
        case kLogoff:
        case kTreeDisconnect:
        case kEcho:
            return none(status::kSuccess, smb1_uid_);
        case kTreeConnect: {
            // Only IPC$ (what exploit checks and RPC tools open) is there over SMB1.
            const auto ipc =
                message.find(std::string_view("I\0P\0C\0$\0", 8)) != std::string_view::npos ||
                message.find("IPC$") != std::string_view::npos;
            s_.emit(s_.event("tree_connect")
                        .add("share", ipc ? "IPC$" : "")
                        .add("path", "")
                        .add("status", ipc && smb1_uid_ ? "success" : "access_denied"));
            if (!ipc || !smb1_uid_) return none(status::kAccessDenied, smb1_uid_);
            std::string words("\xff\0\0\0", 4);  // AndX: none
            put16(words, 1);                     // OptionalSupport: search bits
            auto reply = smb1_response(message, status::kSuccess, flags2, smb1_uid_, words,
                                       std::string("IPC\0", 4));
            set16(reply, 24, 2048);  // the TID
            return reply;
        }
        case kTrans: {
            const auto kind = smb1_probe_kind(message);
            if (!kind.empty())
                s_.emit(s_.event("exploit_probe", Severity::warning)
                            .add("kind", kind)
                            .add("command", static_cast<int>(kTrans)));
            // A patched host has no FID 0: MS17-010 checkers read this as "not vulnerable".
            return none(kind.empty() ? status::kNotSupported : kInvalidHandle, smb1_uid_);
        }
        default: {
            const auto kind = smb1_probe_kind(message);
            auto event =
                s_.event(kind.empty() ? "protocol_error" : "exploit_probe", Severity::warning);
            if (kind.empty())
                event.add("error", "SMB1 command " + std::to_string(smb1_command(message)))
                    .add("data", hex_prefix(message, 64));
            else
                event.add("kind", kind).add("command", static_cast<int>(smb1_command(message)));
            s_.emit(std::move(event));
            return none(status::kNotSupported, smb1_uid_);
        }
    }
}

std::string SmbConnection::smb1_session_setup(std::string_view message) {
    const auto request = parse_smb1_session_setup(message);
    const bool unicode = smb1_flags2(message) & kSmb1Unicode;
    const auto flags2 = response_flags2(message);
    if (!request || ++smb1_legs_ > kMaxLegs) {
        s_.emit(s_.event("protocol_error", Severity::warning)
                    .add("error", "bad SMB1 session setup")
                    .add("data", hex_prefix(message, 64)));
        return smb1_response(message, status::kLogonFailure, flags2, 0, {}, {});
    }
    if (!smb1_uid_) {
        RAND_bytes(reinterpret_cast<unsigned char*>(&smb1_uid_), sizeof smb1_uid_);
        smb1_uid_ = static_cast<std::uint16_t>(2048 + (smb1_uid_ & 0x0fff));
    }
    // The answer's data: [blob], NativeOS, NativeLanMan (and PrimaryDomain in the basic form),
    // the strings placed as the client's flags2 asks.
    const auto answer = [&](std::uint32_t status, std::string_view blob, bool guest) {
        std::string words("\xff\0\0\0", 4);  // AndX: none (offset set below)
        put16(words, guest ? 1 : 0);
        if (request->extended) put16(words, static_cast<std::uint16_t>(blob.size()));
        const std::size_t data_at = 32 + 1 + words.size() + 2;
        std::string bytes(blob);
        bytes += smb1_string(identity_.os_name, unicode, data_at + bytes.size());
        bytes += smb1_string(identity_.lan_manager, unicode, data_at + bytes.size());
        if (!request->extended)
            bytes += smb1_string(identity_.nb_domain, unicode, data_at + bytes.size());
        auto reply = smb1_response(message, status, flags2, smb1_uid_, words, bytes);
        set16(reply, 32 + 1 + 2, static_cast<std::uint16_t>(reply.size()));
        return reply;
    };
    NtlmLogon logon;
    if (request->extended) {
        if (!smb1_ntlm_) smb1_ntlm_ = std::make_unique<NtlmAcceptor>(identity_);
        const auto step = smb1_ntlm_->spnego(request->blob);
        using Status = NtlmAcceptor::Reply::Status;
        if (step.status == Status::bad) {
            s_.emit(s_.event("protocol_error", Severity::warning)
                        .add("error", "bad security blob")
                        .add("data", hex_prefix(request->blob, 64)));
            return smb1_response(message, status::kLogonFailure, flags2, 0, {}, {});
        }
        if (step.status == Status::more) return answer(status::kMoreProcessing, step.token, false);
        logon = *smb1_ntlm_->logon();
    } else if (request->nt.size() <= 1 && request->account.empty()) {
        logon.kind = NtlmLogon::Kind::anonymous;
    } else {
        logon.user = request->account.substr(0, 256);
        logon.domain = request->domain.substr(0, 256);
        logon.server_challenge = smb1_challenge_;
        logon.nt_response = request->nt;
        logon.lm_response = request->lm;
        const bool v2 = wire::ntlm::is_v2(request->nt);
        logon.hash =
            v2 ? wire::ntlm::netntlmv2_line(logon.user, logon.domain, smb1_challenge_, request->nt)
               : wire::ntlm::netntlmv1_line(logon.user, logon.domain, smb1_challenge_, request->lm,
                                            request->nt);
        logon.hashcat_mode = v2 ? 5600 : 5500;
        logon.credential_type = v2 ? "netntlmv2" : "netntlmv1";
    }
    auto event = s_.event("auth", Severity::warning);
    add_ntlm_fields(event, logon);
    event.add("dialect", "NT LM 0.12");
    if (logon.kind == NtlmLogon::Kind::anonymous) {
        // The null session Windows grants (what smb-os-discovery and enum4linux use).
        event.add("status", "success");
        s_.emit(std::move(event));
        return answer(status::kSuccess,
                      request->extended ? smb1_ntlm_->spnego_final(true) : std::string(), false);
    }
    const auto decision = decide_ntlm(*settings_.policy, s_.peer_ip(), logon, accounts_);
    event.add("status", decision.accepted ? "success" : "failed");
    s_.emit(std::move(event));
    const auto final_blob = request->extended && decision.accepted
                                ? smb1_ntlm_->spnego_final(true, decision.session_key)
                                : std::string();
    smb1_ntlm_.reset();
    if (!decision.accepted) return smb1_response(message, status::kLogonFailure, flags2, 0, {}, {});
    return answer(status::kSuccess, final_blob, false);
}

}  // namespace decnet::honeypot::smb
