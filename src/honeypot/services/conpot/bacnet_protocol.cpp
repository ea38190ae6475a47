// BACnet/IP device object of the PLC (see bacnet_protocol.hpp).
#include "honeypot/services/conpot/bacnet_protocol.hpp"

#include <cstdint>

namespace decnet::honeypot::bacnet {
namespace {

constexpr std::uint32_t kDeviceType = 8;
constexpr std::uint32_t kWildcardInstance = 4194303;
constexpr std::uint8_t kReadProperty = 0x0c, kWriteProperty = 0x0f,
                       kDeviceCommunicationControl = 0x11, kReinitializeDevice = 0x14;
// Error classes and codes (clause 18).
constexpr std::uint8_t kClassObject = 1, kClassProperty = 2, kClassSecurity = 4;
constexpr std::uint8_t kUnknownObject = 31, kUnknownProperty = 32, kWriteAccessDenied = 40,
                       kPasswordFailure = 26;

// One tag: number, context or application, and its value bytes.
struct Tag {
    std::uint8_t number = 0;
    bool context = false;
    bool opening = false, closing = false;
    std::string_view value;
};

// The tag at `at` (advanced past it); nullopt when it does not fit.
std::optional<Tag> read_tag(std::string_view b, std::size_t& at) {
    if (at >= b.size()) return std::nullopt;
    const auto first = static_cast<unsigned char>(b[at++]);
    Tag t;
    t.number = first >> 4;
    t.context = (first & 0x08) != 0;
    if (t.number == 0x0f) {
        if (at >= b.size()) return std::nullopt;
        t.number = static_cast<std::uint8_t>(b[at++]);
    }
    std::size_t len = first & 0x07;
    if (t.context && len == 6) {
        t.opening = true;
        return t;
    }
    if (t.context && len == 7) {
        t.closing = true;
        return t;
    }
    if (len == 5) {
        if (at >= b.size()) return std::nullopt;
        len = static_cast<unsigned char>(b[at++]);
        if (len >= 254) return std::nullopt;  // 16/32-bit lengths: nothing this small needs them
    }
    if (at + len > b.size()) return std::nullopt;
    t.value = b.substr(at, len);
    at += len;
    return t;
}

std::uint32_t unsigned_of(std::string_view v) {
    std::uint32_t n = 0;
    for (std::size_t i = 0; i < v.size() && i < 4; ++i)
        n = (n << 8) | static_cast<unsigned char>(v[i]);
    return n;
}

void put_unsigned(std::string& out, std::uint8_t app_tag, std::uint32_t v) {
    std::string bytes;
    do {
        bytes.insert(bytes.begin(), static_cast<char>(v & 0xff));
        v >>= 8;
    } while (v);
    out += static_cast<char>((app_tag << 4) | bytes.size());
    out += bytes;
}

std::string object_id(std::uint32_t type, std::uint32_t instance) {
    const std::uint32_t v = (type << 22) | (instance & 0x3fffff);
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
            static_cast<char>(v)};
}

// Application tag 7, UTF-8 (character set 0).
std::string character_string(std::string_view text) {
    std::string s = text.size() > 200 ? std::string(text.substr(0, 200)) : std::string(text);
    std::string out;
    const std::size_t len = s.size() + 1;
    if (len <= 4) {
        out += static_cast<char>(0x70 | len);
    } else {
        out += '\x75';
        out += static_cast<char>(len);
    }
    out += '\0';
    return out + s;
}

std::string bvlc(std::string npdu_apdu) {
    std::string out = {'\x81', '\x0a'};
    const auto len = static_cast<std::uint16_t>(npdu_apdu.size() + 4);
    out += static_cast<char>(len >> 8);
    out += static_cast<char>(len & 0xff);
    return out + npdu_apdu;
}

std::string reply_apdu(std::string apdu) {
    return bvlc(std::string{'\x01', '\x00'} + apdu);
}

std::string error_pdu(std::uint8_t invoke, std::uint8_t service, std::uint8_t cls,
                      std::uint8_t code) {
    return reply_apdu({'\x50', static_cast<char>(invoke), static_cast<char>(service), '\x91',
                       static_cast<char>(cls), '\x91', static_cast<char>(code)});
}

std::string_view property_name(std::uint32_t p) {
    switch (p) {
        case 12:
            return "application-software-version";
        case 28:
            return "description";
        case 44:
            return "firmware-revision";
        case 58:
            return "location";
        case 62:
            return "max-apdu-length-accepted";
        case 70:
            return "model-name";
        case 75:
            return "object-identifier";
        case 77:
            return "object-name";
        case 79:
            return "object-type";
        case 98:
            return "protocol-version";
        case 107:
            return "segmentation-supported";
        case 112:
            return "system-status";
        case 120:
            return "vendor-identifier";
        case 121:
            return "vendor-name";
        case 139:
            return "protocol-revision";
        default:
            return {};
    }
}

std::string application_version(const PlcDevice& d) {
    return "V" + std::to_string(1 + d.seed % 4) + "." + std::to_string(d.seed / 7 % 10) + "." +
           std::to_string(d.seed / 71 % 30);
}

// The device object's property `p` as application-tagged bytes; nullopt: unknown property.
std::optional<std::string> property(const PlcDevice& d, std::uint32_t p) {
    std::string v;
    switch (p) {
        case 12:
            return character_string(application_version(d));
        case 28:
            return character_string(d.product + " " + d.cpu);
        case 44:
            return character_string(d.firmware.text());
        case 58:
            return character_string(d.location);
        case 62:
            put_unsigned(v, 2, 1476);
            return v;
        case 70:
            return character_string(d.cpu);
        case 75:
            return "\xc4" + object_id(kDeviceType, d.bacnet_instance);
        case 77:
            return character_string(d.station);
        case 79:
            return std::string("\x91\x08", 2);
        case 98:
            put_unsigned(v, 2, 1);
            return v;
        case 107:
            return std::string("\x91\x03", 2);  // no segmentation
        case 112:
            return std::string("\x91\x00", 2);  // operational
        case 120:
            put_unsigned(v, 2, d.bacnet_vendor_id);
            return v;
        case 121:
            return character_string(d.vendor);
        case 139:
            put_unsigned(v, 2, 14);
            return v;
        default:
            return std::nullopt;
    }
}

conpot::Note request_note(std::string service) {
    return {"bacnet_request", false, {{"service", std::move(service)}}};
}

void who_is(const PlcDevice& d, std::string_view apdu, Outcome& out) {
    out.notes.push_back(request_note("who-is"));
    std::size_t at = 2;
    const auto low = read_tag(apdu, at);
    const auto high = read_tag(apdu, at);
    if (low && high && low->context && high->context) {
        const auto lo = unsigned_of(low->value), hi = unsigned_of(high->value);
        if (d.bacnet_instance < lo || d.bacnet_instance > hi) return;
    }
    std::string iam = {'\x10', '\x00', '\xc4'};
    iam += object_id(kDeviceType, d.bacnet_instance);
    put_unsigned(iam, 2, 1476);
    iam += std::string("\x91\x03", 2);
    put_unsigned(iam, 2, d.bacnet_vendor_id);
    out.reply = reply_apdu(iam);
}

void read_property(const PlcDevice& d, std::string_view apdu, Outcome& out) {
    const auto invoke = static_cast<std::uint8_t>(apdu[2]);
    std::size_t at = 4;
    const auto object = read_tag(apdu, at);
    const auto prop = read_tag(apdu, at);
    auto note = request_note("read-property");
    if (!object || !prop || !object->context || object->number != 0 || object->value.size() != 4 ||
        !prop->context || prop->number != 1 || prop->value.empty() || prop->value.size() > 4) {
        note.fields.emplace_back("error", "malformed ReadProperty");
        out.notes.push_back(std::move(note));
        out.reply = reply_apdu({'\x60', static_cast<char>(invoke), '\x04'});  // reject: invalid tag
        return;
    }
    const auto oid = unsigned_of(object->value);
    const auto type = oid >> 22, instance = oid & 0x3fffff;
    const auto pid = unsigned_of(prop->value);
    const auto name = property_name(pid);
    note.fields.emplace_back("object", std::to_string(type) + ":" + std::to_string(instance));
    note.fields.emplace_back("property", name.empty() ? std::to_string(pid) : std::string(name));
    out.notes.push_back(std::move(note));
    if (type != kDeviceType || (instance != d.bacnet_instance && instance != kWildcardInstance)) {
        out.reply = error_pdu(invoke, kReadProperty, kClassObject, kUnknownObject);
        return;
    }
    const auto value = property(d, pid);
    if (!value) {
        out.reply = error_pdu(invoke, kReadProperty, kClassProperty, kUnknownProperty);
        return;
    }
    std::string ack = {'\x30', static_cast<char>(invoke), static_cast<char>(kReadProperty), '\x0c'};
    ack += object_id(kDeviceType, d.bacnet_instance);
    ack += static_cast<char>(0x18 | prop->value.size());
    ack += prop->value;
    ack += '\x3e';
    ack += *value;
    ack += '\x3f';
    out.reply = reply_apdu(ack);
}

void confirmed(const PlcDevice& d, std::string_view apdu, Outcome& out) {
    const auto flags = static_cast<unsigned char>(apdu[0]) & 0x0f;
    const auto invoke = static_cast<std::uint8_t>(apdu[2]);
    if (flags & 0x08) {  // segmented request: abort, segmentation not supported
        out.notes.push_back(request_note("segmented"));
        out.reply = reply_apdu({'\x71', static_cast<char>(invoke), '\x04'});
        return;
    }
    const auto service = static_cast<std::uint8_t>(apdu[3]);
    if (service == kReadProperty) return read_property(d, apdu, out);
    const auto capture = [&](std::string name, std::uint8_t cls, std::uint8_t code) {
        conpot::Note n{"bacnet_write", true, {{"service", std::move(name)}}};
        n.fields.emplace_back("data", hex_prefix(apdu.substr(4), 64));
        out.notes.push_back(std::move(n));
        out.reply = error_pdu(invoke, service, cls, code);
    };
    if (service == kWriteProperty)
        return capture("write-property", kClassProperty, kWriteAccessDenied);
    if (service == kReinitializeDevice)
        return capture("reinitialize-device", kClassSecurity, kPasswordFailure);
    if (service == kDeviceCommunicationControl)
        return capture("device-communication-control", kClassSecurity, kPasswordFailure);
    out.notes.push_back(request_note("confirmed-" + std::to_string(service)));
    out.reply = reply_apdu({'\x60', static_cast<char>(invoke), '\x09'});  // unrecognized service
}

}  // namespace

Outcome answer(const PlcDevice& d, std::string_view b) {
    Outcome out;
    const auto bad = [&](std::string why) {
        out.notes.push_back(
            {"bacnet_error", true, {{"error", std::move(why)}, {"data", hex_prefix(b, 64)}}});
        return out;
    };
    if (b.size() < 4 || static_cast<unsigned char>(b[0]) != 0x81) return bad("not BACnet/IP");
    const auto function = static_cast<unsigned char>(b[1]);
    const std::size_t length =
        (static_cast<unsigned char>(b[2]) << 8) | static_cast<unsigned char>(b[3]);
    if (length != b.size()) return bad("BVLC length " + std::to_string(length) + " != datagram");
    std::size_t at = 4;
    if (function == 0x04)
        at += 6;  // forwarded NPDU: the original source's B/IP address
    else if (function != 0x0a && function != 0x0b)
        return bad("BVLC function " + std::to_string(function));
    // NPDU: version, control, optional destination and source network addresses.
    if (at + 2 > b.size() || b[at] != 0x01) return bad("bad NPDU");
    const auto control = static_cast<unsigned char>(b[at + 1]);
    at += 2;
    if (control & 0x80) return bad("network layer message");
    if (control & 0x20) {  // DNET, DLEN, DADR (hop count after the source)
        if (at + 3 > b.size()) return bad("short NPDU");
        at += 3 + static_cast<unsigned char>(b[at + 2]);
    }
    if (control & 0x08) {  // SNET, SLEN, SADR
        if (at + 3 > b.size()) return bad("short NPDU");
        at += 3 + static_cast<unsigned char>(b[at + 2]);
    }
    if (control & 0x20) ++at;  // hop count
    if (at >= b.size()) return bad("no APDU");
    const auto apdu = b.substr(at);
    const auto type = static_cast<unsigned char>(apdu[0]) >> 4;
    if (type == 0 && apdu.size() >= 4) {
        confirmed(d, apdu, out);
        return out;
    }
    if (type == 1 && apdu.size() >= 2) {
        if (apdu[1] == 0x08) {
            who_is(d, apdu, out);
            return out;
        }
        out.notes.push_back(
            request_note("unconfirmed-" + std::to_string(static_cast<unsigned char>(apdu[1]))));
        return out;
    }
    return bad("APDU type " + std::to_string(type));
}

}  // namespace decnet::honeypot::bacnet
