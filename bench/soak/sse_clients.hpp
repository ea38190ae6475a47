// The soak's live-feed viewers: many GET /api/v1/stream clients held open on one thread
// (poll), each decoding the chunked body and counting the frames it got.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace decnet::bench::soak {

struct SseTotals {
    int clients = 0;
    int connected = 0;         // still open when stopped
    int with_frames = 0;       // received at least one data frame
    int with_logs = 0;         // received at least one "logs" frame
    std::uint64_t frames = 0;  // data frames, all clients
    std::uint64_t min_frames = 0;
};

class SseClients {
  public:
    // Opens `count` streams to 127.0.0.1:`port` with `token`; runs until stop().
    SseClients(int count, int port, const std::string& token);
    ~SseClients();
    SseClients(const SseClients&) = delete;
    SseClients& operator=(const SseClients&) = delete;

    // How many are open now (read while running).
    int open() const { return open_.load(); }
    // Stops reading, closes every stream, and returns the totals.
    SseTotals stop();

  private:
    struct Client {
        int fd = -1;
        bool headers_done = false;
        bool failed = false;
        std::string raw;   // bytes not yet decoded
        std::string body;  // decoded stream text not yet split into frames
        std::uint64_t frames = 0;
        std::uint64_t logs_frames = 0;
    };
    void run();
    static void decode(Client& c);

    std::vector<Client> clients_;
    std::atomic<bool> stop_{false};
    std::atomic<int> open_{0};
    std::thread thread_;
};

}  // namespace decnet::bench::soak
