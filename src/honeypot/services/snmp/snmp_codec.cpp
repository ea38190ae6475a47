// SNMP message parsing and encoding (see snmp_codec.hpp for the bounds).
#include "honeypot/services/snmp/snmp_codec.hpp"

namespace decnet::honeypot::snmp {
namespace {

using wire::ber::decode_oid;
using wire::ber::integer_contents;
using wire::ber::oid_contents;
using wire::ber::Reader;
using wire::ber::tlv;

constexpr std::size_t kMaxCommunity = 255;

std::string encode_value(const Value& v) {
    const auto tag = static_cast<std::uint8_t>(v.kind);
    switch (v.kind) {
        case Value::Kind::integer:
        case Value::Kind::timeticks:
            return tlv(tag, integer_contents(v.number));
        case Value::Kind::octets:
            return tlv(tag, v.text);
        case Value::Kind::oid:
            return tlv(tag, oid_contents(v.oid));
        default:
            return tlv(tag, {});
    }
}

}  // namespace

ParseResult parse_request(std::string_view datagram) {
    ParseResult result;
    if (datagram.empty() || datagram[0] != 0x30) return {std::nullopt, "expected SEQUENCE"};
    Reader outer(datagram);
    const auto message = outer.expect(0x30, "SEQUENCE");
    if (!message) return {std::nullopt, outer.error()};
    if (!outer.empty()) return {std::nullopt, "trailing bytes"};
    Reader r(*message);
    Request req;
    const auto version = r.integer("version");
    if (!version) return {std::nullopt, r.error()};
    if (*version != 0 && *version != 1)
        return {std::nullopt, "unsupported version " + std::to_string(*version)};
    req.version = *version;
    const auto community = r.expect(0x04, "community");
    if (!community) return {std::nullopt, r.error()};
    if (community->size() > kMaxCommunity) return {std::nullopt, "community too long"};
    req.community = std::string(*community);
    const auto pdu = r.next();
    if (!pdu) return {std::nullopt, r.error()};
    const auto type = pdu->first;
    if (type != 0xa0 && type != 0xa1 && type != 0xa3 && !(type == 0xa5 && req.version == 1))
        return {std::nullopt, "Invalid PDU type " + std::to_string(type)};
    req.pdu = static_cast<PduType>(type);
    if (!r.empty()) return {std::nullopt, "trailing bytes"};

    Reader p(pdu->second);
    const auto id = p.integer("request-id");
    const auto second = id ? p.integer("error-status") : std::nullopt;
    const auto third = second ? p.integer("error-index") : std::nullopt;
    if (!third) return {std::nullopt, p.error()};
    req.request_id = *id;
    req.non_repeaters = *second;
    req.max_repetitions = *third;
    const auto list = p.expect(0x30, "varbind list");
    if (!list) return {std::nullopt, p.error()};
    Reader vl(*list);
    while (!vl.empty()) {
        if (req.oids.size() >= kMaxVarbinds) return {std::nullopt, "too many varbinds"};
        const auto vb = vl.expect(0x30, "varbind");
        if (!vb) return {std::nullopt, vl.error()};
        Reader v(*vb);
        const auto name = v.expect(0x06, "OID");
        if (!name) return {std::nullopt, v.error()};
        std::string error;
        auto oid = decode_oid(*name, error);
        if (!oid) return {std::nullopt, error};
        if (!v.next()) return {std::nullopt, v.error()};  // the value, skipped unread
        req.oids.push_back(std::move(*oid));
    }
    result.request = std::move(req);
    return result;
}

std::string encode_response(const Request& request, std::int64_t error_status,
                            std::int64_t error_index, const std::vector<Varbind>& varbinds) {
    std::string list;
    for (const auto& vb : varbinds)
        list += tlv(0x30, tlv(0x06, oid_contents(vb.oid)) + encode_value(vb.value));
    const std::string pdu = tlv(0x02, integer_contents(request.request_id)) +
                            tlv(0x02, integer_contents(error_status)) +
                            tlv(0x02, integer_contents(error_index)) + tlv(0x30, list);
    return tlv(0x30, tlv(0x02, integer_contents(request.version)) + tlv(0x04, request.community) +
                         tlv(static_cast<std::uint8_t>(PduType::response), pdu));
}

}  // namespace decnet::honeypot::snmp
