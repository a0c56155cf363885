// SplitMix64 (Steele, Lea & Flood 2014): the one seeded pseudo-random generator of townsite (the
// sensitivity runs, the sample generator, the tests' fuzzing). Small, and the same numbers on every
// platform, so that a seed reproduces a run.
//
//   SplitMix64 rng(42);
//   double u = rng.uniform();          // [0, 1)
//   std::size_t k = rng.below(10);     // 0 .. 9
#pragma once

#include <cstddef>
#include <cstdint>

namespace townsite {

class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }   // [0, 1), 53 bits
    std::size_t below(std::size_t n) { return n ? std::size_t(next() % n) : 0; }   // [0, n), slightly biased for huge n

private:
    std::uint64_t m_state;
};

}  // namespace townsite
