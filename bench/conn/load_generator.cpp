// conn_bench's clients. The epoll client is the default: on 2 shared cores the 16 blocking
// threads cost more CPU per connection than the server under test (a context switch per
// greeting, a bind() port search per connection), so they capped what could be measured.
#include "load_generator.hpp"

#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace decnet::bench {
namespace {

using clock_type = std::chrono::steady_clock;

constexpr int kSources = 16;
constexpr std::uint64_t kMaxPerThread = 2'000'000;
constexpr auto kConnectionTimeout = std::chrono::seconds(2);

sockaddr_in source_address(int index) {
    sockaddr_in source{};
    source.sin_family = AF_INET;
    const auto ip = "127.201.0." + std::to_string(1 + index % kSources);
    inet_pton(AF_INET, ip.c_str(), &source.sin_addr);
    return source;
}

double thread_cpu_seconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

bool has_line_end(const char* data, ssize_t n) {
    return n > 0 &&
           std::string_view(data, static_cast<std::size_t>(n)).find('\n') != std::string_view::npos;
}

// One connection at a time: connect, read until the greeting's line end, abortive close.
bool blocking_connection(const sockaddr_in& source, const sockaddr_in& target) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const linger abort_close{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_close, sizeof abort_close);
    const timeval timeout{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    bool ok = bind(fd, reinterpret_cast<const sockaddr*>(&source), sizeof source) == 0 &&
              connect(fd, reinterpret_cast<const sockaddr*>(&target), sizeof target) == 0;
    if (ok) {
        char buffer[512];
        ok = false;
        for (int reads = 0; reads < 8; ++reads) {
            const auto n = recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0) break;
            if (has_line_end(buffer, n)) {
                ok = true;
                break;
            }
        }
    }
    close(fd);
    return ok;
}

void blocking_client(int index, const sockaddr_in& target, clock_type::time_point deadline,
                     LoadResult& out) {
    const auto source = source_address(index);
    for (std::uint64_t i = 0; i < kMaxPerThread && clock_type::now() < deadline; ++i)
        ++(blocking_connection(source, target) ? out.completed : out.failed);
}

// `in_flight` non-blocking connections on one epoll set; each finished one (greeting read,
// or failed, or older than kConnectionTimeout) is closed and replaced at once.
class EpollClient {
  public:
    EpollClient(int index, const sockaddr_in& target, int in_flight)
        : index_(index), target_(target), slots_(static_cast<std::size_t>(in_flight)) {
        epoll_ = epoll_create1(EPOLL_CLOEXEC);
    }
    ~EpollClient() {
        for (auto& slot : slots_)
            if (slot.fd >= 0) close(slot.fd);
        if (epoll_ >= 0) close(epoll_);
    }
    EpollClient(const EpollClient&) = delete;
    EpollClient& operator=(const EpollClient&) = delete;

    void run(clock_type::time_point deadline, LoadResult& out) {
        if (epoll_ < 0) return;
        auto now = clock_type::now();
        for (std::uint32_t i = 0; i < slots_.size(); ++i) open(i, now, out);
        auto next_sweep = now + std::chrono::milliseconds(100);
        epoll_event events[64];
        while (now < deadline && started_ < kMaxPerThread) {
            const int n = epoll_wait(epoll_, events, 64, 100);
            now = clock_type::now();
            for (int e = 0; e < n; ++e) on_ready(events[e].data.u32, now, out);
            if (now >= next_sweep) {
                sweep_timeouts(now, out);
                next_sweep = now + std::chrono::milliseconds(100);
            }
        }
    }

  private:
    struct Slot {
        int fd = -1;
        clock_type::time_point started;
    };

    void open(std::uint32_t i, clock_type::time_point now, LoadResult& out) {
        auto& slot = slots_[i];
        ++started_;
        const auto source = source_address(index_ + static_cast<int>(started_));
        slot.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (slot.fd < 0) {
            ++out.failed;
            return;
        }
        slot.started = now;
        const int one = 1;
        // connect() picks the port for the full 4-tuple: no bind()-time port search.
        setsockopt(slot.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        const linger abort_close{1, 0};
        setsockopt(slot.fd, SOL_SOCKET, SO_LINGER, &abort_close, sizeof abort_close);
        epoll_event interest{};
        interest.events = EPOLLIN | EPOLLRDHUP;
        interest.data.u32 = i;
        const bool ok =
            bind(slot.fd, reinterpret_cast<const sockaddr*>(&source), sizeof source) == 0 &&
            (connect(slot.fd, reinterpret_cast<const sockaddr*>(&target_), sizeof target_) == 0 ||
             errno == EINPROGRESS) &&
            epoll_ctl(epoll_, EPOLL_CTL_ADD, slot.fd, &interest) == 0;
        if (!ok) finish(i, false, now, out, false);
    }

    // Closes slot i, counts it, and (unless the run is over) opens its replacement.
    void finish(std::uint32_t i, bool ok, clock_type::time_point now, LoadResult& out,
                bool reopen = true) {
        close(slots_[i].fd);
        slots_[i].fd = -1;
        ++(ok ? out.completed : out.failed);
        if (reopen) open(i, now, out);
    }

    void on_ready(std::uint32_t i, clock_type::time_point now, LoadResult& out) {
        if (i >= slots_.size() || slots_[i].fd < 0) return;
        char buffer[512];
        const auto n = recv(slots_[i].fd, buffer, sizeof buffer, 0);
        if (has_line_end(buffer, n))
            finish(i, true, now, out);
        else if (n == 0 || (n < 0 && errno != EAGAIN))
            finish(i, false, now, out);
        // else: part of the greeting, or a spurious wake-up; the sweep bounds the wait.
    }

    void sweep_timeouts(clock_type::time_point now, LoadResult& out) {
        for (std::uint32_t i = 0; i < slots_.size(); ++i)
            if (slots_[i].fd >= 0 && now - slots_[i].started > kConnectionTimeout)
                finish(i, false, now, out);
    }

    int index_;
    sockaddr_in target_;
    std::vector<Slot> slots_;
    int epoll_ = -1;
    std::uint64_t started_ = 0;
};

}  // namespace

LoadResult generate_load(const sockaddr_in& target, const LoadOptions& options) {
    const auto start = clock_type::now();
    const auto deadline = start + std::chrono::seconds(options.seconds);
    std::vector<LoadResult> per_thread(static_cast<std::size_t>(options.threads));
    std::vector<std::thread> clients;
    for (int t = 0; t < options.threads; ++t) {
        clients.emplace_back([&, t] {
            auto& out = per_thread[static_cast<std::size_t>(t)];
            if (options.kind == ClientKind::blocking) {
                blocking_client(t, target, deadline, out);
            } else {
                EpollClient client(t * kSources / options.threads, target, options.in_flight);
                client.run(deadline, out);
            }
            out.client_cpu_seconds = thread_cpu_seconds();
        });
    }
    for (auto& client : clients) client.join();
    LoadResult total;
    total.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    for (const auto& r : per_thread) {
        total.completed += r.completed;
        total.failed += r.failed;
        total.client_cpu_seconds += r.client_cpu_seconds;
    }
    return total;
}

}  // namespace decnet::bench
