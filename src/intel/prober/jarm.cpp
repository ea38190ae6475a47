// JARM as salesforce/jarm v1.0 defines it: probe table, hello building, answer reading and
// fuzzy hash. Where the reference would raise on odd input, the probe's answer is "|||"
// (read_packet's catch-all) or the hash character is '0' (documented in docs/PROBER.md).
#include "intel/prober/jarm.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "events/event.hpp"
#include "events/utf8.hpp"

namespace decnet::intel::prober::jarm {
namespace {

using Bytes = std::string;

// The reference's "ALL" list, in its order (69 suites).
constexpr std::uint16_t kAll[] = {
    0x0016, 0x0033, 0x0067, 0xc09e, 0xc0a2, 0x009e, 0x0039, 0x006b, 0xc09f, 0xc0a3, 0x009f, 0x0045,
    0x00be, 0x0088, 0x00c4, 0x009a, 0xc008, 0xc009, 0xc023, 0xc0ac, 0xc0ae, 0xc02b, 0xc00a, 0xc024,
    0xc0ad, 0xc0af, 0xc02c, 0xc072, 0xc073, 0xcca9, 0x1302, 0x1301, 0xcc14, 0xc007, 0xc012, 0xc013,
    0xc027, 0xc02f, 0xc014, 0xc028, 0xc030, 0xc060, 0xc061, 0xc076, 0xc077, 0xcca8, 0x1305, 0x1304,
    0x1303, 0xcc13, 0xc011, 0x000a, 0x002f, 0x003c, 0xc09c, 0xc0a0, 0x009c, 0x0035, 0x003d, 0xc09d,
    0xc0a1, 0x009d, 0x0041, 0x00ba, 0x0084, 0x00c0, 0x0007, 0x0004, 0x0005};
// "NO1.3": the same without the TLS 1.3 suites (64).
constexpr std::uint16_t kNoTls13[] = {
    0x0016, 0x0033, 0x0067, 0xc09e, 0xc0a2, 0x009e, 0x0039, 0x006b, 0xc09f, 0xc0a3, 0x009f,
    0x0045, 0x00be, 0x0088, 0x00c4, 0x009a, 0xc008, 0xc009, 0xc023, 0xc0ac, 0xc0ae, 0xc02b,
    0xc00a, 0xc024, 0xc0ad, 0xc0af, 0xc02c, 0xc072, 0xc073, 0xcca9, 0xcc14, 0xc007, 0xc012,
    0xc013, 0xc027, 0xc02f, 0xc014, 0xc028, 0xc030, 0xc060, 0xc061, 0xc076, 0xc077, 0xcca8,
    0xcc13, 0xc011, 0x000a, 0x002f, 0x003c, 0xc09c, 0xc0a0, 0x009c, 0x0035, 0x003d, 0xc09d,
    0xc0a1, 0x009d, 0x0041, 0x00ba, 0x0084, 0x00c0, 0x0007, 0x0004, 0x0005};
// The hash's cipher table: a suite's character pair is its 1-based index here in hex.
constexpr const char* kHashTable[] = {
    "0004", "0005", "0007", "000a", "0016", "002f", "0033", "0035", "0039", "003c", "003d", "0041",
    "0045", "0067", "006b", "0084", "0088", "009a", "009c", "009d", "009e", "009f", "00ba", "00be",
    "00c0", "00c4", "c007", "c008", "c009", "c00a", "c011", "c012", "c013", "c014", "c023", "c024",
    "c027", "c028", "c02b", "c02c", "c02f", "c030", "c060", "c061", "c072", "c073", "c076", "c077",
    "c09c", "c09d", "c09e", "c09f", "c0a0", "c0a1", "c0a2", "c0a3", "c0ac", "c0ad", "c0ae", "c0af",
    "cc13", "cc14", "cca8", "cca9", "1301", "1302", "1303", "1304", "1305"};
static_assert(std::size(kAll) == 69 && std::size(kNoTls13) == 64 && std::size(kHashTable) == 69);

// ALPN lists as length-prefixed wire items. In the reference's "all" list, Python's
// implicit concatenation of b"\x06spdy/3" b"\x02h2" makes those two one item: kept, since
// it decides where the reversed order puts h2.
const std::vector<Bytes>& alpns(bool rare) {
    static const std::vector<Bytes> all = {"\x08http/0.9", "\x08http/1.0", "\x08http/1.1",
                                           "\x06spdy/1",   "\x06spdy/2",   "\x06spdy/3\x02h2",
                                           "\x03h2c",      "\x02hq"};
    static const std::vector<Bytes> rare_list = {"\x08http/0.9", "\x08http/1.0", "\x06spdy/1",
                                                 "\x06spdy/2",   "\x06spdy/3",   "\x03h2c",
                                                 "\x02hq"};
    return rare ? rare_list : all;
}

void put16(Bytes& out, std::size_t v) {
    out.push_back(static_cast<char>((v >> 8) & 0xFF));
    out.push_back(static_cast<char>(v & 0xFF));
}
Bytes be16(std::uint16_t v) {
    Bytes b;
    put16(b, v);
    return b;
}

Bytes random_bytes(const RandomFill& random, std::size_t n) {
    Bytes out(n, '\0');
    random(std::span(reinterpret_cast<std::uint8_t*>(out.data()), n));
    return out;
}

Bytes grease(const RandomFill& random) {
    std::uint8_t pick = 0;
    random(std::span(&pick, 1));
    const char g = static_cast<char>(((pick % 16) << 4) | 0x0a);
    return Bytes{g, g};
}

Bytes ciphers(const Probe& p, const RandomFill& random) {
    std::vector<Bytes> list;
    if (p.ciphers == CipherList::all)
        for (const auto c : kAll) list.push_back(be16(c));
    else
        for (const auto c : kNoTls13) list.push_back(be16(c));
    if (p.cipher_order != Order::forward) list = mung(list, p.cipher_order);
    if (p.grease) list.insert(list.begin(), grease(random));
    Bytes out;
    for (const auto& c : list) out += c;
    return out;
}

Bytes server_name(std::string_view host) {
    Bytes ext("\x00\x00", 2);
    put16(ext, host.size() + 5);
    put16(ext, host.size() + 3);
    ext.push_back('\0');
    put16(ext, host.size());
    ext += host;
    return ext;
}

Bytes alpn(const Probe& p) {
    auto list = alpns(p.rare_alpn);
    if (p.extension_order != Order::forward) list = mung(list, p.extension_order);
    Bytes all;
    for (const auto& a : list) all += a;
    Bytes ext("\x00\x10", 2);
    put16(ext, all.size() + 2);
    put16(ext, all.size());
    return ext + all;
}

Bytes key_share(bool with_grease, const RandomFill& random) {
    Bytes share;
    if (with_grease) share = grease(random) + Bytes("\x00\x01\x00", 3);
    share += Bytes("\x00\x1d\x00\x20", 4) + random_bytes(random, 32);
    Bytes ext("\x00\x33", 2);
    put16(ext, share.size() + 2);
    put16(ext, share.size());
    return ext + share;
}

Bytes supported_versions(const Probe& p, bool with_grease, const RandomFill& random) {
    std::vector<Bytes> tls = {be16(0x0301), be16(0x0302), be16(0x0303)};
    if (p.supported_versions != SupportedVersions::tls12) tls.push_back(be16(0x0304));
    if (p.extension_order != Order::forward) tls = mung(tls, p.extension_order);
    Bytes versions = with_grease ? grease(random) : Bytes();
    for (const auto& v : tls) versions += v;
    Bytes ext("\x00\x2b", 2);
    put16(ext, versions.size() + 1);
    ext.push_back(static_cast<char>(versions.size()));
    return ext + versions;
}

Bytes extensions(const Probe& p, std::string_view host, const RandomFill& random) {
    Bytes all;
    if (p.grease) all += grease(random) + Bytes("\x00\x00", 2);
    all += server_name(host);
    all += Bytes("\x00\x17\x00\x00", 4);      // extended_master_secret
    all += Bytes("\x00\x01\x00\x01\x01", 5);  // max_fragment_length
    all += Bytes("\xff\x01\x00\x01\x00", 5);  // renegotiation_info
    all += Bytes("\x00\x0a\x00\x0a\x00\x08\x00\x1d\x00\x17\x00\x18\x00\x19", 14);  // groups
    all += Bytes("\x00\x0b\x00\x02\x01\x00", 6);  // ec_point_formats
    all += Bytes("\x00\x23\x00\x00", 4);          // session_ticket
    all += alpn(p);
    all += Bytes(
        "\x00\x0d\x00\x14\x00\x12\x04\x03\x08\x04\x04\x01\x05\x03\x08\x05\x05\x01\x08\x06"
        "\x06\x01\x02\x01",
        24);  // signature_algorithms
    all += key_share(p.grease, random);
    all += Bytes("\x00\x2d\x00\x02\x01\x01", 6);  // psk_key_exchange_modes
    if (p.version == TlsVersion::tls1_3 || p.supported_versions == SupportedVersions::tls12)
        all += supported_versions(p, p.grease, random);
    Bytes out;
    put16(out, all.size());
    return out + all;
}

// Python slice semantics: clamped, never throws.
std::string_view slice(std::string_view d, std::size_t from, std::size_t to) {
    if (from >= d.size() || to <= from) return {};
    return d.substr(from, std::min(to, d.size()) - from);
}
std::string hex(std::string_view bytes) {
    return to_hex(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}
std::uint8_t at(std::string_view d, std::size_t i) {
    return static_cast<std::uint8_t>(d[i]);
}
// int(codecs.encode(b, 'hex'), 16): empty raises (ValueError in the reference).
struct WholeAnswerFails {};
std::size_t big_endian(std::string_view b) {
    if (b.empty()) throw WholeAnswerFails{};
    std::size_t v = 0;
    for (const char c : b) v = (v << 8) | static_cast<std::uint8_t>(c);
    return v;
}

bool strict_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto n = utf8::sequence_length(text, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

// The reference's extract_extension_info: "alpn|type-type-…" or "|||".
std::string extension_info(std::string_view d, std::size_t counter) {
    if (counter + 47 >= d.size()) return "|||";  // IndexError
    if (at(d, counter + 47) == 11) return "|||";
    if (slice(d, counter + 50, counter + 53) == std::string_view("\x0e\xac\x0b", 3) ||
        slice(d, 82, 85) == std::string_view("\x0f\xf0\x0b", 3))
        return "|||";
    std::size_t count = 49 + counter;
    const std::size_t length = big_endian(slice(d, counter + 47, counter + 49));
    const std::size_t maximum = length + (count - 1);
    std::vector<std::string_view> types;
    std::vector<std::optional<std::string_view>> values;  // nullopt: the reference's ""
    while (count < maximum) {
        types.push_back(slice(d, count, count + 2));
        const std::size_t ext_length = big_endian(slice(d, count + 2, count + 4));
        if (ext_length == 0) {
            count += 4;
            values.emplace_back(std::nullopt);
        } else {
            values.emplace_back(slice(d, count + 4, count + 4 + ext_length));
            count += ext_length + 4;
        }
    }
    std::string result;
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (types[i] != std::string_view("\x00\x10", 2)) continue;
        if (!values[i]) throw WholeAnswerFails{};  // "".decode(): AttributeError
        const auto text = slice(*values[i], 3, values[i]->size());
        if (!strict_utf8(text)) throw WholeAnswerFails{};  // UnicodeDecodeError
        result = std::string(text);
        break;
    }
    result += "|";
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (i) result += "-";
        result += hex(types[i]);
    }
    return result;
}

std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
    return to_hex(std::span(digest, len));
}

std::string cipher_bytes(std::string_view cipher) {
    if (cipher.empty()) return "00";
    std::size_t count = 1;
    for (const char* entry : kHashTable) {
        if (cipher == entry) break;
        ++count;
    }
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t v = count; v; v >>= 4) out.insert(out.begin(), digits[v & 0xF]);
    if (out.size() < 2) out.insert(out.begin(), '0');
    return out;
}

char version_byte(std::string_view version) {
    if (version.empty()) return '0';
    // int(version[3:4]) indexes "abcdef"; the reference raises outside 0..5.
    if (version.size() < 4 || version[3] < '0' || version[3] > '5') return '0';
    return "abcdef"[version[3] - '0'];
}

std::vector<std::string> split(std::string_view text, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const auto pos = text.find(sep, start);
        out.emplace_back(text.substr(start, pos == std::string_view::npos ? pos : pos - start));
        if (pos == std::string_view::npos) return out;
        start = pos + 1;
    }
}

}  // namespace

template <typename T>
std::vector<T> mung(const std::vector<T>& items, Order order) {
    const std::size_t n = items.size();
    std::vector<T> out;
    switch (order) {
        case Order::forward:
            return items;
        case Order::reverse:
            return {items.rbegin(), items.rend()};
        case Order::bottom_half:
            return {items.begin() + static_cast<std::ptrdiff_t>(n / 2 + (n % 2)), items.end()};
        case Order::top_half:
            if (n % 2 == 1) out.push_back(items[n / 2]);
            for (auto& item : mung(mung(items, Order::reverse), Order::bottom_half))
                out.push_back(std::move(item));
            return out;
        case Order::middle_out: {
            const std::size_t middle = n / 2;
            if (n % 2 == 1) {
                out.push_back(items[middle]);
                for (std::size_t i = 1; i <= middle; ++i) {
                    out.push_back(items[middle + i]);
                    out.push_back(items[middle - i]);
                }
            } else {
                for (std::size_t i = 1; i <= middle; ++i) {
                    out.push_back(items[middle - 1 + i]);
                    out.push_back(items[middle - i]);
                }
            }
            return out;
        }
    }
    return out;
}
template std::vector<std::string> mung(const std::vector<std::string>&, Order);
template std::vector<int> mung(const std::vector<int>&, Order);

const std::array<Probe, 10>& probes() {
    using enum Order;
    using TV = TlsVersion;
    using CL = CipherList;
    using SV = SupportedVersions;
    static const std::array<Probe, 10> table = {{
        {TV::tls1_2, CL::all, forward, false, false, SV::tls12, reverse},    // tls1_2_forward
        {TV::tls1_2, CL::all, reverse, false, false, SV::tls12, forward},    // tls1_2_reverse
        {TV::tls1_2, CL::all, top_half, false, false, SV::none, forward},    // tls1_2_top_half
        {TV::tls1_2, CL::all, bottom_half, false, true, SV::none, forward},  // tls1_2_bottom_half
        {TV::tls1_2, CL::all, middle_out, true, true, SV::none, reverse},    // tls1_2_middle_out
        {TV::tls1_1, CL::all, forward, false, false, SV::none, forward},     // tls1_1_middle_out
        {TV::tls1_3, CL::all, forward, false, false, SV::tls13, reverse},    // tls1_3_forward
        {TV::tls1_3, CL::all, reverse, false, false, SV::tls13, forward},    // tls1_3_reverse
        {TV::tls1_3, CL::no_tls13, forward, false, false, SV::tls13, forward},  // tls1_3_invalid
        {TV::tls1_3, CL::all, middle_out, true, false, SV::tls13, reverse},     // tls1_3_middle_out
    }};
    return table;
}

RandomFill openssl_random() {
    return [](std::span<std::uint8_t> out) {
        if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1)
            throw std::runtime_error("jarm: no randomness");
    };
}

std::string build_client_hello(const Probe& p, std::string_view host, const RandomFill& random) {
    Bytes record_version;
    Bytes hello;
    switch (p.version) {
        case TlsVersion::tls1_3:
            record_version = be16(0x0301), hello = be16(0x0303);
            break;
        case TlsVersion::ssl3:
            record_version = hello = be16(0x0300);
            break;
        case TlsVersion::tls1_0:
            record_version = hello = be16(0x0301);
            break;
        case TlsVersion::tls1_1:
            record_version = hello = be16(0x0302);
            break;
        case TlsVersion::tls1_2:
            record_version = hello = be16(0x0303);
            break;
    }
    hello += random_bytes(random, 32);
    hello.push_back('\x20');
    hello += random_bytes(random, 32);
    const Bytes suites = ciphers(p, random);
    put16(hello, suites.size());
    hello += suites;
    hello += Bytes("\x01\x00", 2);
    hello += extensions(p, host, random);
    Bytes handshake("\x01\x00", 2);
    put16(handshake, hello.size());
    handshake += hello;
    Bytes record = "\x16" + record_version;
    put16(record, handshake.size());
    return record + handshake;
}

std::string read_server_hello(std::string_view d) {
    d = d.substr(0, std::min(d.size(), kReadBytes));
    try {
        if (d.empty()) return "|||";
        if (at(d, 0) == 21) return "|||";
        if (at(d, 0) != 22) return "|||";
        if (d.size() <= 5 || at(d, 5) != 2) return "|||";
        if (d.size() <= 43) return "|||";
        const std::size_t counter = at(d, 43);
        const auto cipher = hex(slice(d, counter + 44, counter + 46));
        const auto version = hex(slice(d, 9, 11));
        return cipher + "|" + version + "|" + extension_info(d, counter);
    } catch (const WholeAnswerFails&) {
        return "|||";
    }
}

std::string raw(const std::vector<std::string>& answers) {
    std::string out;
    for (std::size_t i = 0; i < answers.size(); ++i) {
        if (i) out += ",";
        out += answers[i];
    }
    return out;
}

std::string hash(const std::vector<std::string>& answers) {
    const std::string joined = raw(answers);
    if (joined == "|||,|||,|||,|||,|||,|||,|||,|||,|||,|||") return std::string(62, '0');
    std::string fuzzy;
    std::string alpns_and_ext;
    for (const auto& handshake : split(joined, ',')) {
        auto c = split(handshake, '|');
        c.resize(std::max<std::size_t>(c.size(), 4));
        fuzzy += cipher_bytes(c[0]);
        fuzzy += version_byte(c[1]);
        alpns_and_ext += c[2];
        alpns_and_ext += c[3];
    }
    return fuzzy + sha256_hex(alpns_and_ext).substr(0, 32);
}

}  // namespace decnet::intel::prober::jarm
