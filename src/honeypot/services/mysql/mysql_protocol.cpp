#include "honeypot/services/mysql/mysql_protocol.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <span>

#include "events/event.hpp"

namespace decnet::honeypot::mysql {
namespace {

void put16(std::string& out, std::uint32_t v) {
    out += static_cast<char>(v & 0xff);
    out += static_cast<char>((v >> 8) & 0xff);
}
void put24(std::string& out, std::uint32_t v) {
    put16(out, v);
    out += static_cast<char>((v >> 16) & 0xff);
}
void put32(std::string& out, std::uint32_t v) {
    put16(out, v);
    put16(out, v >> 16);
}

// Reads the client's bytes; every read checks what is left.
class Reader {
  public:
    explicit Reader(std::string_view data) : data_(data) {}
    std::size_t left() const { return data_.size(); }
    std::optional<std::uint64_t> fixed(std::size_t n) {
        if (data_.size() < n) return std::nullopt;
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < n; ++i)
            v |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(data_[i])) << (8 * i);
        data_.remove_prefix(n);
        return v;
    }
    std::optional<std::string> bytes(std::size_t n) {
        if (data_.size() < n) return std::nullopt;
        std::string out(data_.substr(0, n));
        data_.remove_prefix(n);
        return out;
    }
    // A NUL-terminated string; without its NUL, the rest (as the server reads it).
    std::string cstring() {
        const auto nul = data_.find('\0');
        std::string out(data_.substr(0, nul));
        data_.remove_prefix(nul == std::string_view::npos ? data_.size() : nul + 1);
        return out;
    }
    std::optional<std::uint64_t> lenenc() {
        const auto first = fixed(1);
        if (!first) return std::nullopt;
        if (*first < 0xfb) return first;
        if (*first == 0xfc) return fixed(2);
        if (*first == 0xfd) return fixed(3);
        if (*first == 0xfe) return fixed(8);
        return std::nullopt;  // 0xfb (NULL) and 0xff are not lengths
    }
    std::optional<std::string> lenenc_string() {
        const auto n = lenenc();
        if (!n || *n > data_.size()) return std::nullopt;
        return bytes(static_cast<std::size_t>(*n));
    }

  private:
    std::string_view data_;
};

std::string digest(const EVP_MD* md, std::string_view a, std::string_view b = {}) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, md, nullptr);
    EVP_DigestUpdate(ctx, a.data(), a.size());
    EVP_DigestUpdate(ctx, b.data(), b.size());
    EVP_DigestFinal_ex(ctx, out.data(), &size);
    EVP_MD_CTX_free(ctx);
    return std::string(reinterpret_cast<const char*>(out.data()), size);
}

std::string xor_of(std::string a, std::string_view b) {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) a[i] ^= b[i];
    return a;
}

std::string hex(std::string_view bytes) {
    return to_hex(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

}  // namespace

Header parse_header(std::string_view b) {
    Header h;
    if (b.size() < 4) return h;
    h.length = static_cast<std::uint8_t>(b[0]) | (static_cast<std::uint8_t>(b[1]) << 8) |
               (static_cast<std::size_t>(static_cast<std::uint8_t>(b[2])) << 16);
    h.seq = static_cast<std::uint8_t>(b[3]);
    return h;
}

std::string packet(std::uint8_t seq, std::string_view payload) {
    std::string out;
    const auto n = std::min(payload.size(), kMaxPayload);
    put24(out, static_cast<std::uint32_t>(n));
    out += static_cast<char>(seq);
    out.append(payload.substr(0, n));
    return out;
}

std::string lenenc_int(std::uint64_t v) {
    std::string out;
    if (v < 0xfb) {
        out += static_cast<char>(v);
    } else if (v <= 0xffff) {
        out += '\xfc';
        put16(out, static_cast<std::uint32_t>(v));
    } else if (v <= 0xffffff) {
        out += '\xfd';
        put24(out, static_cast<std::uint32_t>(v));
    } else {
        out += '\xfe';
        put32(out, static_cast<std::uint32_t>(v));
        put32(out, static_cast<std::uint32_t>(v >> 32));
    }
    return out;
}

std::string lenenc_str(std::string_view text) {
    return lenenc_int(text.size()) + std::string(text);
}

std::string greeting_payload(const Greeting& g) {
    std::string out;
    out += '\x0a';
    out += g.version;
    out += '\0';
    put32(out, g.connection_id);
    std::string scramble = g.scramble;
    scramble.resize(20, 'x');
    out.append(scramble, 0, 8);
    out += '\0';
    put16(out, g.capabilities & 0xffff);
    out += static_cast<char>(g.charset);
    put16(out, g.status);
    put16(out, g.capabilities >> 16);
    out += static_cast<char>(21);
    out.append(6, '\0');
    put32(out, g.mariadb_capabilities);
    out.append(scramble, 8, 12);
    out += '\0';
    out += g.plugin;
    out += '\0';
    return out;
}

std::optional<HandshakeResponse> parse_handshake_response(std::string_view payload) {
    Reader r(payload);
    HandshakeResponse h;
    const auto caps = r.fixed(4);
    const auto max_packet = r.fixed(4);
    const auto charset = r.fixed(1);
    if (!caps || !max_packet || !charset || !r.bytes(23)) return std::nullopt;
    h.capabilities = static_cast<std::uint32_t>(*caps);
    if (!(h.capabilities & kClientProtocol41)) return std::nullopt;
    h.max_packet = static_cast<std::uint32_t>(*max_packet);
    h.charset = static_cast<std::uint8_t>(*charset);
    if (r.left() == 0) {
        if (!(h.capabilities & kClientSsl)) return std::nullopt;
        h.ssl_request = true;
        return h;
    }
    h.user = r.cstring();
    if (h.capabilities & kClientPluginAuthLenenc) {
        auto response = r.lenenc_string();
        if (!response) return std::nullopt;
        h.auth_response = std::move(*response);
    } else if (h.capabilities & kClientSecureConnection) {
        const auto n = r.fixed(1);
        if (!n) return h;  // a 4.1 client with nothing after the user: no password
        auto response = r.bytes(static_cast<std::size_t>(*n));
        if (!response) return std::nullopt;
        h.auth_response = std::move(*response);
    } else {
        h.auth_response = r.cstring();
    }
    if ((h.capabilities & kClientConnectWithDb) && r.left()) h.database = r.cstring();
    if ((h.capabilities & kClientPluginAuth) && r.left()) h.plugin = r.cstring();
    if ((h.capabilities & kClientConnectAttrs) && r.left()) {
        const auto total = r.lenenc();
        if (!total || *total > r.left()) return h;
        auto block = r.bytes(static_cast<std::size_t>(*total));
        Reader attrs(*block);
        while (attrs.left() && h.attributes.size() < 64) {
            auto key = attrs.lenenc_string();
            if (!key) break;
            auto value = attrs.lenenc_string();
            if (!value) break;
            h.attributes.emplace_back(std::move(*key), std::move(*value));
        }
    }
    return h;
}

std::string ok_payload(std::uint64_t affected_rows, std::uint64_t insert_id, std::uint16_t status,
                       std::uint16_t warnings, std::string_view info, bool eof_header) {
    std::string out(1, eof_header ? '\xfe' : '\0');
    out += lenenc_int(affected_rows);
    out += lenenc_int(insert_id);
    put16(out, status);
    put16(out, warnings);
    out += info;
    return out;
}

std::string err_payload(std::uint16_t code, std::string_view sql_state, std::string_view message) {
    std::string out(1, '\xff');
    put16(out, code);
    out += '#';
    std::string state(sql_state.substr(0, 5));
    state.resize(5, '0');
    out += state;
    out += message.substr(0, 512);
    return out;
}

std::string eof_payload(std::uint16_t status) {
    std::string out(1, '\xfe');
    put16(out, 0);
    put16(out, status);
    return out;
}

std::string auth_switch_payload(std::string_view plugin, std::string_view scramble) {
    std::string out(1, '\xfe');
    out += plugin;
    out += '\0';
    out += scramble;
    out += '\0';
    return out;
}

std::vector<std::string> resultset_payloads(const std::vector<Column>& columns,
                                            const std::vector<Row>& rows, bool deprecate_eof,
                                            std::uint16_t status) {
    std::vector<std::string> out;
    out.push_back(lenenc_int(columns.size()));
    for (const auto& c : columns) {
        std::string def = lenenc_str("def") + lenenc_str(c.schema) + lenenc_str(c.table) +
                          lenenc_str(c.table) + lenenc_str(c.name) + lenenc_str(c.name);
        def += '\x0c';
        const bool text = c.type == kTypeVarString;
        put16(def, text ? 33 : 63);  // utf8mb3_general_ci, binary
        put32(def, c.length);
        def += static_cast<char>(c.type);
        put16(def, text ? 0 : 0x20);  // numbers: UNSIGNED_FLAG-free, BINARY
        def += static_cast<char>(c.type == kTypeNewDecimal ? 2 : 0);
        def.append(2, '\0');
        out.push_back(std::move(def));
    }
    if (!deprecate_eof) out.push_back(eof_payload(status));
    for (const auto& row : rows) {
        std::string r;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (i < row.size() && row[i])
                r += lenenc_str(*row[i]);
            else
                r += '\xfb';
        }
        out.push_back(std::move(r));
    }
    out.push_back(deprecate_eof ? ok_payload(0, 0, status, 0, {}, true) : eof_payload(status));
    return out;
}

std::string native_password_response(std::string_view password, std::string_view scramble) {
    if (password.empty()) return {};
    const auto stage1 = digest(EVP_sha1(), password);
    const auto stage2 = digest(EVP_sha1(), stage1);
    return xor_of(stage1, digest(EVP_sha1(), scramble.substr(0, 20), stage2));
}

std::string caching_sha2_response(std::string_view password, std::string_view scramble) {
    if (password.empty()) return {};
    const auto stage1 = digest(EVP_sha256(), password);
    const auto stage2 = digest(EVP_sha256(), stage1);
    return xor_of(stage1, digest(EVP_sha256(), stage2, scramble.substr(0, 20)));
}

std::string native_password_hash(std::string_view scramble, std::string_view response) {
    return "$mysqlna$" + hex(scramble) + "*" + hex(response);
}

std::string caching_sha2_hash(std::string_view scramble, std::string_view response) {
    return "$mysql-sha2$" + hex(scramble) + "*" + hex(response);
}

}  // namespace decnet::honeypot::mysql
