#include "replay_server.hpp"

#include <netinet/in.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "bench_http.hpp"

namespace decnet::bench {
namespace {

struct Connection {
    std::string input;
    const std::string* output = nullptr;  // the response being written
    std::size_t written = 0;
};

int reuseport_listener(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
        listen(fd, 4096) != 0) {
        close(fd);
        throw std::runtime_error("replay server: cannot listen on port " + std::to_string(port));
    }
    return fd;
}

}  // namespace

ReplayServer::ReplayServer(int port, std::map<std::string, std::string> responses, int threads)
    : port_(port),
      responses_(std::move(responses)),
      not_found_("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n") {
    for (int i = 0; i < threads; ++i) listeners_.push_back(reuseport_listener(port));
    for (const int listener : listeners_)
        threads_.emplace_back([this, listener] { serve(listener); });
}

ReplayServer::~ReplayServer() {
    running_ = false;
    for (auto& thread : threads_) thread.join();
    for (const int listener : listeners_) close(listener);
}

const std::string& ReplayServer::answer_for(const std::string& target) const {
    const std::string* best = &not_found_;
    std::size_t best_length = 0;
    for (const auto& [key, response] : responses_)
        if (key.size() >= best_length && target.compare(0, key.size(), key) == 0) {
            best = &response;
            best_length = key.size();
        }
    return *best;
}

void ReplayServer::serve(int listener) {
    pthread_setname_np(pthread_self(), "replay");  // api_bench counts these threads' CPU
    const int epoll = epoll_create1(0);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = listener;
    epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event);
    std::unordered_map<int, Connection> connections;
    epoll_event ready[256];
    char buffer[16384];
    auto finish = [&](int fd) {
        epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nullptr);
        close(fd);
        connections.erase(fd);
    };
    // Writes what it can; true while the connection stays usable.
    auto flush = [&](int fd, Connection& c) {
        while (c.output && c.written < c.output->size()) {
            const auto n =
                send(fd, c.output->data() + c.written, c.output->size() - c.written, MSG_NOSIGNAL);
            if (n < 0) return errno == EAGAIN;
            c.written += static_cast<std::size_t>(n);
        }
        c.output = nullptr;
        return true;
    };
    while (running_) {
        const int n = epoll_wait(epoll, ready, 256, 100);
        for (int i = 0; i < n; ++i) {
            const int fd = ready[i].data.fd;
            if (fd == listener) {
                for (int client;
                     (client = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
                    epoll_event added{};
                    added.events = EPOLLIN | EPOLLOUT | EPOLLET;
                    added.data.fd = client;
                    epoll_ctl(epoll, EPOLL_CTL_ADD, client, &added);
                    connections.emplace(client, Connection{});
                }
                continue;
            }
            auto found = connections.find(fd);
            if (found == connections.end()) continue;
            auto& c = found->second;
            if (!flush(fd, c)) {
                finish(fd);
                continue;
            }
            bool open = true;
            while (open) {
                const auto got = recv(fd, buffer, sizeof buffer, 0);
                if (got == 0 || (got < 0 && errno != EAGAIN)) open = false;
                if (got <= 0) break;
                c.input.append(buffer, static_cast<std::size_t>(got));
            }
            // Answer every complete request head (wrk does not pipeline; bodies are not sent).
            for (std::size_t end;
                 open && !c.output && (end = c.input.find("\r\n\r\n")) != std::string::npos;) {
                const auto space = c.input.find(' ');
                const auto target_end = c.input.find(' ', space + 1);
                c.output = &answer_for(c.input.substr(space + 1, target_end - space - 1));
                c.written = 0;
                c.input.erase(0, end + 4);
                open = flush(fd, c);
            }
            if (!open) finish(fd);
        }
    }
    for (auto& [fd, connection] : connections) close(fd);
    close(epoll);
}

std::map<std::string, std::string> record_responses(const std::string& base,
                                                    const std::string& token,
                                                    const std::vector<std::string>& targets) {
    std::map<std::string, std::string> recorded;
    for (const auto& target : targets) {
        auto response = run_command("curl -s -i -H 'Authorization: Bearer " + token + "' '" + base +
                                    target + "'");
        // curl prints a chunked body decoded, so only content-length answers replay as sent.
        if (response.rfind("HTTP/1.1 200", 0) != 0 ||
            response.find("\r\nContent-Length: ") == std::string::npos)
            throw std::runtime_error("recording " + target +
                                     " did not answer 200 with a Content-Length");
        recorded[target] = std::move(response);
    }
    return recorded;
}

}  // namespace decnet::bench
