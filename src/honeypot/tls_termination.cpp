// TLS termination for emulator ports (see tls_termination.hpp): certificate generation,
// the handshake under a deadline, and the relay between the TLS stream and the emulator's
// plaintext socket.
#include "honeypot/tls_termination.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <map>
#include <mutex>

#include "core/error.hpp"

namespace decnet::honeypot {
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;

namespace {

constexpr int kRsaBits = 2048;
constexpr long kValiditySeconds = 3650L * 24 * 3600;
constexpr std::size_t kRelayChunk = 16 * 1024;
constexpr std::size_t kMaxCachedIdentities = 4096;

template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
    void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;

std::string persona_or(const PersonaConfig& persona, const std::string& key,
                       const std::string& fallback) {
    const auto it = persona.find(key);
    return it == persona.end() || it->second.empty() ? fallback : it->second;
}

// What the reference's https container did when no certificate was mounted.
std::pair<KeyPtr, CertPtr> self_signed(const std::string& common_name) {
    KeyPtr key(EVP_RSA_gen(kRsaBits));
    CertPtr cert(X509_new());
    if (!key || !cert) throw ConfigError("TLS: cannot generate a key pair");
    X509_set_version(cert.get(), 2);
    std::array<unsigned char, 8> serial{};
    RAND_bytes(serial.data(), static_cast<int>(serial.size()));
    serial[0] &= 0x7f;  // positive
    BIGNUM* bn = BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValiditySeconds);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                               0);
    X509_set_issuer_name(cert.get(), name);
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
        throw ConfigError("TLS: cannot sign the certificate");
    return {std::move(key), std::move(cert)};
}

std::shared_ptr<ssl::context> make_context(const std::string& hostname,
                                           const PersonaConfig& persona) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX* native = context->native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    context->set_options(ssl::context::default_workarounds | ssl::context::single_dh_use);
    const auto cert_file = persona_or(persona, "tls_cert", "");
    const auto key_file = persona_or(persona, "tls_key", "");
    if (!cert_file.empty() && !key_file.empty() &&
        SSL_CTX_use_certificate_chain_file(native, cert_file.c_str()) == 1 &&
        SSL_CTX_use_PrivateKey_file(native, key_file.c_str(), SSL_FILETYPE_PEM) == 1 &&
        SSL_CTX_check_private_key(native) == 1)
        return context;
    // Missing or unreadable files: like the reference, fall back to a generated identity.
    const auto [key, cert] = self_signed(persona_or(persona, "tls_cn", hostname));
    if (SSL_CTX_use_certificate(native, cert.get()) != 1 ||
        SSL_CTX_use_PrivateKey(native, key.get()) != 1)
        throw ConfigError("TLS: cannot load the generated certificate");
    return context;
}

// Both directions of one terminated connection; kept alive by the two relay coroutines.
struct Pipe {
    std::shared_ptr<ssl::context> context;  // outlives the stream that uses it
    ssl::stream<tcp::socket> tls;
    asio::local::stream_protocol::socket plain;

    Pipe(tcp::socket socket, std::shared_ptr<ssl::context> c)
        : context(std::move(c)), tls(std::move(socket), *context), plain(tls.get_executor()) {}

    void close() {
        boost::system::error_code ignored;
        tls.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
        tls.next_layer().close(ignored);
        plain.close(ignored);
    }
};

// Attacker → emulator. When the attacker goes, the emulator reads EOF.
asio::awaitable<void> tls_to_plain(std::shared_ptr<Pipe> pipe) {
    std::array<char, kRelayChunk> buffer{};
    for (;;) {
        boost::system::error_code ec;
        const auto n = co_await pipe->tls.async_read_some(
            asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        co_await asio::async_write(pipe->plain, asio::buffer(buffer.data(), n),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
    }
    boost::system::error_code ignored;
    pipe->plain.shutdown(asio::socket_base::shutdown_send, ignored);
}

// Emulator → attacker. When the emulator closes, so does the connection (no close_notify:
// it would race the pending read; HTTP clients have their Content-Length by then).
asio::awaitable<void> plain_to_tls(std::shared_ptr<Pipe> pipe) {
    std::array<char, kRelayChunk> buffer{};
    for (;;) {
        boost::system::error_code ec;
        const auto n = co_await pipe->plain.async_read_some(
            asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        co_await asio::async_write(pipe->tls, asio::buffer(buffer.data(), n),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
    }
    pipe->close();
}

}  // namespace

std::shared_ptr<ssl::context> tls_server_context(const std::string& decky,
                                                 const std::string& hostname,
                                                 const PersonaConfig& persona) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<ssl::context>> cache;  // guarded by mutex
    const std::string key = decky + '\n' + persona_or(persona, "tls_cn", hostname) + '\n' +
                            persona_or(persona, "tls_cert", "") + '\n' +
                            persona_or(persona, "tls_key", "");
    const std::lock_guard lock(mutex);
    if (const auto it = cache.find(key); it != cache.end()) return it->second;
    if (cache.size() >= kMaxCachedIdentities) cache.clear();  // a bound, not an eviction policy
    return cache[key] = make_context(hostname, persona);
}

asio::awaitable<TlsAccepted> accept_tls(tcp::socket socket, std::shared_ptr<ssl::context> context,
                                        std::chrono::steady_clock::duration timeout) {
    auto pipe = std::make_shared<Pipe>(std::move(socket), std::move(context));
    TlsAccepted out;
    // A silent client must not hold the handshake forever.
    asio::steady_timer timer(pipe->tls.get_executor());
    timer.expires_after(timeout);
    // 0: handshaking, 1: done, 2: timed out — shared, as the timer's handler may run after
    // this frame is gone.
    auto phase = std::make_shared<int>(0);
    timer.async_wait([pipe, phase](const boost::system::error_code& ec) {
        if (ec || *phase != 0) return;
        *phase = 2;
        boost::system::error_code ignored;
        pipe->tls.next_layer().cancel(ignored);
    });
    boost::system::error_code ec;
    co_await pipe->tls.async_handshake(ssl::stream_base::server,
                                       asio::redirect_error(asio::use_awaitable, ec));
    const bool timed_out = *phase == 2;
    *phase = 1;
    timer.cancel();
    if (ec || timed_out) {
        out.error = timed_out ? std::string("handshake timed out") : ec.message();
        out.silent = !timed_out && (ec == asio::error::eof || ec == ssl::error::stream_truncated);
        out.raw = std::move(pipe->tls.next_layer());
        co_return out;
    }
    out.version = SSL_get_version(pipe->tls.native_handle());

    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        out.error = "socketpair failed";
        pipe->close();
        co_return out;
    }
    pipe->plain.assign(asio::local::stream_protocol(), fds[1]);
    // The emulator's Session takes a tcp::socket; reads, writes and shutdown work the same
    // on the AF_UNIX end (its peer address comes from accept(), not from this socket).
    tcp::socket inner(pipe->tls.get_executor());
    inner.assign(tcp::v4(), fds[0]);
    asio::co_spawn(pipe->tls.get_executor(), tls_to_plain(pipe), asio::detached);
    asio::co_spawn(pipe->tls.get_executor(), plain_to_tls(pipe), asio::detached);
    out.plain = std::move(inner);
    co_return out;
}

}  // namespace decnet::honeypot
