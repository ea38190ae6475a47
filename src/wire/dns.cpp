// DNS message parsing and response encoding (see dns.hpp for the bounds).
#include "wire/dns.hpp"

namespace decnet::wire::dns {
namespace {

std::uint16_t u16(std::string_view d, std::size_t at) {
    return static_cast<std::uint16_t>((static_cast<std::uint8_t>(d[at]) << 8) |
                                      static_cast<std::uint8_t>(d[at + 1]));
}

void put16(std::string& out, std::uint16_t v) {
    out += static_cast<char>(v >> 8);
    out += static_cast<char>(v & 0xff);
}

}  // namespace

std::optional<std::string> read_name(std::string_view message, std::size_t& pos,
                                     std::string& error) {
    std::string name;
    std::size_t at = pos;
    std::size_t pointers = 0;
    std::size_t wire_length = 0;
    bool jumped = false;
    for (;;) {
        if (at >= message.size()) {
            error = "name runs past the message";
            return std::nullopt;
        }
        const auto len = static_cast<std::uint8_t>(message[at]);
        if ((len & 0xc0) == 0xc0) {
            if (at + 1 >= message.size()) {
                error = "truncated compression pointer";
                return std::nullopt;
            }
            const std::size_t target =
                ((len & 0x3f) << 8) | static_cast<std::uint8_t>(message[at + 1]);
            // Only strictly backwards: a pointer can never reach itself again (no loops).
            if (target >= at || ++pointers > kMaxPointers) {
                error = "compression loop";
                return std::nullopt;
            }
            if (!jumped) pos = at + 2;
            jumped = true;
            at = target;
            continue;
        }
        if (len & 0xc0) {
            error = "bad label type";
            return std::nullopt;
        }
        if (len == 0) {
            if (!jumped) pos = at + 1;
            return name;
        }
        if (at + 1 + len > message.size()) {
            error = "label runs past the message";
            return std::nullopt;
        }
        wire_length += len + 1;
        if (wire_length + 1 > kMaxName) {
            error = "name longer than 255 octets";
            return std::nullopt;
        }
        if (!name.empty()) name += '.';
        name.append(message.substr(at + 1, len));
        at += 1 + len;
    }
}

Parsed parse(std::string_view data) {
    Parsed out;
    if (data.size() < 12) {
        out.error = "too short";
        return out;
    }
    Message m;
    m.id = u16(data, 0);
    m.flags = u16(data, 2);
    const auto qd = u16(data, 4);
    m.answers = u16(data, 6);
    m.authorities = u16(data, 8);
    m.additionals = u16(data, 10);
    std::size_t pos = 12;
    for (std::size_t i = 0; i < qd && i < kMaxQuestions; ++i) {
        Question q;
        auto name = read_name(data, pos, out.error);
        if (!name) return out;
        if (pos + 4 > data.size()) {
            out.error = "truncated question";
            return out;
        }
        q.name = std::move(*name);
        q.type = u16(data, pos);
        const auto klass = u16(data, pos + 2);
        q.unicast_response = (klass & 0x8000) != 0;
        q.klass = klass & 0x7fff;
        pos += 4;
        m.questions.push_back(std::move(q));
    }
    out.message = std::move(m);
    return out;
}

std::string encode_name(std::string_view name) {
    std::string out;
    while (!name.empty() && out.size() < kMaxName - 1) {
        const auto dot = name.find('.');
        auto label = name.substr(0, dot).substr(0, 63);
        if (out.size() + label.size() + 2 > kMaxName) break;
        if (!label.empty()) {
            out += static_cast<char>(label.size());
            out += label;
        }
        if (dot == std::string_view::npos) break;
        name.remove_prefix(dot + 1);
    }
    out += '\0';
    return out;
}

std::string encode_response(const Message& query, std::uint16_t flags,
                            const std::vector<Answer>& answers) {
    std::string out;
    put16(out, query.id);
    put16(out, static_cast<std::uint16_t>(0x8000 | flags));
    put16(out, static_cast<std::uint16_t>(query.questions.size()));
    put16(out, static_cast<std::uint16_t>(answers.size()));
    put16(out, 0);
    put16(out, 0);
    for (const auto& q : query.questions) {
        out += encode_name(q.name);
        put16(out, q.type);
        put16(out, q.klass);
    }
    for (const auto& a : answers) {
        out += encode_name(a.name);
        put16(out, a.type);
        put16(out, 1);  // IN
        put16(out, static_cast<std::uint16_t>(a.ttl >> 16));
        put16(out, static_cast<std::uint16_t>(a.ttl & 0xffff));
        put16(out, static_cast<std::uint16_t>(a.rdata.size()));
        out += a.rdata;
    }
    return out;
}

std::string type_name(std::uint16_t type) {
    switch (type) {
        case 1:
            return "A";
        case 2:
            return "NS";
        case 5:
            return "CNAME";
        case 12:
            return "PTR";
        case 16:
            return "TXT";
        case 28:
            return "AAAA";
        case 33:
            return "SRV";
        case 255:
            return "ANY";
        default:
            return std::to_string(type);
    }
}

}  // namespace decnet::wire::dns
