// libFuzzer target for the SNMP BER parser (what any attacker's datagram to 161/udp
// reaches): never crash or read out of bounds, and everything accepted stays within the
// documented bounds and survives OID text round-trips and response encoding.
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
