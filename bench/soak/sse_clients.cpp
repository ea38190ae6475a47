#include "sse_clients.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace decnet::bench::soak {

SseClients::SseClients(int count, int port, const std::string& token) : clients_(count) {
    sockaddr_in api{};
    api.sin_family = AF_INET;
    api.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &api.sin_addr);
    const auto request = "GET /api/v1/stream?token=" + token +
                         " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
    for (auto& c : clients_) {
        c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (c.fd < 0 || ::connect(c.fd, reinterpret_cast<const sockaddr*>(&api), sizeof api) != 0 ||
            ::send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) !=
                static_cast<ssize_t>(request.size())) {
            c.failed = true;
            continue;
        }
        open_.fetch_add(1);
    }
    thread_ = std::thread([this] { run(); });
}

SseClients::~SseClients() {
    stop();
}

// Chunked transfer decoding, then frames (a blank line ends one). Data frames count;
// ": keepalive" comments do not.
void SseClients::decode(Client& c) {
    if (!c.headers_done) {
        const auto end = c.raw.find("\r\n\r\n");
        if (end == std::string::npos) {
            if (c.raw.size() > 65536) c.failed = true;
            return;
        }
        if (c.raw.compare(0, 12, "HTTP/1.1 200") != 0) c.failed = true;
        c.raw.erase(0, end + 4);
        c.headers_done = true;
    }
    for (;;) {
        const auto line_end = c.raw.find("\r\n");
        if (line_end == std::string::npos) break;
        const auto size = std::strtoul(c.raw.substr(0, line_end).c_str(), nullptr, 16);
        if (c.raw.size() < line_end + 2 + size + 2) break;
        c.body.append(c.raw, line_end + 2, size);
        c.raw.erase(0, line_end + 2 + size + 2);
        if (size == 0) {  // the server ended the stream
            c.failed = true;
            break;
        }
    }
    std::size_t at = 0;
    for (;;) {
        const auto end = c.body.find("\n\n", at);
        if (end == std::string::npos) break;
        const auto frame = std::string_view(c.body).substr(at, end - at);
        if (frame.find("data:") != std::string_view::npos) {
            ++c.frames;
            if (frame.find("\"type\":\"logs\"") != std::string_view::npos) ++c.logs_frames;
        }
        at = end + 2;
    }
    c.body.erase(0, at);
}

void SseClients::run() {
    std::vector<pollfd> fds;
    std::vector<Client*> owners;
    char buffer[65536];
    while (!stop_.load()) {
        fds.clear();
        owners.clear();
        for (auto& c : clients_) {
            if (c.failed || c.fd < 0) continue;
            fds.push_back({c.fd, POLLIN, 0});
            owners.push_back(&c);
        }
        if (::poll(fds.data(), fds.size(), 200) <= 0) continue;
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].revents == 0) continue;
            Client& c = *owners[i];
            const auto n = ::recv(c.fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n <= 0) {
                c.failed = true;
            } else {
                c.raw.append(buffer, static_cast<std::size_t>(n));
                decode(c);
            }
            if (c.failed) open_.fetch_sub(1);
        }
    }
}

SseTotals SseClients::stop() {
    if (thread_.joinable()) {
        stop_.store(true);
        thread_.join();
    }
    SseTotals totals;
    totals.clients = static_cast<int>(clients_.size());
    totals.min_frames = clients_.empty() ? 0 : UINT64_MAX;
    for (auto& c : clients_) {
        totals.connected += !c.failed;
        totals.with_frames += c.frames > 0;
        totals.with_logs += c.logs_frames > 0;
        totals.frames += c.frames;
        totals.min_frames = std::min(totals.min_frames, c.frames);
        if (c.fd >= 0) ::close(c.fd);
        c.fd = -1;
    }
    return totals;
}

}  // namespace decnet::bench::soak
