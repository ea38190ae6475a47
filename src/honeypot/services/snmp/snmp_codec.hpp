// SNMPv1/v2c messages, and SNMPv3 as far as USM reports need: a strictly bounded parser for
// what attackers send and an encoder for the agent's answers, over the shared BER codec
// (src/wire/ber). No Boost, no I/O (the fuzz target links it alone). Bounds: those of
// wire::ber, plus at most kMaxVarbinds varbinds; the message shape is fixed and varbind
// values are skipped by their length, so nesting depth is bounded by construction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/ber.hpp"

namespace decnet::honeypot::snmp {

constexpr std::size_t kMaxVarbinds = 32;
using wire::ber::kMaxOidArcs;
using wire::ber::Oid;
using wire::ber::oid_from_string;
using wire::ber::oid_to_string;

enum class PduType : std::uint8_t {
    get = 0xa0,
    get_next = 0xa1,
    response = 0xa2,
    set = 0xa3,
    get_bulk = 0xa5,
};

struct Request {
    std::int64_t version = 0;  // 0 = v1, 1 = v2c
    std::string community;
    PduType pdu = PduType::get;
    std::int64_t request_id = 0;
    std::int64_t non_repeaters = 0;    // GetBulk only (error-status field otherwise)
    std::int64_t max_repetitions = 0;  // GetBulk only (error-index field otherwise)
    std::vector<Oid> oids;
};

struct ParseResult {
    std::optional<Request> request;
    std::string error;  // why not, when request is empty
};

ParseResult parse_request(std::string_view datagram);

// A varbind value as the agent answers it.
struct Value {
    enum class Kind : std::uint8_t {
        integer = 0x02,
        octets = 0x04,
        oid = 0x06,
        timeticks = 0x43,
        no_such_object = 0x80,  // v2c exceptions (context-specific, primitive, empty)
        no_such_instance = 0x81,
        end_of_mib_view = 0x82,
    };
    Kind kind = Kind::octets;
    std::string text;         // octets
    std::int64_t number = 0;  // integer, timeticks
    Oid oid;                  // oid
};

struct Varbind {
    Oid oid;
    Value value;
};

// An SNMPv3 message (RFC 3412) as far as an agent without v3 users reads it: the header,
// the USM security parameters (RFC 3414) and, when the scoped PDU travels in clear, its
// request-id. Bounds: engine ID 32 bytes, user name 32, the rest skipped by its length.
struct V3Message {
    std::int64_t msg_id = 0;
    std::uint8_t flags = 0;  // bit 0 auth, bit 1 priv, bit 2 reportable
    std::string engine_id;   // the authoritative engine the sender names ("" = discovery)
    std::string user;
    std::int64_t request_id = 0;  // 0 when the scoped PDU is encrypted
    std::uint8_t pdu = 0;         // the PDU's tag, 0 when encrypted
};
constexpr std::size_t kMaxEngineId = 32;
constexpr std::size_t kMaxUserName = 32;

// nullopt unless `datagram` is a well-formed SNMPv3 message with the USM security model.
std::optional<V3Message> parse_v3(std::string_view datagram);

// The USM Report an agent sends back (RFC 3414 §3.2): usmStatsUnknownEngineIDs.0 when the
// message named no engine or another one, usmStatsUnknownUserNames.0 when it named this one
// but a user it does not have; `counter` is that statistic's new value. Byte for byte what
// net-snmp's snmpd answers: msgMaxSize 65507, no flags, the user echoed, empty auth and
// privacy parameters, this engine as context engine.
enum class UsmReport : std::uint8_t { unknown_engine_id = 4, unknown_user_name = 3 };
std::string encode_v3_report(const V3Message& request, std::string_view engine_id,
                             std::int64_t engine_boots, std::int64_t engine_time, UsmReport report,
                             std::uint32_t counter);

// GetResponse to `request` (its version, community and request-id echoed).
std::string encode_response(const Request& request, std::int64_t error_status,
                            std::int64_t error_index, const std::vector<Varbind>& varbinds);

}  // namespace decnet::honeypot::snmp
