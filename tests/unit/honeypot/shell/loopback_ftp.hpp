// A tiny FTP server on 127.0.0.1 for the downloader's tests: one session at a time, the
// commands a passive download uses, files from a map. Its PASV reply names another host
// (10.9.8.7): the client must still connect to 127.0.0.1. Every wait is bounded.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>

namespace decnet::testing {

class LoopbackFtp {
  public:
    explicit LoopbackFtp(std::map<std::string, std::string> files) : files_(std::move(files)) {
        listener_ = listen_on(port_);
        thread_ = std::thread([this] { serve(); });
    }
    ~LoopbackFtp() {
        stop_ = true;
        thread_.join();
        ::close(listener_);
    }
    LoopbackFtp(const LoopbackFtp&) = delete;
    LoopbackFtp& operator=(const LoopbackFtp&) = delete;

    std::uint16_t port() const { return port_; }
    int sessions() const { return sessions_.load(); }

  private:
    static int listen_on(std::uint16_t& port) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::listen(fd, 4);
        socklen_t size = sizeof address;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
        port = ntohs(address.sin_port);
        return fd;
    }
    static bool readable(int fd, int ms) {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, ms) > 0;
    }
    static void say(int fd, const std::string& line) {
        const std::string wire = line + "\r\n";
        (void)::send(fd, wire.data(), wire.size(), MSG_NOSIGNAL);
    }
    // One command line (≤ 1 KiB), "" when the client went quiet or away.
    static std::string command(int fd) {
        std::string line;
        while (line.size() < 1024 && readable(fd, 2000)) {
            char c = 0;
            if (::recv(fd, &c, 1, 0) != 1) return "";
            if (c == '\n') break;
            if (c != '\r') line += c;
        }
        return line;
    }

    void serve() {
        for (int round = 0; round < 600 && !stop_; ++round) {  // ≤ 60 s
            if (!readable(listener_, 100)) continue;
            const int fd = ::accept(listener_, nullptr, nullptr);
            if (fd < 0) continue;
            ++sessions_;
            session(fd);
            ::close(fd);
        }
    }

    void session(int fd) {
        say(fd, "220 (vsFTPd 3.0.3)");
        int data_listener = -1;
        for (int i = 0; i < 20; ++i) {
            const std::string line = command(fd);
            const std::string verb = line.substr(0, line.find(' '));
            const std::string arg =
                line.find(' ') == std::string::npos ? "" : line.substr(line.find(' ') + 1);
            if (verb.empty()) break;
            if (verb == "USER")
                say(fd, "331 Please specify the password.");
            else if (verb == "PASS")
                say(fd, "230 Login successful.");
            else if (verb == "TYPE")
                say(fd, "200 Switching to Binary mode.");
            else if (verb == "PASV") {
                std::uint16_t port = 0;
                data_listener = listen_on(port);
                say(fd, "227 Entering Passive Mode (10,9,8,7," + std::to_string(port / 256) + "," +
                            std::to_string(port % 256) + ").");
            } else if (verb == "RETR") {
                const auto found = files_.find(arg);
                if (found == files_.end() || data_listener < 0) {
                    say(fd, "550 Failed to open file.");
                    continue;
                }
                if (!readable(data_listener, 2000)) break;
                const int data = ::accept(data_listener, nullptr, nullptr);
                say(fd, "150 Opening BINARY mode data connection.");
                (void)::send(data, found->second.data(), found->second.size(), MSG_NOSIGNAL);
                ::close(data);
                say(fd, "226 Transfer complete.");
            } else if (verb == "QUIT") {
                say(fd, "221 Goodbye.");
                break;
            } else {
                say(fd, "500 Unknown command.");
            }
        }
        if (data_listener >= 0) ::close(data_listener);
    }

    std::map<std::string, std::string> files_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> sessions_{0};
    std::thread thread_;
};

}  // namespace decnet::testing
