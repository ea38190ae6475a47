// RELP (rsyslog's Reliable Event Logging Protocol) frames: "TXNR SP COMMAND SP DATALEN
// [SP DATA] LF". Parsing is bounded (digits, command length, data size) and never throws;
// shared by the collector's RELP listener and the forwarder's relp:// client.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace decnet {

// librelp's limits: transaction numbers wrap after 999,999,999; DATALEN has ≤ 9 digits.
inline constexpr std::uint32_t kRelpMaxTxnr = 999999999;
inline constexpr std::size_t kRelpMaxCommand = 32;

struct RelpFrame {
    std::uint32_t txnr = 0;
    std::string command;  // "open", "syslog", "close", "rsp", "serverclose", ...
    std::string data;
};

struct RelpParse {
    enum class Status { complete, incomplete, error } status = Status::incomplete;
    std::size_t consumed = 0;  // bytes of the buffer the complete frame used
    RelpFrame frame;           // set when complete
    std::string_view error;    // set on error: why the stream cannot be resynchronised
};

// Looks for one frame at the start of `buffer`. DATALEN over `max_data` is an error (the
// sender cannot be trusted to frame anything after it), as is any syntax error.
RelpParse parse_relp_frame(std::string_view buffer, std::size_t max_data);

// "TXNR SP COMMAND SP DATALEN [SP DATA] LF".
std::string format_relp_frame(std::uint32_t txnr, std::string_view command, std::string_view data);

// The next transaction number after `txnr` (1 … kRelpMaxTxnr, then 1 again).
std::uint32_t next_relp_txnr(std::uint32_t txnr);

// A `rsp` frame's code: "200 OK…" → 200; 0 when the data does not start with 3 digits.
int relp_response_code(std::string_view data);

}  // namespace decnet
