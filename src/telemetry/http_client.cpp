// Plain-socket HTTP/1.1 client for OTLP export. Non-blocking socket plus poll() in short
// slices, so a dead collector costs at most the export timeout and shutdown can abort.
#include "telemetry/http_client.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace decnet::telemetry::detail {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxResponse = 64 * 1024;
constexpr std::size_t kMaxBodyKept = 4096;

class Socket {
  public:
    explicit Socket(int fd) : fd_(fd) {}
    ~Socket() {
        if (fd_ >= 0) ::close(fd_);
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    int fd() const { return fd_; }

  private:
    int fd_;
};

// Waits for `events` on fd in slices of at most 100 ms; false on deadline or abort.
bool wait_for(int fd, short events, Clock::time_point deadline, const std::atomic<bool>* abort,
              std::string& error) {
    while (true) {
        if (abort != nullptr && abort->load(std::memory_order_relaxed)) {
            error = "aborted";
            return false;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            error = "timed out";
            return false;
        }
        pollfd pfd{fd, events, 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count(), 100)));
        if (ready > 0) return true;
        if (ready < 0 && errno != EINTR) {
            error = std::string("poll: ") + std::strerror(errno);
            return false;
        }
    }
}

int connect_to(const HttpUrl& url, Clock::time_point deadline, const std::atomic<bool>* abort,
               std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(url.port);
    if (const int rc = ::getaddrinfo(url.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
        error = "resolve " + url.host + ": " + ::gai_strerror(rc);
        return -1;
    }
    int connected = -1;
    for (addrinfo* ai = found; ai != nullptr && connected < 0; ai = ai->ai_next) {
        const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                                ai->ai_protocol);
        if (fd < 0) continue;
        if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            connected = fd;
            break;
        }
        if (errno == EINPROGRESS && wait_for(fd, POLLOUT, deadline, abort, error)) {
            int so_error = 0;
            socklen_t length = sizeof so_error;
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &length);
            if (so_error == 0) {
                connected = fd;
                break;
            }
            error = "connect " + url.host + ":" + port + ": " + std::strerror(so_error);
        } else if (errno != EINPROGRESS) {
            error = "connect " + url.host + ":" + port + ": " + std::strerror(errno);
        }
        ::close(fd);
    }
    ::freeaddrinfo(found);
    return connected;
}

bool send_all(int fd, std::string_view data, Clock::time_point deadline,
              const std::atomic<bool>* abort, std::string& error) {
    while (!data.empty()) {
        const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (sent > 0) {
            data.remove_prefix(static_cast<std::size_t>(sent));
        } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (!wait_for(fd, POLLOUT, deadline, abort, error)) return false;
        } else {
            error = std::string("send: ") + std::strerror(errno);
            return false;
        }
    }
    return true;
}

// Case-insensitive search for a header's value in the raw header block.
std::optional<std::string_view> header_value(std::string_view head, std::string_view name) {
    std::size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos && pos + 2 < head.size()) {
        const std::size_t start = pos + 2;
        const std::size_t end = head.find("\r\n", start);
        const auto line =
            head.substr(start, end == std::string_view::npos ? head.npos : end - start);
        const auto colon = line.find(':');
        if (colon == name.size() &&
            std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            })) {
            auto value = line.substr(colon + 1);
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
                value.remove_prefix(1);
            return value;
        }
        pos = end;
    }
    return std::nullopt;
}

}  // namespace

std::optional<HttpUrl> parse_http_url(std::string_view url, std::string* error) {
    const auto fail = [&](std::string why) -> std::optional<HttpUrl> {
        if (error != nullptr) *error = std::move(why);
        return std::nullopt;
    };
    HttpUrl out;
    if (url.starts_with("http://")) {
        url.remove_prefix(7);
    } else if (url.starts_with("https://")) {
        url.remove_prefix(8);
        out.tls = true;
        out.port = 443;
    } else {
        return fail("the endpoint must start with http:// (or https://)");
    }
    const auto slash = url.find('/');
    auto authority = url.substr(0, slash);
    out.path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
    if (authority.find('@') != std::string_view::npos)
        return fail("credentials in the endpoint URL are not supported");
    std::string_view port_text;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return fail("unterminated IPv6 address");
        out.host = authority.substr(1, close - 1);
        const auto rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest[0] != ':') return fail("junk after the IPv6 address");
            port_text = rest.substr(1);
        }
    } else {
        const auto colon = authority.rfind(':');
        out.host = authority.substr(0, colon);
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    }
    if (out.host.empty()) return fail("no host in the endpoint");
    if (!port_text.empty()) {
        unsigned port = 0;
        const auto [end, ec] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
            port > 65535) {
            return fail("bad port '" + std::string(port_text) + "'");
        }
        out.port = static_cast<std::uint16_t>(port);
    }
    return out;
}

HttpResponse http_post(const HttpUrl& url, std::string_view content_type, std::string_view body,
                       Clock::time_point deadline, const std::atomic<bool>* abort) {
    HttpResponse response;
    const int fd = connect_to(url, deadline, abort, response.error);
    if (fd < 0) return response;
    Socket socket(fd);

    const bool ipv6 = url.host.find(':') != std::string::npos;
    std::string head;
    head.reserve(256);
    head += "POST " + url.path + " HTTP/1.1\r\nHost: ";
    head += ipv6 ? "[" + url.host + "]" : url.host;
    head += ":" + std::to_string(url.port);
    head += "\r\nUser-Agent: decnet-otlp\r\nContent-Type: ";
    head += content_type;
    head += "\r\nContent-Length: " + std::to_string(body.size());
    head += "\r\nConnection: close\r\n\r\n";
    if (!send_all(fd, head, deadline, abort, response.error) ||
        !send_all(fd, body, deadline, abort, response.error)) {
        return response;
    }

    // Read until the header block and Content-Length bytes (or EOF) have arrived.
    std::string raw;
    char buffer[4096];
    std::optional<std::size_t> want;
    while (raw.size() < kMaxResponse) {
        const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got > 0) {
            raw.append(buffer, static_cast<std::size_t>(got));
            const auto end = raw.find("\r\n\r\n");
            if (end != std::string::npos && !want) {
                const auto length =
                    header_value(std::string_view(raw).substr(0, end), "content-length");
                std::size_t n = 0;
                if (length &&
                    std::from_chars(length->data(), length->data() + length->size(), n).ec ==
                        std::errc())
                    want = end + 4 + n;
            }
            if (want && raw.size() >= *want) break;
        } else if (got == 0) {
            break;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            if (!wait_for(fd, POLLIN, deadline, abort, response.error)) break;
        } else {
            response.error = std::string("recv: ") + std::strerror(errno);
            break;
        }
    }
    // "HTTP/1.1 200 OK"
    if (raw.starts_with("HTTP/1.") && raw.size() >= 12 && raw[8] == ' ') {
        int status = 0;
        if (std::from_chars(raw.data() + 9, raw.data() + 12, status).ec == std::errc())
            response.status = status;
    }
    if (response.status == 0) {
        if (response.error.empty()) response.error = "no HTTP response";
        return response;
    }
    response.error.clear();
    const auto end = raw.find("\r\n\r\n");
    if (end != std::string::npos) response.body = raw.substr(end + 4, kMaxBodyKept);
    return response;
}

}  // namespace decnet::telemetry::detail
