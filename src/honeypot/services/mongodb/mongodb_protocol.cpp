#include "honeypot/services/mongodb/mongodb_protocol.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "core/base64.hpp"

namespace decnet::honeypot::mongodb {
namespace {

std::int32_t le32(std::string_view b, std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
    return static_cast<std::int32_t>(v);
}

void put32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

Parsed failure(int code, std::string code_name, std::string error) {
    Parsed p;
    p.code = code;
    p.code_name = std::move(code_name);
    p.error = std::move(error);
    return p;
}

Parsed location(int code, std::string error) {
    return failure(code, "Location" + std::to_string(code), std::move(error));
}

Parsed invalid_bson(const std::string& why) {
    return failure(22, "InvalidBSON", why);
}

const EVP_MD* md(Scram scram) {
    return scram == Scram::sha1 ? EVP_sha1() : EVP_sha256();
}

std::string hmac(Scram scram, std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    HMAC(md(scram), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &size);
    return std::string(reinterpret_cast<const char*>(out.data()), size);
}

std::string digest(const EVP_MD* type, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &size, type, nullptr);
    return std::string(reinterpret_cast<const char*>(out.data()), size);
}

std::string salted(Scram scram, std::string_view secret, std::string_view salt, int iterations) {
    std::string out(static_cast<std::size_t>(EVP_MD_get_size(md(scram))), '\0');
    PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                      reinterpret_cast<const unsigned char*>(salt.data()),
                      static_cast<int>(salt.size()), iterations, md(scram),
                      static_cast<int>(out.size()), reinterpret_cast<unsigned char*>(out.data()));
    return out;
}

// "k=v,k=v" attributes of a SCRAM message (single-letter keys).
std::optional<std::string_view> attribute(std::string_view message, char key) {
    while (!message.empty()) {
        const auto comma = message.find(',');
        const auto item = message.substr(0, comma);
        if (item.size() >= 2 && item[0] == key && item[1] == '=') return item.substr(2);
        if (comma == std::string_view::npos) break;
        message.remove_prefix(comma + 1);
    }
    return std::nullopt;
}

}  // namespace

Header parse_header(std::string_view b) {
    if (b.size() < 16) return {};
    return {le32(b, 0), le32(b, 4), le32(b, 8), le32(b, 12)};
}

bool valid_length(const Header& header) {
    return header.length >= 16 && header.length <= kMaxMessage;
}

std::string Command::name() const {
    return body.empty() ? std::string() : body.elements.front().name;
}

Parsed parse_op_msg(std::string_view message, const bson::Limits& limits) {
    if (message.size() < 21) return location(40587, "OP_MSG requests require a body");
    const auto flags = static_cast<std::uint32_t>(le32(message, 16));
    // Bits 0-15 are required: one this server does not know is refused.
    if ((flags & 0xffff & ~(kChecksumPresent | kMoreToCome)) != 0)
        return failure(
            9, "FailedToParse",
            "Message contains illegal flags value: Flag " + std::to_string(flags & 0xffff));
    std::string_view sections = message.substr(20);
    if (flags & kChecksumPresent) {
        if (sections.size() < 4) return failure(9, "FailedToParse", "Invalid message size");
        const auto stored = static_cast<std::uint32_t>(le32(message, message.size() - 4));
        if (stored != crc32c(message.substr(0, message.size() - 4)))
            return failure(282, "ChecksumMismatch", "OP_MSG checksum does not match contents");
        sections.remove_suffix(4);
    }
    Command command;
    command.flags = flags;
    bool have_body = false;
    std::vector<std::pair<std::string, std::vector<bson::Value>>> sequences;
    std::size_t documents = 0;
    while (!sections.empty()) {
        const auto kind = static_cast<std::uint8_t>(sections[0]);
        sections.remove_prefix(1);
        if (kind == 0) {
            if (have_body) return location(40430, "Multiple body sections in message");
            const auto length = bson::peek_length(sections);
            if (length < 5 || static_cast<std::size_t>(length) > sections.size())
                return invalid_bson("body document length " + std::to_string(length) +
                                    " runs past the message");
            auto decoded =
                bson::decode(sections.substr(0, static_cast<std::size_t>(length)), limits);
            if (!decoded.document) return invalid_bson(decoded.error);
            command.body = std::move(*decoded.document);
            have_body = true;
            sections.remove_prefix(static_cast<std::size_t>(length));
        } else if (kind == 1) {
            if (sections.size() < 4) return failure(9, "FailedToParse", "Invalid message size");
            const auto size = le32(sections, 0);
            if (size < 5 || static_cast<std::size_t>(size) > sections.size())
                return failure(9, "FailedToParse", "Invalid document sequence size");
            auto sequence = sections.substr(4, static_cast<std::size_t>(size) - 4);
            sections.remove_prefix(static_cast<std::size_t>(size));
            const auto nul = sequence.find('\0');
            if (nul == std::string_view::npos)
                return failure(9, "FailedToParse", "Unterminated document sequence identifier");
            std::string identifier(sequence.substr(0, nul));
            sequence.remove_prefix(nul + 1);
            for (const auto& [name, docs] : sequences)
                if (name == identifier)
                    return location(40431, "Duplicate document sequence: " + identifier);
            std::vector<bson::Value> docs;
            while (!sequence.empty()) {
                const auto length = bson::peek_length(sequence);
                if (length < 5 || static_cast<std::size_t>(length) > sequence.size())
                    return invalid_bson("sequence document length " + std::to_string(length) +
                                        " runs past its section");
                auto decoded =
                    bson::decode(sequence.substr(0, static_cast<std::size_t>(length)), limits);
                if (!decoded.document) return invalid_bson(decoded.error);
                if (++documents > 100000)
                    return failure(9, "FailedToParse", "too many documents in sequences");
                docs.push_back(bson::Value::doc(std::move(*decoded.document)));
                sequence.remove_prefix(static_cast<std::size_t>(length));
            }
            sequences.emplace_back(std::move(identifier), std::move(docs));
        } else {
            return location(40432, "Unknown section kind " + std::to_string(kind));
        }
    }
    if (!have_body) return location(40587, "OP_MSG requests require a body");
    for (auto& [name, docs] : sequences) {
        if (command.body.find(name))
            return location(40433, "Duplicate field between body and document sequence " + name);
        command.body.add(name, bson::Value::array(std::move(docs)));
    }
    const auto* db = command.body.find("$db");
    if (!db || !db->is_string()) return location(40571, "OP_MSG requests require a $db argument");
    command.database = db->bytes;
    Parsed p;
    p.command = std::move(command);
    return p;
}

Parsed parse_op_query(std::string_view message, const bson::Limits& limits) {
    if (message.size() < 20) return failure(9, "FailedToParse", "Invalid message size");
    std::string_view rest = message.substr(20);  // after the header and flags
    const auto nul = rest.find('\0');
    if (nul == std::string_view::npos)
        return failure(9, "FailedToParse", "Unterminated collection name");
    const std::string ns(rest.substr(0, nul));
    rest.remove_prefix(nul + 1);
    if (rest.size() < 8) return failure(9, "FailedToParse", "Invalid message size");
    rest.remove_prefix(8);  // numberToSkip, numberToReturn
    const auto length = bson::peek_length(rest);
    if (length < 5 || static_cast<std::size_t>(length) > rest.size())
        return invalid_bson("query document length " + std::to_string(length) +
                            " runs past the message");
    auto decoded = bson::decode(rest.substr(0, static_cast<std::size_t>(length)), limits);
    if (!decoded.document) return invalid_bson(decoded.error);
    Command command;
    command.legacy = true;
    command.flags = static_cast<std::uint32_t>(le32(message, 16));
    const auto dot = ns.find('.');
    command.database = ns.substr(0, dot);
    command.collection = dot == std::string::npos ? std::string() : ns.substr(dot + 1);
    command.body = std::move(*decoded.document);
    // mongos style: {$query: {...}, $readPreference: ...}.
    if (!command.body.empty()) {
        const auto& first = command.body.elements.front();
        if ((first.name == "$query" || first.name == "query") && first.value.is_document()) {
            bson::Document inner = first.value.document;
            command.body = std::move(inner);
        }
    }
    command.legacy_find = command.collection != "$cmd";
    Parsed p;
    p.command = std::move(command);
    return p;
}

std::uint32_t crc32c(std::string_view data) {
    static const auto kTable = [] {
        std::array<std::uint32_t, 256> table{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
            table[i] = c;
        }
        return table;
    }();
    std::uint32_t crc = 0xffffffffu;
    for (const char ch : data)
        crc = kTable[(crc ^ static_cast<unsigned char>(ch)) & 0xff] ^ (crc >> 8);
    return crc ^ 0xffffffffu;
}

std::string op_msg(std::int32_t request_id, std::int32_t response_to, const bson::Document& body,
                   std::uint32_t flags) {
    const auto doc = bson::encode(body);
    std::string out;
    put32(out, static_cast<std::uint32_t>(16 + 4 + 1 + doc.size()));
    put32(out, static_cast<std::uint32_t>(request_id));
    put32(out, static_cast<std::uint32_t>(response_to));
    put32(out, static_cast<std::uint32_t>(kOpMsg));
    put32(out, flags);
    out += '\0';
    out += doc;
    return out;
}

std::string op_reply(std::int32_t request_id, std::int32_t response_to, const bson::Document& doc) {
    const auto encoded = bson::encode(doc);
    std::string out;
    put32(out, static_cast<std::uint32_t>(16 + 20 + encoded.size()));
    put32(out, static_cast<std::uint32_t>(request_id));
    put32(out, static_cast<std::uint32_t>(response_to));
    put32(out, static_cast<std::uint32_t>(kOpReply));
    put32(out, 8);        // responseFlags: AwaitCapable
    out.append(8, '\0');  // cursorID
    put32(out, 0);        // startingFrom
    put32(out, 1);        // numberReturned
    out += encoded;
    return out;
}

bson::Document error_reply(int code, std::string_view code_name, std::string_view message) {
    bson::Document d;
    d.add("ok", bson::Value::dbl(0))
        .add("errmsg", bson::Value::str(std::string(message)))
        .add("code", bson::Value::i32(code))
        .add("codeName", bson::Value::str(std::string(code_name)));
    return d;
}

bson::Document ok_reply(bson::Document fields) {
    fields.add("ok", bson::Value::dbl(1));
    return fields;
}

void insert_before_ok(bson::Document& reply, std::string name, bson::Value value) {
    auto at = reply.elements.end();
    if (!reply.elements.empty() && reply.elements.back().name == "ok") --at;
    reply.elements.insert(at, bson::Element{std::move(name), std::move(value)});
}

std::optional<Scram> scram_mechanism(std::string_view name) {
    if (name == "SCRAM-SHA-1") return Scram::sha1;
    if (name == "SCRAM-SHA-256") return Scram::sha256;
    return std::nullopt;
}

std::string_view mechanism_name(Scram scram) {
    return scram == Scram::sha1 ? "SCRAM-SHA-1" : "SCRAM-SHA-256";
}

std::optional<ScramFirst> parse_scram_first(std::string_view payload) {
    // gs2 header: "n,," or "y,," (no channel binding), optionally "n,a=<authzid>,".
    if (payload.size() < 3 || (payload[0] != 'n' && payload[0] != 'y') || payload[1] != ',')
        return std::nullopt;
    const auto second = payload.find(',', 2);
    if (second == std::string_view::npos) return std::nullopt;
    ScramFirst first;
    first.bare = std::string(payload.substr(second + 1));
    const auto user = attribute(first.bare, 'n');
    const auto nonce = attribute(first.bare, 'r');
    if (!user || !nonce || nonce->empty() || !first.bare.starts_with("n=")) return std::nullopt;
    for (std::size_t i = 0; i < user->size(); ++i) {
        if ((*user)[i] == '=' && user->substr(i, 3) == "=2C") {
            first.user += ',';
            i += 2;
        } else if ((*user)[i] == '=' && user->substr(i, 3) == "=3D") {
            first.user += '=';
            i += 2;
        } else {
            first.user += (*user)[i];
        }
    }
    first.nonce = std::string(*nonce);
    return first;
}

std::optional<ScramFinal> parse_scram_final(std::string_view payload) {
    const auto at = payload.rfind(",p=");
    if (at == std::string_view::npos) return std::nullopt;
    ScramFinal f;
    f.without_proof = std::string(payload.substr(0, at));
    const auto proof = base64_decode(payload.substr(at + 3));
    if (!proof) return std::nullopt;
    f.proof = *proof;
    const auto nonce = attribute(f.without_proof, 'r');
    if (!nonce) return std::nullopt;
    f.nonce = std::string(*nonce);
    return f;
}

std::string scram_secret(Scram scram, std::string_view user, std::string_view password) {
    if (scram == Scram::sha256) return std::string(password);
    const auto hash = digest(EVP_md5(), std::string(user) + ":mongo:" + std::string(password));
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (const char c : hash) {
        out += kDigits[static_cast<unsigned char>(c) >> 4];
        out += kDigits[static_cast<unsigned char>(c) & 0xf];
    }
    return out;
}

std::string scram_client_proof(Scram scram, std::string_view secret, std::string_view salt,
                               int iterations, std::string_view auth_message) {
    const auto client_key = hmac(scram, salted(scram, secret, salt, iterations), "Client Key");
    const auto stored_key = digest(md(scram), client_key);
    auto proof = client_key;
    const auto signature = hmac(scram, stored_key, auth_message);
    for (std::size_t i = 0; i < proof.size() && i < signature.size(); ++i) proof[i] ^= signature[i];
    return proof;
}

std::string scram_server_signature(Scram scram, std::string_view secret, std::string_view salt,
                                   int iterations, std::string_view auth_message) {
    const auto server_key = hmac(scram, salted(scram, secret, salt, iterations), "Server Key");
    return hmac(scram, server_key, auth_message);
}

std::string scram_hash(Scram scram, std::string_view salt, int iterations,
                       std::string_view auth_message, std::string_view proof) {
    return std::string(scram == Scram::sha1 ? "$mongodb-scram-sha-1$" : "$mongodb-scram-sha-256$") +
           std::to_string(iterations) + "$" + base64_encode(salt) + "$" +
           base64_encode(auth_message) + "$" + base64_encode(proof);
}

}  // namespace decnet::honeypot::mongodb
