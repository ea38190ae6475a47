// LDAPv3 decoding and encoding (see ldap.hpp for the bounds).
#include "wire/ldap.hpp"

#include "wire/ber.hpp"

namespace decnet::wire::ldap {
namespace {

constexpr std::uint8_t kApplication = 0x40, kContext = 0x80, kConstructedBit = 0x20;
constexpr std::uint8_t kBoolean = 0x01;

std::uint8_t app_tag(Op op, bool constructed_form) {
    return static_cast<std::uint8_t>(kApplication | (constructed_form ? kConstructedBit : 0) |
                                     static_cast<std::uint8_t>(op));
}

// A reader failure as an error string, once.
struct Failure {
    std::string why;
    bool set(std::string text) {
        if (why.empty()) why = std::move(text);
        return false;
    }
};

bool read_string(ber::Reader& r, std::string& out, const char* what) {
    const auto v = r.expect(ber::kOctetString, what);
    if (!v) return false;
    out = std::string(*v);
    return true;
}

bool read_boolean(ber::Reader& r, bool& out, std::uint8_t tag = kBoolean) {
    const auto v = r.expect(tag, "BOOLEAN");
    if (!v || v->size() != 1) return false;
    out = (*v)[0] != 0;
    return true;
}

// SET/SEQUENCE OF OCTET STRING values.
bool read_values(std::string_view contents, std::vector<std::string>& out, Failure& f) {
    ber::Reader r(contents);
    while (!r.empty()) {
        if (out.size() >= kMaxValues) return f.set("too many values");
        std::string v;
        if (!read_string(r, v, "value")) return f.set(r.error());
        out.push_back(std::move(v));
    }
    return true;
}

// PartialAttribute / Attribute: SEQUENCE { type, SET OF value }.
bool read_attribute(std::string_view contents, Attribute& out, Failure& f) {
    ber::Reader r(contents);
    if (!read_string(r, out.first, "attribute type")) return f.set(r.error());
    const auto vals = r.expect(ber::kSet, "SET OF values");
    if (!vals) return f.set(r.error());
    return read_values(*vals, out.second, f);
}

bool read_attribute_list(std::string_view contents, std::vector<Attribute>& out, Failure& f) {
    ber::Reader r(contents);
    while (!r.empty()) {
        if (out.size() >= kMaxAttributes) return f.set("too many attributes");
        const auto item = r.expect(ber::kSequence, "attribute");
        if (!item) return f.set(r.error());
        Attribute a;
        if (!read_attribute(*item, a, f)) return false;
        out.push_back(std::move(a));
    }
    return true;
}

// AttributeValueAssertion contents: { attribute, value }.
bool read_ava(std::string_view contents, std::string& attribute, std::string& value, Failure& f) {
    ber::Reader r(contents);
    if (!read_string(r, attribute, "attribute") || !read_string(r, value, "assertion value"))
        return f.set(r.error());
    if (!r.empty()) return f.set("trailing data in assertion");
    return true;
}

bool read_filter(std::uint8_t tag, std::string_view contents, Filter& out, std::size_t depth,
                 std::size_t& nodes, Failure& f) {
    if (depth > kMaxFilterDepth) return f.set("filter too deep");
    if (++nodes > kMaxFilterNodes) return f.set("filter too large");
    switch (tag) {
        case 0xa0:
        case 0xa1: {
            out.kind = tag == 0xa0 ? Filter::Kind::and_ : Filter::Kind::or_;
            ber::Reader r(contents);
            while (!r.empty()) {
                const auto item = r.next();
                if (!item) return f.set(r.error());
                Filter child;
                if (!read_filter(item->first, item->second, child, depth + 1, nodes, f))
                    return false;
                out.children.push_back(std::move(child));
            }
            return true;
        }
        case 0xa2: {
            out.kind = Filter::Kind::not_;
            ber::Reader r(contents);
            const auto item = r.next();
            if (!item) return f.set(r.error().empty() ? "empty not" : r.error());
            if (!r.empty()) return f.set("not with more than one filter");
            Filter child;
            if (!read_filter(item->first, item->second, child, depth + 1, nodes, f)) return false;
            out.children.push_back(std::move(child));
            return true;
        }
        case 0xa3:
        case 0xa5:
        case 0xa6:
        case 0xa8:
            out.kind = tag == 0xa3   ? Filter::Kind::equality
                       : tag == 0xa5 ? Filter::Kind::greater_or_equal
                       : tag == 0xa6 ? Filter::Kind::less_or_equal
                                     : Filter::Kind::approx;
            return read_ava(contents, out.attribute, out.value, f);
        case 0xa4: {
            out.kind = Filter::Kind::substrings;
            ber::Reader r(contents);
            if (!read_string(r, out.attribute, "substrings type")) return f.set(r.error());
            const auto seq = r.expect(ber::kSequence, "substrings");
            if (!seq) return f.set(r.error());
            ber::Reader parts(*seq);
            while (!parts.empty()) {
                const auto part = parts.next();
                if (!part) return f.set(parts.error());
                if (out.any.size() >= kMaxValues) return f.set("too many substrings");
                if (part->first == 0x80)
                    out.initial = std::string(part->second);
                else if (part->first == 0x81)
                    out.any.emplace_back(part->second);
                else if (part->first == 0x82)
                    out.final_ = std::string(part->second);
                else
                    return f.set("bad substring choice");
            }
            return true;
        }
        case 0x87:
            out.kind = Filter::Kind::present;
            out.attribute = std::string(contents);
            return true;
        case 0xa9: {
            out.kind = Filter::Kind::extensible;
            ber::Reader r(contents);
            while (!r.empty()) {
                const auto item = r.next();
                if (!item) return f.set(r.error());
                if (item->first == 0x81)
                    out.matching_rule = std::string(item->second);
                else if (item->first == 0x82)
                    out.attribute = std::string(item->second);
                else if (item->first == 0x83)
                    out.value = std::string(item->second);
                else if (item->first == 0x84)
                    out.dn_attributes = !item->second.empty() && item->second[0] != 0;
                else
                    return f.set("bad extensible match field");
            }
            return true;
        }
        default:
            return f.set("unknown filter choice");
    }
}

bool read_controls(std::string_view contents, std::vector<Control>& out, Failure& f) {
    ber::Reader r(contents);
    while (!r.empty()) {
        if (out.size() >= kMaxControls) return f.set("too many controls");
        const auto item = r.expect(ber::kSequence, "control");
        if (!item) return f.set(r.error());
        ber::Reader c(*item);
        Control control;
        if (!read_string(c, control.oid, "control type")) return f.set(c.error());
        if (c.peek_tag() == kBoolean && !read_boolean(c, control.critical))
            return f.set("bad criticality");
        if (c.peek_tag() == ber::kOctetString) {
            std::string value;
            if (!read_string(c, value, "control value")) return f.set(c.error());
            control.value = std::move(value);
        }
        if (!c.empty()) return f.set("trailing data in control");
        out.push_back(std::move(control));
    }
    return true;
}

bool read_bind(std::string_view contents, BindRequest& b, Failure& f) {
    ber::Reader r(contents);
    const auto version = r.integer("version");
    if (!version) return f.set(r.error());
    b.version = *version;
    if (!read_string(r, b.name, "bind name")) return f.set(r.error());
    const auto auth = r.next();
    if (!auth) return f.set(r.error());
    if (auth->first == 0x80) {
        b.simple = true;
        b.password = std::string(auth->second);
        return true;
    }
    if (auth->first == 0x89 || auth->first == 0x8a || auth->first == 0x8b) {
        b.simple = false;
        b.mechanism = "SICILY";
        b.sicily = auth->first & 0x1f;
        b.credentials = std::string(auth->second);
        return true;
    }
    if (auth->first != 0xa3) return f.set("unknown authentication choice");
    b.simple = false;
    ber::Reader sasl(auth->second);
    if (!read_string(sasl, b.mechanism, "SASL mechanism")) return f.set(sasl.error());
    if (!sasl.empty()) {
        std::string creds;
        if (!read_string(sasl, creds, "SASL credentials")) return f.set(sasl.error());
        b.credentials = std::move(creds);
    }
    return true;
}

bool read_search(std::string_view contents, SearchRequest& s, Failure& f) {
    ber::Reader r(contents);
    if (!read_string(r, s.base, "base object")) return f.set(r.error());
    const auto scope = r.integer("scope", ber::kEnumerated);
    const auto deref = r.integer("derefAliases", ber::kEnumerated);
    const auto size = r.integer("sizeLimit");
    const auto time = r.integer("timeLimit");
    if (!scope || !deref || !size || !time || !read_boolean(r, s.types_only))
        return f.set(r.error().empty() ? "bad search request" : r.error());
    s.scope = *scope;
    s.deref = *deref;
    s.size_limit = *size;
    s.time_limit = *time;
    const auto filter = r.next();
    if (!filter) return f.set(r.error());
    std::size_t nodes = 0;
    if (!read_filter(filter->first, filter->second, s.filter, 0, nodes, f)) return false;
    const auto attrs = r.expect(ber::kSequence, "attribute selection");
    if (!attrs) return f.set(r.error());
    ber::Reader a(*attrs);
    while (!a.empty()) {
        if (s.attributes.size() >= kMaxAttributes) return f.set("too many attributes");
        std::string name;
        if (!read_string(a, name, "attribute selector")) return f.set(a.error());
        s.attributes.push_back(std::move(name));
    }
    return true;
}

bool read_op(std::uint8_t tag, std::string_view contents, Message& m, Failure& f) {
    if ((tag & 0xc0) != kApplication) return f.set("protocolOp is not an APPLICATION tag");
    m.op = static_cast<Op>(tag & 0x1f);
    const bool constructed_form = (tag & kConstructedBit) != 0;
    switch (m.op) {
        case Op::bind_request:
            return constructed_form ? read_bind(contents, m.bind, f) : f.set("bad bind");
        case Op::unbind_request:
            return true;
        case Op::search_request:
            return constructed_form ? read_search(contents, m.search, f) : f.set("bad search");
        case Op::modify_request: {
            ber::Reader r(contents);
            if (!read_string(r, m.dn, "object")) return f.set(r.error());
            const auto changes = r.expect(ber::kSequence, "changes");
            if (!changes) return f.set(r.error());
            ber::Reader c(*changes);
            while (!c.empty()) {
                if (m.changes.size() >= kMaxAttributes) return f.set("too many changes");
                const auto item = c.expect(ber::kSequence, "change");
                if (!item) return f.set(c.error());
                ber::Reader one(*item);
                Change change;
                const auto operation = one.integer("operation", ber::kEnumerated);
                if (!operation) return f.set(one.error());
                change.operation = *operation;
                const auto attr = one.expect(ber::kSequence, "modification");
                if (!attr) return f.set(one.error());
                if (!read_attribute(*attr, change.attribute, f)) return false;
                m.changes.push_back(std::move(change));
            }
            return true;
        }
        case Op::add_request: {
            ber::Reader r(contents);
            if (!read_string(r, m.dn, "entry")) return f.set(r.error());
            const auto attrs = r.expect(ber::kSequence, "attributes");
            if (!attrs) return f.set(r.error());
            return read_attribute_list(*attrs, m.attributes, f);
        }
        case Op::del_request:
            m.dn = std::string(contents);
            return true;
        case Op::modify_dn_request: {
            ber::Reader r(contents);
            if (!read_string(r, m.dn, "entry") || !read_string(r, m.new_rdn, "newrdn") ||
                !read_boolean(r, m.delete_old_rdn))
                return f.set(r.error().empty() ? "bad modify DN" : r.error());
            if (!r.empty()) {
                const auto superior = r.expect(0x80, "newSuperior");
                if (!superior) return f.set(r.error());
                m.new_superior = std::string(*superior);
            }
            return true;
        }
        case Op::compare_request: {
            ber::Reader r(contents);
            if (!read_string(r, m.dn, "entry")) return f.set(r.error());
            const auto ava = r.expect(ber::kSequence, "assertion");
            if (!ava) return f.set(r.error());
            m.assertion.second.emplace_back();
            return read_ava(*ava, m.assertion.first, m.assertion.second.back(), f);
        }
        case Op::abandon_request: {
            const auto id = ber::decode_integer(contents);
            if (!id) return f.set("bad abandon");
            m.abandon_id = *id;
            return true;
        }
        case Op::extended_request: {
            ber::Reader r(contents);
            const auto name = r.expect(0x80, "requestName");
            if (!name) return f.set(r.error());
            m.extended_name = std::string(*name);
            if (!r.empty()) {
                const auto value = r.expect(0x81, "requestValue");
                if (!value) return f.set(r.error());
                m.extended_value = std::string(*value);
            }
            return true;
        }
        default:
            return f.set("not a request: APPLICATION " + std::to_string(tag & 0x1f));
    }
}

std::string put_length4(std::size_t n) {
    std::string out(5, '\0');
    out[0] = static_cast<char>(0x84);
    for (int i = 0; i < 4; ++i)
        out[static_cast<std::size_t>(4 - i)] = static_cast<char>(n >> (8 * i));
    return out;
}

std::string octets(std::string_view s) {
    return ber::tlv(ber::kOctetString, s);
}

void append_escaped(std::string& out, std::string_view value) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '*' || c == '(' || c == ')' || c == '\\' || u < 0x20 || u >= 0x7f) {
            out += '\\';
            out += kHex[u >> 4];
            out += kHex[u & 0xf];
        } else {
            out += c;
        }
    }
}

void render(const Filter& f, std::string& out, std::size_t max) {
    if (out.size() > max) return;
    out += '(';
    switch (f.kind) {
        case Filter::Kind::and_:
        case Filter::Kind::or_:
        case Filter::Kind::not_:
            out += f.kind == Filter::Kind::and_ ? '&' : f.kind == Filter::Kind::or_ ? '|' : '!';
            for (const auto& child : f.children) render(child, out, max);
            break;
        case Filter::Kind::present:
            out += f.attribute + "=*";
            break;
        case Filter::Kind::substrings:
            out += f.attribute + "=";
            if (f.initial) append_escaped(out, *f.initial);
            out += '*';
            for (const auto& any : f.any) {
                append_escaped(out, any);
                out += '*';
            }
            if (f.final_) append_escaped(out, *f.final_);
            break;
        case Filter::Kind::extensible:
            out += f.attribute;
            if (f.dn_attributes) out += ":dn";
            if (!f.matching_rule.empty()) out += ":" + f.matching_rule;
            out += ":=";
            append_escaped(out, f.value);
            break;
        default:
            out += f.attribute;
            out += f.kind == Filter::Kind::greater_or_equal ? ">="
                   : f.kind == Filter::Kind::less_or_equal  ? "<="
                   : f.kind == Filter::Kind::approx         ? "~="
                                                            : "=";
            append_escaped(out, f.value);
            break;
    }
    out += ')';
}

}  // namespace

Frame frame(std::string_view buffer, std::size_t max_message) {
    Frame out;
    if (buffer.empty()) return out;
    if (static_cast<std::uint8_t>(buffer[0]) != ber::kSequence) {
        out.status = Frame::Status::bad;
        out.error = "not an LDAPMessage (first octet is not SEQUENCE)";
        return out;
    }
    if (buffer.size() < 2) return out;
    const auto first = static_cast<std::uint8_t>(buffer[1]);
    std::size_t header = 2, length = first;
    if (first & 0x80) {
        const std::size_t octets_n = first & 0x7f;
        if (octets_n == 0 || octets_n > 4) {
            out.status = Frame::Status::bad;
            out.error = octets_n == 0 ? "indefinite length" : "length too long";
            return out;
        }
        if (buffer.size() < 2 + octets_n) return out;
        length = 0;
        for (std::size_t i = 0; i < octets_n; ++i)
            length = (length << 8) | static_cast<std::uint8_t>(buffer[2 + i]);
        header += octets_n;
    }
    if (length > max_message || header + length > max_message) {
        out.status = Frame::Status::bad;
        out.error = "message of " + std::to_string(length) + " bytes is too large";
        return out;
    }
    if (buffer.size() < header + length) return out;
    out.status = Frame::Status::complete;
    out.size = header + length;
    return out;
}

Parsed parse_message(std::string_view bytes) {
    Parsed out;
    Failure f;
    ber::Reader outer(bytes);
    const auto seq = outer.expect(ber::kSequence, "LDAPMessage");
    if (!seq) {
        out.error = outer.error();
        return out;
    }
    ber::Reader r(*seq);
    const auto id = r.integer("messageID");
    if (!id) {
        out.error = r.error();
        return out;
    }
    out.id = *id;
    Message m;
    m.id = *id;
    const auto op = r.next();
    if (!op) {
        out.error = r.error();
        return out;
    }
    if (!read_op(op->first, op->second, m, f)) {
        out.error = f.why.empty() ? "malformed request" : f.why;
        return out;
    }
    if (!r.empty()) {
        const auto controls = r.expect(0xa0, "controls");
        if (!controls) {
            out.error = r.error();
            return out;
        }
        if (!read_controls(*controls, m.controls, f)) {
            out.error = f.why;
            return out;
        }
    }
    out.message = std::move(m);
    return out;
}

std::string filter_to_string(const Filter& filter, std::size_t max) {
    std::string out;
    render(filter, out, max);
    if (out.size() > max) out.resize(max);
    return out;
}

std::string constructed(std::uint8_t tag, std::string_view contents) {
    std::string out(1, static_cast<char>(tag));
    out += put_length4(contents.size());
    out += contents;
    return out;
}

std::string message(std::int64_t id, std::string_view protocol_op,
                    const std::vector<Control>& controls) {
    std::string body = ber::tlv(ber::kInteger, ber::integer_contents(id));
    body += protocol_op;
    if (!controls.empty()) {
        std::string list;
        for (const auto& c : controls) {
            std::string one = octets(c.oid);
            if (c.critical) one += ber::tlv(kBoolean, std::string(1, '\xff'));
            if (c.value) one += octets(*c.value);
            list += constructed(ber::kSequence, one);
        }
        body += constructed(0xa0, list);
    }
    return constructed(ber::kSequence, body);
}

std::string result_op(Op op, int code, std::string_view matched_dn, std::string_view diagnostic,
                      std::string_view extra) {
    std::string body = ber::tlv(ber::kEnumerated, ber::integer_contents(code));
    body += octets(matched_dn);
    body += octets(diagnostic);
    body += extra;
    return constructed(app_tag(op, true), body);
}

std::string search_entry_op(std::string_view dn, const std::vector<Attribute>& attributes,
                            bool types_only) {
    std::string list;
    for (const auto& [type, values] : attributes) {
        std::string vals;
        if (!types_only)
            for (const auto& v : values) vals += octets(v);
        list += constructed(ber::kSequence, octets(type) + constructed(ber::kSet, vals));
    }
    return constructed(app_tag(Op::search_entry, true),
                       octets(dn) + constructed(ber::kSequence, list));
}

std::string extended_response_op(int code, std::string_view diagnostic, std::string_view name,
                                 const std::optional<std::string>& value) {
    std::string extra;
    if (!name.empty()) extra += ber::tlv(kContext | 10, name);
    if (value) extra += ber::tlv(kContext | 11, *value);
    return result_op(Op::extended_response, code, "", diagnostic, extra);
}

std::string sasl_credentials(std::string_view creds) {
    return ber::tlv(kContext | 7, creds);
}

std::string paged_results_value(std::int64_t size, std::string_view cookie) {
    return constructed(ber::kSequence,
                       ber::tlv(ber::kInteger, ber::integer_contents(size)) + octets(cookie));
}

std::optional<std::pair<std::int64_t, std::string>> parse_paged_results(std::string_view value) {
    ber::Reader outer(value);
    const auto seq = outer.expect(ber::kSequence, "paged results");
    if (!seq) return std::nullopt;
    ber::Reader r(*seq);
    const auto size = r.integer("size");
    const auto cookie = r.expect(ber::kOctetString, "cookie");
    if (!size || !cookie) return std::nullopt;
    return std::make_pair(*size, std::string(*cookie));
}

}  // namespace decnet::wire::ldap
