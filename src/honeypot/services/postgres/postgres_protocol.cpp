#include "honeypot/services/postgres/postgres_protocol.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <span>

#include "core/base64.hpp"
#include "events/event.hpp"

namespace decnet::honeypot::postgres {
namespace {

std::string hex(std::string_view bytes) {
    return to_hex(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

std::string digest(const EVP_MD* md, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &size, md, nullptr);
    return std::string(reinterpret_cast<const char*>(out.data()), size);
}

std::string hmac(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &size);
    return std::string(reinterpret_cast<const char*>(out.data()), size);
}

std::string salted_password(std::string_view password, std::string_view salt, int iterations) {
    std::string out(32, '\0');
    PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                      reinterpret_cast<const unsigned char*>(salt.data()),
                      static_cast<int>(salt.size()), iterations, EVP_sha256(), 32,
                      reinterpret_cast<unsigned char*>(out.data()));
    return out;
}

// "k=value" attributes of a SCRAM message, in order.
std::vector<std::pair<char, std::string_view>> attributes(std::string_view message) {
    std::vector<std::pair<char, std::string_view>> out;
    while (!message.empty() && out.size() < 16) {
        const auto comma = message.find(',');
        const auto item = message.substr(0, comma);
        if (item.size() >= 2 && item[1] == '=') out.emplace_back(item[0], item.substr(2));
        if (comma == std::string_view::npos) break;
        message.remove_prefix(comma + 1);
    }
    return out;
}

}  // namespace

std::uint32_t read32(std::string_view b) {
    if (b.size() < 4) return 0;
    return (static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[0])) << 24) |
           (static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[1])) << 16) |
           (static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[2])) << 8) |
           static_cast<std::uint8_t>(b[3]);
}

std::string int32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>((v >> 16) & 0xff),
            static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}

std::string StartupPacket::get(std::string_view key) const {
    for (const auto& [k, v] : params)
        if (k == key) return v;
    return {};
}

StartupPacket parse_startup(std::string_view body) {
    StartupPacket p;
    if (body.size() < 4) return p;
    p.code = read32(body);
    body.remove_prefix(4);
    if (p.code == kSslRequest)
        p.kind = StartupPacket::ssl;
    else if (p.code == kGssEncRequest)
        p.kind = StartupPacket::gssenc;
    else if (p.code == kCancelRequest)
        p.kind = StartupPacket::cancel;
    else if (p.code != kProtocol3)
        p.kind = StartupPacket::unsupported;
    else
        p.kind = StartupPacket::startup;
    if (p.kind != StartupPacket::startup) return p;
    // name NUL value NUL … NUL
    while (!body.empty() && body[0] != '\0' && p.params.size() < 64) {
        const auto nul = body.find('\0');
        if (nul == std::string_view::npos) break;
        std::string name(body.substr(0, nul));
        body.remove_prefix(nul + 1);
        const auto end = body.find('\0');
        if (end == std::string_view::npos) {
            p.kind = StartupPacket::invalid;
            return p;
        }
        p.params.emplace_back(std::move(name), std::string(body.substr(0, end)));
        body.remove_prefix(end + 1);
    }
    return p;
}

std::string message(char type, std::string_view body) {
    std::string out(1, type);
    out += int32(static_cast<std::uint32_t>(body.size() + 4));
    out += body;
    return out;
}

std::string auth_request(std::uint32_t code, std::string_view extra) {
    return message('R', int32(code) + std::string(extra));
}

std::string parameter_status(std::string_view name, std::string_view value) {
    return message('S', std::string(name) + '\0' + std::string(value) + '\0');
}

std::string backend_key_data(std::uint32_t pid, std::uint32_t key) {
    return message('K', int32(pid) + int32(key));
}

std::string ready_for_query(char status) {
    return message('Z', std::string(1, status));
}

std::string command_complete(std::string_view tag) {
    return message('C', std::string(tag) + '\0');
}

std::string error_response(const std::vector<Field>& fields, char type) {
    std::string body;
    for (const auto& f : fields) {
        body += f.code;
        const auto value = std::string_view(f.value).substr(0, 4096);
        for (const char c : value) body += c == '\0' ? ' ' : c;
        body += '\0';
    }
    body += '\0';
    return message(type, body);
}

std::string row_description(const std::vector<Column>& columns) {
    std::string body;
    body += static_cast<char>(columns.size() >> 8);
    body += static_cast<char>(columns.size() & 0xff);
    for (const auto& c : columns) {
        body += c.name;
        body += '\0';
        body += int32(0);           // table OID
        body += std::string(2, 0);  // column number
        body += int32(c.type);
        const std::int16_t size = c.type == 23 ? 4 : c.type == 20 ? 8 : c.type == 1114 ? 8 : -1;
        body += static_cast<char>((size >> 8) & 0xff);
        body += static_cast<char>(size & 0xff);
        body += int32(0xffffffff);  // type modifier -1
        body += std::string(2, 0);  // text format
    }
    return message('T', body);
}

std::string data_row(const std::vector<std::optional<std::string>>& values) {
    std::string body;
    body += static_cast<char>(values.size() >> 8);
    body += static_cast<char>(values.size() & 0xff);
    for (const auto& v : values) {
        if (!v) {
            body += int32(0xffffffff);
            continue;
        }
        body += int32(static_cast<std::uint32_t>(v->size()));
        body += *v;
    }
    return message('D', body);
}

std::string md5_response(std::string_view password, std::string_view user, std::string_view salt) {
    const auto inner = hex(digest(EVP_md5(), std::string(password) + std::string(user)));
    return "md5" + hex(digest(EVP_md5(), inner + std::string(salt)));
}

std::string md5_hash(std::string_view user, std::string_view salt, std::string_view response) {
    auto r = response;
    if (r.starts_with("md5")) r.remove_prefix(3);
    return "$postgres$" + std::string(user) + "*" + hex(salt) + "*" + std::string(r);
}

std::optional<SaslInitial> parse_sasl_initial(std::string_view body) {
    const auto nul = body.find('\0');
    if (nul == std::string_view::npos) return std::nullopt;
    SaslInitial s;
    s.mechanism = std::string(body.substr(0, nul));
    body.remove_prefix(nul + 1);
    if (body.size() < 4) return std::nullopt;
    const auto n = read32(body);
    body.remove_prefix(4);
    if (n == 0xffffffff) return s;
    if (n > body.size()) return std::nullopt;
    s.data = std::string(body.substr(0, n));
    return s;
}

std::optional<ScramClientFirst> parse_client_first(std::string_view m) {
    // gs2-header: ("n" | "y" | "p=…") "," [authzid] ","
    const auto first = m.find(',');
    if (first == std::string_view::npos) return std::nullopt;
    const auto second = m.find(',', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    ScramClientFirst c;
    c.bare = std::string(m.substr(second + 1));
    for (const auto& [k, v] : attributes(c.bare))
        if (k == 'r') c.nonce = std::string(v);
    if (c.nonce.empty()) return std::nullopt;
    return c;
}

std::optional<ScramClientFinal> parse_client_final(std::string_view m) {
    const auto at = m.rfind(",p=");
    if (at == std::string_view::npos) return std::nullopt;
    ScramClientFinal f;
    f.without_proof = std::string(m.substr(0, at));
    const auto proof = base64_decode(m.substr(at + 3));
    if (!proof) return std::nullopt;
    f.proof = *proof;
    for (const auto& [k, v] : attributes(f.without_proof))
        if (k == 'r') f.nonce = std::string(v);
    return f;
}

std::string scram_client_proof(std::string_view password, std::string_view salt, int iterations,
                               std::string_view auth_message) {
    const auto client_key = hmac(salted_password(password, salt, iterations), "Client Key");
    const auto stored_key = digest(EVP_sha256(), client_key);
    auto proof = client_key;
    const auto signature = hmac(stored_key, auth_message);
    for (std::size_t i = 0; i < proof.size() && i < signature.size(); ++i) proof[i] ^= signature[i];
    return proof;
}

std::string scram_server_signature(std::string_view password, std::string_view salt, int iterations,
                                   std::string_view auth_message) {
    const auto server_key = hmac(salted_password(password, salt, iterations), "Server Key");
    return hmac(server_key, auth_message);
}

std::string scram_hash(std::string_view salt, int iterations, std::string_view auth_message,
                       std::string_view proof) {
    return "$scram-sha-256$" + std::to_string(iterations) + "$" + base64_encode(salt) + "$" +
           base64_encode(auth_message) + "$" + base64_encode(proof);
}

}  // namespace decnet::honeypot::postgres
