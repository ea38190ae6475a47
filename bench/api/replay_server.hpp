// The ceiling for api_bench on this machine: an HTTP/1.1 keep-alive server that does no
// work at all — epoll, one thread per core, each request answered with bytes recorded
// from `decnet api` beforehand. Whatever it cannot reach with wrk on the same cores, no
// server can; api_bench reports decnet as a ratio of it, as conn_bench does with its bare
// accept/send/close server.
#pragma once

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace decnet::bench {

class ReplayServer {
  public:
    // `responses`: request target → complete response (status line, headers, body). A
    // target not in the map gets the entry whose key is its longest prefix (so
    // `/logs?limit=100&offset=N` pages can share one recording), or a 404.
    ReplayServer(int port, std::map<std::string, std::string> responses, int threads);
    ~ReplayServer();
    ReplayServer(const ReplayServer&) = delete;
    ReplayServer& operator=(const ReplayServer&) = delete;

    std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

  private:
    void serve(int listener);
    const std::string& answer_for(const std::string& target) const;

    int port_;
    std::map<std::string, std::string> responses_;
    std::string not_found_;
    std::atomic<bool> running_{true};
    std::vector<int> listeners_;
    std::vector<std::thread> threads_;
};

// Records each target's complete response from a running server (curl -i, bearer token).
std::map<std::string, std::string> record_responses(const std::string& base,
                                                    const std::string& token,
                                                    const std::vector<std::string>& targets);

}  // namespace decnet::bench
