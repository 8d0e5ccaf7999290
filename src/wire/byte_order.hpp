// Network byte order loads and stores. The wire layer is the only place that
// converts byte order; everything above it sees host-order integers.
// memcpy keeps the accesses legal on unaligned buffers and compiles to a
// single load/store plus bswap.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace tcpterm::wire {

/// Reads a big-endian 16-bit value from `p` (any alignment).
inline uint16_t load_be16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap16(v);
  return v;
}

/// Reads a big-endian 32-bit value from `p` (any alignment).
inline uint32_t load_be32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
  return v;
}

/// Writes `v` to `p` as big-endian 16 bits (any alignment).
inline void store_be16(uint8_t* p, uint16_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap16(v);
  std::memcpy(p, &v, sizeof(v));
}

/// Writes `v` to `p` as big-endian 32 bits (any alignment).
inline void store_be32(uint8_t* p, uint32_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
  std::memcpy(p, &v, sizeof(v));
}

}  // namespace tcpterm::wire
