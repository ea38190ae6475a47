// SPNEGO reading and writing (see spnego.hpp).
#include "wire/spnego.hpp"

#include "wire/ber.hpp"

namespace decnet::wire::spnego {
namespace {

constexpr std::uint8_t kApplication0 = 0x60;
constexpr std::uint8_t kGeneralString = 0x1b;
constexpr std::uint8_t context(std::uint8_t n) {
    return static_cast<std::uint8_t>(0xa0 | n);
}

std::optional<std::string> oid_text(std::string_view contents) {
    std::string error;
    const auto oid = ber::decode_oid(contents, error);
    if (!oid) return std::nullopt;
    return ber::oid_to_string(*oid);
}

std::string oid_tlv(std::string_view dotted) {
    const auto oid = ber::oid_from_string(dotted);
    return ber::tlv(ber::kOid, oid ? ber::oid_contents(*oid) : std::string());
}

// The contents of an OCTET STRING wrapped in a context tag.
std::optional<std::string> octets(std::string_view wrapped) {
    ber::Reader r(wrapped);
    const auto v = r.expect(ber::kOctetString, "OCTET STRING");
    if (!v) return std::nullopt;
    return std::string(*v);
}

std::optional<Init> parse_init(std::string_view contents) {
    ber::Reader outer(contents);
    const auto seq = outer.expect(ber::kSequence, "NegTokenInit");
    if (!seq) return std::nullopt;
    Init init;
    ber::Reader r(*seq);
    while (!r.empty()) {
        const auto item = r.next();
        if (!item) return std::nullopt;
        if (item->first == context(0)) {
            ber::Reader list_outer(item->second);
            const auto list = list_outer.expect(ber::kSequence, "MechTypeList");
            if (!list) return std::nullopt;
            ber::Reader mechs(*list);
            while (!mechs.empty()) {
                const auto oid = mechs.expect(ber::kOid, "OID");
                if (!oid || init.mechs.size() >= kMaxMechs) return std::nullopt;
                auto text = oid_text(*oid);
                if (!text) return std::nullopt;
                init.mechs.push_back(std::move(*text));
            }
        } else if (item->first == context(2)) {
            auto token = octets(item->second);
            if (!token) return std::nullopt;
            init.mech_token = std::move(*token);
        } else if (item->first == context(3)) {
            // mechListMIC (RFC 4178) or negHints (negTokenInit2): told apart by their type.
            ber::Reader inner(item->second);
            const auto tag = inner.peek_tag();
            if (tag == ber::kOctetString) {
                if (const auto mic = inner.expect(ber::kOctetString, "mechListMIC"))
                    init.mic = std::string(*mic);
            } else if (tag == ber::kSequence) {
                const auto hints = inner.expect(ber::kSequence, "negHints");
                ber::Reader h(hints.value_or(std::string_view{}));
                if (const auto hint = h.peek_tag() == context(0) ? h.expect(context(0), "hintName")
                                                                 : std::nullopt) {
                    ber::Reader name(*hint);
                    if (const auto s = name.expect(kGeneralString, "GeneralString"))
                        init.hint = std::string(*s);
                }
            }
        } else if (item->first == context(4)) {
            auto mic = octets(item->second);
            if (mic) init.mic = std::move(*mic);
        }
        // [1] reqFlags and unknown tags are skipped.
    }
    return init;
}

std::optional<Resp> parse_resp(std::string_view contents) {
    ber::Reader outer(contents);
    const auto seq = outer.expect(ber::kSequence, "NegTokenResp");
    if (!seq) return std::nullopt;
    Resp resp;
    ber::Reader r(*seq);
    while (!r.empty()) {
        const auto item = r.next();
        if (!item) return std::nullopt;
        ber::Reader inner(item->second);
        if (item->first == context(0)) {
            const auto state = inner.integer("negState", ber::kEnumerated);
            if (!state || *state < 0 || *state > 3) return std::nullopt;
            resp.state = static_cast<NegState>(*state);
        } else if (item->first == context(1)) {
            const auto oid = inner.expect(ber::kOid, "supportedMech");
            if (!oid) return std::nullopt;
            auto text = oid_text(*oid);
            if (!text) return std::nullopt;
            resp.supported_mech = std::move(*text);
        } else if (item->first == context(2)) {
            auto token = octets(item->second);
            if (!token) return std::nullopt;
            resp.response_token = std::move(*token);
        } else if (item->first == context(3)) {
            auto mic = octets(item->second);
            if (!mic) return std::nullopt;
            resp.mic = std::move(*mic);
        }
    }
    return resp;
}

}  // namespace

std::optional<Token> parse(std::string_view token) {
    ber::Reader top(token);
    const auto item = top.next();
    if (!item) return std::nullopt;
    Token out;
    if (item->first == kApplication0) {
        ber::Reader r(item->second);
        const auto oid = r.expect(ber::kOid, "mech OID");
        if (!oid || oid_text(*oid) != std::string(kSpnego)) return std::nullopt;
        const auto init = r.expect(context(0), "negTokenInit");
        if (!init) return std::nullopt;
        out.init = parse_init(*init);
        if (!out.init) return std::nullopt;
        return out;
    }
    if (item->first == context(0)) {
        out.init = parse_init(item->second);
        if (!out.init) return std::nullopt;
        return out;
    }
    if (item->first == context(1)) {
        out.resp = parse_resp(item->second);
        if (!out.resp) return std::nullopt;
        return out;
    }
    return std::nullopt;
}

std::string build_init(const Init& init) {
    std::string mechs;
    for (const auto& m : init.mechs) mechs += oid_tlv(m);
    std::string body = ber::tlv(context(0), ber::tlv(ber::kSequence, mechs));
    if (!init.mech_token.empty())
        body += ber::tlv(context(2), ber::tlv(ber::kOctetString, init.mech_token));
    if (!init.hint.empty())
        body += ber::tlv(
            context(3),
            ber::tlv(ber::kSequence, ber::tlv(context(0), ber::tlv(kGeneralString, init.hint))));
    else if (!init.mic.empty())
        body += ber::tlv(context(3), ber::tlv(ber::kOctetString, init.mic));
    const std::string neg = ber::tlv(context(0), ber::tlv(ber::kSequence, body));
    return ber::tlv(kApplication0, oid_tlv(kSpnego) + neg);
}

std::string build_resp(const Resp& resp) {
    std::string body;
    if (resp.state)
        body += ber::tlv(context(0),
                         ber::tlv(ber::kEnumerated,
                                  ber::integer_contents(static_cast<std::int64_t>(*resp.state))));
    if (!resp.supported_mech.empty()) body += ber::tlv(context(1), oid_tlv(resp.supported_mech));
    if (!resp.response_token.empty())
        body += ber::tlv(context(2), ber::tlv(ber::kOctetString, resp.response_token));
    if (!resp.mic.empty()) body += ber::tlv(context(3), ber::tlv(ber::kOctetString, resp.mic));
    return ber::tlv(context(1), ber::tlv(ber::kSequence, body));
}

}  // namespace decnet::wire::spnego
