// SMTP's pure parts, apart from the dialogue so they are tested and fuzzed alone: command
// lines, MAIL/RCPT paths and their parameters, SASL answers (PLAIN, LOGIN, CRAM-MD5 in a
// crackable form), and the MIME walk that finds a message's attachments. Everything is
// bounded by the caller's sizes and never throws on bad input.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::honeypot::smtp {

struct Command {
    std::string verb;  // upper-cased
    std::string arg;   // the rest, trimmed
};
Command parse_command(std::string_view line);

// "FROM:<a@b> SIZE=1200 BODY=8BITMIME" (after MAIL) or "TO:<x@y> NOTIFY=SUCCESS".
struct Path {
    bool ok = false;      // the keyword and a path were there
    std::string address;  // without the angle brackets; "" for the null sender <>
    std::vector<std::pair<std::string, std::string>> params;  // keyword upper-cased
    const std::string* param(std::string_view keyword) const;
};
Path parse_path(std::string_view arg, std::string_view keyword);

// "user@domain" → {"user", "domain"}; no @: {address, ""}. A source route (@a,@b:u@d) is
// dropped.
std::pair<std::string, std::string> split_address(std::string_view address);

// SASL PLAIN's "authzid\0authcid\0passwd"; nullopt when it is not base64 or not three
// fields.
struct PlainCredential {
    std::string authzid, user, password;
};
std::optional<PlainCredential> decode_plain(std::string_view base64);

// CRAM-MD5: the server's challenge "<pid.time@host>", and the client's answer
// "user hexdigest" (decoded). `crackable` is hashcat's mode 10200 / John's `$cram_md5$`:
// $cram_md5$<base64 challenge>$<base64 answer>.
struct CramAnswer {
    std::string user, digest;
};
std::optional<CramAnswer> decode_cram(std::string_view base64_answer);
std::string cram_crackable(std::string_view challenge, std::string_view base64_answer);
// HMAC-MD5(password, challenge) in lower-case hex: does `password` produce the answer?
std::string cram_digest(std::string_view password, std::string_view challenge);

// Postfix's queue ids: 10 upper-case hex digits; Exim's "1tJabc-000123-AB"; Exchange's
// message GUID form.
std::string random_hex_id(std::size_t digits);

// ---- MIME ---------------------------------------------------------------------------------

struct MimeLimits {
    std::size_t max_parts = 64;  // leaves walked, over all levels
    std::size_t max_depth = 8;   // nested multiparts
    std::size_t max_header_bytes = 64 * 1024;
};

struct Attachment {
    std::string filename;      // from Content-Disposition or Content-Type's name
    std::string content_type;  // lower-cased type/subtype
    std::string data;          // decoded (base64, quoted-printable) or as sent
};

struct MessageSummary {
    std::string subject, from, to, message_id;  // the top-level headers (unfolded)
    std::vector<Attachment> attachments;
    std::size_t parts = 0;   // leaves seen
    bool truncated = false;  // a limit stopped the walk
};

// `message`: the DATA as received (headers, blank line, body), CRLF or LF line ends.
MessageSummary summarize_message(std::string_view message, const MimeLimits& limits = {});

// The value of header `name` (case-insensitive) in a header block, unfolded; "" when absent.
std::string header_value(std::string_view headers, std::string_view name);
// A parameter of a structured header value: `boundary` of "multipart/mixed; boundary=x".
std::string header_param(std::string_view value, std::string_view name);
std::string decode_quoted_printable(std::string_view text);

}  // namespace decnet::honeypot::smtp
