// Rng: the one source of randomness for planning (hostnames, random services, distros).
// Seeded from --seed for reproducible plans; its algorithm (splitmix64 + rejection
// sampling) is fixed here so a seed means the same plan on every platform.
#pragma once

#include <cstdint>
#include <vector>

namespace decnet {

class Rng {
  public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    static Rng from_entropy();

    std::uint64_t next();
    // Uniform in [0, n); n must be > 0.
    std::uint64_t below(std::uint64_t n);
    // Uniform in [lo, hi], inclusive.
    int between(int lo, int hi) { return lo + static_cast<int>(below(hi - lo + 1)); }

    // k distinct items in draw order (partial Fisher–Yates); k is clamped to the size.
    template <class T>
    std::vector<T> sample(std::vector<T> pool, std::size_t k) {
        if (k > pool.size()) k = pool.size();
        for (std::size_t i = 0; i < k; ++i) std::swap(pool[i], pool[i + below(pool.size() - i)]);
        pool.resize(k);
        return pool;
    }

  private:
    std::uint64_t state_;
};

}  // namespace decnet
