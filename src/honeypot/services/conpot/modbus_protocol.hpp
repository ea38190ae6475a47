// Modbus/TCP as the PLC answers it (Modbus Application Protocol V1.1b3): the MBAP header,
// and one request PDU turned into its response PDU against the device's process image —
// function codes 1–6, 15, 16, 17, 23 and 43/14, with the exceptions a real controller
// returns. Pure functions over bytes (the session loop is in modbus.cpp; fuzzed as is).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "honeypot/world/plc_device.hpp"

namespace decnet::honeypot::modbus {

inline constexpr std::size_t kHeader = 7;    // transaction, protocol, length, unit
inline constexpr std::size_t kMaxPdu = 253;  // a 260-byte ADU
inline constexpr std::uint8_t kIllegalFunction = 0x01, kIllegalAddress = 0x02, kIllegalValue = 0x03,
                              kGatewayTargetFailed = 0x0B;

struct Header {
    std::uint16_t transaction = 0;
    std::uint16_t protocol = 0;
    std::uint16_t length = 0;  // unit id + PDU bytes
    std::uint8_t unit = 0;
};

// The 7 header bytes; `error` when the frame cannot be a Modbus/TCP one (protocol id ≠ 0,
// or a length outside 2..254: the peer lies about what follows). A controller still answers
// such a frame with an exception echoing its first bytes, then drops the connection
// (nmap's service probes recognise Modbus by that echo).
struct ParsedHeader {
    Header header;
    std::string error;
};
// The exception answer to a bad frame whose function byte was `function`.
std::string bad_frame_reply(const Header& header, std::uint8_t function);
ParsedHeader parse_header(std::string_view bytes);
std::string encode_adu(const Header& request, std::string_view pdu);

// What has been written: reflected in later reads. (table, address) → value.
using Writes = PlcWrites;

// One request's answer and what it was, for the event.
struct Outcome {
    std::string pdu;   // the response PDU
    std::string name;  // "read_holding_registers", ... or "function_<n>"
    std::uint8_t function = 0;
    std::uint8_t exception = 0;  // 0: none
    bool write = false;
    std::optional<std::uint16_t> address;
    std::optional<std::uint16_t> count;
    std::vector<std::uint16_t> values;  // what a write carried
};

// The unit ids the controller answers as itself (others are "gateway target failed").
bool answers_unit(std::uint8_t unit);

Outcome answer(const PlcDevice& device, Writes& writes, std::uint8_t unit, std::string_view pdu,
               std::int64_t unix_ms);

}  // namespace decnet::honeypot::modbus
