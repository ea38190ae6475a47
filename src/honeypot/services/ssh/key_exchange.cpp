#include "honeypot/services/ssh/key_exchange.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>

#include "honeypot/services/ssh/host_keys.hpp"
#include "wire/ssh_codec.hpp"

#if __has_include("honeypot/services/ssh/crypto/sntrup761.hpp")
#include "honeypot/services/ssh/crypto/sntrup761.hpp"
#define DECNET_HAVE_SNTRUP761 1
#endif

namespace decnet::honeypot::ssh {
namespace {

using wire::ssh::Reader;
using wire::ssh::Writer;

std::string digest(const char* name, std::string_view data) {
    EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned size = 0;
    EVP_Digest(data.data(), data.size(), out, &size, md, nullptr);
    EVP_MD_free(md);
    return {reinterpret_cast<char*>(out), size};
}

struct PkeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string derive_secret(EVP_PKEY* mine, EVP_PKEY* peer) {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(mine, nullptr);
    std::string out;
    std::size_t size = 0;
    if (ctx != nullptr && EVP_PKEY_derive_init(ctx) == 1 &&
        EVP_PKEY_derive_set_peer(ctx, peer) == 1 && EVP_PKEY_derive(ctx, nullptr, &size) == 1) {
        out.resize(size);
        if (EVP_PKEY_derive(ctx, reinterpret_cast<unsigned char*>(out.data()), &size) == 1)
            out.resize(size);
        else
            out.clear();
    }
    EVP_PKEY_CTX_free(ctx);
    return out;
}

// The common head of H: V_C, V_S, I_C, I_S, K_S.
Writer hash_head(const KexTranscript& t, const std::string& host_blob) {
    Writer w;
    w.string(t.client_version)
        .string(t.server_version)
        .string(t.client_kexinit)
        .string(t.server_kexinit)
        .string(host_blob);
    return w;
}

// Shared by every method: hash, sign, and the reply.
class Method : public KeyExchange {
  protected:
    Method(KexTranscript t, const HostKeys& keys, std::string alg, const char* digest_name)
        : transcript_(std::move(t)), keys_(keys), alg_(std::move(alg)) {
        digest_ = digest_name;
        host_blob_ = keys_.public_blob(alg_);
    }
    // H over the head, `middle` (method fields) and K; the reply carrying `answer`.
    KexStep finish(std::uint8_t reply_message, const std::string& middle,
                   std::string_view answer_fields) {
        auto w = hash_head(transcript_, host_blob_);
        w.raw(middle).raw(shared_);
        hash_ = digest(digest_, w.data());
        KexStep step;
        step.state = KexStep::State::done;
        step.reply = Writer(reply_message)
                         .string(host_blob_)
                         .raw(answer_fields)
                         .string(keys_.sign(alg_, hash_))
                         .take();
        return step;
    }
    static KexStep fail(std::string why) {
        KexStep step;
        step.error = std::move(why);
        return step;
    }

    KexTranscript transcript_;
    const HostKeys& keys_;
    std::string alg_, host_blob_;
};

// ---- curve25519-sha256 and ecdh-sha2-nistp* -----------------------------------------------

Pkey x25519_key() {
    return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
}

std::string x25519_public(EVP_PKEY* key) {
    unsigned char pub[32];
    std::size_t size = sizeof pub;
    EVP_PKEY_get_raw_public_key(key, pub, &size);
    return {reinterpret_cast<char*>(pub), size};
}

// X25519 with the client's 32-byte point; "" when it is not one or the result is all zero
// (RFC 8731 §3: a low-order point).
std::string x25519_shared(EVP_PKEY* mine, std::string_view peer_point) {
    if (peer_point.size() != 32) return {};
    Pkey peer(EVP_PKEY_new_raw_public_key(
        EVP_PKEY_X25519, nullptr, reinterpret_cast<const unsigned char*>(peer_point.data()), 32));
    if (!peer) return {};
    auto secret = derive_secret(mine, peer.get());
    if (secret.size() != 32 || secret.find_first_not_of('\0') == std::string::npos) return {};
    return secret;
}

class EcdhMethod final : public Method {
  public:
    EcdhMethod(std::string_view curve, KexTranscript t, const HostKeys& keys, std::string alg,
               const char* digest_name)
        : Method(std::move(t), keys, std::move(alg), digest_name), curve_(curve) {}

    KexStep step(std::string_view payload) override {
        Reader in(payload);
        if (in.byte() != wire::ssh::kKexDhInit) return fail("unexpected message");
        const auto client_point = in.string();
        if (!in.ok()) return fail("malformed ECDH init");
        std::string secret, server_point;
        if (curve_ == "X25519") {
            auto mine = x25519_key();
            secret = x25519_shared(mine.get(), client_point);
            server_point = x25519_public(mine.get());
        } else {
            Pkey mine(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve_.c_str()));
            Pkey peer = ec_point(client_point);
            if (mine && peer) secret = derive_secret(mine.get(), peer.get());
            if (mine) server_point = encoded_point(mine.get());
        }
        if (secret.empty()) return fail("invalid ECDH public key");
        shared_ = Writer().mpint(secret).take();
        const auto middle = Writer().string(client_point).string(server_point).take();
        return finish(wire::ssh::kKexDhReply, middle, Writer().string(server_point).data());
    }

  private:
    Pkey ec_point(std::string_view point) const {
        if (point.empty() || point.size() > 133) return nullptr;
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                             const_cast<char*>(curve_.c_str()), 0),
            OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
                                              const_cast<char*>(point.data()), point.size()),
            OSSL_PARAM_construct_end()};
        EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
        EVP_PKEY* key = nullptr;
        if (ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1)
            EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
        EVP_PKEY_CTX_free(ctx);
        return Pkey(key);
    }
    static std::string encoded_point(EVP_PKEY* key) {
        unsigned char buffer[160];
        std::size_t size = 0;
        EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, buffer,
                                        sizeof buffer, &size);
        return {reinterpret_cast<char*>(buffer), size};
    }

    std::string curve_;
};

// ---- finite-field Diffie-Hellman: fixed groups and group exchange -------------------------

struct BnFree {
    void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

std::string bn_bytes(const BIGNUM* bn) {
    std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    return out;
}

// The group of a size in bits: the RFC 2409/3526 MODP groups.
Bn modp_group(int bits) {
    switch (bits) {
        case 1024:
            return Bn(BN_get_rfc2409_prime_1024(nullptr));
        case 2048:
            return Bn(BN_get_rfc3526_prime_2048(nullptr));
        case 3072:
            return Bn(BN_get_rfc3526_prime_3072(nullptr));
        case 4096:
            return Bn(BN_get_rfc3526_prime_4096(nullptr));
        case 6144:
            return Bn(BN_get_rfc3526_prime_6144(nullptr));
        default:
            return Bn(BN_get_rfc3526_prime_8192(nullptr));
    }
}

class DhMethod final : public Method {
  public:
    // group_bits 0: group exchange (RFC 4419), the group chosen from the client's request.
    DhMethod(int group_bits, KexTranscript t, const HostKeys& keys, std::string alg,
             const char* digest_name)
        : Method(std::move(t), keys, std::move(alg), digest_name), gex_(group_bits == 0) {
        if (!gex_) p_ = modp_group(group_bits);
    }

    KexStep step(std::string_view payload) override {
        Reader in(payload);
        const auto message = in.byte();
        if (gex_ && !p_) return group_request(message, in);
        const auto expected = gex_ ? wire::ssh::kKexGexInit : wire::ssh::kKexDhInit;
        if (message != expected) return fail("unexpected message");
        const auto e_bytes = in.mpint();
        if (!in.ok()) return fail("malformed DH init");
        Bn e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e_bytes.data()),
                       static_cast<int>(e_bytes.size()), nullptr));
        Bn p_minus_1(BN_dup(p_.get()));
        BN_sub_word(p_minus_1.get(), 1);
        // 1 < e < p-1 (RFC 4253 §8).
        if (BN_cmp(e.get(), BN_value_one()) <= 0 || BN_cmp(e.get(), p_minus_1.get()) >= 0)
            return fail("DH value out of range");
        Bn y(BN_new()), f(BN_new()), k(BN_new()), g(BN_new());
        BN_set_word(g.get(), 2);
        BN_CTX* ctx = BN_CTX_new();
        BN_rand(y.get(), 512, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY);
        BN_mod_exp(f.get(), g.get(), y.get(), p_.get(), ctx);
        BN_mod_exp(k.get(), e.get(), y.get(), p_.get(), ctx);
        BN_CTX_free(ctx);
        shared_ = Writer().mpint(bn_bytes(k.get())).take();
        Writer middle;
        if (gex_) {
            if (old_request_)
                middle.u32(n_);
            else
                middle.u32(min_).u32(n_).u32(max_);
            middle.mpint(bn_bytes(p_.get())).mpint("\x02");
        }
        middle.mpint(e_bytes).mpint(bn_bytes(f.get()));
        const auto reply = gex_ ? wire::ssh::kKexGexReply : wire::ssh::kKexDhReply;
        return finish(reply, middle.data(), Writer().mpint(bn_bytes(f.get())).data());
    }

  private:
    KexStep group_request(std::uint8_t message, Reader& in) {
        if (message == wire::ssh::kKexGexRequest) {
            min_ = in.u32();
            n_ = in.u32();
            max_ = in.u32();
        } else if (message == wire::ssh::kKexDhInit) {  // SSH_MSG_KEX_DH_GEX_REQUEST_OLD
            old_request_ = true;
            n_ = in.u32();
            min_ = 1024;
            max_ = 8192;
        } else {
            return fail("unexpected message");
        }
        if (!in.ok() || min_ > n_ || n_ > max_) return fail("bad group request");
        // sshd's moduli run from 2048 to 8192 bits: the smallest group ≥ n within max.
        int bits = 0;
        for (const int size : {2048, 3072, 4096, 6144, 8192}) {
            if (static_cast<std::uint32_t>(size) < n_ && size != 8192) continue;
            bits = size;
            break;
        }
        if (static_cast<std::uint32_t>(bits) > max_ || static_cast<std::uint32_t>(bits) < min_)
            return fail("no group in the requested range");
        p_ = modp_group(bits);
        KexStep step;
        step.state = KexStep::State::more;
        step.reply = Writer(wire::ssh::kKexDhReply).mpint(bn_bytes(p_.get())).mpint("\x02").take();
        return step;
    }

    bool gex_;
    bool old_request_ = false;
    std::uint32_t min_ = 0, n_ = 0, max_ = 0;
    Bn p_;
};

#ifdef DECNET_HAVE_SNTRUP761
// ---- sntrup761x25519-sha512 (OpenSSH's PQ hybrid) -----------------------------------------

class SntrupMethod final : public Method {
  public:
    SntrupMethod(KexTranscript t, const HostKeys& keys, std::string alg)
        : Method(std::move(t), keys, std::move(alg), "SHA512") {}

    KexStep step(std::string_view payload) override {
        Reader in(payload);
        if (in.byte() != wire::ssh::kKexDhInit) return fail("unexpected message");
        const auto client_blob = in.string();
        if (!in.ok() || client_blob.size() != kSntrupPublicKeyBytes + 32)
            return fail("malformed hybrid KEM init");
        const auto* pk = reinterpret_cast<const unsigned char*>(client_blob.data());
        std::array<unsigned char, kSntrupCiphertextBytes> ciphertext{};
        std::array<unsigned char, kSntrupSharedBytes> kem_secret{};
        if (!sntrup761_encapsulate({pk, kSntrupPublicKeyBytes}, ciphertext, kem_secret))
            return fail("invalid sntrup761 public key");
        auto mine = x25519_key();
        const auto x_secret = x25519_shared(mine.get(), client_blob.substr(kSntrupPublicKeyBytes));
        if (x_secret.empty()) return fail("invalid X25519 public key");
        // K = SHA-512(kem key || x25519 key), hashed as a string (not an mpint).
        std::string both(reinterpret_cast<const char*>(kem_secret.data()), kem_secret.size());
        both += x_secret;
        shared_ = Writer().string(digest("SHA512", both)).take();
        std::string server_blob(reinterpret_cast<const char*>(ciphertext.data()),
                                ciphertext.size());
        server_blob += x25519_public(mine.get());
        const auto middle = Writer().string(client_blob).string(server_blob).take();
        return finish(wire::ssh::kKexDhReply, middle, Writer().string(server_blob).data());
    }
};
#endif

}  // namespace

bool KeyExchange::supports(std::string_view method) {
#ifdef DECNET_HAVE_SNTRUP761
    if (method == "sntrup761x25519-sha512@openssh.com" || method == "sntrup761x25519-sha512")
        return true;
#endif
    for (const std::string_view known :
         {"curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256",
          "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "diffie-hellman-group-exchange-sha256",
          "diffie-hellman-group-exchange-sha1", "diffie-hellman-group16-sha512",
          "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256",
          "diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1"})
        if (method == known) return true;
    return false;
}

std::unique_ptr<KeyExchange> KeyExchange::make(std::string_view method, KexTranscript t,
                                               const HostKeys& keys, std::string alg) {
    if (method == "curve25519-sha256" || method == "curve25519-sha256@libssh.org")
        return std::make_unique<EcdhMethod>("X25519", std::move(t), keys, std::move(alg), "SHA256");
    if (method == "ecdh-sha2-nistp256")
        return std::make_unique<EcdhMethod>("P-256", std::move(t), keys, std::move(alg), "SHA256");
    if (method == "ecdh-sha2-nistp384")
        return std::make_unique<EcdhMethod>("P-384", std::move(t), keys, std::move(alg), "SHA384");
    if (method == "ecdh-sha2-nistp521")
        return std::make_unique<EcdhMethod>("P-521", std::move(t), keys, std::move(alg), "SHA512");
    if (method == "diffie-hellman-group-exchange-sha256")
        return std::make_unique<DhMethod>(0, std::move(t), keys, std::move(alg), "SHA256");
    if (method == "diffie-hellman-group-exchange-sha1")
        return std::make_unique<DhMethod>(0, std::move(t), keys, std::move(alg), "SHA1");
    if (method == "diffie-hellman-group16-sha512")
        return std::make_unique<DhMethod>(4096, std::move(t), keys, std::move(alg), "SHA512");
    if (method == "diffie-hellman-group18-sha512")
        return std::make_unique<DhMethod>(8192, std::move(t), keys, std::move(alg), "SHA512");
    if (method == "diffie-hellman-group14-sha256")
        return std::make_unique<DhMethod>(2048, std::move(t), keys, std::move(alg), "SHA256");
    if (method == "diffie-hellman-group14-sha1")
        return std::make_unique<DhMethod>(2048, std::move(t), keys, std::move(alg), "SHA1");
    if (method == "diffie-hellman-group1-sha1")
        return std::make_unique<DhMethod>(1024, std::move(t), keys, std::move(alg), "SHA1");
#ifdef DECNET_HAVE_SNTRUP761
    if (method == "sntrup761x25519-sha512@openssh.com" || method == "sntrup761x25519-sha512")
        return std::make_unique<SntrupMethod>(std::move(t), keys, std::move(alg));
#endif
    return nullptr;
}

std::string KeyExchange::derive(char letter, const std::string& session_id,
                                std::size_t size) const {
    std::string out = digest(digest_, shared_ + hash_ + std::string(1, letter) + session_id);
    while (out.size() < size) out += digest(digest_, shared_ + hash_ + out);
    out.resize(size);
    return out;
}

}  // namespace decnet::honeypot::ssh
