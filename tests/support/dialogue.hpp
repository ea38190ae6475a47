// One protocol emulator's dialogue without the runtime: a ServiceContext on a real EventBus,
// a Session over an in-memory socket pair (or a loopback TCP pair, for protocols that open
// side channels beside the decky's address), the emulator coroutine on its own io_context
// thread, and the attacker's side as blocking calls under deadlines. Datagram emulators get
// one DatagramExchange per payload. Every wait is bounded: a hung emulator fails the test
// and is torn down, it never hangs ctest. Header-only (unit executables build *_test.cpp).
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/config.hpp"
#include "events/event.hpp"
#include "events/event_bus.hpp"
#include "honeypot/datagram.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"
#include "honeypot/session_limits.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::testing {

using Clock = std::chrono::steady_clock;
// How long any one expectation waits before failing the test.
inline constexpr std::chrono::milliseconds kDialogueWait{5000};

// ---- Events -----------------------------------------------------------------------------

inline std::vector<std::string> event_types(const std::vector<Event>& events) {
    std::vector<std::string> types;
    for (const auto& e : events) types.push_back(e.event_type);
    return types;
}

// The value of a field, or "<absent>" (a sentinel no emulator writes) for clear failures.
inline std::string field(const Event& e, std::string_view name) {
    const auto* value = e.find(name);
    return value ? *value : std::string("<absent>");
}

// "type{k=v,...} type{...}": what a failing expectation prints.
inline std::string describe(const std::vector<Event>& events) {
    std::string out;
    for (const auto& e : events) {
        out += e.event_type + "{";
        for (const auto& [k, v] : e.fields) out += k + "=" + v.substr(0, 80) + ",";
        out += "} ";
    }
    return out;
}

// The first event of `type`; fails the test (and returns an empty event) when there is none.
inline const Event& first_event(const std::vector<Event>& events, std::string_view type) {
    for (const auto& e : events)
        if (e.event_type == type) return e;
    ADD_FAILURE() << "no '" << type << "' event among: " << describe(events);
    static const Event kNone;
    return kNone;
}

// ---- Service context --------------------------------------------------------------------

// What an emulator knows about where it runs, with every event it emits collected.
class ServiceBench {
  public:
    explicit ServiceBench(std::string service, PersonaConfig persona = {},
                          std::string decky = "decky-01", std::string hostname = "web-prod-03",
                          std::string distro = "ubuntu22")
        : persona_(std::move(persona)), subscription_(bus_.subscribe("dialogue")) {
        context_.decky = std::move(decky);
        context_.hostname = std::move(hostname);
        context_.service = service;
        context_.log_name = std::move(service);
        context_.persona = &persona_;
        context_.bus = &bus_;
        context_.events = &counted_;
        // The decky's world: its files, host facts and TLS identity (kept in memory only).
        DeckyConfig host;
        host.name = context_.decky;
        host.hostname = context_.hostname;
        host.distro = std::move(distro);
        host.ip = "127.0.0.1";
        world_ = honeypot::make_decky_world(host, "");
        context_.world = world_.get();
        // The module's typed persona, parsed as `deploy` would (a bad one throws here).
        module_ = honeypot::find_module(context_.service);
        if (module_) {
            DeckyConfig decky;
            decky.name = context_.decky;
            decky.hostname = context_.hostname;
            decky.distro = host.distro;  // personas whose defaults follow the distro
            decky.service_config[context_.service] = persona_;
            settings_ = honeypot::configure_service(*module_, decky);
            context_.settings = settings_.get();
        }
    }
    ServiceBench(const ServiceBench&) = delete;
    ServiceBench& operator=(const ServiceBench&) = delete;

    const honeypot::ServiceContext& context() const { return context_; }
    // The decky's world the emulator serves (what a test derives exact replies from).
    const honeypot::DeckyWorld& world() const { return *world_; }

    // Every event published so far (emit() publishes synchronously, so an event emitted
    // before a reply is here once the reply has been read).
    std::vector<Event> events() {
        std::vector<EventPtr> batch;
        subscription_->try_pop_batch(batch);
        for (const auto& e : batch) {
            // Every event a module emits must be in its declared vocabulary.
            if (module_) {
                EXPECT_EQ(honeypot::undeclared(*module_, *e), "");
            }
            collected_.push_back(*e);
        }
        return collected_;
    }
    std::uint64_t counted() const { return counted_.load(); }

  private:
    PersonaConfig persona_;
    EventBus bus_;
    std::shared_ptr<Subscription> subscription_;
    std::atomic<std::uint64_t> counted_{0};
    honeypot::ServiceContext context_;
    const honeypot::ServiceModule* module_ = nullptr;
    std::shared_ptr<const honeypot::ServiceSettings> settings_;
    std::shared_ptr<const honeypot::DeckyWorld> world_;
    std::vector<Event> collected_;
};

// ---- The attacker's end of a stream -----------------------------------------------------

// A connected stream socket (owned) read and written under deadlines.
class Client {
  public:
    explicit Client(int fd = -1) : fd_(fd) {}
    Client(Client&& other) noexcept
        : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)), eof_(other.eof_) {}
    Client& operator=(Client&& other) noexcept {
        if (this != &other) {
            close();
            fd_ = std::exchange(other.fd_, -1);
            buffer_ = std::move(other.buffer_);
            eof_ = other.eof_;
        }
        return *this;
    }
    ~Client() { close(); }

    // A blocking TCP connection to ip:port (loopback only), optionally from `from`.
    static Client connect(const std::string& ip, std::uint16_t port, const std::string& from = "") {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (!from.empty()) {
            sockaddr_in local{};
            local.sin_family = AF_INET;
            inet_pton(AF_INET, from.c_str(), &local.sin_addr);
            if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0)
                ADD_FAILURE() << "cannot bind the client to " << from;
        }
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        inet_pton(AF_INET, ip.c_str(), &address.sin_addr);
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            ADD_FAILURE() << "cannot connect to " << ip << ":" << port;
            ::close(fd);
            return Client();
        }
        return Client(fd);
    }

    bool valid() const { return fd_ >= 0; }

    // All of `bytes`, or false (peer gone, or nothing could be written for kDialogueWait).
    bool send(std::string_view bytes) {
        const auto deadline = Clock::now() + kDialogueWait;
        while (!bytes.empty() && fd_ >= 0) {
            if (!wait(POLLOUT, deadline)) return false;
            const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return bytes.empty();
    }

    // Everything up to and including the first `marker`. On timeout or end of stream the
    // test fails and whatever arrived is returned (and consumed).
    std::string read_until(std::string_view marker,
                           std::chrono::milliseconds timeout = kDialogueWait) {
        const auto deadline = Clock::now() + timeout;
        for (;;) {
            if (const auto at = buffer_.find(marker); at != std::string::npos)
                return take(at + marker.size());
            if (eof_ || !fill(deadline)) {
                ADD_FAILURE() << (eof_ ? "stream ended" : "timed out") << " waiting for '"
                              << printable(marker) << "'; got '" << printable(buffer_) << "'";
                return take(buffer_.size());
            }
        }
    }

    // Exactly n bytes, under the same rules as read_until.
    std::string read_exact(std::size_t n, std::chrono::milliseconds timeout = kDialogueWait) {
        const auto deadline = Clock::now() + timeout;
        while (buffer_.size() < n) {
            if (eof_ || !fill(deadline)) {
                ADD_FAILURE() << "wanted " << n << " bytes; got '" << printable(buffer_) << "'";
                return take(buffer_.size());
            }
        }
        return take(n);
    }

    // Whatever arrives within `window` (less if the stream ends).
    std::string read_for(std::chrono::milliseconds window) {
        const auto deadline = Clock::now() + window;
        while (!eof_ && fill(deadline)) {
        }
        return take(buffer_.size());
    }

    // Reads to the end of the stream and returns what came before it; fails the test when
    // the peer has not closed within `timeout`.
    std::string expect_closed(std::chrono::milliseconds timeout = kDialogueWait) {
        const auto deadline = Clock::now() + timeout;
        while (!eof_)
            if (!fill(deadline) && !eof_) {
                ADD_FAILURE() << "the emulator did not close the connection; pending '"
                              << printable(buffer_) << "'";
                break;
            }
        return take(buffer_.size());
    }

    bool closed_by_peer() const { return eof_; }
    void shutdown_send() {
        if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
    }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    // Control and non-ASCII bytes as \xNN, for failure messages.
    static std::string printable(std::string_view bytes) {
        std::string out;
        for (const char c : bytes.substr(0, 512)) {
            const auto u = static_cast<unsigned char>(c);
            if (u >= 0x20 && u < 0x7f) {
                out += c;
            } else {
                static constexpr char kDigits[] = "0123456789abcdef";
                out += "\\x";
                out += kDigits[u >> 4];
                out += kDigits[u & 0xf];
            }
        }
        if (bytes.size() > 512) out += "...";
        return out;
    }

  private:
    bool wait(short events, Clock::time_point deadline) {
        for (;;) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) return false;
            pollfd p{fd_, events, 0};
            const int r = ::poll(&p, 1, static_cast<int>(left.count()));
            if (r > 0) return true;
            if (r < 0 && errno != EINTR) return false;
        }
    }

    // One read into buffer_; false on timeout or end of stream (eof_ then set).
    bool fill(Clock::time_point deadline) {
        if (fd_ < 0) {
            eof_ = true;
            return false;
        }
        for (;;) {
            if (!wait(POLLIN, deadline)) return false;
            char chunk[16384];
            const auto n = ::recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT);
            if (n > 0) {
                buffer_.append(chunk, static_cast<std::size_t>(n));
                return true;
            }
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            eof_ = true;  // FIN, or a reset (closing with unread input sends one)
            return false;
        }
    }

    std::string take(std::size_t n) {
        std::string out = buffer_.substr(0, n);
        buffer_.erase(0, n);
        return out;
    }

    int fd_ = -1;
    std::string buffer_;
    bool eof_ = false;
};

// ---- A stream emulator's session --------------------------------------------------------

struct DialogueOptions {
    PersonaConfig persona = {};
    std::string decky = "decky-01";
    std::string hostname = "web-prod-03";
    std::string distro = "ubuntu22";  // the world's distro (banners, motd, accounts)
    // Short enough that an emulator waiting on a silent test still ends on its own.
    honeypot::SessionLimits limits = [] {
        honeypot::SessionLimits l;
        l.idle_timeout = std::chrono::seconds(10);
        l.max_session_time = std::chrono::seconds(30);
        return l;
    }();
    // A real TCP pair on 127.0.0.1 instead of a socketpair: Session::local_ip() is then an
    // address (ftp's passive listener binds beside it) and the peer is the real client.
    bool loopback_tcp = false;
    // How long the end of the session is awaited once the attacker has left.
    std::chrono::milliseconds end_wait = kDialogueWait;
};

// The session starts at construction (a greeting is readable at once). The destructor
// closes the attacker's side and waits for the emulator to end; if it does not, the test
// fails and the io_context is stopped.
class Dialogue {
  public:
    // The registered module of `service`.
    explicit Dialogue(const std::string& service, DialogueOptions options = {})
        : Dialogue(service, honeypot::find_module(service)->serve, std::move(options)) {}
    Dialogue(std::string service, honeypot::StreamHandler handler, DialogueOptions options = {})
        : bench_(std::move(service), std::move(options.persona), std::move(options.decky),
                 std::move(options.hostname), std::move(options.distro)),
          limits_(options.limits),
          end_wait_(options.end_wait),
          io_(std::make_unique<boost::asio::io_context>()) {
        namespace asio = boost::asio;
        using asio::ip::tcp;
        tcp::socket server(*io_);
        tcp::endpoint peer(asio::ip::make_address("203.0.113.7"), 40000);
        if (options.loopback_tcp) {
            tcp::acceptor acceptor(*io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
            client_ = Client::connect("127.0.0.1", acceptor.local_endpoint().port());
            if (!client_.valid()) throw std::runtime_error("loopback connect failed");
            acceptor.accept(server, peer);  // the connection is already queued
        } else {
            int fds[2];
            if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
                throw std::runtime_error("socketpair failed");
            // A Session reads and writes an AF_UNIX end like a TCP one (local_ip() is empty).
            server.assign(tcp::v4(), fds[0]);
            client_ = Client(fds[1]);
        }
        peer_ = peer;
        asio::co_spawn(*io_, run(handler, std::move(server), peer), asio::detached);
        thread_ = std::thread([this] { io_->run(); });
    }
    Dialogue(const Dialogue&) = delete;
    Dialogue& operator=(const Dialogue&) = delete;

    ~Dialogue() {
        client_.close();
        if (!wait_ended(end_wait_))
            ADD_FAILURE() << "the emulator was still running " << end_wait_.count()
                          << " ms after the attacker left";
        io_->stop();
        thread_.join();
        io_.reset();  // destroys a hung coroutine's frame while the context still lives
    }

    Client& client() { return client_; }
    bool send(std::string_view bytes) { return client_.send(bytes); }
    std::string read_until(std::string_view marker,
                           std::chrono::milliseconds timeout = kDialogueWait) {
        return client_.read_until(marker, timeout);
    }
    std::string read_exact(std::size_t n) { return client_.read_exact(n); }
    std::string read_for(std::chrono::milliseconds window) { return client_.read_for(window); }
    std::string expect_closed(std::chrono::milliseconds timeout = kDialogueWait) {
        return client_.expect_closed(timeout);
    }

    // The attacker's address as the emulator sees it.
    std::string peer_ip() const { return peer_.address().to_string(); }
    std::uint16_t peer_port() const { return peer_.port(); }

    // True once the emulator coroutine has returned (waiting up to `timeout`).
    bool wait_ended(std::chrono::milliseconds timeout = kDialogueWait) {
        std::unique_lock lock(mutex_);
        return ended_cv_.wait_for(lock, timeout, [this] { return ended_; });
    }
    // The attacker leaves; the emulator must end. Returns every event of the session.
    std::vector<Event> finish() {
        client_.close();
        EXPECT_TRUE(wait_ended(end_wait_)) << "the emulator did not end after the attacker left";
        return events();
    }

    std::vector<Event> events() { return bench_.events(); }
    const honeypot::DeckyWorld& world() const { return bench_.world(); }
    // The first event of `type` so far; fails the test when there is none.
    Event event(std::string_view type) { return first_event(events(), type); }
    std::uint64_t counted() const { return bench_.counted(); }

    // After the end: why the Session stopped reading ("peer_closed", "line_too_long", ...),
    // and the exception the emulator threw ("" when none).
    std::string close_reason() {
        std::lock_guard lock(mutex_);
        return close_reason_;
    }
    std::string error() {
        std::lock_guard lock(mutex_);
        return error_;
    }

  private:
    // What the runtime's run_session does around an emulator.
    boost::asio::awaitable<void> run(honeypot::StreamHandler handler,
                                     boost::asio::ip::tcp::socket socket,
                                     boost::asio::ip::tcp::endpoint peer) {
        honeypot::Session session(std::move(socket), peer, bench_.context(), limits_);
        std::string error;
        try {
            co_await handler(session);
        } catch (const std::exception& e) {
            error = e.what();
        }
        session.close();
        {
            std::lock_guard lock(mutex_);
            close_reason_ = session.close_reason();
            error_ = std::move(error);
            ended_ = true;
        }
        ended_cv_.notify_all();
    }

    ServiceBench bench_;
    honeypot::SessionLimits limits_;
    std::chrono::milliseconds end_wait_;
    Client client_;
    boost::asio::ip::tcp::endpoint peer_;
    std::mutex mutex_;
    std::condition_variable ended_cv_;
    bool ended_ = false;        // guarded by mutex_
    std::string close_reason_;  // guarded by mutex_
    std::string error_;         // guarded by mutex_
    std::unique_ptr<boost::asio::io_context> io_;
    std::thread thread_;
};

// ---- A datagram emulator ----------------------------------------------------------------

struct DatagramResult {
    std::vector<std::string> replies;
    std::vector<Event> events;  // emitted by this exchange only
};

// One ServiceContext for a sequence of datagrams (uploads keep state between them).
class DatagramDialogue {
  public:
    explicit DatagramDialogue(const std::string& service, PersonaConfig persona = {},
                              std::uint16_t local_port = 0)
        : DatagramDialogue(service, honeypot::find_module(service)->datagram, std::move(persona),
                           local_port) {}
    DatagramDialogue(std::string service, honeypot::DatagramHandler handler,
                     PersonaConfig persona = {}, std::uint16_t local_port = 0)
        : bench_(std::move(service), std::move(persona)),
          handler_(handler),
          local_port_(local_port) {}

    DatagramResult exchange(std::string_view payload, std::uint16_t peer_port = 40000,
                            const std::string& peer_ip = "203.0.113.7") {
        const auto before = bench_.events().size();
        honeypot::DatagramExchange x(bench_.context(), peer_ip, peer_port, local_port_, payload);
        handler_(x);
        auto all = bench_.events();
        return {x.replies(),
                std::vector<Event>(all.begin() + static_cast<std::ptrdiff_t>(before), all.end())};
    }
    std::vector<Event> events() { return bench_.events(); }

  private:
    ServiceBench bench_;
    honeypot::DatagramHandler handler_;
    std::uint16_t local_port_;
};

}  // namespace decnet::testing
