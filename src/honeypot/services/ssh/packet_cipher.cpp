#include "honeypot/services/ssh/packet_cipher.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstring>
#include <vector>

#include "honeypot/services/ssh/crypto/umac.hpp"

namespace decnet::honeypot::ssh {
namespace {

constexpr std::size_t kMinPadding = 4;

void put_u32(unsigned char* out, std::uint32_t value) {
    out[0] = static_cast<unsigned char>(value >> 24);
    out[1] = static_cast<unsigned char>(value >> 16);
    out[2] = static_cast<unsigned char>(value >> 8);
    out[3] = static_cast<unsigned char>(value);
}

std::uint32_t get_u32(const char* in) {
    const auto* p = reinterpret_cast<const unsigned char*>(in);
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
           p[3];
}

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) {
    return reinterpret_cast<unsigned char*>(s.data());
}

// packet_length, padding_length, payload and random padding, the padded part (all of it, or
// everything after the length when the length is not encrypted with it) a multiple of
// `block`, as OpenSSH pads: at least 4 bytes, no more than needed.
std::string frame(std::string_view payload, std::size_t block, bool length_outside) {
    const std::size_t covered = (length_outside ? 0 : 4) + 1 + payload.size();
    std::size_t padding = block - (covered % block);
    if (padding < kMinPadding) padding += block;
    std::string packet(4 + 1 + payload.size() + padding, '\0');
    put_u32(bytes(packet), static_cast<std::uint32_t>(1 + payload.size() + padding));
    packet[4] = static_cast<char>(padding);
    std::memcpy(packet.data() + 5, payload.data(), payload.size());
    RAND_bytes(bytes(packet) + 5 + payload.size(), static_cast<int>(padding));
    return packet;
}

// The payload of a decrypted packet (length, padding length, payload, padding).
std::optional<std::string> unframe(std::string_view packet) {
    if (packet.size() < 5) return std::nullopt;
    const std::size_t padding = static_cast<unsigned char>(packet[4]);
    if (padding < kMinPadding || 1 + padding > packet.size() - 4) return std::nullopt;
    return std::string(packet.substr(5, packet.size() - 5 - padding));
}

struct CipherCtx {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    CipherCtx() = default;
    CipherCtx(const CipherCtx&) = delete;
    CipherCtx& operator=(const CipherCtx&) = delete;
    ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
};

// ---- MACs ---------------------------------------------------------------------------------

struct MacInfo {
    std::string_view name;
    const char* digest;  // HMAC digest; nullptr: UMAC
    std::size_t key_size, tag_size;
    bool etm;
};

constexpr std::array<MacInfo, 10> kMacs = {{
    {"umac-64@openssh.com", nullptr, 16, 8, false},
    {"umac-128@openssh.com", nullptr, 16, 16, false},
    {"umac-64-etm@openssh.com", nullptr, 16, 8, true},
    {"umac-128-etm@openssh.com", nullptr, 16, 16, true},
    {"hmac-sha2-256", "SHA256", 32, 32, false},
    {"hmac-sha2-512", "SHA512", 64, 64, false},
    {"hmac-sha1", "SHA1", 20, 20, false},
    {"hmac-sha2-256-etm@openssh.com", "SHA256", 32, 32, true},
    {"hmac-sha2-512-etm@openssh.com", "SHA512", 64, 64, true},
    {"hmac-sha1-etm@openssh.com", "SHA1", 20, 20, true},
}};

const MacInfo* find_mac(std::string_view name) {
    for (const auto& mac : kMacs)
        if (mac.name == name) return &mac;
    return nullptr;
}

// HMAC over (uint32 seq || data), or UMAC of data with seq as its nonce (OpenSSH's use),
// keyed once.
class Hmac {
  public:
    Hmac(const MacInfo& info, std::string_view key) : tag_size_(info.tag_size) {
        if (info.digest == nullptr) {
            std::array<unsigned char, 16> umac_key{};
            std::memcpy(umac_key.data(), key.data(), umac_key.size());
            umac_ = std::make_unique<Umac>(umac_key, info.tag_size);
            return;
        }
        mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        ctx_ = EVP_MAC_CTX_new(mac_);
        OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                                const_cast<char*>(info.digest), 0),
                               OSSL_PARAM_construct_end()};
        EVP_MAC_init(ctx_, bytes(key), key.size(), params);
    }
    Hmac(const Hmac&) = delete;
    Hmac& operator=(const Hmac&) = delete;
    ~Hmac() {
        EVP_MAC_CTX_free(ctx_);
        EVP_MAC_free(mac_);
    }
    std::size_t size() const { return tag_size_; }
    std::string tag(std::uint32_t seq, std::string_view data) {
        if (umac_) {
            std::string out(tag_size_, '\0');
            umac_->tag(seq, {bytes(data), data.size()}, {bytes(out), out.size()});
            return out;
        }
        unsigned char seqbuf[4];
        put_u32(seqbuf, seq);
        EVP_MAC_init(ctx_, nullptr, 0, nullptr);  // same key, fresh state
        EVP_MAC_update(ctx_, seqbuf, 4);
        EVP_MAC_update(ctx_, bytes(data), data.size());
        std::string out(64, '\0');
        std::size_t length = 0;
        EVP_MAC_final(ctx_, bytes(out), &length, out.size());
        out.resize(tag_size_);
        return out;
    }

  private:
    EVP_MAC* mac_ = nullptr;
    EVP_MAC_CTX* ctx_ = nullptr;
    std::unique_ptr<Umac> umac_;
    std::size_t tag_size_;
};

// ---- none ---------------------------------------------------------------------------------

class PlainCipher final : public PacketCipher {
  public:
    std::string seal(std::uint32_t, std::string_view payload) override {
        return frame(payload, 8, false);
    }
    std::size_t header_size() const override { return 4; }
    std::optional<std::uint32_t> packet_length(std::uint32_t, std::string_view header) override {
        return get_u32(header.data());
    }
    std::size_t mac_size() const override { return 0; }
    std::optional<std::string> open(std::uint32_t, std::string_view packet) override {
        return unframe(packet);
    }
};

// ---- stream and block ciphers with a separate MAC -----------------------------------------

struct BlockCipherInfo {
    std::string_view name;
    const EVP_CIPHER* (*cipher)();
    std::size_t key_size, iv_size, block;
};

const std::array<BlockCipherInfo, 7> kBlockCiphers = {{
    {"aes128-ctr", EVP_aes_128_ctr, 16, 16, 16},
    {"aes192-ctr", EVP_aes_192_ctr, 24, 16, 16},
    {"aes256-ctr", EVP_aes_256_ctr, 32, 16, 16},
    {"aes128-cbc", EVP_aes_128_cbc, 16, 16, 16},
    {"aes192-cbc", EVP_aes_192_cbc, 24, 16, 16},
    {"aes256-cbc", EVP_aes_256_cbc, 32, 16, 16},
    {"3des-cbc", EVP_des_ede3_cbc, 24, 8, 8},
}};

const BlockCipherInfo* find_block_cipher(std::string_view name) {
    for (const auto& cipher : kBlockCiphers)
        if (cipher.name == name) return &cipher;
    return nullptr;
}

class MacCipher final : public PacketCipher {
  public:
    MacCipher(const BlockCipherInfo& info, const MacInfo& mac, const DirectionKeys& keys,
              bool encrypt)
        : block_(info.block), etm_(mac.etm), mac_(mac, keys.mac_key) {
        EVP_CipherInit_ex(ctx_.ctx, info.cipher(), nullptr, bytes(keys.key), bytes(keys.iv),
                          encrypt ? 1 : 0);
        EVP_CIPHER_CTX_set_padding(ctx_.ctx, 0);
    }

    std::string seal(std::uint32_t seq, std::string_view payload) override {
        std::string packet = frame(payload, block_, etm_);
        if (etm_) {
            crypt(packet, 4);
            packet += mac_.tag(seq, packet);
        } else {
            const auto tag = mac_.tag(seq, packet);
            crypt(packet, 0);
            packet += tag;
        }
        return packet;
    }

    std::size_t header_size() const override { return etm_ ? 4 : block_; }

    std::optional<std::uint32_t> packet_length(std::uint32_t, std::string_view header) override {
        if (etm_) return get_u32(header.data());
        first_.assign(header);
        crypt(first_, 0);
        const auto length = get_u32(first_.data());
        // The encrypted part must be whole blocks: a length that is not cannot be real.
        if ((4 + std::uint64_t(length)) % block_ != 0) return std::nullopt;
        return length;
    }

    std::size_t mac_size() const override { return mac_.size(); }

    std::optional<std::string> open(std::uint32_t seq, std::string_view packet) override {
        const auto body = packet.substr(0, packet.size() - mac_.size());
        const auto tag = packet.substr(body.size());
        if (etm_) {
            if (!equal(mac_.tag(seq, body), tag)) return std::nullopt;
            if ((body.size() - 4) % block_ != 0) return std::nullopt;
            std::string plain(body);
            crypt(plain, 4);
            return unframe(plain);
        }
        std::string plain = first_;
        plain.append(body.substr(first_.size()));
        std::string rest = plain.substr(first_.size());
        crypt(rest, 0);
        plain.replace(first_.size(), rest.size(), rest);
        if (!equal(mac_.tag(seq, plain), tag)) return std::nullopt;
        return unframe(plain);
    }

  private:
    static bool equal(const std::string& a, std::string_view b) {
        return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
    }
    void crypt(std::string& data, std::size_t from) {
        int out = 0;
        EVP_CipherUpdate(ctx_.ctx, bytes(data) + from, &out, bytes(data) + from,
                         static_cast<int>(data.size() - from));
    }

    CipherCtx ctx_;
    std::size_t block_;
    bool etm_;
    Hmac mac_;
    std::string first_;  // the decrypted first block of the packet being read
};

// ---- aes-gcm (RFC 5647, OpenSSH names) ----------------------------------------------------

class GcmCipher final : public PacketCipher {
  public:
    GcmCipher(bool aes256, const DirectionKeys& keys, bool encrypt)
        : encrypt_(encrypt), iv_(keys.iv) {
        EVP_CipherInit_ex(ctx_.ctx, aes256 ? EVP_aes_256_gcm() : EVP_aes_128_gcm(), nullptr,
                          nullptr, nullptr, encrypt ? 1 : 0);
        EVP_CIPHER_CTX_ctrl(ctx_.ctx, EVP_CTRL_GCM_SET_IVLEN, 12, nullptr);
        EVP_CipherInit_ex(ctx_.ctx, nullptr, nullptr, bytes(keys.key), nullptr, -1);
    }

    std::string seal(std::uint32_t, std::string_view payload) override {
        std::string packet = frame(payload, 16, true);
        start();
        int out = 0;
        EVP_CipherUpdate(ctx_.ctx, nullptr, &out, bytes(packet), 4);  // AAD: the length
        EVP_CipherUpdate(ctx_.ctx, bytes(packet) + 4, &out, bytes(packet) + 4,
                         static_cast<int>(packet.size() - 4));
        EVP_CipherFinal_ex(ctx_.ctx, nullptr, &out);
        std::string tag(16, '\0');
        EVP_CIPHER_CTX_ctrl(ctx_.ctx, EVP_CTRL_GCM_GET_TAG, 16, tag.data());
        next_iv();
        return packet + tag;
    }

    std::size_t header_size() const override { return 4; }
    std::optional<std::uint32_t> packet_length(std::uint32_t, std::string_view header) override {
        const auto length = get_u32(header.data());
        if (length % 16 != 0) return std::nullopt;
        return length;
    }
    std::size_t mac_size() const override { return 16; }

    std::optional<std::string> open(std::uint32_t, std::string_view packet) override {
        std::string plain(packet.substr(0, packet.size() - 16));
        std::string tag(packet.substr(plain.size()));
        start();
        int out = 0;
        EVP_CipherUpdate(ctx_.ctx, nullptr, &out, bytes(plain), 4);
        EVP_CipherUpdate(ctx_.ctx, bytes(plain) + 4, &out, bytes(plain) + 4,
                         static_cast<int>(plain.size() - 4));
        EVP_CIPHER_CTX_ctrl(ctx_.ctx, EVP_CTRL_GCM_SET_TAG, 16, tag.data());
        const bool ok = EVP_CipherFinal_ex(ctx_.ctx, nullptr, &out) == 1;
        next_iv();
        if (!ok) return std::nullopt;
        return unframe(plain);
    }

  private:
    void start() { EVP_CipherInit_ex(ctx_.ctx, nullptr, nullptr, nullptr, bytes(iv_), -1); }
    // The invocation counter: the IV's last 8 bytes, big-endian, plus one per packet.
    void next_iv() {
        for (int i = 11; i >= 4; --i)
            if (++iv_[static_cast<std::size_t>(i)] != '\0') break;
    }

    CipherCtx ctx_;
    bool encrypt_;
    std::string iv_;
};

// ---- chacha20-poly1305@openssh.com (PROTOCOL.chacha20poly1305) ----------------------------

class ChachaCipher final : public PacketCipher {
  public:
    explicit ChachaCipher(const DirectionKeys& keys)
        : main_key_(keys.key.substr(0, 32)), header_key_(keys.key.substr(32, 32)) {
        poly_ = EVP_MAC_fetch(nullptr, "POLY1305", nullptr);
        mac_ctx_ = EVP_MAC_CTX_new(poly_);
    }
    ChachaCipher(const ChachaCipher&) = delete;
    ChachaCipher& operator=(const ChachaCipher&) = delete;
    ~ChachaCipher() override {
        EVP_MAC_CTX_free(mac_ctx_);
        EVP_MAC_free(poly_);
    }

    std::string seal(std::uint32_t seq, std::string_view payload) override {
        std::string packet = frame(payload, 8, true);
        chacha(header_key_, seq, 0, bytes(packet), 4);
        chacha(main_key_, seq, 1, bytes(packet) + 4, packet.size() - 4);
        packet += poly1305(seq, packet);
        return packet;
    }

    std::size_t header_size() const override { return 4; }
    std::optional<std::uint32_t> packet_length(std::uint32_t seq,
                                               std::string_view header) override {
        unsigned char length[4];
        std::memcpy(length, header.data(), 4);
        chacha(header_key_, seq, 0, length, 4);
        const auto value = get_u32(reinterpret_cast<const char*>(length));
        if (value % 8 != 0) return std::nullopt;
        return value;
    }
    std::size_t mac_size() const override { return 16; }

    std::optional<std::string> open(std::uint32_t seq, std::string_view packet) override {
        const auto body = packet.substr(0, packet.size() - 16);
        const auto expected = poly1305(seq, body);
        if (CRYPTO_memcmp(expected.data(), packet.data() + body.size(), 16) != 0)
            return std::nullopt;
        std::string plain(body);
        chacha(header_key_, seq, 0, bytes(plain), 4);
        chacha(main_key_, seq, 1, bytes(plain) + 4, plain.size() - 4);
        return unframe(plain);
    }

  private:
    // ChaCha20 with OpenSSH's 64-bit nonce (the sequence number, big-endian) and 64-bit
    // block counter: OpenSSL's 16-byte IV is the state's last four words, so it is the
    // counter little-endian followed by the nonce.
    void chacha(const std::string& key, std::uint32_t seq, std::uint64_t counter,
                unsigned char* data, std::size_t size) {
        unsigned char iv[16] = {};
        for (int i = 0; i < 8; ++i) iv[i] = static_cast<unsigned char>(counter >> (8 * i));
        put_u32(iv + 12, seq);  // high 32 bits of the 64-bit sequence number stay 0
        EVP_CipherInit_ex(ctx_.ctx, EVP_chacha20(), nullptr, bytes(key), iv, 1);
        int out = 0;
        EVP_CipherUpdate(ctx_.ctx, data, &out, data, static_cast<int>(size));
    }

    std::string poly1305(std::uint32_t seq, std::string_view data) {
        unsigned char key[32] = {};
        chacha(main_key_, seq, 0, key, sizeof key);
        EVP_MAC_init(mac_ctx_, key, sizeof key, nullptr);
        EVP_MAC_update(mac_ctx_, bytes(data), data.size());
        std::string tag(16, '\0');
        std::size_t length = 0;
        EVP_MAC_final(mac_ctx_, bytes(tag), &length, tag.size());
        OPENSSL_cleanse(key, sizeof key);
        return tag;
    }

    CipherCtx ctx_;
    std::string main_key_, header_key_;
    EVP_MAC* poly_ = nullptr;
    EVP_MAC_CTX* mac_ctx_ = nullptr;
};

bool is_gcm(std::string_view cipher) {
    return cipher == "aes128-gcm@openssh.com" || cipher == "aes256-gcm@openssh.com";
}

}  // namespace

std::unique_ptr<PacketCipher> PacketCipher::plain() {
    return std::make_unique<PlainCipher>();
}

bool PacketCipher::supports_cipher(std::string_view cipher) {
    return cipher == "chacha20-poly1305@openssh.com" || is_gcm(cipher) ||
           find_block_cipher(cipher) != nullptr;
}

bool PacketCipher::supports_mac(std::string_view mac) {
    return find_mac(mac) != nullptr;
}

std::optional<KeySizes> PacketCipher::key_sizes(std::string_view cipher, std::string_view mac) {
    if (cipher == "chacha20-poly1305@openssh.com") return KeySizes{0, 64, 0};
    if (cipher == "aes128-gcm@openssh.com") return KeySizes{12, 16, 0};
    if (cipher == "aes256-gcm@openssh.com") return KeySizes{12, 32, 0};
    const auto* block = find_block_cipher(cipher);
    const auto* hmac = find_mac(mac);
    if (block == nullptr || hmac == nullptr) return std::nullopt;
    return KeySizes{block->iv_size, block->key_size, hmac->key_size};
}

std::unique_ptr<PacketCipher> PacketCipher::make(std::string_view cipher, std::string_view mac,
                                                 const DirectionKeys& keys, bool encrypt) {
    const auto sizes = key_sizes(cipher, mac);
    if (!sizes || keys.key.size() < sizes->key || keys.iv.size() < sizes->iv ||
        keys.mac_key.size() < sizes->mac_key)
        return nullptr;
    if (cipher == "chacha20-poly1305@openssh.com") return std::make_unique<ChachaCipher>(keys);
    if (is_gcm(cipher))
        return std::make_unique<GcmCipher>(cipher == "aes256-gcm@openssh.com", keys, encrypt);
    return std::make_unique<MacCipher>(*find_block_cipher(cipher), *find_mac(mac), keys, encrypt);
}

}  // namespace decnet::honeypot::ssh
