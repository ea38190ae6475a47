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

std::optional<V3Message> parse_v3(std::string_view datagram) {
    Reader outer(datagram);
    const auto message = outer.expect(0x30, "SEQUENCE");
    if (!message || !outer.empty()) return std::nullopt;
    Reader r(*message);
    const auto version = r.integer("version");
    if (!version || *version != 3) return std::nullopt;
    const auto global = r.expect(0x30, "msgGlobalData");
    if (!global) return std::nullopt;
    Reader g(*global);
    V3Message out;
    const auto id = g.integer("msgID");
    const auto max_size = id ? g.integer("msgMaxSize") : std::nullopt;
    const auto flags = max_size ? g.expect(0x04, "msgFlags") : std::nullopt;
    const auto model = flags ? g.integer("msgSecurityModel") : std::nullopt;
    if (!model || flags->size() != 1 || *model != 3 || !g.empty()) return std::nullopt;
    out.msg_id = *id;
    out.flags = static_cast<std::uint8_t>((*flags)[0]);

    const auto security = r.expect(0x04, "msgSecurityParameters");
    if (!security) return std::nullopt;
    Reader so(*security);
    const auto usm = so.expect(0x30, "UsmSecurityParameters");
    if (!usm || !so.empty()) return std::nullopt;
    Reader u(*usm);
    const auto engine = u.expect(0x04, "msgAuthoritativeEngineID");
    const auto boots = engine ? u.integer("msgAuthoritativeEngineBoots") : std::nullopt;
    const auto time = boots ? u.integer("msgAuthoritativeEngineTime") : std::nullopt;
    const auto user = time ? u.expect(0x04, "msgUserName") : std::nullopt;
    const auto auth = user ? u.expect(0x04, "msgAuthenticationParameters") : std::nullopt;
    const auto priv = auth ? u.expect(0x04, "msgPrivacyParameters") : std::nullopt;
    if (!priv || !u.empty() || engine->size() > kMaxEngineId || user->size() > kMaxUserName)
        return std::nullopt;
    out.engine_id = std::string(*engine);
    out.user = std::string(*user);

    const auto data = r.next();  // the scoped PDU, or its encryption (an OCTET STRING)
    if (!data || !r.empty()) return std::nullopt;
    if (data->first == 0x30) {
        Reader scoped(data->second);
        const auto context_engine = scoped.expect(0x04, "contextEngineID");
        const auto context_name =
            context_engine ? scoped.expect(0x04, "contextName") : std::nullopt;
        const auto pdu = context_name ? scoped.next() : std::nullopt;
        if (!pdu || pdu->first < 0xa0 || pdu->first > 0xa8) return std::nullopt;
        Reader p(pdu->second);
        const auto request_id = p.integer("request-id");
        if (!request_id) return std::nullopt;
        out.request_id = *request_id;
        out.pdu = pdu->first;
    } else if (data->first != 0x04) {
        return std::nullopt;
    }
    return out;
}

std::string encode_v3_report(const V3Message& request, std::string_view engine_id,
                             std::int64_t engine_boots, std::int64_t engine_time, UsmReport report,
                             std::uint32_t counter) {
    constexpr std::int64_t kMaxMessageSize = 65507;  // net-snmp's, over UDP
    const std::string global = tlv(0x02, integer_contents(request.msg_id)) +
                               tlv(0x02, integer_contents(kMaxMessageSize)) +
                               tlv(0x04, std::string(1, '\0')) + tlv(0x02, integer_contents(3));
    const std::string usm =
        tlv(0x30, tlv(0x04, engine_id) + tlv(0x02, integer_contents(engine_boots)) +
                      tlv(0x02, integer_contents(engine_time)) + tlv(0x04, request.user) +
                      tlv(0x04, {}) + tlv(0x04, {}));
    // usmStats (1.3.6.1.6.3.15.1.1) .3 unknownUserNames, .4 unknownEngineIDs; a Counter32.
    const Oid statistic = {1, 3, 6, 1, 6, 3, 15, 1, 1, static_cast<std::uint32_t>(report), 0};
    const std::string varbinds = tlv(
        0x30, tlv(0x30, tlv(0x06, oid_contents(statistic)) + tlv(0x41, integer_contents(counter))));
    const std::string pdu =
        tlv(0xa8, tlv(0x02, integer_contents(request.request_id)) + tlv(0x02, integer_contents(0)) +
                      tlv(0x02, integer_contents(0)) + varbinds);
    const std::string scoped = tlv(0x30, tlv(0x04, engine_id) + tlv(0x04, {}) + pdu);
    return tlv(0x30, tlv(0x02, integer_contents(3)) + tlv(0x30, global) + tlv(0x04, usm) + scoped);
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
