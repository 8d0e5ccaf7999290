// SummedWords: writes a header as big-endian 32-bit words and keeps the
// running Internet-checksum sum (checksum.hpp) of what it wrote. A checksum
// taken this way never loads back bytes just stored: a 4-byte load over
// several narrower stores cannot be forwarded from them and waits for the
// stores to reach the cache.
#pragma once

#include <cstdint>

#include "wire/byte_order.hpp"
#include "wire/checksum.hpp"

namespace tcpterm::wire {

class SummedWords {
 public:
  explicit SummedWords(uint8_t* out) : p_(out) {}

  void put(uint32_t word) {
    store_be32(p_, word);
    sum_ += checksum_detail::native_of_be32(word);
    p_ += 4;
  }
  /// Four bytes in wire order as one word.
  void put(uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3) {
    put(uint32_t{b0} << 24 | uint32_t{b1} << 16 | uint32_t{b2} << 8 | b3);
  }
  /// Two 16-bit fields in wire order as one word.
  void put16(uint16_t high, uint16_t low) { put(uint32_t{high} << 16 | low); }

  uint8_t* position() const { return p_; }
  /// The running sum of every word put (feed it to checksum_fold).
  uint64_t sum() const { return sum_; }

 private:
  uint8_t* p_;
  uint64_t sum_ = 0;
};

}  // namespace tcpterm::wire
