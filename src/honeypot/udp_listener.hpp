// One UDP service port of one decky: a socket on one I/O thread, a receive loop handing
// each datagram to the service's DatagramHandler, and the guards a spoofable transport
// needs: datagram size bound, per-source and per-port rate limits (a flood cannot become
// unbounded events or CPU), and an amplification bound on replies (a spoofed request
// never makes the decky send much more than it received).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "honeypot/datagram.hpp"
#include "honeypot/session.hpp"

namespace decnet::honeypot {

struct UdpLimits {
    std::size_t max_datagram = 8 * 1024;  // larger ones are dropped unread by emulators
    double per_source_rate = 20;          // datagrams per second, token bucket
    double per_source_burst = 40;
    double per_port_rate = 1000;  // all sources together (spoofed floods rotate sources)
    double per_port_burst = 2000;
    std::size_t amplification = 10;  // reply bytes ≤ this × request bytes
    std::size_t max_sources = 4096;  // buckets remembered; beyond it only the port bucket
};

// decnet_udp_datagrams_dropped_total{reason} so far (oversize, rate_limited,
// amplification, send_error).
std::uint64_t udp_datagrams_dropped(std::string_view reason);

class UdpListener : public std::enable_shared_from_this<UdpListener> {
  public:
    // `fd` ≥ 0: adopt that bound socket (netns opener); else bind ip:port here.
    // Applies the OS family's TTL. Throws ConfigError naming decky, address and service.
    UdpListener(boost::asio::io_context& io, const std::string& decky, const std::string& ip,
                std::uint16_t port, int ttl, int fd, ServiceContext context, PersonaConfig persona,
                std::shared_ptr<const void> keep_alive, DatagramHandler handler,
                UdpLimits limits = {});

    void start();
    // Closes the socket on its own thread and waits for it (at most `timeout`) when the
    // I/O threads run; closes it directly otherwise.
    void close(bool threads_running, std::chrono::milliseconds timeout);
    // Threads joined: destroys the socket before its io_context goes.
    void release();

  private:
    struct Bucket {
        double tokens;
        std::chrono::steady_clock::time_point last;
    };
    boost::asio::awaitable<void> receive_loop();
    void handle(std::string_view payload, const boost::asio::ip::udp::endpoint& peer);
    bool admit(const std::string& source, std::chrono::steady_clock::time_point now);
    static bool take(Bucket& bucket, double rate, double burst,
                     std::chrono::steady_clock::time_point now);

    boost::asio::io_context& io_;
    std::unique_ptr<boost::asio::ip::udp::socket> socket_;
    PersonaConfig persona_;  // context_.persona points here
    ServiceContext context_;
    std::shared_ptr<const void> keep_alive_;  // what context_.events points into
    DatagramHandler handler_;
    UdpLimits limits_;
    std::uint16_t port_;
    Bucket port_bucket_;
    std::unordered_map<std::string, Bucket> sources_;  // touched by the socket's thread only
    std::chrono::steady_clock::time_point last_prune_{};
};

}  // namespace decnet::honeypot
