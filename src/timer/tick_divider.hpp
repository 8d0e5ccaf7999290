// TickDivider: divides microseconds by the timer tick without a `div`
// instruction. The tick is a run-time setting, so the compiler cannot turn
// the division into a multiply itself, and a 64-bit div costs 13 to 44 cycles
// on current x86 cores; the engine divides several times per segment.
//
// floor(x / d) is taken as the high half of x * floor((2^64 - 1) / d), which
// is exact or one short (x * inv / 2^64 > x / d - 1), then corrected once.
#pragma once

#include <cassert>
#include <cstdint>

namespace tcpterm::timer {

class TickDivider {
 public:
  /// `divisor` > 0 (control path).
  explicit TickDivider(uint64_t divisor) : divisor_(divisor), inverse_(UINT64_MAX / divisor) {
    assert(divisor > 0);
  }

  /// floor(x / divisor), exact for every 64-bit x.
  uint64_t floor(uint64_t x) const {
    uint64_t q = static_cast<uint64_t>((static_cast<unsigned __int128>(x) * inverse_) >> 64);
    if (x - q * divisor_ >= divisor_) ++q;
    return q;
  }
  /// ceil(x / divisor), exact for every 64-bit x.
  uint64_t ceil(uint64_t x) const {
    uint64_t q = floor(x);
    return q + (x != q * divisor_ ? 1 : 0);
  }
  uint64_t divisor() const { return divisor_; }

 private:
  uint64_t divisor_;
  uint64_t inverse_;
};

}  // namespace tcpterm::timer
