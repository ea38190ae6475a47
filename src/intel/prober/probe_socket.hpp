// Blocking-with-deadline TCP client for the probes: connect, send, read, each bounded by
// the probe's timeout (poll), so a tarpit can hold one probe for at most that long. IPv4
// only; the policy has cleared the address before one of these exists.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace decnet::intel::prober {

using Deadline = std::chrono::steady_clock::time_point;

enum class IoStatus { ok, timeout, closed, error };

class ProbeSocket {
  public:
    ProbeSocket() = default;
    ~ProbeSocket();
    ProbeSocket(ProbeSocket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    ProbeSocket& operator=(ProbeSocket&&) = delete;
    ProbeSocket(const ProbeSocket&) = delete;

    // Binds an ephemeral local port first (the TCP fingerprint needs it before the SYN).
    IoStatus open_bound(std::uint16_t& local_port);
    // Connects (opening the socket if needed); `error` gets strerror on failure.
    IoStatus connect(const std::string& ip, std::uint16_t port, Deadline deadline,
                     std::string& error);
    IoStatus send_all(std::string_view data, Deadline deadline);
    // Appends what one read returns (at most max bytes).
    IoStatus read_some(std::string& out, std::size_t max, Deadline deadline);
    // Closes with a RST instead of a FIN (SO_LINGER 0): the probe leaves no TIME_WAIT.
    void abort();
    int fd() const { return fd_; }

  private:
    int fd_ = -1;
};

}  // namespace decnet::intel::prober
