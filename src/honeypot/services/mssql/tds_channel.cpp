#include "honeypot/services/mssql/tds_channel.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

#include "honeypot/services/mssql/tds_protocol.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/certificates.hpp"
#include "honeypot/world/decky_world.hpp"

// GCC 12 false positive (PR 109224), as in the other coroutine-heavy modules.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot::tds {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

constexpr int kMaxHandshakeRounds = 16;
constexpr auto kCertificateWait = std::chrono::seconds(15);
constexpr auto kCertificatePoll = std::chrono::milliseconds(20);
constexpr std::size_t kMaxMessagePackets = 4096;

// The packet types of MS-TDS 2.2.3.1.1 a client may send (4, the server's, included: that
// one is refused later, as unexpected). On any other "the message receiver SHOULD
// disconnect": at once, not after waiting for the rest of a message that will never be one
// (nmap's RPCCheck probe, 0x80 without EOM, waited out its 5 s here).
bool known_type(std::uint8_t type) {
    constexpr std::uint32_t kKnown = 1u << 1 | 1u << 2 | 1u << 3 | 1u << 4 | 1u << 6 | 1u << 7 |
                                     1u << 8 | 1u << 14 | 1u << 16 | 1u << 17 | 1u << 18;
    return type < 32 && ((kKnown >> type) & 1u) != 0;
}

std::string openssl_error() {
    const auto code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return "TLS handshake failed";
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
}

}  // namespace

struct TdsChannel::Tls {
    std::shared_ptr<asio::ssl::context> context;  // outlives ssl
    SSL* ssl = nullptr;
    BIO* in = nullptr;   // owned by ssl: what the client sent
    BIO* out = nullptr;  // owned by ssl: what goes to the client

    ~Tls() {
        if (ssl) SSL_free(ssl);
    }
    std::string drain() const {
        std::string bytes;
        char chunk[4096];
        for (int i = 0; i < 1024; ++i) {
            const int n = BIO_read(out, chunk, sizeof chunk);
            if (n <= 0) break;
            bytes.append(chunk, static_cast<std::size_t>(n));
        }
        return bytes;
    }
};

TdsChannel::TdsChannel(Session& session) : session_(session) {}
TdsChannel::~TdsChannel() = default;

std::string TdsChannel::tls_version() const {
    return tls_ ? SSL_get_version(tls_->ssl) : "";
}

void TdsChannel::stop_tls() {
    tls_.reset();
    plain_.clear();
}

awaitable<std::optional<std::string>> TdsChannel::read_exact(std::size_t n) {
    if (!tls_) co_return co_await session_.read_exact(n);
    while (plain_.size() < n) {
        char chunk[4096];
        const int got = SSL_read(tls_->ssl, chunk, sizeof chunk);
        if (got > 0) {
            plain_.append(chunk, static_cast<std::size_t>(got));
            continue;
        }
        if (SSL_get_error(tls_->ssl, got) != SSL_ERROR_WANT_READ) {
            error_ = "TLS record error: " + openssl_error();
            co_return std::nullopt;
        }
        auto bytes = co_await session_.read_some();
        if (!bytes) co_return std::nullopt;
        BIO_write(tls_->in, bytes->data(), static_cast<int>(bytes->size()));
    }
    std::string out = plain_.substr(0, n);
    plain_.erase(0, n);
    co_return out;
}

awaitable<bool> TdsChannel::write(std::string_view bytes) {
    if (!tls_) co_return co_await session_.write(bytes);
    while (!bytes.empty()) {
        const auto chunk = bytes.substr(0, 16384);
        if (SSL_write(tls_->ssl, chunk.data(), static_cast<int>(chunk.size())) <= 0) {
            error_ = "TLS write failed: " + openssl_error();
            co_return false;
        }
        bytes.remove_prefix(chunk.size());
        const auto records = tls_->drain();
        if (!co_await session_.write(records)) co_return false;
    }
    co_return true;
}

awaitable<std::optional<Request>> TdsChannel::read(std::size_t max_size) {
    Request request;
    for (std::size_t count = 0; count < kMaxMessagePackets; ++count) {
        auto head = co_await read_exact(kHeaderSize);
        if (!head) co_return std::nullopt;
        const auto header = parse_header(*head);
        if (!header) {
            error_ = "packet length below the header's 8 bytes";
            co_return std::nullopt;
        }
        if (header->length > kMaxPacket) {
            error_ = "packet length " + std::to_string(header->length) + " over 32767";
            co_return std::nullopt;
        }
        if (!known_type(header->type)) {
            error_ = "unknown packet type " + std::to_string(header->type);
            co_return std::nullopt;
        }
        if (count > 0 && header->type != request.type) {
            error_ = "packet type changed within a message";
            co_return std::nullopt;
        }
        request.type = header->type;
        const std::size_t data = header->length - kHeaderSize;
        if (request.payload.size() + data > max_size) {
            error_ = "message over " + std::to_string(max_size) + " bytes";
            co_return std::nullopt;
        }
        if (data > 0) {
            auto body = co_await read_exact(data);
            if (!body) co_return std::nullopt;
            request.payload += *body;
        }
        if (header->status & kStatusEom) co_return request;
    }
    error_ = "too many packets in one message";
    co_return std::nullopt;
}

awaitable<bool> TdsChannel::send(std::uint8_t type, std::string_view payload) {
    co_return co_await write(packets(type, payload, spid, packet_size));
}

awaitable<bool> TdsChannel::start_tls() {
    if (tls_) {
        error_ = "TLS already started";
        co_return false;
    }
    const auto& context = session_.context();
    TlsIdentity* identity = context.tls;
    if (!identity && context.world) identity = context.world->tls.get();
    // A decky's first TLS connection waits for its certificate (made on the certificate
    // thread, as Session::start_tls does).
    std::shared_ptr<asio::ssl::context> ssl_context;
    std::string failure = identity ? "" : "no TLS certificate for this service";
    const auto deadline = std::chrono::steady_clock::now() + kCertificateWait;
    while (identity) {
        ssl_context = identity->poll(failure);
        if (ssl_context || !failure.empty()) break;
        if (std::chrono::steady_clock::now() >= deadline) {
            failure = "certificate not ready";
            break;
        }
        asio::steady_timer wait(session_.executor(), kCertificatePoll);
        boost::system::error_code ignored;
        co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    if (!ssl_context) {
        error_ = failure;
        co_return false;
    }
    auto tls = std::make_unique<Tls>();
    tls->context = std::move(ssl_context);
    tls->ssl = SSL_new(tls->context->native_handle());
    tls->in = BIO_new(BIO_s_mem());
    tls->out = BIO_new(BIO_s_mem());
    if (!tls->ssl || !tls->in || !tls->out) {
        if (tls->in) BIO_free(tls->in);
        if (tls->out) BIO_free(tls->out);
        error_ = "SSL_new failed";
        co_return false;
    }
    SSL_set_bio(tls->ssl, tls->in, tls->out);
    SSL_set_accept_state(tls->ssl);
    SSL_set_max_proto_version(tls->ssl, TLS1_2_VERSION);
    // The handshake: each client flight in PRELOGIN packets, each answer wrapped the same way.
    for (int round = 0; round < kMaxHandshakeRounds; ++round) {
        auto head = co_await session_.read_exact(kHeaderSize);
        if (!head) co_return false;
        const auto header = parse_header(*head);
        if (round == 0 && header && header->type == kLogin7 && header->length > kHeaderSize &&
            header->length <= kMaxPacket && (header->status & kStatusEom)) {
            auto body = co_await session_.read_exact(header->length - kHeaderSize);
            if (body) plain_login_ = Request{kLogin7, std::move(*body)};
            co_return false;
        }
        if (!header || header->type != kPrelogin || header->length > kMaxPacket) {
            error_ = "expected a TLS handshake in a PRELOGIN packet";
            co_return false;
        }
        if (header->length > kHeaderSize) {
            auto body = co_await session_.read_exact(header->length - kHeaderSize);
            if (!body) co_return false;
            BIO_write(tls->in, body->data(), static_cast<int>(body->size()));
        }
        const int result = SSL_do_handshake(tls->ssl);
        const int reason = result == 1 ? SSL_ERROR_NONE : SSL_get_error(tls->ssl, result);
        const auto answer = tls->drain();
        if (!answer.empty()) {
            const auto wrapped = packets(kPrelogin, answer);
            if (!co_await session_.write(wrapped)) co_return false;
        }
        if (result == 1) {
            tls_ = std::move(tls);
            co_return true;
        }
        if (reason != SSL_ERROR_WANT_READ) {
            error_ = openssl_error();
            co_return false;
        }
    }
    error_ = "TLS handshake did not finish";
    co_return false;
}

}  // namespace decnet::honeypot::tds
