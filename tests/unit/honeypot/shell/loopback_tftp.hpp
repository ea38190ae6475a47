// A tiny TFTP server on 127.0.0.1 for the downloader's tests: one thread, read requests
// only (octet), files from a map, "File not found" otherwise; every request counted. Each
// transfer uses a port of its own, as RFC 1350 servers do. Every wait is bounded.
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

class LoopbackTftp {
  public:
    explicit LoopbackTftp(std::map<std::string, std::string> files) : files_(std::move(files)) {
        fd_ = bound_socket(port_);
        thread_ = std::thread([this] { serve(); });
    }
    ~LoopbackTftp() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    LoopbackTftp(const LoopbackTftp&) = delete;
    LoopbackTftp& operator=(const LoopbackTftp&) = delete;

    std::uint16_t port() const { return port_; }
    int requests() const { return requests_.load(); }

  private:
    static int bound_socket(std::uint16_t& port) {
        const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
        socklen_t size = sizeof address;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
        port = ntohs(address.sin_port);
        return fd;
    }

    static bool readable(int fd, int ms) {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, ms) > 0;
    }

    void serve() {
        for (int round = 0; round < 600 && !stop_; ++round) {  // ≤ 60 s at 100 ms a round
            if (!readable(fd_, 100)) continue;
            char buffer[1024];
            sockaddr_in client{};
            socklen_t size = sizeof client;
            const auto n = ::recvfrom(fd_, buffer, sizeof buffer, 0,
                                      reinterpret_cast<sockaddr*>(&client), &size);
            if (n < 4 || buffer[1] != 1) continue;
            ++requests_;
            send_file(std::string(buffer + 2), client);
        }
    }

    void send_file(const std::string& name, const sockaddr_in& client) {
        std::uint16_t port = 0;
        const int fd = bound_socket(port);
        auto send = [&](const std::string& packet) {
            ::sendto(fd, packet.data(), packet.size(), 0,
                     reinterpret_cast<const sockaddr*>(&client), sizeof client);
        };
        const auto found = files_.find(name);
        if (found == files_.end()) {
            send(std::string("\0\5\0\1File not found\0", 19));
        } else {
            const std::string& data = found->second;
            for (std::size_t block = 1; block <= data.size() / 512 + 1; ++block) {
                std::string packet{'\0', '\3', static_cast<char>(block >> 8),
                                   static_cast<char>(block & 0xff)};
                packet += data.substr((block - 1) * 512, 512);
                send(packet);
                if (!readable(fd, 2000)) break;  // the ACK
                char ack[16];
                (void)::recv(fd, ack, sizeof ack, 0);
            }
        }
        ::close(fd);
    }

    std::map<std::string, std::string> files_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> requests_{0};
    std::thread thread_;
};

}  // namespace decnet::testing
