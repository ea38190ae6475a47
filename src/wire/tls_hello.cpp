#include "wire/tls_hello.hpp"

#include <cstdio>

namespace decnet::wire::tls {
namespace {

// A bounded big-endian reader: the first short read sticks (ok() false, later reads empty).
class Reader {
  public:
    explicit Reader(std::string_view data) : data_(data) {}

    bool ok() const { return ok_; }
    bool at_end() const { return pos_ == data_.size(); }
    std::size_t left() const { return data_.size() - pos_; }

    std::uint32_t uint(std::size_t bytes) {
        if (!ok_ || left() < bytes) return fail(), 0;
        std::uint32_t value = 0;
        for (std::size_t i = 0; i < bytes; ++i)
            value = (value << 8) | static_cast<unsigned char>(data_[pos_ + i]);
        pos_ += bytes;
        return value;
    }
    std::uint8_t u8() { return static_cast<std::uint8_t>(uint(1)); }
    std::uint16_t u16() { return static_cast<std::uint16_t>(uint(2)); }
    std::string_view bytes(std::size_t n) {
        if (!ok_ || left() < n) return fail(), std::string_view{};
        const auto out = data_.substr(pos_, n);
        pos_ += n;
        return out;
    }
    // A vector with a `length_bytes`-byte length prefix.
    std::string_view vec(std::size_t length_bytes) { return bytes(uint(length_bytes)); }
    void fail() { ok_ = false; }

  private:
    std::string_view data_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

// A vector of 16-bit values that must fill its bytes exactly.
bool u16_list(std::string_view bytes, std::vector<std::uint16_t>& out) {
    if (bytes.size() % 2 != 0) return false;
    Reader in(bytes);
    out.reserve(bytes.size() / 2);
    while (!in.at_end()) out.push_back(in.u16());
    return true;
}

// Extensions block (RFC 8446 §4.2): type, 2-byte length, data; the block is optional.
bool read_extensions(Reader& in, bool& has_block, std::vector<Extension>& out) {
    if (in.at_end()) return true;
    has_block = true;
    Reader block(in.vec(2));
    if (!in.ok() || !in.at_end()) return false;
    while (!block.at_end()) {
        Extension ext;
        ext.type = block.u16();
        ext.data = std::string(block.vec(2));
        if (!block.ok()) return false;
        out.push_back(std::move(ext));
    }
    return true;
}

// ALPN's ProtocolNameList (RFC 7301 §3.1).
bool alpn_list(std::string_view data, std::vector<std::string>& out) {
    Reader outer(data);
    Reader list(outer.vec(2));
    if (!outer.ok() || !outer.at_end()) return false;
    while (!list.at_end()) {
        const auto name = list.vec(1);
        if (!list.ok()) return false;
        out.emplace_back(name);
    }
    return true;
}

// The first host_name of a ServerNameList (RFC 6066 §3).
bool server_name(std::string_view data, std::string& out) {
    Reader outer(data);
    Reader list(outer.vec(2));
    if (!outer.ok()) return false;
    while (!list.at_end()) {
        const auto type = list.u8();
        const auto name = list.vec(2);
        if (!list.ok()) return false;
        if (type == 0) {
            out = std::string(name);
            return true;
        }
    }
    return true;
}

bool decode_client_extension(const Extension& ext, ClientHello& hello) {
    switch (ext.type) {
        case kServerName:
            hello.has_server_name = true;
            // An empty server_name extension is what a server sends back; a client's
            // malformed one still counts as present (JA4's d/i) but names nothing.
            if (!ext.data.empty()) server_name(ext.data, hello.server_name);
            return true;
        case kSupportedGroups: {
            Reader in(ext.data);
            const auto list = in.vec(2);
            return in.ok() && u16_list(list, hello.supported_groups);
        }
        case kEcPointFormats: {
            Reader in(ext.data);
            const auto list = in.vec(1);
            if (!in.ok()) return false;
            hello.ec_point_formats = std::string(list);
            return true;
        }
        case kSignatureAlgorithms: {
            Reader in(ext.data);
            const auto list = in.vec(2);
            return in.ok() && u16_list(list, hello.signature_algorithms);
        }
        case kAlpn:
            return alpn_list(ext.data, hello.alpn);
        case kSupportedVersions: {
            Reader in(ext.data);
            const auto list = in.vec(1);
            return in.ok() && u16_list(list, hello.supported_versions);
        }
        default:
            return true;
    }
}

// SHA-256("HelloRetryRequest"), the random of a HelloRetryRequest (RFC 8446 §4.1.3).
constexpr std::array<std::uint8_t, 32> kHelloRetryRandom = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

template <typename Hello>
bool read_version_random_session(Reader& in, Hello& hello) {
    hello.legacy_version = in.u16();
    const auto random = in.bytes(32);
    const auto session = in.vec(1);
    if (!in.ok() || session.size() > 32) return false;
    std::copy(random.begin(), random.end(), hello.random.begin());
    hello.session_id = std::string(session);
    return true;
}

}  // namespace

HandshakeScan read_handshakes(std::string_view stream, std::size_t max_messages) {
    HandshakeScan scan;
    std::string pending;  // handshake bytes not yet cut into messages
    Reader in(stream);
    while (scan.messages.size() < max_messages) {
        if (in.left() < 5) {
            scan.need_more = true;
            break;
        }
        const auto header_at = scan.consumed;
        const auto type = in.u8();
        const auto major = in.u8();
        in.u8();  // minor
        const auto length = in.u16();
        if (type != kHandshake) {
            // The handshake messages end here (CCS, alert, application data); a record
            // that is not TLS at all before any message means this is not TLS.
            if (header_at == 0 || major != 3) scan.invalid = true;
            break;
        }
        if (major != 3 || length == 0 || length > kMaxRecord) {
            scan.invalid = true;
            break;
        }
        if (in.left() < length) {
            scan.need_more = true;
            break;
        }
        pending.append(in.bytes(length));
        scan.consumed = header_at + 5 + length;
        // Cut every complete message out of what the records carried so far.
        std::size_t at = 0;
        while (scan.messages.size() < max_messages && pending.size() - at >= 4) {
            Reader header(std::string_view(pending).substr(at, 4));
            const auto msg_type = header.u8();
            const auto msg_length = header.uint(3);
            if (msg_length > kMaxHandshakeMessage) {
                scan.invalid = true;
                return scan;
            }
            if (pending.size() - at - 4 < msg_length) break;
            scan.messages.push_back({msg_type, pending.substr(at + 4, msg_length)});
            at += 4 + msg_length;
        }
        pending.erase(0, at);
        if (pending.size() > kMaxHandshakeMessage + 4) {
            scan.invalid = true;
            return scan;
        }
        if (!pending.empty() && in.at_end()) scan.need_more = true;
        if (in.at_end()) break;
    }
    return scan;
}

std::optional<ClientHello> parse_client_hello(std::string_view body) {
    Reader in(body);
    ClientHello hello;
    if (!read_version_random_session(in, hello)) return std::nullopt;
    const auto ciphers = in.vec(2);
    const auto compression = in.vec(1);
    if (!in.ok() || !u16_list(ciphers, hello.cipher_suites)) return std::nullopt;
    hello.compression_methods = std::string(compression);
    if (!read_extensions(in, hello.has_extensions_block, hello.extensions)) return std::nullopt;
    // A malformed extension body still leaves its type in the fingerprints (as tshark's
    // JA3 does); only what it would have decoded is missing.
    for (const auto& ext : hello.extensions) decode_client_extension(ext, hello);
    return hello;
}

std::optional<ServerHello> parse_server_hello(std::string_view body) {
    Reader in(body);
    ServerHello hello;
    if (!read_version_random_session(in, hello)) return std::nullopt;
    hello.cipher_suite = in.u16();
    hello.compression_method = in.u8();
    if (!in.ok() || !read_extensions(in, hello.has_extensions_block, hello.extensions))
        return std::nullopt;
    hello.hello_retry_request = hello.random == kHelloRetryRandom;
    for (const auto& ext : hello.extensions) {
        if (ext.type == kSupportedVersions && ext.data.size() == 2) {
            Reader version(ext.data);
            hello.selected_version = version.u16();
        } else if (ext.type == kAlpn) {
            std::vector<std::string> names;
            if (alpn_list(ext.data, names) && !names.empty()) hello.alpn = names.front();
        }
    }
    return hello;
}

namespace {

template <typename Hello, typename Parse>
std::optional<Hello> hello_from_records(std::string_view stream, std::uint8_t type, Parse parse) {
    const auto scan = read_handshakes(stream, 1);
    if (scan.messages.empty() || scan.messages.front().type != type) return std::nullopt;
    auto hello = parse(scan.messages.front().body);
    if (hello)
        hello->record_version = static_cast<std::uint16_t>(
            (static_cast<unsigned char>(stream[1]) << 8) | static_cast<unsigned char>(stream[2]));
    return hello;
}

}  // namespace

std::optional<ClientHello> client_hello_from_records(std::string_view stream) {
    return hello_from_records<ClientHello>(stream, kClientHello, parse_client_hello);
}

std::optional<ServerHello> server_hello_from_records(std::string_view stream) {
    return hello_from_records<ServerHello>(stream, kServerHello, parse_server_hello);
}

std::vector<std::string> certificate_list(std::string_view body, bool tls13,
                                          std::size_t max_certs) {
    std::vector<std::string> out;
    Reader in(body);
    if (tls13) in.vec(1);  // certificate_request_context
    Reader list(in.vec(3));
    if (!in.ok()) return out;
    while (!list.at_end() && out.size() < max_certs) {
        const auto cert = list.vec(3);
        if (tls13) list.vec(2);  // the entry's extensions
        if (!list.ok() || cert.empty()) break;
        out.emplace_back(cert);
    }
    return out;
}

std::string version_text(std::uint16_t version) {
    switch (version) {
        case 0x0200:
            return "SSL 2.0";
        case 0x0300:
            return "SSL 3.0";
        case 0x0301:
            return "TLS 1.0";
        case 0x0302:
            return "TLS 1.1";
        case 0x0303:
            return "TLS 1.2";
        case 0x0304:
            return "TLS 1.3";
        default: {
            char text[8];
            std::snprintf(text, sizeof text, "0x%04x", version);
            return text;
        }
    }
}

}  // namespace decnet::wire::tls
