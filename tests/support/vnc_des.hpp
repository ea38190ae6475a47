// VNC authentication as a viewer computes it, for tests that check a captured
// `$vnc$*CHALLENGE*RESPONSE`: DES-ECB of the 16-byte challenge under the password (8 bytes,
// NUL-padded) with each key byte's bits reversed. Single DES is 3DES with K1 = K2 = K3, which
// OpenSSL 3's default provider still has. Also vncpasswd's obfuscated password file (the
// password under VNC's fixed key), which viewers such as vncsnapshot read. Header-only.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace decnet::testing {

inline std::string des_ecb(std::string key8, std::string_view data) {
    const std::string key = key8 + key8 + key8;
    std::string out(data.size() + 16, '\0');
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int n = 0, m = 0;
    EVP_EncryptInit_ex(ctx, EVP_des_ede3_ecb(), nullptr,
                       reinterpret_cast<const unsigned char*>(key.data()), nullptr);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &n,
                      reinterpret_cast<const unsigned char*>(data.data()),
                      static_cast<int>(data.size()));
    EVP_EncryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()) + n, &m);
    EVP_CIPHER_CTX_free(ctx);
    out.resize(static_cast<std::size_t>(n + m));
    return out;
}

inline std::string vnc_key(std::string_view password) {
    std::string key(password.substr(0, 8));
    key.resize(8, '\0');
    for (auto& c : key) {
        auto b = static_cast<std::uint8_t>(c), r = std::uint8_t{0};
        for (int i = 0; i < 8; ++i) r = static_cast<std::uint8_t>(r | (((b >> i) & 1) << (7 - i)));
        c = static_cast<char>(r);
    }
    return key;
}

// The 16-byte response a viewer sends for `challenge`.
inline std::string vnc_response(std::string_view password, std::string_view challenge) {
    return des_ecb(vnc_key(password), challenge);
}

// The 8 bytes of a vncpasswd file for `password`.
inline std::string vncpasswd_file(std::string_view password) {
    std::string plain(password.substr(0, 8));
    plain.resize(8, '\0');
    static constexpr unsigned char kFixed[8] = {23, 82, 107, 6, 35, 78, 88, 7};
    return des_ecb(vnc_key(std::string_view(reinterpret_cast<const char*>(kFixed), 8)), plain);
}

}  // namespace decnet::testing
