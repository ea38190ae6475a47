#include "honeypot/services/ssh/transport.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "events/event.hpp"
#include "honeypot/services/ssh/compression.hpp"
#include "honeypot/services/ssh/host_keys.hpp"
#include "honeypot/services/ssh/key_exchange.hpp"
#include "honeypot/services/ssh/packet_cipher.hpp"
#include "honeypot/session.hpp"
#include "wire/ssh_codec.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot::ssh {
namespace {

using boost::asio::awaitable;
using wire::ssh::Reader;
using wire::ssh::Writer;
namespace msg = wire::ssh;

// Lines a client may send before its version line (OpenSSH's server allows none; clients
// that wrap ssh in a proxy sometimes do): we read at most this many before giving up.
constexpr int kMaxPreVersionLines = 1;
// How long a connection waits for its host keys the first time a decky needs them.
constexpr int kHostKeyWaitSteps = 200;  // × 50 ms

std::string md5_hex(std::string_view text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned size = 0;
    EVP_Digest(text.data(), text.size(), digest, &size, EVP_md5(), nullptr);
    return to_hex({digest, size});
}

bool contains(const std::vector<std::string>& list, std::string_view name) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

Transport::Transport(Session& session, const OpensshProfile& profile,
                     std::shared_ptr<HostKeys> keys)
    : s_(session),
      profile_(profile),
      keys_(std::move(keys)),
      in_(PacketCipher::plain()),
      out_(PacketCipher::plain()) {}

Transport::~Transport() = default;

bool Transport::fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
}

awaitable<bool> Transport::handshake() {
    if (!co_await s_.write(profile_.version + "\r\n")) co_return fail("peer closed");
    for (int lines = 0;; ++lines) {
        auto line = co_await s_.read_line();
        if (!line) co_return fail("no version line");
        if (line->starts_with("SSH-")) {
            client_version_ = std::move(*line);
            break;
        }
        if (lines >= kMaxPreVersionLines) {
            // What sshd answers a browser or a banner grabber that speaks first.
            co_await s_.write("Invalid SSH identification string.\r\n");
            client_version_ = std::move(*line);
            co_return fail("invalid identification");
        }
    }
    client_.version = client_version_;
    const auto parsed = wire::ssh::parse_version(client_version_);
    if (!parsed || (parsed->proto != "2.0" && parsed->proto != "1.99")) {
        co_await s_.write("Protocol major versions differ.\r\n");
        co_return fail("unsupported protocol version");
    }
    // Keys first time a decky is contacted: made on their own thread, waited for here.
    std::string key_error;
    for (int step = 0; !keys_->ready(key_error); ++step) {
        if (!key_error.empty() || step >= kHostKeyWaitSteps)
            co_return fail("host keys unavailable");
        boost::asio::steady_timer timer(s_.executor(), std::chrono::milliseconds(50));
        co_await timer.async_wait(boost::asio::use_awaitable);
    }
    co_return co_await key_exchange(std::nullopt);
}

awaitable<bool> Transport::fill(std::size_t bytes) {
    while (inbuf_.size() < bytes) {
        auto chunk = co_await s_.read_some();
        if (!chunk) co_return false;
        inbuf_ += *chunk;
    }
    co_return true;
}

awaitable<std::optional<std::string>> Transport::read_raw() {
    const auto header = in_->header_size();
    if (!co_await fill(header)) co_return std::nullopt;
    const auto length = in_->packet_length(in_seq_, std::string_view(inbuf_).substr(0, header));
    if (!length || *length < 5 || *length > kMaxPacketLength) {
        fail("bad packet length");
        co_return std::nullopt;
    }
    const std::size_t total = 4 + *length + in_->mac_size();
    if (!co_await fill(total)) co_return std::nullopt;
    auto payload = in_->open(in_seq_, std::string_view(inbuf_).substr(0, total));
    inbuf_.erase(0, total);
    ++in_seq_;
    if (!payload || payload->empty()) {
        fail("corrupted MAC on input");
        co_return std::nullopt;
    }
    if (decompress_) {
        payload = decompress_->decompress(*payload);
        if (!payload || payload->empty()) {
            fail("bad compressed data");
            co_return std::nullopt;
        }
    }
    co_return payload;
}

awaitable<bool> Transport::send(std::string payload) {
    if (compress_) payload = compress_->compress(payload);
    outq_ += out_->seal(out_seq_++, payload);
    // One writer at a time: a second sender's bytes are already queued behind the first's.
    if (writing_) co_return true;
    writing_ = true;
    bool ok = true;
    while (ok && !outq_.empty()) {
        const std::string chunk = std::move(outq_);
        outq_.clear();
        ok = co_await s_.write(chunk);
    }
    writing_ = false;
    co_return ok;
}

awaitable<void> Transport::disconnect(std::uint32_t reason, std::string_view text) {
    co_await send(Writer(msg::kDisconnect).u32(reason).string(text).string("").take());
    s_.close();
}

void Transport::start_compression(bool delayed) {
    auto active = [&](const std::string& name) {
        return name == "zlib" || (name == "zlib@openssh.com" && (authenticated_ || delayed));
    };
    if (active(cmp_out_) && !compress_) compress_ = std::make_unique<Compressor>();
    if (active(cmp_in_) && !decompress_)
        decompress_ = std::make_unique<Decompressor>(kMaxPacketLength);
}

void Transport::start_delayed_compression() {
    authenticated_ = true;
    start_compression(true);
}

awaitable<std::optional<std::string>> Transport::read() {
    for (;;) {
        auto payload = co_await read_raw();
        if (!payload) co_return std::nullopt;
        const auto type = static_cast<std::uint8_t>((*payload)[0]);
        switch (type) {
            case msg::kIgnore:
            case msg::kDebug:
            case msg::kUnimplemented:
                continue;
            case msg::kDisconnect:
                peer_disconnected_ = true;
                co_return std::nullopt;
            case msg::kKexInit:
                if (!co_await key_exchange(std::move(payload))) co_return std::nullopt;
                continue;
            default:
                if (type >= msg::kKexInit && type <= 49) {  // kex messages out of place
                    fail("unexpected key exchange message");
                    co_return std::nullopt;
                }
                co_return payload;
        }
    }
}

awaitable<bool> Transport::key_exchange(std::optional<std::string> client_kexinit) {
    wire::ssh::KexInit mine;
    RAND_bytes(mine.cookie.data(), static_cast<int>(mine.cookie.size()));
    mine.kex = profile_.kex;
    mine.host_key = profile_.host_key;
    mine.enc_cs = mine.enc_sc = profile_.ciphers;
    mine.mac_cs = mine.mac_sc = profile_.macs;
    mine.cmp_cs = mine.cmp_sc = profile_.compression;
    // A re-exchange never offers strict KEX again (OpenSSH sends it only in the first).
    if (first_kex_done_) std::erase(mine.kex, std::string("kex-strict-s-v00@openssh.com"));
    const std::string server_kexinit = wire::ssh::build_kexinit(mine);
    if (!co_await send(server_kexinit)) co_return fail("peer closed");

    if (!client_kexinit) {
        // Under strict KEX the client's KEXINIT must be its very first packet; before we
        // know, anything but KEXINIT here is already a protocol error for sshd too.
        client_kexinit = co_await read_raw();
        if (!client_kexinit) co_return fail("no KEXINIT");
    }
    const auto theirs = wire::ssh::parse_kexinit(*client_kexinit);
    if (!theirs) co_return fail("malformed KEXINIT");
    if (!first_kex_done_) {
        client_.hassh_algorithms = wire::ssh::hassh_algorithms(*theirs);
        client_.hassh = md5_hex(client_.hassh_algorithms);
        strict_kex_ = contains(theirs->kex, "kex-strict-c-v00@openssh.com") &&
                      contains(mine.kex, "kex-strict-s-v00@openssh.com");
        ext_info_c_ = contains(theirs->kex, "ext-info-c");
        if (strict_kex_ && in_seq_ != 1) co_return fail("strict KEX violation");
    }

    // Negotiation (RFC 4253 §7.1): the client's first choice the server also has, among the
    // methods this server implements (the profile only lists real OpenSSH names).
    auto implemented = [](const std::vector<std::string>& names, auto supported) {
        std::vector<std::string> out;
        for (const auto& n : names)
            if (supported(n)) out.push_back(n);
        return out;
    };
    const auto kex = wire::ssh::negotiate(
        theirs->kex,
        implemented(mine.kex, [](const std::string& n) { return KeyExchange::supports(n); }));
    const auto host_key = wire::ssh::negotiate(
        theirs->host_key,
        implemented(mine.host_key, [&](const std::string& n) { return keys_->can_sign(n); }));
    auto cipher_ok = [](const std::string& n) { return PacketCipher::supports_cipher(n); };
    auto mac_ok = [](const std::string& n) { return PacketCipher::supports_mac(n); };
    const auto enc_cs = wire::ssh::negotiate(theirs->enc_cs, implemented(mine.enc_cs, cipher_ok));
    const auto enc_sc = wire::ssh::negotiate(theirs->enc_sc, implemented(mine.enc_sc, cipher_ok));
    const auto mac_cs = wire::ssh::negotiate(theirs->mac_cs, implemented(mine.mac_cs, mac_ok));
    const auto mac_sc = wire::ssh::negotiate(theirs->mac_sc, implemented(mine.mac_sc, mac_ok));
    const auto cmp_cs = wire::ssh::negotiate(theirs->cmp_cs, mine.cmp_cs);
    const auto cmp_sc = wire::ssh::negotiate(theirs->cmp_sc, mine.cmp_sc);
    const auto sizes_cs = PacketCipher::key_sizes(enc_cs, mac_cs);
    const auto sizes_sc = PacketCipher::key_sizes(enc_sc, mac_sc);
    if (kex.empty() || host_key.empty() || !sizes_cs || !sizes_sc || cmp_cs.empty() ||
        cmp_sc.empty()) {
        co_await disconnect(3, "no matching algorithm");  // KEY_EXCHANGE_FAILED
        co_return fail("no matching algorithm");
    }
    if (!first_kex_done_) {
        client_.kex = kex;
        client_.host_key = host_key;
        client_.cipher_cs = enc_cs;
        client_.mac_cs = sizes_cs->mac_key == 0 ? "<implicit>" : mac_cs;
        client_.compression_cs = cmp_cs;
    }
    // A guessed first packet that guessed wrong is ignored (RFC 4253 §7).
    bool skip_guess = theirs->first_kex_follows &&
                      (theirs->kex.empty() || theirs->kex.front() != kex ||
                       theirs->host_key.empty() || theirs->host_key.front() != host_key);

    KexTranscript transcript{client_version_, profile_.version, *client_kexinit, server_kexinit};
    auto exchange = KeyExchange::make(kex, std::move(transcript), *keys_, host_key);
    for (;;) {
        auto packet = co_await read_raw();
        if (!packet) co_return fail("peer left during key exchange");
        if (skip_guess) {
            skip_guess = false;
            continue;
        }
        const auto type = static_cast<std::uint8_t>((*packet)[0]);
        if (type == msg::kIgnore || type == msg::kDebug) {
            if (strict_kex_ && !first_kex_done_) co_return fail("strict KEX violation");
            continue;
        }
        const auto step = exchange->step(*packet);
        if (step.state == KexStep::State::failed) {
            co_await disconnect(3, "error in key exchange");
            co_return fail(step.error);
        }
        if (!co_await send(step.reply)) co_return fail("peer closed");
        if (step.state == KexStep::State::done) break;
    }
    if (session_id_.empty()) session_id_ = exchange->exchange_hash();

    auto keys_for = [&](char iv, char key, char mac, const KeySizes& sizes) {
        return DirectionKeys{exchange->derive(iv, session_id_, sizes.iv),
                             exchange->derive(key, session_id_, sizes.key),
                             exchange->derive(mac, session_id_, sizes.mac_key)};
    };
    auto next_out = PacketCipher::make(enc_sc, mac_sc, keys_for('B', 'D', 'F', *sizes_sc), true);
    auto next_in = PacketCipher::make(enc_cs, mac_cs, keys_for('A', 'C', 'E', *sizes_cs), false);
    if (!next_out || !next_in) co_return fail("cipher setup failed");

    if (!co_await send(Writer(msg::kNewKeys).take())) co_return fail("peer closed");
    out_ = std::move(next_out);
    if (strict_kex_) out_seq_ = 0;
    auto newkeys = co_await read_raw();
    if (!newkeys || (*newkeys)[0] != static_cast<char>(msg::kNewKeys))
        co_return fail("expected NEWKEYS");
    in_ = std::move(next_in);
    if (strict_kex_) in_seq_ = 0;
    // New keys, new compression state (RFC 4253 §6.2): zlib starts now, zlib@openssh.com
    // after login (or now, on a re-exchange after it).
    cmp_in_ = cmp_cs;
    cmp_out_ = cmp_sc;
    compress_.reset();
    decompress_.reset();
    start_compression(false);

    if (!first_kex_done_ && ext_info_c_ && !profile_.server_sig_algs.empty()) {
        Writer ext(msg::kExtInfo);
        ext.u32(profile_.hostbound_pubkey ? 2 : 1)
            .string("server-sig-algs")
            .string(profile_.server_sig_algs);
        if (profile_.hostbound_pubkey) ext.string("publickey-hostbound@openssh.com").string("0");
        if (!co_await send(ext.take())) co_return fail("peer closed");
    }
    first_kex_done_ = true;
    co_return true;
}

}  // namespace decnet::honeypot::ssh
