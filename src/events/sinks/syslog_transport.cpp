// UDP, TCP and TLS transports on non-blocking POSIX sockets, waiting with poll() against
// deadlines; TLS with raw OpenSSL so verification settings are explicit in one place.
#include "events/sinks/syslog_transport.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/error.hpp"

namespace decnet {

namespace {

using Clock = std::chrono::steady_clock;

std::string errno_text(int error) {
    return std::strerror(error);
}

// Waits until fd is ready for `events` or the deadline passes.
bool wait_ready(int fd, short events, Clock::time_point deadline) {
    for (int guard = 0; guard < 1000; ++guard) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() < 0) return false;
        pollfd pfd{fd, events, 0};
        const int n = ::poll(&pfd, 1, static_cast<int>(left.count()) + 1);
        if (n > 0) return true;
        if (n == 0) return false;
        if (errno != EINTR) return false;
    }
    return false;
}

// Non-blocking connect to the first address that answers before the deadline.
int connect_socket(const LogTarget& target, int type, Clock::time_point deadline,
                   std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = type;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(target.port);
    if (const int rc = ::getaddrinfo(target.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
        error = "cannot resolve " + target.host + ": " + ::gai_strerror(rc);
        return -1;
    }
    int fd = -1;
    error = "no address for " + target.host;
    for (addrinfo* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
        fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                      ai->ai_protocol);
        if (fd < 0) {
            error = "socket: " + errno_text(errno);
            continue;
        }
        int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            int so_error = ETIMEDOUT;
            socklen_t length = sizeof so_error;
            if (wait_ready(fd, POLLOUT, deadline)) {
                ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &length);
            }
            errno = so_error;
            rc = so_error == 0 ? 0 : -1;
        }
        if (rc != 0) {
            error = "connect to " + target.to_string() + ": " + errno_text(errno);
            ::close(fd);
            fd = -1;
        }
    }
    ::freeaddrinfo(found);
    return fd;
}

// A write to a peer that is gone must come back as EPIPE, not kill the process; OpenSSL's
// socket BIO uses write(2), which has no MSG_NOSIGNAL. SIGPIPE raised by a write is sent
// to the writing thread, so blocking it here (the sink's own thread) is enough.
void block_sigpipe_on_this_thread() {
    thread_local bool blocked = false;
    if (blocked) return;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    blocked = true;
}

// Shared by TCP and UDP: a connected non-blocking socket.
class SocketTransport : public SyslogTransport {
  public:
    SocketTransport(const SyslogForwarderOptions& options, int type)
        : target_(options.target),
          connect_timeout_(options.connect_timeout),
          io_timeout_(options.io_timeout),
          type_(type) {}
    ~SocketTransport() override { SocketTransport::close(); }

    std::string connect() override {
        close();
        block_sigpipe_on_this_thread();
        std::string error;
        fd_ = connect_socket(target_, type_, Clock::now() + connect_timeout_, error);
        return fd_ >= 0 ? std::string() : error;
    }

    std::string send(std::string_view bytes, std::size_t& sent) override {
        sent = 0;
        const auto deadline = Clock::now() + io_timeout_;
        for (int guard = 0; guard < 100000 && sent < bytes.size(); ++guard) {
            const ssize_t n =
                ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n >= 0) {
                sent += static_cast<std::size_t>(n);
                continue;
            }
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) return "send: " + errno_text(errno);
            if (!wait_ready(fd_, POLLOUT, deadline)) return "send: timed out";
        }
        return sent == bytes.size() ? std::string() : "send: stalled";
    }

    std::string receive(std::string& into, Clock::time_point deadline) override {
        char buffer[16384];
        for (int guard = 0; guard < 1000; ++guard) {
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n > 0) {
                into.append(buffer, static_cast<std::size_t>(n));
                return {};
            }
            if (n == 0) return "connection closed by peer";
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) return "recv: " + errno_text(errno);
            if (!wait_ready(fd_, POLLIN, deadline)) return "recv: timed out";
        }
        return "recv: stalled";
    }

    bool peer_closed() override {
        if (type_ != SOCK_STREAM) return fd_ < 0;
        pollfd pfd{fd_, POLLIN, 0};
        if (::poll(&pfd, 1, 0) <= 0) return fd_ < 0;
        if ((pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) return true;
        char scratch[512];
        const ssize_t n = ::recv(fd_, scratch, sizeof scratch, MSG_DONTWAIT);
        if (n == 0) return true;
        return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
    }

    void close() override {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    bool is_stream() const override { return type_ == SOCK_STREAM; }

  protected:
    const LogTarget target_;
    const std::chrono::milliseconds connect_timeout_;
    const std::chrono::milliseconds io_timeout_;
    const int type_;
    int fd_ = -1;
};

std::string openssl_errors() {
    std::string text;
    for (int guard = 0; guard < 8; ++guard) {
        const unsigned long code = ERR_get_error();
        if (code == 0) break;
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        if (!text.empty()) text += "; ";
        text += buffer;
    }
    return text.empty() ? "unknown TLS error" : text;
}

bool is_ip_literal(const std::string& name) {
    unsigned char buffer[sizeof(in6_addr)];
    return ::inet_pton(AF_INET, name.c_str(), buffer) == 1 ||
           ::inet_pton(AF_INET6, name.c_str(), buffer) == 1;
}

struct SslCtxDeleter {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslDeleter {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
};

// RFC 5425: TLS ≥ 1.2, the server always verified (chain + name), optional client cert.
std::unique_ptr<SSL_CTX, SslCtxDeleter> make_client_context(const ForwarderTlsOptions& tls) {
    std::unique_ptr<SSL_CTX, SslCtxDeleter> ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) throw ConfigError("TLS: cannot create a context: " + openssl_errors());
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE);
    const bool ca_loaded = tls.ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx.get()) == 1
                                               : SSL_CTX_load_verify_locations(
                                                     ctx.get(), tls.ca_file.c_str(), nullptr) == 1;
    if (!ca_loaded) {
        throw ConfigError("TLS: cannot load CA '" + tls.ca_file + "': " + openssl_errors());
    }
    if (!tls.cert_file.empty()) {
        const std::string& key = tls.key_file.empty() ? tls.cert_file : tls.key_file;
        if (SSL_CTX_use_certificate_chain_file(ctx.get(), tls.cert_file.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx.get(), key.c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(ctx.get()) != 1) {
            throw ConfigError("TLS: cannot load client certificate '" + tls.cert_file +
                              "' / key '" + key + "': " + openssl_errors());
        }
    } else if (!tls.key_file.empty()) {
        throw ConfigError("TLS: a client key needs a client certificate");
    }
    return ctx;
}

class TlsTransport final : public SocketTransport {
  public:
    explicit TlsTransport(const SyslogForwarderOptions& options)
        : SocketTransport(options, SOCK_STREAM),
          ctx_(make_client_context(options.tls)),
          server_name_(options.tls.server_name.empty() ? options.target.host
                                                       : options.tls.server_name) {}
    ~TlsTransport() override { TlsTransport::close(); }

    std::string connect() override {
        const auto deadline = Clock::now() + connect_timeout_;
        if (auto error = SocketTransport::connect(); !error.empty()) return error;
        ERR_clear_error();
        ssl_.reset(SSL_new(ctx_.get()));
        if (!ssl_ || SSL_set_fd(ssl_.get(), fd_) != 1 || !expect_name()) {
            auto error = "TLS setup: " + openssl_errors();
            close();
            return error;
        }
        std::string error = "TLS handshake with " + target_.to_string() + ": timed out";
        for (int guard = 0; guard < 1000; ++guard) {
            const int rc = SSL_connect(ssl_.get());
            if (rc == 1) return {};
            const int code = SSL_get_error(ssl_.get(), rc);
            if (code != SSL_ERROR_WANT_READ && code != SSL_ERROR_WANT_WRITE) {
                error = handshake_error(code);
                break;
            }
            if (!wait_for(code, deadline)) break;
        }
        close();
        return error;
    }

    std::string send(std::string_view bytes, std::size_t& sent) override {
        sent = 0;
        const auto deadline = Clock::now() + io_timeout_;
        ERR_clear_error();
        for (int guard = 0; guard < 100000 && sent < bytes.size(); ++guard) {
            const int chunk = static_cast<int>(std::min<std::size_t>(bytes.size() - sent, 1 << 20));
            const int n = SSL_write(ssl_.get(), bytes.data() + sent, chunk);
            if (n > 0) {
                sent += static_cast<std::size_t>(n);
                continue;
            }
            const int code = SSL_get_error(ssl_.get(), n);
            if (code == SSL_ERROR_SYSCALL) return "TLS send: " + errno_text(errno);
            if (!wait_for(code, deadline)) return "TLS send: " + openssl_errors();
        }
        return sent == bytes.size() ? std::string() : "TLS send: stalled";
    }

    std::string receive(std::string& into, Clock::time_point deadline) override {
        ERR_clear_error();
        char buffer[16384];
        for (int guard = 0; guard < 1000; ++guard) {
            const int n = SSL_read(ssl_.get(), buffer, sizeof buffer);
            if (n > 0) {
                into.append(buffer, static_cast<std::size_t>(n));
                return {};
            }
            const int code = SSL_get_error(ssl_.get(), n);
            if (code == SSL_ERROR_ZERO_RETURN) return "connection closed by peer";
            if (!wait_for(code, deadline)) return "TLS recv: " + openssl_errors();
        }
        return "TLS recv: stalled";
    }

    // Readable can mean TLS 1.3 session tickets, so read records until none is left.
    bool peer_closed() override {
        if (!ssl_) return true;
        pollfd pfd{fd_, POLLIN, 0};
        if (::poll(&pfd, 1, 0) <= 0 || (pfd.revents & POLLIN) == 0) {
            return (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0;
        }
        ERR_clear_error();
        char scratch[512];
        for (int guard = 0; guard < 64; ++guard) {
            const int n = SSL_read(ssl_.get(), scratch, sizeof scratch);
            if (n > 0) continue;
            const int code = SSL_get_error(ssl_.get(), n);
            return code != SSL_ERROR_WANT_READ && code != SSL_ERROR_WANT_WRITE;
        }
        return false;
    }

    void close() override {
        if (ssl_) SSL_shutdown(ssl_.get());  // best effort close_notify; never waits
        ssl_.reset();
        ERR_clear_error();
        SocketTransport::close();
    }

  private:
    bool expect_name() {
        if (is_ip_literal(server_name_)) {
            return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()),
                                                 server_name_.c_str()) == 1;
        }
        return SSL_set_tlsext_host_name(ssl_.get(), server_name_.c_str()) == 1 &&
               SSL_set1_host(ssl_.get(), server_name_.c_str()) == 1;
    }

    bool wait_for(int ssl_error, Clock::time_point deadline) {
        if (ssl_error == SSL_ERROR_WANT_READ) return wait_ready(fd_, POLLIN, deadline);
        if (ssl_error == SSL_ERROR_WANT_WRITE) return wait_ready(fd_, POLLOUT, deadline);
        return false;
    }

    std::string handshake_error(int ssl_error) {
        const std::string prefix = "TLS handshake with " + target_.to_string() + ": ";
        const long verify = SSL_get_verify_result(ssl_.get());
        if (verify != X509_V_OK) {
            ERR_clear_error();
            return prefix +
                   "certificate verification failed: " + X509_verify_cert_error_string(verify);
        }
        if (ssl_error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
            return prefix + (errno != 0 ? errno_text(errno) : "connection closed by peer");
        }
        return prefix + openssl_errors();
    }

    std::unique_ptr<SSL_CTX, SslCtxDeleter> ctx_;
    std::unique_ptr<SSL, SslDeleter> ssl_;
    const std::string server_name_;
};

}  // namespace

std::unique_ptr<SyslogTransport> make_syslog_transport(const SyslogForwarderOptions& options) {
    switch (options.target.transport) {
        case LogTransport::udp:
            return std::make_unique<SocketTransport>(options, SOCK_DGRAM);
        case LogTransport::tcp:
        case LogTransport::relp:  // RELP's frames travel on a plain TCP stream
            return std::make_unique<SocketTransport>(options, SOCK_STREAM);
        case LogTransport::tls:
            return std::make_unique<TlsTransport>(options);
    }
    return std::make_unique<SocketTransport>(options, SOCK_DGRAM);
}

}  // namespace decnet
