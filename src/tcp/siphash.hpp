// SipHash-2-4 (Aumasson and Bernstein, 2012): the keyed hash behind ISNs
// (RFC 6528 asks for a PRF keyed with a secret) and SYN cookies. Short
// inputs only (a FlowKey plus a counter); no allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tcpterm::tcp {

namespace detail {

// Forced inline: as an out-of-line call (GCC's choice in some builds, once a
// caller grew) the four state words went through memory in every round,
// which cost about 70 instructions per hash (callgrind, bench/RESULTS.md).
[[gnu::always_inline]] inline uint64_t rotl(uint64_t x, int b) {
  return (x << b) | (x >> (64 - b));
}

// The SipRound as the paper lays it out, one half-round per line:
// clang-format off
[[gnu::always_inline]] inline void sip_round(uint64_t& v0, uint64_t& v1, uint64_t& v2, uint64_t& v3) {
  v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
  v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
  v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
  v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
}
// clang-format on

}  // namespace detail

/// SipHash-2-4 of `len` bytes at `data` under a 16-byte key.
inline uint64_t siphash24(const std::array<uint8_t, 16>& key, const void* data, size_t len) {
  uint64_t k0, k1;
  std::memcpy(&k0, key.data(), 8);
  std::memcpy(&k1, key.data() + 8, 8);
  uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
  uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
  uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
  uint64_t v3 = 0x7465646279746573ULL ^ k1;
  const auto* in = static_cast<const uint8_t*>(data);
  size_t whole = len & ~size_t{7};
  for (size_t i = 0; i < whole; i += 8) {
    uint64_t m;
    std::memcpy(&m, in + i, 8);
    v3 ^= m;
    detail::sip_round(v0, v1, v2, v3);
    detail::sip_round(v0, v1, v2, v3);
    v0 ^= m;
  }
  uint64_t last = static_cast<uint64_t>(len) << 56;
  for (size_t i = 0; i < (len & 7); ++i) last |= static_cast<uint64_t>(in[whole + i]) << (8 * i);
  v3 ^= last;
  detail::sip_round(v0, v1, v2, v3);
  detail::sip_round(v0, v1, v2, v3);
  v0 ^= last;
  v2 ^= 0xff;
  detail::sip_round(v0, v1, v2, v3);
  detail::sip_round(v0, v1, v2, v3);
  detail::sip_round(v0, v1, v2, v3);
  detail::sip_round(v0, v1, v2, v3);
  return v0 ^ v1 ^ v2 ^ v3;
}

}  // namespace tcpterm::tcp
