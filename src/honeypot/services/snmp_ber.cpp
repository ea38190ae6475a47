// BER reading and writing for SNMP (see snmp_ber.hpp for the bounds).
#include "honeypot/services/snmp_ber.hpp"

#include <charconv>

namespace decnet::honeypot::snmp {
namespace {

constexpr std::size_t kMaxCommunity = 255;

// A cursor over one TLV's contents; every read checks the bytes left.
class Reader {
  public:
    explicit Reader(std::string_view data) : data_(data) {}
    bool empty() const { return pos_ >= data_.size(); }

    // The next TLV's tag and contents; nullopt (with error_) when malformed.
    std::optional<std::pair<std::uint8_t, std::string_view>> next() {
        if (data_.size() - pos_ < 2) return fail("truncated");
        const auto tag = static_cast<std::uint8_t>(data_[pos_++]);
        if ((tag & 0x1f) == 0x1f) return fail("multi-byte tag");
        std::size_t length = static_cast<std::uint8_t>(data_[pos_++]);
        if (length & 0x80) {
            const std::size_t octets = length & 0x7f;
            if (octets == 0) return fail("indefinite length");
            if (octets > 4) return fail("length too long");
            if (data_.size() - pos_ < octets) return fail("truncated length");
            length = 0;
            for (std::size_t i = 0; i < octets; ++i)
                length = (length << 8) | static_cast<std::uint8_t>(data_[pos_++]);
        }
        if (length > data_.size() - pos_) return fail("length beyond datagram");
        const auto contents = data_.substr(pos_, length);
        pos_ += length;
        return std::make_pair(tag, contents);
    }

    std::optional<std::string_view> expect(std::uint8_t tag, const char* what) {
        const auto tlv = next();
        if (!tlv) return std::nullopt;
        if (tlv->first != tag) return fail(std::string("expected ") + what);
        return tlv->second;
    }

    std::optional<std::int64_t> integer(const char* what) {
        const auto c = expect(0x02, what);
        if (!c) return std::nullopt;
        if (c->empty() || c->size() > 8) return fail(std::string("bad ") + what);
        // Two's complement, sign-extended from the first octet.
        std::uint64_t v = (static_cast<std::uint8_t>((*c)[0]) & 0x80) ? ~std::uint64_t{0} : 0;
        for (const char ch : *c) v = (v << 8) | static_cast<std::uint8_t>(ch);
        return static_cast<std::int64_t>(v);
    }

    const std::string& error() const { return error_; }

    std::nullopt_t fail(std::string why) {
        if (error_.empty()) error_ = std::move(why);
        return std::nullopt;
    }

  private:
    std::string_view data_;
    std::size_t pos_ = 0;
    std::string error_;
};

std::optional<Oid> decode_oid(std::string_view c, std::string& error) {
    if (c.empty()) {
        error = "empty OID";
        return std::nullopt;
    }
    Oid oid;
    std::uint64_t sub = 0;
    std::size_t octets = 0;
    for (const char ch : c) {
        const auto b = static_cast<std::uint8_t>(ch);
        sub = (sub << 7) | (b & 0x7f);
        if (++octets > 5 || sub > 0xffffffffULL) {
            error = "OID arc too large";
            return std::nullopt;
        }
        if (b & 0x80) continue;
        if (oid.empty()) {
            const std::uint32_t first = sub < 40 ? 0 : sub < 80 ? 1 : 2;
            oid.push_back(first);
            oid.push_back(static_cast<std::uint32_t>(sub - 40 * first));
        } else {
            oid.push_back(static_cast<std::uint32_t>(sub));
        }
        if (oid.size() > kMaxOidArcs) {
            error = "OID has too many arcs";
            return std::nullopt;
        }
        sub = 0;
        octets = 0;
    }
    if (octets) {
        error = "truncated OID";
        return std::nullopt;
    }
    return oid;
}

std::string tlv(std::uint8_t tag, std::string_view contents) {
    std::string out(1, static_cast<char>(tag));
    const std::size_t n = contents.size();
    if (n < 0x80) {
        out += static_cast<char>(n);
    } else {
        std::string bytes;
        for (std::size_t v = n; v; v >>= 8)
            bytes.insert(bytes.begin(), static_cast<char>(v & 0xff));
        out += static_cast<char>(0x80 | bytes.size());
        out += bytes;
    }
    out += contents;
    return out;
}

std::string integer_contents(std::int64_t value) {
    std::string out;
    auto v = static_cast<std::uint64_t>(value);
    for (int i = 0; i < 8; ++i) {
        out.insert(out.begin(), static_cast<char>(v & 0xff));
        v >>= 8;
    }
    // Minimal two's complement: drop leading octets that only repeat the sign.
    while (out.size() > 1) {
        const auto a = static_cast<std::uint8_t>(out[0]);
        const auto b = static_cast<std::uint8_t>(out[1]);
        if ((a == 0x00 && !(b & 0x80)) || (a == 0xff && (b & 0x80)))
            out.erase(out.begin());
        else
            break;
    }
    return out;
}

std::string oid_contents(const Oid& oid) {
    std::string out;
    const auto put = [&out](std::uint64_t sub) {
        std::string bytes(1, static_cast<char>(sub & 0x7f));
        for (sub >>= 7; sub; sub >>= 7)
            bytes.insert(bytes.begin(), static_cast<char>(0x80 | (sub & 0x7f)));
        out += bytes;
    };
    if (oid.empty()) return out;
    put(40ULL * oid[0] + (oid.size() > 1 ? oid[1] : 0));
    for (std::size_t i = 2; i < oid.size(); ++i) put(oid[i]);
    return out;
}

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

std::string oid_to_string(const Oid& oid) {
    std::string out;
    for (const auto arc : oid) out += (out.empty() ? "" : ".") + std::to_string(arc);
    return out;
}

std::optional<Oid> oid_from_string(std::string_view dotted) {
    Oid oid;
    while (!dotted.empty()) {
        const auto dot = dotted.find('.');
        const auto part = dotted.substr(0, dot);
        std::uint32_t arc = 0;
        const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), arc);
        if (ec != std::errc() || end != part.data() + part.size()) return std::nullopt;
        oid.push_back(arc);
        if (dot == std::string_view::npos) break;
        dotted.remove_prefix(dot + 1);
    }
    return oid;
}

}  // namespace decnet::honeypot::snmp
