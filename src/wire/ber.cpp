// BER reading and writing (see ber.hpp for the bounds).
#include "wire/ber.hpp"

#include <charconv>

namespace decnet::wire::ber {

std::nullopt_t Reader::fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    pos_ = data_.size();  // nothing more is read after a failure
    return std::nullopt;
}

std::optional<std::pair<std::uint8_t, std::string_view>> Reader::next() {
    if (!error_.empty()) return std::nullopt;
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
    if (length > data_.size() - pos_) return fail("length beyond data");
    const auto contents = data_.substr(pos_, length);
    pos_ += length;
    return std::make_pair(tag, contents);
}

std::optional<std::string_view> Reader::expect(std::uint8_t tag, const char* what) {
    const auto item = next();
    if (!item) return std::nullopt;
    if (item->first != tag) return fail(std::string("expected ") + what);
    return item->second;
}

std::optional<std::int64_t> Reader::integer(const char* what, std::uint8_t tag) {
    const auto contents = expect(tag, what);
    if (!contents) return std::nullopt;
    const auto value = decode_integer(*contents);
    if (!value) return fail(std::string("bad ") + what);
    return value;
}

std::optional<std::uint8_t> Reader::peek_tag() const {
    if (pos_ >= data_.size()) return std::nullopt;
    return static_cast<std::uint8_t>(data_[pos_]);
}

std::optional<std::int64_t> decode_integer(std::string_view c) {
    if (c.empty() || c.size() > 8) return std::nullopt;
    std::uint64_t v = (static_cast<std::uint8_t>(c[0]) & 0x80) ? ~std::uint64_t{0} : 0;
    for (const char ch : c) v = (v << 8) | static_cast<std::uint8_t>(ch);
    return static_cast<std::int64_t>(v);
}

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
        if (oid.size() > kMaxOidArcs) return std::nullopt;
        if (dot == std::string_view::npos) break;
        dotted.remove_prefix(dot + 1);
    }
    return oid;
}

bool well_formed(std::string_view data, std::size_t max_depth) {
    // An explicit stack of the runs still to read: one Reader per open level.
    std::vector<Reader> stack;
    stack.emplace_back(data);
    while (!stack.empty()) {
        Reader& top = stack.back();
        if (top.empty()) {
            stack.pop_back();
            continue;
        }
        const auto item = top.next();
        if (!item) return false;
        const bool constructed = (item->first & 0x20) != 0;
        if (constructed && !item->second.empty()) {
            if (stack.size() >= max_depth) return false;
            stack.emplace_back(item->second);
        }
    }
    return true;
}

}  // namespace decnet::wire::ber
