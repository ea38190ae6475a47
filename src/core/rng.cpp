// splitmix64 generator with unbiased bounded draws.
#include "core/rng.hpp"

#include <random>

namespace decnet {

Rng Rng::from_entropy() {
    std::random_device device;
    return Rng((std::uint64_t{device()} << 32) ^ device());
}

std::uint64_t Rng::next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t Rng::below(std::uint64_t n) {
    // Rejection sampling: drop the top partial bucket so every value is equally likely.
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
    std::uint64_t x = next();
    while (x >= limit) x = next();
    return x % n;
}

}  // namespace decnet
