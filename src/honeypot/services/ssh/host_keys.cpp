#include "honeypot/services/ssh/host_keys.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "core/base64.hpp"
#include "wire/ssh_codec.hpp"

namespace decnet::honeypot::ssh {
namespace {

using wire::ssh::Reader;
using wire::ssh::Writer;

struct PkeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

std::string_view view(const unsigned char* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

Pkey generate(const char* type, const char* group, unsigned rsa_bits) {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
    EVP_PKEY* key = nullptr;
    if (ctx != nullptr && EVP_PKEY_keygen_init(ctx) > 0) {
        if (group != nullptr) {
            OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                                                    const_cast<char*>(group), 0),
                                   OSSL_PARAM_construct_end()};
            EVP_PKEY_CTX_set_params(ctx, params);
        }
        if (rsa_bits != 0) EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, static_cast<int>(rsa_bits));
        EVP_PKEY_keygen(ctx, &key);
    }
    EVP_PKEY_CTX_free(ctx);
    return Pkey(key);
}

Pkey load_pem(const std::filesystem::path& file) {
    FILE* f = std::fopen(file.c_str(), "r");
    if (f == nullptr) return nullptr;
    EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    return Pkey(key);
}

bool save_pem(const std::filesystem::path& file, EVP_PKEY* key) {
    const auto temp = file.string() + ".tmp";
    FILE* f = std::fopen(temp.c_str(), "w");
    if (f == nullptr) return false;
    std::filesystem::permissions(
        temp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const bool ok = PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    std::fclose(f);
    std::error_code ec;
    if (ok) std::filesystem::rename(temp, file, ec);
    return ok && !ec;
}

std::string bn_param(EVP_PKEY* key, const char* name) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return {};
    std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    BN_free(bn);
    return out;
}

std::string raw_public(EVP_PKEY* key) {
    unsigned char buffer[160];
    std::size_t size = sizeof buffer;
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519) {
        if (EVP_PKEY_get_raw_public_key(key, buffer, &size) != 1) return {};
        return std::string(view(buffer, size));
    }
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, buffer,
                                        sizeof buffer, &size) != 1)
        return {};
    return std::string(view(buffer, size));
}

std::string digest_sign(EVP_PKEY* key, const EVP_MD* md, std::string_view data) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::string out;
    std::size_t size = 0;
    if (EVP_DigestSignInit(ctx, nullptr, md, nullptr, key) == 1 &&
        EVP_DigestSign(ctx, nullptr, &size, reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) == 1) {
        out.resize(size);
        if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(out.data()), &size,
                           reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1)
            out.resize(size);
        else
            out.clear();
    }
    EVP_MD_CTX_free(ctx);
    return out;
}

}  // namespace

struct HostKeys::Impl {
    std::string dir;  // "" = not kept
    std::mutex mutex;
    bool started = false, done = false;
    std::string error;
    Pkey ed25519, ecdsa, rsa;
    std::string ed25519_blob, ecdsa_blob, rsa_blob;

    Pkey load_or_make(const char* file, const char* type, const char* group, unsigned bits) {
        std::filesystem::path path;
        if (!dir.empty()) {
            path = std::filesystem::path(dir) / file;
            if (auto key = load_pem(path)) return key;
        }
        auto key = generate(type, group, bits);
        if (key && !dir.empty()) save_pem(path, key.get());
        return key;
    }

    void make() {
        std::error_code ec;
        if (!dir.empty()) {
            std::filesystem::create_directories(dir, ec);
            std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
        }
        auto ed = load_or_make("ssh_host_ed25519_key.pem", "ED25519", nullptr, 0);
        auto ec_key = load_or_make("ssh_host_ecdsa_key.pem", "EC", "P-256", 0);
        auto rsa_key = load_or_make("ssh_host_rsa_key.pem", "RSA", nullptr, 3072);
        std::lock_guard lock(mutex);
        if (!ed || !ec_key || !rsa_key) {
            error = "host key generation failed";
        } else {
            ed25519_blob = Writer().string("ssh-ed25519").string(raw_public(ed.get())).take();
            ecdsa_blob = Writer()
                             .string("ecdsa-sha2-nistp256")
                             .string("nistp256")
                             .string(raw_public(ec_key.get()))
                             .take();
            rsa_blob = Writer()
                           .string("ssh-rsa")
                           .mpint(bn_param(rsa_key.get(), OSSL_PKEY_PARAM_RSA_E))
                           .mpint(bn_param(rsa_key.get(), OSSL_PKEY_PARAM_RSA_N))
                           .take();
            ed25519 = std::move(ed);
            ecdsa = std::move(ec_key);
            rsa = std::move(rsa_key);
        }
        done = true;
    }
};

HostKeys::HostKeys(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
HostKeys::~HostKeys() = default;

std::shared_ptr<HostKeys> HostKeys::of(const std::string& state_dir, const std::string& decky) {
    // Kept for the process's life, not just while a connection holds them: once the last
    // connection ended, the next one made them again (new keys without a state directory,
    // a reload from disk with one) and waited for that before its KEXINIT, which no sshd
    // does. A few KB a decky. Never destroyed: at exit OpenSSL may be cleaned up first.
    static std::mutex registry_mutex;
    static auto& registry = *new std::map<std::string, std::shared_ptr<HostKeys>>;
    const std::string id = state_dir.empty() ? "decky:" + decky : state_dir;
    std::lock_guard lock(registry_mutex);
    if (auto& kept = registry[id]) return kept;
    auto impl = std::make_shared<Impl>();
    if (!state_dir.empty()) impl->dir = (std::filesystem::path(state_dir) / "ssh").string();
    std::shared_ptr<HostKeys> keys(new HostKeys(std::move(impl)));
    registry[id] = keys;
    return keys;
}

bool HostKeys::ready(std::string& error) {
    std::lock_guard lock(impl_->mutex);
    if (impl_->done) {
        error = impl_->error;
        return impl_->error.empty();
    }
    if (!impl_->started) {
        impl_->started = true;
        // The thread keeps the Impl alive; the keys land there whoever still waits.
        std::thread([impl = impl_] { impl->make(); }).detach();
    }
    return false;
}

bool HostKeys::can_sign(std::string_view algorithm) const {
    return algorithm == "ssh-ed25519" || algorithm == "ecdsa-sha2-nistp256" ||
           algorithm == "rsa-sha2-512" || algorithm == "rsa-sha2-256" || algorithm == "ssh-rsa";
}

std::string HostKeys::public_blob(std::string_view algorithm) const {
    if (algorithm == "ssh-ed25519") return impl_->ed25519_blob;
    if (algorithm == "ecdsa-sha2-nistp256") return impl_->ecdsa_blob;
    return impl_->rsa_blob;
}

std::string HostKeys::sign(std::string_view algorithm, std::string_view data) const {
    if (algorithm == "ssh-ed25519") {
        const auto signature = digest_sign(impl_->ed25519.get(), nullptr, data);
        return Writer().string(algorithm).string(signature).take();
    }
    if (algorithm == "ecdsa-sha2-nistp256") {
        const auto der = digest_sign(impl_->ecdsa.get(), EVP_sha256(), data);
        const auto* p = reinterpret_cast<const unsigned char*>(der.data());
        ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
        if (sig == nullptr) return {};
        auto bn_bytes = [](const BIGNUM* bn) {
            std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
            BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
            return out;
        };
        const auto inner =
            Writer().mpint(bn_bytes(ECDSA_SIG_get0_r(sig))).mpint(bn_bytes(ECDSA_SIG_get0_s(sig)));
        ECDSA_SIG_free(sig);
        return Writer().string(algorithm).string(inner.data()).take();
    }
    const EVP_MD* md = algorithm == "rsa-sha2-512"   ? EVP_sha512()
                       : algorithm == "rsa-sha2-256" ? EVP_sha256()
                                                     : EVP_sha1();
    const auto signature = digest_sign(impl_->rsa.get(), md, data);
    return Writer().string(algorithm).string(signature).take();
}

std::string ssh_fingerprint(std::string_view public_blob) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned size = 0;
    EVP_Digest(public_blob.data(), public_blob.size(), digest, &size, EVP_sha256(), nullptr);
    return "SHA256:" + base64_encode(view(digest, size), false);
}

std::string ssh_key_type(std::string_view public_blob) {
    Reader in(public_blob);
    const auto type = in.string();
    if (!in.ok() || type.size() > 64) return {};
    for (const char c : type)
        if (c < 0x21 || c > 0x7e) return {};
    return std::string(type);
}

}  // namespace decnet::honeypot::ssh
