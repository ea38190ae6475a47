// NTLMSSP reading and writing (see ntlm.hpp for the bounds).
#include "wire/ntlm.hpp"

namespace decnet::wire::ntlm {
namespace {

constexpr std::string_view kSignature("NTLMSSP\0", 8);

enum AvId : std::uint16_t {
    kAvEol = 0,
    kAvNbComputer = 1,
    kAvNbDomain = 2,
    kAvDnsComputer = 3,
    kAvDnsDomain = 4,
    kAvDnsTree = 5,
    kAvFlags = 6,
    kAvTimestamp = 7,
    kAvTargetName = 9,
    kAvChannelBindings = 10,
};

std::uint16_t u16(std::string_view b, std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<std::uint8_t>(b[at]) |
                                      static_cast<std::uint8_t>(b[at + 1]) << 8);
}
std::uint32_t u32(std::string_view b, std::size_t at) {
    return static_cast<std::uint32_t>(u16(b, at)) | static_cast<std::uint32_t>(u16(b, at + 2))
                                                        << 16;
}
std::uint64_t u64(std::string_view b, std::size_t at) {
    return static_cast<std::uint64_t>(u32(b, at)) | static_cast<std::uint64_t>(u32(b, at + 4))
                                                        << 32;
}
void put16(std::string& out, std::uint16_t v) {
    out += static_cast<char>(v & 0xff);
    out += static_cast<char>(v >> 8);
}
void put32(std::string& out, std::uint32_t v) {
    put16(out, static_cast<std::uint16_t>(v & 0xffff));
    put16(out, static_cast<std::uint16_t>(v >> 16));
}
void put64(std::string& out, std::uint64_t v) {
    put32(out, static_cast<std::uint32_t>(v & 0xffffffff));
    put32(out, static_cast<std::uint32_t>(v >> 32));
}

// A (Len, MaxLen, Offset) field at `at`: the bytes it points to, checked against the
// message and `max`; nullopt when it points outside.
std::optional<std::string_view> field(std::string_view m, std::size_t at, std::size_t max) {
    if (m.size() < at + 8) return std::nullopt;
    const std::size_t len = u16(m, at);
    const std::size_t offset = u32(m, at + 4);
    if (len == 0) return std::string_view{};
    if (len > max || offset > m.size() || len > m.size() - offset) return std::nullopt;
    return m.substr(offset, len);
}

// The offset a non-empty field claims (to find where the fixed part ends).
std::size_t field_offset(std::string_view m, std::size_t at) {
    if (m.size() < at + 8 || u16(m, at) == 0) return m.size();
    return u32(m, at + 4);
}

std::string text_of(std::string_view bytes, bool unicode) {
    return unicode ? from_utf16le(bytes) : std::string(bytes);
}

bool well_headed(std::string_view m, MessageType type, std::size_t fixed) {
    return m.size() >= fixed && m.size() <= kMaxMessage && message_type(m) == type;
}

Version read_version(std::string_view m, std::size_t at) {
    return {static_cast<std::uint8_t>(m[at]), static_cast<std::uint8_t>(m[at + 1]), u16(m, at + 2),
            static_cast<std::uint8_t>(m[at + 7])};
}
void put_version(std::string& out, const Version& v) {
    out += static_cast<char>(v.major);
    out += static_cast<char>(v.minor);
    put16(out, v.build);
    out.append(3, '\0');
    out += static_cast<char>(v.revision);
}

// Lays out (Len, MaxLen, Offset) fields whose payloads follow the fixed part.
class Layout {
  public:
    explicit Layout(std::size_t fixed) : next_(fixed) {}
    void add(std::string& header, std::string_view bytes) {
        put16(header, static_cast<std::uint16_t>(bytes.size()));
        put16(header, static_cast<std::uint16_t>(bytes.size()));
        put32(header, static_cast<std::uint32_t>(next_));
        payload_ += bytes;
        next_ += bytes.size();
    }
    const std::string& payload() const { return payload_; }

  private:
    std::size_t next_;
    std::string payload_;
};

std::string hex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<std::uint8_t>(c);
        out += kDigits[b >> 4];
        out += kDigits[b & 0xf];
    }
    return out;
}

std::string_view bytes_of(const std::array<std::uint8_t, 8>& a) {
    return {reinterpret_cast<const char*>(a.data()), a.size()};
}

// hashcat splits its lines on ':'; a name carrying one would shift the fields.
std::string hash_field(std::string_view name) {
    std::string out(name);
    for (auto& c : out)
        if (c == ':' || c == '\n' || c == '\r') c = '_';
    return out;
}

}  // namespace

std::string Version::text() const {
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(build);
}

std::optional<MessageType> message_type(std::string_view m) {
    if (m.size() < 12 || m.substr(0, 8) != kSignature) return std::nullopt;
    const auto type = u32(m, 8);
    if (type < 1 || type > 3) return std::nullopt;
    return static_cast<MessageType>(type);
}

std::optional<Negotiate> parse_negotiate(std::string_view m) {
    if (!well_headed(m, MessageType::negotiate, 16)) return std::nullopt;
    Negotiate n;
    n.flags = u32(m, 12);
    if (m.size() >= 32) {  // Windows 95-era clients stop after the flags
        const auto domain = field(m, 16, kMaxName);
        const auto workstation = field(m, 24, kMaxName);
        if (!domain || !workstation) return std::nullopt;
        n.domain = std::string(*domain);
        n.workstation = std::string(*workstation);
    }
    if ((n.flags & kVersion) && m.size() >= 40) n.version = read_version(m, 32);
    return n;
}

std::optional<Challenge> parse_challenge(std::string_view m) {
    if (!well_headed(m, MessageType::challenge, 32)) return std::nullopt;
    Challenge c;
    c.flags = u32(m, 20);
    const auto target = field(m, 12, kMaxName);
    if (!target) return std::nullopt;
    c.target_name = text_of(*target, c.flags & kUnicode);
    for (std::size_t i = 0; i < 8; ++i)
        c.server_challenge[i] = static_cast<std::uint8_t>(m[24 + i]);
    if (m.size() >= 48) {
        const auto info = field(m, 40, kMaxMessage);
        if (!info) return std::nullopt;
        if (!info->empty()) {
            auto pairs = parse_av_pairs(*info);
            if (!pairs) return std::nullopt;
            c.target_info = std::move(*pairs);
        }
    }
    if ((c.flags & kVersion) && m.size() >= 56) c.version = read_version(m, 48);
    return c;
}

std::optional<Authenticate> parse_authenticate(std::string_view m) {
    if (!well_headed(m, MessageType::authenticate, 52)) return std::nullopt;
    Authenticate a;
    // Version 1 of the message (NT4) ends before the session key field and the flags.
    const bool has_flags = m.size() >= 64;
    a.flags = has_flags ? u32(m, 60) : kUnicode;
    const bool unicode = a.flags & kUnicode;
    const auto lm = field(m, 12, kMaxResponse);
    const auto nt = field(m, 20, kMaxResponse);
    const auto domain = field(m, 28, kMaxName);
    const auto user = field(m, 36, kMaxName);
    const auto workstation = field(m, 44, kMaxName);
    if (!lm || !nt || !domain || !user || !workstation) return std::nullopt;
    a.lm_response = std::string(*lm);
    a.nt_response = std::string(*nt);
    a.domain = text_of(*domain, unicode);
    a.user = text_of(*user, unicode);
    a.workstation = text_of(*workstation, unicode);
    if (has_flags) {
        const auto key = field(m, 52, 64);
        if (!key) return std::nullopt;
        a.session_key = std::string(*key);
    }
    // Where the payload starts tells whether Version (8) and MIC (16) are there.
    std::size_t payload = m.size();
    for (const std::size_t at : {12, 20, 28, 36, 44, 52})
        payload = std::min(payload, field_offset(m, at));
    if ((a.flags & kVersion) && payload >= 72) a.version = read_version(m, 64);
    if (payload >= 88) a.mic = std::string(m.substr(72, 16));
    return a;
}

std::string build_negotiate(const Negotiate& n) {
    std::string out(kSignature);
    put32(out, static_cast<std::uint32_t>(MessageType::negotiate));
    put32(out, n.flags | (n.version ? static_cast<std::uint32_t>(kVersion) : 0u));
    Layout layout(40);
    layout.add(out, n.domain);
    layout.add(out, n.workstation);
    put_version(out, n.version.value_or(Version{}));
    return out + layout.payload();
}

std::string build_challenge(const Challenge& c) {
    const bool unicode = c.flags & kUnicode;
    const std::string target = unicode ? utf16le(c.target_name) : c.target_name;
    const std::string info = build_av_pairs(c.target_info);
    std::string out(kSignature);
    put32(out, static_cast<std::uint32_t>(MessageType::challenge));
    Layout layout(56);
    layout.add(out, target);
    put32(out, c.flags);
    out += bytes_of(c.server_challenge);
    out.append(8, '\0');
    layout.add(out, info);
    put_version(out, c.version);
    return out + layout.payload();
}

std::string build_authenticate(const Authenticate& a) {
    const bool unicode = a.flags & kUnicode;
    const auto text = [&](const std::string& s) { return unicode ? utf16le(s) : s; };
    std::string out(kSignature);
    put32(out, static_cast<std::uint32_t>(MessageType::authenticate));
    const bool mic = a.mic.size() == 16;
    Layout layout(mic ? 88 : 72);
    layout.add(out, a.lm_response);
    layout.add(out, a.nt_response);
    layout.add(out, text(a.domain));
    layout.add(out, text(a.user));
    layout.add(out, text(a.workstation));
    layout.add(out, a.session_key);
    put32(out, a.flags | static_cast<std::uint32_t>(kVersion));
    put_version(out, a.version.value_or(Version{}));
    if (mic) out += a.mic;
    return out + layout.payload();
}

std::optional<TargetInfo> parse_av_pairs(std::string_view b) {
    TargetInfo info;
    std::size_t at = 0;
    for (std::size_t n = 0; n <= kMaxAvPairs; ++n) {
        if (b.size() - at < 4) return std::nullopt;
        const auto id = u16(b, at);
        const std::size_t len = u16(b, at + 2);
        at += 4;
        if (len > b.size() - at) return std::nullopt;
        const auto value = b.substr(at, len);
        at += len;
        switch (id) {
            case kAvEol:
                return info;
            case kAvNbComputer:
                info.nb_computer = from_utf16le(value);
                break;
            case kAvNbDomain:
                info.nb_domain = from_utf16le(value);
                break;
            case kAvDnsComputer:
                info.dns_computer = from_utf16le(value);
                break;
            case kAvDnsDomain:
                info.dns_domain = from_utf16le(value);
                break;
            case kAvDnsTree:
                info.dns_tree = from_utf16le(value);
                break;
            case kAvFlags:
                if (len == 4) info.av_flags = u32(value, 0);
                break;
            case kAvTimestamp:
                if (len == 8) info.timestamp = u64(value, 0);
                break;
            case kAvTargetName:
                info.target_name = from_utf16le(value);
                break;
            case kAvChannelBindings:
                info.channel_bindings = true;
                break;
            default:
                break;
        }
    }
    return std::nullopt;  // more pairs than any peer sends
}

std::string build_av_pairs(const TargetInfo& info) {
    std::string out;
    const auto text = [&out](AvId id, const std::string& value) {
        if (value.empty()) return;
        const auto wide = utf16le(value);
        put16(out, id);
        put16(out, static_cast<std::uint16_t>(wide.size()));
        out += wide;
    };
    text(kAvNbDomain, info.nb_domain);
    text(kAvNbComputer, info.nb_computer);
    text(kAvDnsDomain, info.dns_domain);
    text(kAvDnsComputer, info.dns_computer);
    text(kAvDnsTree, info.dns_tree);
    if (info.av_flags) {
        put16(out, kAvFlags);
        put16(out, 4);
        put32(out, *info.av_flags);
    }
    if (info.timestamp) {
        put16(out, kAvTimestamp);
        put16(out, 8);
        put64(out, *info.timestamp);
    }
    text(kAvTargetName, info.target_name);
    put32(out, 0);  // MsvAvEOL
    return out;
}

std::optional<ClientBlob> parse_client_blob(std::string_view nt) {
    // NTProofStr(16) RespType(1) HiRespType(1) Reserved(6) TimeStamp(8) ChallengeFromClient(8)
    // Reserved(4) AvPairs
    if (nt.size() < 16 + 28 + 4 || nt[16] != 1) return std::nullopt;
    ClientBlob blob;
    blob.timestamp = u64(nt, 24);
    for (std::size_t i = 0; i < 8; ++i)
        blob.client_challenge[i] = static_cast<std::uint8_t>(nt[32 + i]);
    auto info = parse_av_pairs(nt.substr(44));
    if (!info) return std::nullopt;
    blob.info = std::move(*info);
    return blob;
}

std::string netntlmv2_line(std::string_view user, std::string_view domain,
                           const std::array<std::uint8_t, 8>& server_challenge,
                           std::string_view nt_response) {
    if (nt_response.size() < 16) return {};
    return hash_field(user) + "::" + hash_field(domain) + ":" + hex(bytes_of(server_challenge)) +
           ":" + hex(nt_response.substr(0, 16)) + ":" + hex(nt_response.substr(16));
}

std::string netntlmv1_line(std::string_view user, std::string_view domain,
                           const std::array<std::uint8_t, 8>& server_challenge,
                           std::string_view lm_response, std::string_view nt_response) {
    return hash_field(user) + "::" + hash_field(domain) + ":" + hex(lm_response) + ":" +
           hex(nt_response) + ":" + hex(bytes_of(server_challenge));
}

std::string utf16le(std::string_view s) {
    std::string out;
    out.reserve(s.size() * 2);
    const auto put = [&out](std::uint32_t unit) {
        out += static_cast<char>(unit & 0xff);
        out += static_cast<char>((unit >> 8) & 0xff);
    };
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<std::uint8_t>(s[i]);
        std::uint32_t cp = 0xfffd;
        std::size_t n = b < 0x80         ? 1
                        : (b >> 5) == 6  ? 2
                        : (b >> 4) == 14 ? 3
                        : (b >> 3) == 30 ? 4
                                         : 0;
        if (n == 0 || i + n > s.size()) {
            n = 1;
        } else {
            cp = n == 1 ? b : b & (0x7f >> n);
            for (std::size_t k = 1; k < n; ++k) {
                const auto c = static_cast<std::uint8_t>(s[i + k]);
                if ((c & 0xc0) != 0x80) {
                    cp = 0xfffd;
                    n = k;
                    break;
                }
                cp = (cp << 6) | (c & 0x3f);
            }
            if (cp > 0x10ffff) cp = 0xfffd;
        }
        i += n;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            put(0xd800 | (cp >> 10));
            put(0xdc00 | (cp & 0x3ff));
        } else {
            put(cp);
        }
    }
    return out;
}

std::string from_utf16le(std::string_view b) {
    std::string out;
    const auto put = [&out](std::uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    };
    for (std::size_t i = 0; i + 1 < b.size(); i += 2) {
        std::uint32_t unit = u16(b, i);
        if (unit >= 0xd800 && unit < 0xdc00 && i + 3 < b.size()) {
            const std::uint32_t low = u16(b, i + 2);
            if (low >= 0xdc00 && low < 0xe000) {
                put(0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00));
                i += 2;
                continue;
            }
        }
        if (unit >= 0xd800 && unit < 0xe000) unit = 0xfffd;
        put(unit);
    }
    return out;
}

}  // namespace decnet::wire::ntlm
