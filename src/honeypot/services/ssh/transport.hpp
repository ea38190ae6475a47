// Transport: the SSH transport layer of one connection on the server side (RFC 4253) —
// version exchange, binary packets over the Session (bounded: at most kMaxPacketLength per
// packet, garbage before the version line capped as OpenSSH caps it), key exchange and
// re-exchange with the persona's KEXINIT, strict KEX (the Terrapin fix, when both sides
// offer it), and the outgoing queue. One coroutine drives it (the connection's); nothing
// here is shared between threads.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "honeypot/services/ssh/openssh_profiles.hpp"
#include "wire/ssh_kexinit.hpp"

namespace decnet::honeypot {
class Session;
}

namespace decnet::honeypot::ssh {

class HostKeys;
class PacketCipher;
class Compressor;
class Decompressor;

// What the key exchange learnt about the client (for the events).
struct ClientIdentity {
    std::string version;           // its version line
    std::string hassh_algorithms;  // "kex;enc;mac;cmp" of its KEXINIT
    std::string hassh;             // MD5 hex of that
    std::string kex, host_key, cipher_cs, mac_cs, compression_cs;  // what was agreed
};

class Transport {
  public:
    Transport(Session& session, const OpensshProfile& profile, std::shared_ptr<HostKeys> keys);
    ~Transport();
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;

    // Version lines both ways and the first key exchange; false (with error()) when the
    // peer is not an SSH client, left, or the exchange failed.
    boost::asio::awaitable<bool> handshake();

    // The next packet payload for the layers above; IGNORE, DEBUG and UNIMPLEMENTED are
    // consumed here, a client KEXINIT runs a re-exchange in place. nullopt: the connection
    // is over (closed, DISCONNECT received, bad MAC, or a protocol error).
    boost::asio::awaitable<std::optional<std::string>> read();
    // Seals `payload` into the outgoing queue (in order), then writes the queue out.
    boost::asio::awaitable<bool> send(std::string payload);
    // SSH_MSG_DISCONNECT with `reason` and `text`, then closed.
    boost::asio::awaitable<void> disconnect(std::uint32_t reason, std::string_view text);

    // After USERAUTH_SUCCESS is sent: zlib@openssh.com, when agreed, starts now.
    void start_delayed_compression();

    const ClientIdentity& client() const { return client_; }
    const std::string& session_id() const { return session_id_; }
    const std::string& error() const { return error_; }
    // Whether the client asked for EXT_INFO (ext-info-c) in its first KEXINIT.
    bool client_wants_ext_info() const { return ext_info_c_; }
    // The peer sent DISCONNECT (a clean goodbye), with its description.
    bool peer_disconnected() const { return peer_disconnected_; }

  private:
    boost::asio::awaitable<std::optional<std::string>> read_raw();
    boost::asio::awaitable<bool> fill(std::size_t bytes);
    boost::asio::awaitable<bool> key_exchange(std::optional<std::string> client_kexinit);
    bool fail(std::string why);

    Session& s_;
    const OpensshProfile& profile_;
    std::shared_ptr<HostKeys> keys_;
    std::unique_ptr<PacketCipher> in_, out_;
    std::uint32_t in_seq_ = 0, out_seq_ = 0;
    std::string inbuf_;
    std::string client_version_;
    std::string session_id_;
    ClientIdentity client_;
    std::string error_;
    bool strict_kex_ = false;
    bool first_kex_done_ = false;
    bool ext_info_c_ = false;
    bool peer_disconnected_ = false;
    bool writing_ = false;
    std::string outq_;
    // Compression agreed per direction ("none", "zlib", "zlib@openssh.com") and its streams.
    std::string cmp_in_ = "none", cmp_out_ = "none";
    std::unique_ptr<Compressor> compress_;
    std::unique_ptr<Decompressor> decompress_;
    bool authenticated_ = false;
    void start_compression(bool delayed);
};

}  // namespace decnet::honeypot::ssh
