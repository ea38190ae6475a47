// libFuzzer target for the SNMP BER parser (what any attacker's datagram to 161/udp
// reaches): never crash or read out of bounds, and everything accepted stays within the
// documented bounds and survives OID text round-trips and response encoding; SNMPv3
// messages likewise, their USM report reading back as sent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/services/snmp/snmp_codec.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace snmp = decnet::honeypot::snmp;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    // SNMPv3: what parses stays in bounds, and the report to it reads back as sent.
    if (const auto v3 = snmp::parse_v3(input)) {
        check(v3->engine_id.size() <= snmp::kMaxEngineId && v3->user.size() <= snmp::kMaxUserName);
        const std::string engine("\x80\x00\x1f\x88\x80\x01\x02\x03\x04\x05\x06\x07\x08\0\0\0\0",
                                 17);
        const auto report =
            snmp::encode_v3_report(*v3, engine, 1, 50, snmp::UsmReport::unknown_engine_id, 1);
        const auto back = snmp::parse_v3(report);
        check(back && back->engine_id == engine && back->user == v3->user &&
              back->msg_id == v3->msg_id && back->request_id == v3->request_id &&
              back->pdu == 0xa8);
    }
    const auto parsed = snmp::parse_request(input);
    if (!parsed.request) {
        check(!parsed.error.empty());
        return 0;
    }
    const auto& request = *parsed.request;
    check(request.version == 0 || request.version == 1);
    check(request.community.size() <= 255);
    check(request.oids.size() <= snmp::kMaxVarbinds);
    std::vector<snmp::Varbind> varbinds;
    for (const auto& oid : request.oids) {
        check(oid.size() >= 2 && oid.size() <= snmp::kMaxOidArcs + 1);
        const auto again = snmp::oid_from_string(snmp::oid_to_string(oid));
        check(again && *again == oid);
        varbinds.push_back({oid, {snmp::Value::Kind::octets, "x", 0, {}}});
    }
    const auto response = snmp::encode_response(request, 0, 0, varbinds);
    check(response.size() >= 2 && static_cast<unsigned char>(response[0]) == 0x30);
    return 0;
}
