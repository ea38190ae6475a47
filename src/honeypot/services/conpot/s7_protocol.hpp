// S7comm as a Siemens CPU answers it on ISO-TSAP (102): TPKT (RFC 1006) framing, COTP
// (ISO 8073) connection request → confirm and data TPDUs (fragments reassembled, bounded),
// and the S7 PDUs: setup communication, SZL reads (0x0011 module and 0x001c component
// identification, what nmap's s7-info and PLCScan read), read/write var on DB, M, I and Q,
// and PLC stop/start (PI service) requests. Pure functions over bytes, fuzzed as is; the
// session loop is in s7comm.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/services/conpot/note.hpp"
#include "honeypot/world/plc_device.hpp"

namespace decnet::honeypot::s7 {

inline constexpr std::size_t kTpktHeader = 4;
inline constexpr std::size_t kMaxTpkt = 4096;        // larger frames are lies: the session ends
inline constexpr std::size_t kMaxReassembly = 8192;  // COTP fragments of one S7 PDU
inline constexpr std::size_t kMaxFragments = 32;

// The TPKT length (header included) of a 4-byte header, or nullopt with `error`.
std::optional<std::size_t> parse_tpkt(std::string_view header, std::string& error);

// A connection's protocol state.
struct State {
    bool connected = false;  // COTP CC sent
    std::uint16_t pdu_size = 240;
    std::string pending;  // COTP data of an S7 PDU not complete yet
    std::size_t fragments = 0;
    bool running = true;  // a stop request stops the CPU for this connection
};

// s7_connect, s7_request, s7_write, s7_control, s7_error.
using conpot::Note;

struct Outcome {
    std::vector<std::string> replies;  // whole TPKT frames
    std::vector<Note> notes;
    bool close = false;  // the peer sent something a CPU drops the connection for
};

// One TPKT's payload (the bytes after its 4-byte header). Reads see `writes`; write var
// into DB1, DB2, M and Q goes into it (the tables Modbus shares).
Outcome handle(const PlcDevice& device, State& state, std::string_view cotp, std::int64_t unix_ms,
               PlcWrites& writes);

}  // namespace decnet::honeypot::s7
