// MQTT packet codec (see mqtt_codec.hpp).
#include "honeypot/services/mqtt/mqtt_codec.hpp"

#include <cstdio>

namespace decnet::honeypot::mqtt {
namespace {

// A cursor over a packet body; every read checks what is left.
class Reader {
  public:
    explicit Reader(std::string_view bytes) : rest_(bytes) {}
    bool empty() const { return rest_.empty(); }
    std::size_t left() const { return rest_.size(); }
    std::string_view rest() const { return rest_; }

    bool byte(std::uint8_t& out) {
        if (rest_.empty()) return false;
        out = static_cast<std::uint8_t>(rest_.front());
        rest_.remove_prefix(1);
        return true;
    }
    bool u16(std::uint16_t& out) {
        if (rest_.size() < 2) return false;
        out = static_cast<std::uint16_t>((static_cast<std::uint8_t>(rest_[0]) << 8) |
                                         static_cast<std::uint8_t>(rest_[1]));
        rest_.remove_prefix(2);
        return true;
    }
    bool u32(std::uint32_t& out) {
        if (rest_.size() < 4) return false;
        out = 0;
        for (int i = 0; i < 4; ++i) out = (out << 8) | static_cast<std::uint8_t>(rest_[i]);
        rest_.remove_prefix(4);
        return true;
    }
    bool varint(std::uint32_t& out) {
        out = 0;
        for (int i = 0; i < 4; ++i) {
            std::uint8_t b;
            if (!byte(b)) return false;
            out |= static_cast<std::uint32_t>(b & 0x7f) << (7 * i);
            if (!(b & 0x80)) return true;
        }
        return false;
    }
    // A two-byte-length-prefixed string or binary field.
    bool field(std::string& out) {
        std::uint16_t n;
        if (!u16(n) || rest_.size() < n) return false;
        out.assign(rest_.substr(0, n));
        rest_.remove_prefix(n);
        return true;
    }
    bool skip(std::size_t n) {
        if (rest_.size() < n) return false;
        rest_.remove_prefix(n);
        return true;
    }

  private:
    std::string_view rest_;
};

std::string hex_of(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (const char c : bytes.substr(0, 64)) {
        out += kHex[static_cast<std::uint8_t>(c) >> 4];
        out += kHex[static_cast<std::uint8_t>(c) & 0xf];
    }
    return out;
}

std::string encode_length(std::size_t n) {
    std::string out;
    do {
        auto b = static_cast<std::uint8_t>(n % 128);
        n /= 128;
        if (n > 0) b |= 0x80;
        out += static_cast<char>(b);
    } while (n > 0 && out.size() < 4);
    return out;
}

std::string u16_bytes(std::uint16_t v) {
    return {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
}

std::string packet(std::uint8_t first, std::string_view body) {
    return static_cast<char>(first) + encode_length(body.size()) + std::string(body);
}

std::string field_bytes(std::string_view s) {
    return u16_bytes(static_cast<std::uint16_t>(std::min<std::size_t>(s.size(), 65535))) +
           std::string(s.substr(0, 65535));
}

}  // namespace

HeaderStatus parse_fixed_header(std::string_view bytes, FixedHeader& out) {
    if (bytes.size() < 2) return HeaderStatus::need_more;
    out.type = static_cast<std::uint8_t>(bytes[0]) >> 4;
    out.flags = static_cast<std::uint8_t>(bytes[0]) & 0x0f;
    out.remaining = 0;
    for (std::size_t i = 1; i <= 4; ++i) {
        if (i >= bytes.size()) return HeaderStatus::need_more;
        const auto b = static_cast<std::uint8_t>(bytes[i]);
        out.remaining |= static_cast<std::size_t>(b & 0x7f) << (7 * (i - 1));
        if (!(b & 0x80)) {
            out.size = i + 1;
            return HeaderStatus::ok;
        }
    }
    return HeaderStatus::malformed;
}

std::optional<Properties> parse_properties(std::string_view bytes, std::size_t& used) {
    Reader outer(bytes);
    std::uint32_t length;
    if (!outer.varint(length) || outer.left() < length) return std::nullopt;
    used = bytes.size() - outer.left() + length;
    Reader r(outer.rest().substr(0, length));
    Properties out;
    while (!r.empty()) {
        std::uint32_t id;
        if (!r.varint(id)) return std::nullopt;
        std::string name, value;
        std::uint8_t b;
        std::uint16_t s;
        std::uint32_t l;
        switch (id) {
            case 0x01:
            case 0x17:
            case 0x19:
            case 0x24:
            case 0x25:
            case 0x28:
            case 0x29:
            case 0x2A:
                if (!r.byte(b)) return std::nullopt;
                value = std::to_string(b);
                break;
            case 0x13:
            case 0x21:
            case 0x22:
            case 0x23:
                if (!r.u16(s)) return std::nullopt;
                value = std::to_string(s);
                break;
            case 0x02:
            case 0x11:
            case 0x18:
            case 0x27:
                if (!r.u32(l)) return std::nullopt;
                value = std::to_string(l);
                break;
            case 0x0B:
                if (!r.varint(l)) return std::nullopt;
                value = std::to_string(l);
                break;
            case 0x03:
            case 0x08:
            case 0x12:
            case 0x15:
            case 0x1A:
            case 0x1C:
            case 0x1F:
                if (!r.field(value)) return std::nullopt;
                break;
            case 0x09:
            case 0x16:
                if (!r.field(value)) return std::nullopt;
                value = hex_of(value);
                break;
            case 0x26:
                if (!r.field(name) || !r.field(value)) return std::nullopt;
                break;
            default:
                return std::nullopt;  // unknown property: the packet is malformed
        }
        if (name.empty()) {
            char label[8];
            std::snprintf(label, sizeof label, "0x%02x", id & 0xff);
            name = label;
        }
        if (out.size() < kMaxProperties) out.emplace_back(std::move(name), std::move(value));
    }
    return out;
}

namespace {

bool read_properties(Reader& r, std::uint8_t level, Properties& out) {
    if (level != kMqtt5) return true;
    std::size_t used = 0;
    auto props = parse_properties(r.rest(), used);
    if (!props || !r.skip(used)) return false;
    out = std::move(*props);
    return true;
}

}  // namespace

std::optional<Connect> parse_connect(std::string_view body, std::string& error) {
    Reader r(body);
    Connect c;
    if (!r.field(c.protocol) || !r.byte(c.level) || !r.byte(c.flags) || !r.u16(c.keepalive)) {
        error = "truncated CONNECT header";
        return std::nullopt;
    }
    if (c.protocol != "MQTT" && c.protocol != "MQIsdp") {
        error = "unknown protocol name";
        return std::nullopt;
    }
    if (c.flags & 0x01) {
        error = "reserved CONNECT flag set";
        return std::nullopt;
    }
    c.clean_start = c.flags & 0x02;
    if (!read_properties(r, c.level, c.properties) || !r.field(c.client_id)) {
        error = "malformed CONNECT properties or client id";
        return std::nullopt;
    }
    if (c.flags & 0x04) {
        c.will_qos = (c.flags >> 3) & 0x03;
        c.will_retain = c.flags & 0x20;
        std::string topic, payload;
        if (!read_properties(r, c.level, c.will_properties) || !r.field(topic) ||
            !r.field(payload)) {
            error = "malformed will";
            return std::nullopt;
        }
        c.will_topic = std::move(topic);
        c.will_payload = std::move(payload);
    }
    if (c.flags & 0x80) {
        std::string user;
        if (!r.field(user)) {
            error = "malformed username";
            return std::nullopt;
        }
        c.username = std::move(user);
    }
    if (c.flags & 0x40) {
        std::string password;
        if (!r.field(password)) {
            error = "malformed password";
            return std::nullopt;
        }
        c.password = std::move(password);
    }
    return c;
}

std::optional<Publish> parse_publish(std::uint8_t flags, std::string_view body, std::uint8_t level,
                                     std::string& error) {
    Reader r(body);
    Publish p;
    p.qos = (flags >> 1) & 0x03;
    p.retain = flags & 0x01;
    p.dup = flags & 0x08;
    if (p.qos == 3) {
        error = "PUBLISH with QoS 3";
        return std::nullopt;
    }
    if (!r.field(p.topic) || p.topic.size() > kMaxTopic ||
        p.topic.find_first_of("+#") != std::string::npos) {
        error = "bad PUBLISH topic";
        return std::nullopt;
    }
    if (p.qos > 0 && (!r.u16(p.packet_id) || p.packet_id == 0)) {
        error = "bad PUBLISH packet id";
        return std::nullopt;
    }
    if (!read_properties(r, level, p.properties)) {
        error = "malformed PUBLISH properties";
        return std::nullopt;
    }
    p.payload.assign(r.rest());
    return p;
}

std::optional<Subscribe> parse_subscribe(std::string_view body, std::uint8_t level,
                                         bool unsubscribe, std::string& error) {
    Reader r(body);
    Subscribe s;
    if (!r.u16(s.packet_id) || s.packet_id == 0 || !read_properties(r, level, s.properties)) {
        error = "bad packet id or properties";
        return std::nullopt;
    }
    while (!r.empty()) {
        std::string filter;
        std::uint8_t options = 0;
        if (!r.field(filter) || (!unsubscribe && !r.byte(options))) {
            error = "truncated topic filter";
            return std::nullopt;
        }
        if (s.filters.size() >= kMaxFilters) {
            error = "too many topic filters";
            return std::nullopt;
        }
        s.filters.emplace_back(std::move(filter), static_cast<std::uint8_t>(options & 0x03));
    }
    if (s.filters.empty()) {
        error = "no topic filter";
        return std::nullopt;
    }
    return s;
}

std::optional<std::uint16_t> parse_packet_id(std::string_view body) {
    Reader r(body);
    std::uint16_t id;
    if (!r.u16(id)) return std::nullopt;
    return id;
}

bool valid_filter(std::string_view filter) {
    if (filter.empty() || filter.size() > kMaxTopic) return false;
    std::size_t start = 0;
    for (;;) {
        const auto slash = filter.find('/', start);
        const auto level =
            filter.substr(start, slash == std::string_view::npos ? filter.npos : slash - start);
        if (level.find_first_of("+#") != std::string_view::npos && level.size() != 1) return false;
        if (level == "#" && slash != std::string_view::npos) return false;
        if (slash == std::string_view::npos) return true;
        start = slash + 1;
    }
}

bool topic_matches(std::string_view filter, std::string_view topic) {
    if (!topic.empty() && topic.front() == '$' && !filter.empty() &&
        (filter.front() == '+' || filter.front() == '#'))
        return false;
    for (;;) {
        const auto fs = filter.find('/');
        const auto ts = topic.find('/');
        const auto f = filter.substr(0, fs);
        const auto t = topic.substr(0, ts);
        if (f == "#") return true;
        if (f != "+" && f != t) return false;
        if (fs == std::string_view::npos || ts == std::string_view::npos) {
            // "a/#" also matches "a" itself.
            if (fs != std::string_view::npos) return filter.substr(fs + 1) == "#";
            return ts == std::string_view::npos;
        }
        filter.remove_prefix(fs + 1);
        topic.remove_prefix(ts + 1);
    }
}

std::string connack(bool session_present, std::uint8_t code, std::uint8_t level,
                    const std::string& assigned_client_id) {
    std::string body = {static_cast<char>(session_present ? 1 : 0), static_cast<char>(code)};
    if (level == kMqtt5) {
        // What mosquitto 2 announces: topic alias maximum 10, then an assigned id if any.
        std::string props = {0x22, 0x00, 0x0a};
        if (!assigned_client_id.empty()) props += '\x12' + field_bytes(assigned_client_id);
        body += encode_length(props.size()) + props;
    }
    return packet(0x20, body);
}

std::string suback(std::uint16_t id, const std::vector<std::uint8_t>& codes, std::uint8_t level) {
    std::string body = u16_bytes(id);
    if (level == kMqtt5) body += '\0';
    for (const auto c : codes) body += static_cast<char>(c);
    return packet(0x90, body);
}

std::string unsuback(std::uint16_t id, std::size_t count, std::uint8_t level) {
    std::string body = u16_bytes(id);
    if (level == kMqtt5) body += '\0' + std::string(count, '\0');
    return packet(0xb0, body);
}

std::string publish(std::string_view topic, std::string_view payload, bool retain,
                    std::uint8_t level) {
    std::string body = field_bytes(topic);
    if (level == kMqtt5) body += '\0';
    body += payload;
    return packet(retain ? 0x31 : 0x30, body);
}

std::string ack(PacketType type, std::uint16_t id) {
    const std::uint8_t first = static_cast<std::uint8_t>(type << 4) | (type == kPubrel ? 0x02 : 0);
    return packet(first, u16_bytes(id));
}

std::string pingresp() {
    return std::string("\xd0\x00", 2);
}

}  // namespace decnet::honeypot::mqtt
