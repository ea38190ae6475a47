// SMB1 as a modern host answers it (MS-CIFS, MS-SMB): the NEGOTIATE's dialect list (a
// client offering "SMB 2.???" or "SMB 2.002" is upgraded to SMB2 by the caller), Samba's
// refusal when SMB1 is off (dialect index 0xFFFF, byte for byte as smbd 4.17 sends it), and
// the well-known SMB1 exploit probes: MS17-010's PeekNamedPipe on IPC$ (FID 0) and the
// DoublePulsar Trans2 SESSION_SETUP ping. No Boost, no I/O.
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

}  // namespace decnet::honeypot::smb
