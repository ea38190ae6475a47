// KeyExchange: the server side of one SSH key exchange method (RFC 4253 §8, RFC 4419,
// RFC 5656, RFC 8731, and OpenSSH's sntrup761x25519-sha512 hybrid): it reads the client's
// messages, answers with the host key and its signature over the exchange hash H, and
// leaves K and H for the key derivation. Garbage (a point off the curve, e ≥ p, a key that
// does not decode) ends the exchange, never the process.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace decnet::honeypot::ssh {

class HostKeys;

// What both sides hash: the version lines (no CR LF) and KEXINIT payloads.
struct KexTranscript {
    std::string client_version, server_version, client_kexinit, server_kexinit;
};

struct KexStep {
    enum class State { more, done, failed } state = State::failed;
    std::string reply;  // the server's packet payload, if any
    std::string error;  // why it failed
};

class KeyExchange {
  public:
    virtual ~KeyExchange() = default;
    static bool supports(std::string_view method);
    // nullptr when `method` is not implemented.
    static std::unique_ptr<KeyExchange> make(std::string_view method, KexTranscript transcript,
                                             const HostKeys& keys, std::string host_key_alg);

    // One client message (payload with its message byte).
    virtual KexStep step(std::string_view payload) = 0;

    // After State::done: K as it is hashed (an mpint, or a string for KEM methods), H, and the
    // key derivation: `size` bytes of HASH(K || H || letter || session_id) extended (§7.2).
    const std::string& exchange_hash() const { return hash_; }
    std::string derive(char letter, const std::string& session_id, std::size_t size) const;

  protected:
    std::string shared_;  // K encoded
    std::string hash_;    // H
    const char* digest_ = "SHA256";
};

}  // namespace decnet::honeypot::ssh
