// The control socket of a running instance: AF_UNIX stream in the state dir (mode 0600),
// one JSON request per line, one JSON response line each. Requests are bounded in size and
// every connection in time, so a stuck client can't wedge the instance.
// Protocol: docs/ARCHITECTURE.md "Control socket".
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace decnet::engine {

struct ControlLimits {
    std::size_t max_request = 64 * 1024;  // bytes in one request line
    std::chrono::milliseconds connection_timeout{5000};
    int max_requests_per_connection = 64;
};

class ControlServer {
  public:
    // Maps a request line to a response line (no newline); must not throw.
    using Handler = std::function<std::string(std::string_view request)>;

    // Binds `socket_path` (replacing a stale socket file: the caller holds the instance
    // lock) and serves on a thread of its own. Throws ConfigError when it can't bind.
    ControlServer(std::string socket_path, Handler handler, ControlLimits limits = {});
    ~ControlServer();  // stops and removes the socket file
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    void stop();

  private:
    void serve();
    void serve_connection(int fd);

    std::string path_;
    Handler handler_;
    ControlLimits limits_;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};  // a pipe: writing to it wakes the poll() in serve()
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace decnet::engine
