// mongodb wire details: the 16-byte message header, OP_MSG (kind-0 body, kind-1 document
// sequences, the CRC-32C checksum flag) and legacy OP_QUERY parsed into one Command; OP_MSG
// and OP_REPLY replies; mongod's error documents; the SCRAM-SHA-1/SHA-256 messages (RFC
// 5802, MongoDB's SHA-1 password digest) and their crackable forms. Pure functions (no I/O),
// bounded by their input and by the BSON limits, unit-tested and fuzzed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wire/bson.hpp"

namespace decnet::honeypot::mongodb {

namespace bson = wire::bson;

inline constexpr std::int32_t kOpReply = 1;
inline constexpr std::int32_t kOpQuery = 2004;
inline constexpr std::int32_t kOpCompressed = 2012;
inline constexpr std::int32_t kOpMsg = 2013;
// mongod's maxMessageSizeBytes: a header claiming more (or less than itself) ends the session.
inline constexpr std::int32_t kMaxMessage = 48000000;

inline constexpr std::uint32_t kChecksumPresent = 1u << 0;
inline constexpr std::uint32_t kMoreToCome = 1u << 1;
inline constexpr std::uint32_t kExhaustAllowed = 1u << 16;

struct Header {
    std::int32_t length = 0;
    std::int32_t request_id = 0;
    std::int32_t response_to = 0;
    std::int32_t op_code = 0;
};
Header parse_header(std::string_view sixteen_bytes);  // zeros when shorter
bool valid_length(const Header& header);

// A command as OP_MSG or OP_QUERY carries it.
struct Command {
    bson::Document body;  // the kind-0 body; kind-1 sequences appended as arrays
    std::string database;
    std::uint32_t flags = 0;   // OP_MSG flag bits
    bool legacy = false;       // came as OP_QUERY
    bool legacy_find = false;  // OP_QUERY on a collection (not `<db>.$cmd`)
    std::string collection;    // the OP_QUERY namespace's collection
    std::string name() const;  // the first element's name ("" when the body is empty)
};

// What a request parses to: a command, or mongod's error for it (code and codeName).
struct Parsed {
    std::optional<Command> command;
    int code = 0;
    std::string code_name;
    std::string error;
};

// `message` is the whole message, header included.
Parsed parse_op_msg(std::string_view message, const bson::Limits& limits = {});
Parsed parse_op_query(std::string_view message, const bson::Limits& limits = {});

std::uint32_t crc32c(std::string_view data);

std::string op_msg(std::int32_t request_id, std::int32_t response_to, const bson::Document& body,
                   std::uint32_t flags = 0);
// OP_REPLY with one document, responseFlags AwaitCapable (what mongod sets).
std::string op_reply(std::int32_t request_id, std::int32_t response_to, const bson::Document& doc);

// {ok: 0.0, errmsg, code, codeName}.
bson::Document error_reply(int code, std::string_view code_name, std::string_view message);
// {ok: 1.0} after `fields`.
bson::Document ok_reply(bson::Document fields = {});
// Inserts `name: value` before the trailing `ok` (hello's speculativeAuthenticate).
void insert_before_ok(bson::Document& reply, std::string name, bson::Value value);

// ---- SCRAM ------------------------------------------------------------------------------

enum class Scram { sha1, sha256 };
std::optional<Scram> scram_mechanism(std::string_view name);  // "SCRAM-SHA-1", "SCRAM-SHA-256"
std::string_view mechanism_name(Scram scram);

struct ScramFirst {
    std::string bare;  // "n=<user>,r=<nonce>"
    std::string user;  // decoded (=2C → ',', =3D → '=')
    std::string nonce;
};
std::optional<ScramFirst> parse_scram_first(std::string_view payload);
struct ScramFinal {
    std::string without_proof;  // "c=biws,r=<nonce>"
    std::string nonce;
    std::string proof;  // decoded
};
std::optional<ScramFinal> parse_scram_final(std::string_view payload);

// The secret PBKDF2 starts from: SHA-1: hex(md5("<user>:mongo:<password>")) (MongoDB's
// digest); SHA-256: the password itself (SASLprep of ASCII is the identity).
std::string scram_secret(Scram scram, std::string_view user, std::string_view password);
std::string scram_client_proof(Scram scram, std::string_view secret, std::string_view salt,
                               int iterations, std::string_view auth_message);
std::string scram_server_signature(Scram scram, std::string_view secret, std::string_view salt,
                                   int iterations, std::string_view auth_message);
// The crackable form of a captured conversation:
// "$mongodb-scram-sha-1$<iterations>$<salt b64>$<auth message b64>$<proof b64>" (and
// -sha-256): a candidate password is right when scram_client_proof of its secret gives the
// proof.
std::string scram_hash(Scram scram, std::string_view salt, int iterations,
                       std::string_view auth_message, std::string_view proof);

}  // namespace decnet::honeypot::mongodb
