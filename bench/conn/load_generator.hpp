// conn_bench's clients: connect, read a one-line greeting, close with RST. Two kinds, so
// the client's own cost can be measured: blocking threads (one connection at a time each)
// and epoll loops (many non-blocking connections in flight per thread).
#pragma once

#include <netinet/in.h>

#include <cstdint>

namespace decnet::bench {

enum class ClientKind { blocking, epoll };

struct LoadOptions {
    ClientKind kind = ClientKind::epoll;
    int threads = 2;
    int in_flight = 32;  // per epoll thread
    int seconds = 4;
};

struct LoadResult {
    std::uint64_t completed = 0;
    std::uint64_t failed = 0;
    double seconds = 0;
    double client_cpu_seconds = 0;  // the client threads' own CPU time (user + system)
    double rate() const { return seconds > 0 ? static_cast<double>(completed) / seconds : 0; }
};

// Clients spread over 16 source addresses (127.201.0.x). Bounded in time (`seconds`) and
// count (2M connections per thread).
LoadResult generate_load(const sockaddr_in& target, const LoadOptions& options);

}  // namespace decnet::bench
