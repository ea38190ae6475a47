// Test helpers for the sinks: temp dirs, sample events, a log capture, and loopback
// syslog receivers (UDP, TCP and TLS with octet counting) that run on their own thread.
// Every loop here is bounded in iterations and time; everything binds 127.0.0.1 only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "events/event.hpp"
#include "events/event_bus.hpp"

namespace decnet::test {

using namespace std::chrono_literals;

class TempDir {
  public:
    TempDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "decnet-sinks-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
};

inline EventPtr sample_event(int n, std::string type = "login_attempt") {
    using namespace std::chrono;
    Event event;
    event.time = EventTime{sys_days{2024y / 1 / 15}} + 12h + seconds(n);
    event.decky = "decky-01";
    event.service = "ssh";
    event.event_type = std::move(type);
    event.add("src_ip", "10.0.0.1").add("n", n);
    return std::make_shared<const Event>(std::move(event));
}

inline std::vector<EventPtr> sample_events(int first, int count) {
    std::vector<EventPtr> events;
    for (int i = 0; i < count; ++i) events.push_back(sample_event(first + i));
    return events;
}

inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// Polls `done` every 5 ms until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(5ms);
    }
    return done();
}

// Replaces spdlog's default logger while alive and records every message.
class LogCapture {
  public:
    LogCapture() : sink_(std::make_shared<Sink>()), previous_(spdlog::default_logger()) {
        spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink_));
        spdlog::set_level(spdlog::level::debug);
    }
    ~LogCapture() { spdlog::set_default_logger(previous_); }

    std::size_t count(const std::string& needle) const {
        std::lock_guard lock(sink_->guard);
        std::size_t n = 0;
        for (const auto& line : sink_->lines) n += line.find(needle) != std::string::npos;
        return n;
    }
    std::string all() const {
        std::lock_guard lock(sink_->guard);
        std::string out;
        for (const auto& line : sink_->lines) out += line + "\n";
        return out;
    }

  private:
    struct Sink : spdlog::sinks::base_sink<std::mutex> {
        mutable std::mutex guard;
        std::vector<std::string> lines;
        void sink_it_(const spdlog::details::log_msg& msg) override {
            std::lock_guard lock(guard);
            lines.emplace_back(msg.payload.data(), msg.payload.size());
        }
        void flush_() override {}
    };
    std::shared_ptr<Sink> sink_;
    std::shared_ptr<spdlog::logger> previous_;
};

inline int bind_loopback(int type, std::uint16_t port) {
    const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        throw std::runtime_error("bind 127.0.0.1 failed");
    }
    return fd;
}

inline std::uint16_t local_port(int fd) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    return ntohs(address.sin_port);
}

// Collects datagrams sent to 127.0.0.1:port().
class UdpReceiver {
  public:
    UdpReceiver() : fd_(bind_loopback(SOCK_DGRAM, 0)), thread_([this] { run(); }) {}
    ~UdpReceiver() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    std::uint16_t port() const { return local_port(fd_); }
    std::vector<std::string> messages() const {
        std::lock_guard lock(mutex_);
        return messages_;
    }
    bool wait_for(std::size_t n, std::chrono::milliseconds timeout = 5000ms) const {
        return eventually([&] { return messages().size() >= n; }, timeout);
    }

  private:
    void run() {
        std::vector<char> buffer(70000);
        while (!stop_) {
            pollfd pfd{fd_, POLLIN, 0};
            if (::poll(&pfd, 1, 20) <= 0) continue;
            const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
            if (n < 0) continue;
            std::lock_guard lock(mutex_);
            messages_.emplace_back(buffer.data(), static_cast<std::size_t>(n));
        }
    }

    const int fd_;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> messages_;
    std::thread thread_;
};

struct TlsServerFiles {
    std::string cert_file;
    std::string key_file;
    std::string client_ca_file;  // non-empty: require a client certificate from this CA
};

// A TCP or TLS syslog receiver with RFC 6587 octet counting, one connection at a time.
// It can be bound but not yet listening, which refuses connections like a down target
// without letting another process take the port.
class StreamReceiver {
  public:
    explicit StreamReceiver(std::uint16_t port = 0, std::optional<TlsServerFiles> tls = {})
        : fd_(bind_loopback(SOCK_STREAM, port)) {
        if (tls) ctx_ = make_context(*tls);
    }
    ~StreamReceiver() { stop(); }

    std::uint16_t port() const { return local_port(fd_); }
    void listen() {
        ::listen(fd_, 16);
        thread_ = std::thread([this] { run(); });
    }
    // Closes the listener and the current connection.
    void stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
        if (ctx_) SSL_CTX_free(ctx_);
        ctx_ = nullptr;
    }

    std::vector<std::string> messages() const {
        std::lock_guard lock(mutex_);
        return messages_;
    }
    std::string raw() const {
        std::lock_guard lock(mutex_);
        return raw_;
    }
    int connections() const { return connections_; }
    int handshake_failures() const { return handshake_failures_; }
    int framing_errors() const { return framing_errors_; }
    bool wait_for(std::size_t n, std::chrono::milliseconds timeout = 5000ms) const {
        return eventually([&] { return messages().size() >= n; }, timeout);
    }

  private:
    static SSL_CTX* make_context(const TlsServerFiles& files) {
        SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
        SSL_CTX_use_certificate_chain_file(ctx, files.cert_file.c_str());
        SSL_CTX_use_PrivateKey_file(ctx, files.key_file.c_str(), SSL_FILETYPE_PEM);
        if (!files.client_ca_file.empty()) {
            SSL_CTX_load_verify_locations(ctx, files.client_ca_file.c_str(), nullptr);
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
        }
        return ctx;
    }

    void run() {
        while (!stop_) {
            pollfd pfd{fd_, POLLIN, 0};
            if (::poll(&pfd, 1, 20) <= 0) continue;
            const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client < 0) continue;
            ++connections_;
            serve(client);
            ::close(client);
        }
    }

    void serve(int client) {
        timeval timeout{2, 0};
        ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        ::setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        SSL* ssl = nullptr;
        if (ctx_) {
            ssl = SSL_new(ctx_);
            SSL_set_fd(ssl, client);
            if (SSL_accept(ssl) != 1) {
                ++handshake_failures_;
                SSL_free(ssl);
                ERR_clear_error();
                return;
            }
        }
        std::string pending;
        char buffer[16384];
        while (!stop_) {
            pollfd pfd{client, POLLIN, 0};
            if ((ssl == nullptr || SSL_pending(ssl) == 0) && ::poll(&pfd, 1, 20) <= 0) continue;
            const int n = ssl ? SSL_read(ssl, buffer, sizeof buffer)
                              : static_cast<int>(::recv(client, buffer, sizeof buffer, 0));
            if (n <= 0) break;
            pending.append(buffer, static_cast<std::size_t>(n));
            take_frames(pending, std::string_view(buffer, static_cast<std::size_t>(n)));
        }
        if (ssl) {
            SSL_shutdown(ssl);
            SSL_free(ssl);
        }
        ERR_clear_error();
    }

    void take_frames(std::string& pending, std::string_view received) {
        std::lock_guard lock(mutex_);
        raw_.append(received);
        for (int guard = 0; guard < 100000; ++guard) {
            const auto space = pending.find(' ');
            if (space == std::string::npos) return;
            std::size_t length = 0;
            try {
                length = std::stoul(pending.substr(0, space));
            } catch (...) {
                ++framing_errors_;
                pending.clear();
                return;
            }
            if (pending.size() < space + 1 + length) return;
            messages_.push_back(pending.substr(space + 1, length));
            pending.erase(0, space + 1 + length);
        }
    }

    int fd_;
    SSL_CTX* ctx_ = nullptr;
    std::atomic<bool> stop_{false};
    std::atomic<int> connections_{0};
    std::atomic<int> handshake_failures_{0};
    std::atomic<int> framing_errors_{0};
    mutable std::mutex mutex_;
    std::vector<std::string> messages_;
    std::string raw_;
    std::thread thread_;
};

// CA, server and client certificates made with the openssl CLI (EC P-256, 2 days).
struct TestPki {
    TempDir dir;
    std::string ca, server_cert, server_key, client_cert, client_key, other_ca;
    bool ok = false;

    TestPki() {
        const std::string d = dir.path().string();
        std::ofstream(dir / "server.ext") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
        std::ofstream(dir / "client.ext") << "extendedKeyUsage=clientAuth\n";
        const std::string newkey = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
        const std::string quiet = " >/dev/null 2>&1";
        const std::vector<std::string> commands = {
            "openssl req -x509" + newkey + " -keyout " + d + "/ca.key -out " + d +
                "/ca.pem -days 2 -subj /CN=decnet-test-ca",
            "openssl req -x509" + newkey + " -keyout " + d + "/other.key -out " + d +
                "/other.pem -days 2 -subj /CN=decnet-other-ca",
            "openssl req" + newkey + " -keyout " + d + "/server.key -out " + d +
                "/server.csr -subj /CN=localhost",
            "openssl x509 -req -in " + d + "/server.csr -CA " + d + "/ca.pem -CAkey " + d +
                "/ca.key -CAcreateserial -out " + d + "/server.pem -days 2 -extfile " + d +
                "/server.ext",
            "openssl req" + newkey + " -keyout " + d + "/client.key -out " + d +
                "/client.csr -subj /CN=decnet-sensor",
            "openssl x509 -req -in " + d + "/client.csr -CA " + d + "/ca.pem -CAkey " + d +
                "/ca.key -CAcreateserial -out " + d + "/client.pem -days 2 -extfile " + d +
                "/client.ext",
        };
        ok = true;
        for (const auto& command : commands) ok = ok && std::system((command + quiet).c_str()) == 0;
        ca = d + "/ca.pem";
        other_ca = d + "/other.pem";
        server_cert = d + "/server.pem";
        server_key = d + "/server.key";
        client_cert = d + "/client.pem";
        client_key = d + "/client.key";
    }
};

}  // namespace decnet::test
