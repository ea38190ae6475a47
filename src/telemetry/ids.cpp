// Trace and span ids: xoshiro256** per thread, seeded once per thread from the OS. Ids
// need to be unique and unpredictable enough for sampling, not cryptographic.
#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "telemetry/internal.hpp"

namespace decnet::telemetry::detail {
namespace {

std::uint64_t rotl(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

class Xoshiro256 {
  public:
    Xoshiro256() {
        std::random_device device;
        std::uint64_t seed = (std::uint64_t{device()} << 32) ^ device();
        // Mix in time and thread identity in case random_device is deterministic.
        seed ^=
            static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
        seed ^= std::hash<std::thread::id>{}(std::this_thread::get_id());
        for (auto& word : s_) word = splitmix64(seed);
    }
    std::uint64_t next() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

  private:
    std::uint64_t s_[4];
};

Xoshiro256& generator() {
    thread_local Xoshiro256 instance;
    return instance;
}

}  // namespace

std::array<std::uint8_t, 16> new_trace_id() noexcept {
    std::array<std::uint8_t, 16> id{};
    std::uint64_t words[2];
    do {
        words[0] = generator().next();
        words[1] = generator().next();
    } while (words[0] == 0 && words[1] == 0);
    std::memcpy(id.data(), words, sizeof words);
    return id;
}

std::array<std::uint8_t, 8> new_span_id() noexcept {
    std::array<std::uint8_t, 8> id{};
    std::uint64_t word;
    do {
        word = generator().next();
    } while (word == 0);
    std::memcpy(id.data(), &word, sizeof word);
    return id;
}

}  // namespace decnet::telemetry::detail
