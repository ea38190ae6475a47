// The NetBIOS session service framing SMB rides on (RFC 1002 §4.3; on 445 "direct hosting"
// keeps only its 4-byte header): the frame header, the session request 139 starts with
// (called and calling names, first-level encoded) and its answers. No Boost, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::honeypot::smb {

enum class NbType : std::uint8_t {
    message = 0x00,
    session_request = 0x81,
    positive_response = 0x82,
    negative_response = 0x83,
    keepalive = 0x85,
};

struct NbHeader {
    std::uint8_t type = 0;
    std::size_t length = 0;  // 24 bits (direct hosting); RFC 1002's 17 fit in it
};
NbHeader parse_nb_header(std::string_view four_bytes);
std::string nb_frame(std::string_view payload, NbType type = NbType::message);

// A session request's called and calling names ("FS01", "KALI"), decoded; nullopt when
// malformed.
struct NbSessionRequest {
    std::string called, calling;
};
std::optional<NbSessionRequest> parse_session_request(std::string_view payload);

}  // namespace decnet::honeypot::smb
