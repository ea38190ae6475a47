#include "intel/fingerprints/tls_fingerprints.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>

namespace decnet::intel::fingerprints {
namespace {

using wire::tls::is_grease;

std::string digest_hex(const EVP_MD* md, std::string_view text) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(text.data(), text.size(), out, &size, md, nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(size * 2);
    for (unsigned int i = 0; i < size; ++i) {
        hex += kHex[out[i] >> 4];
        hex += kHex[out[i] & 15];
    }
    return hex;
}

std::vector<std::uint16_t> without_grease(const std::vector<std::uint16_t>& values) {
    std::vector<std::uint16_t> out;
    out.reserve(values.size());
    for (auto v : values)
        if (!is_grease(v)) out.push_back(v);
    return out;
}

std::vector<std::uint16_t> extension_types(const std::vector<wire::tls::Extension>& extensions,
                                           bool drop_grease) {
    std::vector<std::uint16_t> out;
    out.reserve(extensions.size());
    for (const auto& e : extensions)
        if (!drop_grease || !is_grease(e.type)) out.push_back(e.type);
    return out;
}

std::string decimal_list(const std::vector<std::uint16_t>& values, char separator) {
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i != 0) out += separator;
        out += std::to_string(values[i]);
    }
    return out;
}

std::string hex4_list(const std::vector<std::uint16_t>& values) {
    std::string out;
    char item[8];
    for (std::size_t i = 0; i < values.size(); ++i) {
        std::snprintf(item, sizeof item, i == 0 ? "%04x" : ",%04x", values[i]);
        out += item;
    }
    return out;
}

std::string hash12(std::string_view text) {
    return text.empty() ? std::string(12, '0') : sha256_hex(text).substr(0, 12);
}

std::string two_digits(std::size_t n) {
    char out[4];
    std::snprintf(out, sizeof out, "%02zu", std::min<std::size_t>(n, 99));
    return out;
}

bool alnum(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// The highest non-GREASE supported_versions entry when the extension is there, else the
// hello's legacy version (JA4: "the handshake version … should be ignored" only then).
std::uint16_t client_version(const wire::tls::ClientHello& hello) {
    const auto versions = without_grease(hello.supported_versions);
    if (versions.empty()) return hello.legacy_version;
    return *std::max_element(versions.begin(), versions.end());
}

std::uint16_t server_version(const wire::tls::ServerHello& hello) {
    return hello.selected_version.value_or(hello.legacy_version);
}

// The reference's ALPN tag: raw first and last characters, "00" when none.
std::string decnet_alpn(std::string_view alpn) {
    if (alpn.empty()) return "00";
    return std::string{alpn.front(), alpn.back()};
}

std::string decnet_version(std::uint16_t version) {
    return version == 0x0200 ? "s2" : version == 0x0002 ? "00" : ja4_version(version);
}

}  // namespace

std::string md5_hex(std::string_view text) {
    return digest_hex(EVP_md5(), text);
}
std::string sha256_hex(std::string_view text) {
    return digest_hex(EVP_sha256(), text);
}

Ja3 ja3(const wire::tls::ClientHello& hello) {
    Ja3 out;
    out.text = std::to_string(hello.legacy_version) + ',' +
               decimal_list(without_grease(hello.cipher_suites), '-') + ',' +
               decimal_list(extension_types(hello.extensions, true), '-') + ',' +
               decimal_list(without_grease(hello.supported_groups), '-') + ',';
    for (std::size_t i = 0; i < hello.ec_point_formats.size(); ++i) {
        if (i != 0) out.text += '-';
        out.text += std::to_string(static_cast<unsigned char>(hello.ec_point_formats[i]));
    }
    out.hash = md5_hex(out.text);
    return out;
}

Ja3 ja3s(const wire::tls::ServerHello& hello) {
    Ja3 out;
    out.text = std::to_string(hello.legacy_version) + ',' + std::to_string(hello.cipher_suite) +
               ',' + decimal_list(extension_types(hello.extensions, true), '-');
    out.hash = md5_hex(out.text);
    return out;
}

std::string ja4_version(std::uint16_t version) {
    switch (version) {
        case 0x0304:
            return "13";
        case 0x0303:
            return "12";
        case 0x0302:
            return "11";
        case 0x0301:
            return "10";
        case 0x0300:
            return "s3";
        case 0x0002:
            return "s2";
        case 0xfeff:
            return "d1";
        case 0xfefd:
            return "d2";
        case 0xfefc:
            return "d3";
        default:
            return "00";
    }
}

std::string ja4_alpn(std::string_view alpn) {
    if (alpn.empty()) return "00";
    const auto first = static_cast<unsigned char>(alpn.front());
    const auto last = static_cast<unsigned char>(alpn.back());
    if (alnum(first) && alnum(last)) return std::string{alpn.front(), alpn.back()};
    // Not alphanumeric: the first and last characters of the value's hex form.
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string{kHex[first >> 4], kHex[last & 15]};
}

Ja4 ja4(const wire::tls::ClientHello& hello, char transport) {
    const auto ciphers = without_grease(hello.cipher_suites);
    const auto extensions = extension_types(hello.extensions, true);
    const auto sigalgs = without_grease(hello.signature_algorithms);
    const bool has_sni =
        std::find(extensions.begin(), extensions.end(), wire::tls::kServerName) != extensions.end();
    const std::string a = std::string(1, transport) + ja4_version(client_version(hello)) +
                          (has_sni ? 'd' : 'i') + two_digits(ciphers.size()) +
                          two_digits(extensions.size()) +
                          ja4_alpn(hello.alpn.empty() ? std::string_view{} : hello.alpn.front());
    const auto sig_suffix = sigalgs.empty() ? std::string() : '_' + hex4_list(sigalgs);

    auto sorted_ciphers = ciphers;
    std::sort(sorted_ciphers.begin(), sorted_ciphers.end());
    std::vector<std::uint16_t> sorted_extensions;
    for (auto e : extensions)
        if (e != wire::tls::kServerName && e != wire::tls::kAlpn) sorted_extensions.push_back(e);
    std::sort(sorted_extensions.begin(), sorted_extensions.end());

    Ja4 out;
    const auto b = hex4_list(sorted_ciphers);
    const auto c = hex4_list(sorted_extensions);
    out.hash = a + '_' + hash12(b) + '_' + (c.empty() ? hash12(c) : hash12(c + sig_suffix));
    out.raw = a + '_' + b + '_' + c + sig_suffix;
    const auto bo = hex4_list(ciphers);
    const auto co = hex4_list(extensions);
    out.original = a + '_' + hash12(bo) + '_' + (co.empty() ? hash12(co) : hash12(co + sig_suffix));
    out.raw_original = a + '_' + bo + '_' + co + sig_suffix;
    return out;
}

Ja4s ja4s(const wire::tls::ServerHello& hello, char transport) {
    const auto extensions = extension_types(hello.extensions, false);
    char cipher[8];
    std::snprintf(cipher, sizeof cipher, "%04x", hello.cipher_suite);
    const std::string ab = std::string(1, transport) + ja4_version(server_version(hello)) +
                           two_digits(extensions.size()) + ja4_alpn(hello.alpn) + '_' + cipher;
    const auto c = hex4_list(extensions);
    return {ab + '_' + hash12(c), ab + '_' + c};
}

std::string decnet_ja4(const wire::tls::ClientHello& hello) {
    auto ciphers = without_grease(hello.cipher_suites);
    auto extensions = extension_types(hello.extensions, true);
    auto sigalgs = without_grease(hello.signature_algorithms);
    const std::string a = "t" + decnet_version(client_version(hello)) +
                          (hello.server_name.empty() ? 'i' : 'd') + two_digits(ciphers.size()) +
                          two_digits(extensions.size()) +
                          decnet_alpn(hello.alpn.empty() ? std::string_view{} : hello.alpn.front());
    std::sort(ciphers.begin(), ciphers.end());
    std::sort(extensions.begin(), extensions.end());
    std::sort(sigalgs.begin(), sigalgs.end());
    auto c = decimal_list(extensions, ',');
    if (!sigalgs.empty()) c += '_' + decimal_list(sigalgs, ',');
    return a + '_' + sha256_hex(decimal_list(ciphers, ',')).substr(0, 12) + '_' +
           sha256_hex(c).substr(0, 12);
}

std::string decnet_ja4s(const wire::tls::ServerHello& hello) {
    auto extensions = extension_types(hello.extensions, true);
    const std::string a = "t" + decnet_version(server_version(hello)) +
                          two_digits(extensions.size()) + decnet_alpn(hello.alpn);
    std::sort(extensions.begin(), extensions.end());
    return a + '_' +
           sha256_hex(std::to_string(hello.cipher_suite) + ',' + decimal_list(extensions, ','))
               .substr(0, 12);
}

std::vector<std::string> resumption(const wire::tls::ClientHello& hello) {
    bool ticket = false, psk = false, early = false;
    for (const auto& e : hello.extensions) {
        if (e.type == wire::tls::kSessionTicket && !e.data.empty()) ticket = true;
        if (e.type == wire::tls::kPreSharedKey) psk = true;
        if (e.type == wire::tls::kEarlyData) early = true;
    }
    std::vector<std::string> out;
    if (ticket) out.emplace_back("session_ticket");
    if (psk) out.emplace_back("psk");
    if (early) out.emplace_back("early_data_0rtt");
    if (!hello.session_id.empty()) out.emplace_back("session_id");
    return out;
}

}  // namespace decnet::intel::fingerprints
