// SMB1 as a modern host answers it (MS-CIFS, MS-SMB): the NEGOTIATE's dialect list (a
// client offering "SMB 2.???" or "SMB 2.002" is upgraded to SMB2 by the caller), Samba's
// refusal when SMB1 is off (dialect index 0xFFFF, byte for byte as smbd 4.17 sends it), and
// the well-known SMB1 exploit probes: MS17-010's PeekNamedPipe on IPC$ (FID 0) and the
// DoublePulsar Trans2 SESSION_SETUP ping. For a Windows persona with SMB1 on: the
// "NT LM 0.12" NEGOTIATE response and SESSION_SETUP_ANDX in both its forms (extended
// security: an SPNEGO blob; basic: the LM and NT responses to the negotiate's challenge).
// No Boost, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot::smb {

constexpr std::size_t kMaxSmb1Dialects = 32;

bool is_smb1(std::string_view message);
std::uint8_t smb1_command(std::string_view message);

// A NEGOTIATE (command 0x72): its dialect strings; nullopt when it is not one or malformed.
std::optional<std::vector<std::string>> parse_smb1_negotiate(std::string_view message);

// smbd's answer to an SMB1 NEGOTIATE when it has no SMB1 dialect (tid/pid/uid/mid echoed).
std::string samba_smb1_refusal(std::string_view request);

// "ms17-010" (Trans PeekNamedPipe), "doublepulsar" (Trans2 SESSION_SETUP), "" otherwise.
std::string_view smb1_probe_kind(std::string_view message);

constexpr std::uint16_t kSmb1Unicode = 0x8000, kSmb1ExtendedSecurity = 0x0800;
std::uint16_t smb1_flags2(std::string_view message);

// A response to `request`: its command, TID, PID and MID echoed, flags 0x88 (reply,
// case-insensitive), `flags2`, `uid`; `words` (whole 16-bit words) and `bytes` as given.
std::string smb1_response(std::string_view request, std::uint32_t status, std::uint16_t flags2,
                          std::uint16_t uid, std::string_view words, std::string_view bytes);

// SESSION_SETUP_ANDX (0x73): word count 12 is extended security (`blob`), 13 the basic form
// (`lm`, `nt` and the account strings, ASCII or UTF-16 as flags2 says). nullopt: malformed.
struct Smb1SessionSetup {
    bool extended = false;
    std::string blob;
    std::string lm, nt;
    std::string account, domain;
};
std::optional<Smb1SessionSetup> parse_smb1_session_setup(std::string_view message);

// A string of a response's data as the client asked (flags2 Unicode: UTF-16LE after a pad
// to an even offset from the header, `at` being the data's offset there; else ASCII), NUL
// ended.
std::string smb1_string(std::string_view utf8, bool unicode, std::size_t at);

}  // namespace decnet::honeypot::smb
