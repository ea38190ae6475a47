// SIP messages (RFC 3261) as a PBX receives them: the start line, headers with compact forms
// expanded (v: → via, f: → from, …), the body by Content-Length; the Digest credentials of an
// Authorization header; the parts of a SIP URI. Bounded: a message of at most kMaxMessage
// bytes, kMaxHeaders headers (a header flood is refused, not stored), header lines of at most
// kMaxHeaderLine bytes, a body of at most kMaxBody. No I/O (a fuzz target links it alone).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::honeypot::sip {

constexpr std::size_t kMaxMessage = 16 * 1024;
constexpr std::size_t kMaxHeaders = 64;
constexpr std::size_t kMaxHeaderLine = 2048;
constexpr std::size_t kMaxBody = 8 * 1024;

struct Message {
    bool request = true;
    std::string method;  // requests: INVITE, REGISTER, … (as sent)
    std::string uri;     // requests: the Request-URI
    int status = 0;      // responses
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-case, long form
    std::string body;

    // The first value of `name` (lower-case long form), or nullptr.
    const std::string* header(std::string_view name) const;
};

struct Parsed {
    std::optional<Message> message;
    std::string error;
    // Stream framing (parse(..., stream=true)): bytes the message took; 0 with no message and
    // no error means more bytes are needed.
    std::size_t consumed = 0;
};

// One message: a UDP datagram (stream=false: everything is the message), or the first message
// of a TCP buffer (stream=true: headers up to the blank line, then Content-Length bytes).
Parsed parse(std::string_view data, bool stream);

// Digest credentials (RFC 2617 §3.2.2) from an Authorization / Proxy-Authorization value;
// nullopt unless it is `Digest …` with at least username and response.
struct Digest {
    std::string username, realm, nonce, uri, response, algorithm, cnonce, nc, qop;
};
std::optional<Digest> parse_digest(std::string_view value);

// sip:user@host:port;params → its parts (scheme "sip"/"sips"; user may be empty).
struct Uri {
    std::string scheme, user, host, port;
};
std::optional<Uri> parse_uri(std::string_view text);
// The URI inside a From/To/Contact value ("Name" <sip:…>;tag=… → sip:…).
std::string_view address_uri(std::string_view value);

// John the Ripper's `$sip$*server*client*user*realm*method*scheme*host*port*nonce*cnonce*nc*
// qop*algorithm*response` line for a digest answer ('*' in a field is replaced by '_').
std::string john_line(const Digest& digest, std::string_view server_ip, std::string_view client_ip,
                      std::string_view method);
// The response a client with `password` would compute (MD5, with or without qop=auth).
std::string digest_response(const Digest& digest, std::string_view method,
                            std::string_view password);

}  // namespace decnet::honeypot::sip
