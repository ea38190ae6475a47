// HostKeys: a decky's SSH host keys — ed25519, ecdsa-sha2-nistp256 and rsa 3072, as a
// Debian sshd generates at install — kept in <decky state dir>/ssh/ so the decky shows the
// same keys after a restart (known_hosts stays quiet), and different deckies differ. Made on
// a background thread the first time a decky needs them (RSA 3072 takes a moment; no I/O
// thread waits on it); a connection polls ready() before its key exchange.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot::ssh {

class HostKeys {
  public:
    // The keys of the decky whose state directory is `state_dir` ("" = nothing kept: made
    // once per process for `decky`). Shared: one set per decky however many listeners and
    // connections, kept for the life of the process.
    static std::shared_ptr<HostKeys> of(const std::string& state_dir, const std::string& decky);
    ~HostKeys();

    // True once the keys exist (starts making them on first call); `error` when that failed.
    bool ready(std::string& error);

    // SSH algorithm names this set can sign with, in the order sshd lists them
    // (rsa-sha2-512, rsa-sha2-256, [ssh-rsa,] ecdsa-sha2-nistp256, ssh-ed25519).
    bool can_sign(std::string_view algorithm) const;
    // The public key blob for `algorithm` (ssh-rsa blob for the rsa-sha2-* names).
    std::string public_blob(std::string_view algorithm) const;
    // The signature blob (string algorithm, string signature) over `data`.
    std::string sign(std::string_view algorithm, std::string_view data) const;

    struct Impl;

  private:
    explicit HostKeys(std::shared_ptr<Impl> impl);
    std::shared_ptr<Impl> impl_;
};

// "SHA256:<base64 without padding>" of a public key blob, as ssh-keygen -l prints it.
std::string ssh_fingerprint(std::string_view public_blob);
// The key type named inside a public key blob ("ssh-ed25519"), "" when malformed.
std::string ssh_key_type(std::string_view public_blob);

}  // namespace decnet::honeypot::ssh
