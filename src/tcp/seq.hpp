// SeqNum: TCP sequence numbers as their own type, so every comparison is
// modulo 2^32 (RFC 9293 3.4). A raw `<` on sequence numbers is a bug.
#pragma once

#include <cstdint>

namespace tcpterm::tcp {

class SeqNum {
 public:
  constexpr SeqNum() = default;
  constexpr explicit SeqNum(uint32_t raw) : raw_(raw) {}
  constexpr uint32_t raw() const { return raw_; }

  constexpr SeqNum operator+(uint32_t n) const { return SeqNum(raw_ + n); }
  constexpr SeqNum operator-(uint32_t n) const { return SeqNum(raw_ - n); }
  constexpr SeqNum& operator+=(uint32_t n) {
    raw_ += n;
    return *this;
  }
  /// Signed distance a - b, meaningful while |a - b| < 2^31.
  constexpr friend int32_t operator-(SeqNum a, SeqNum b) {
    return static_cast<int32_t>(a.raw_ - b.raw_);
  }
  constexpr friend bool operator==(SeqNum, SeqNum) = default;

 private:
  uint32_t raw_ = 0;
};

constexpr bool seq_lt(SeqNum a, SeqNum b) { return (a - b) < 0; }
constexpr bool seq_leq(SeqNum a, SeqNum b) { return (a - b) <= 0; }
constexpr bool seq_gt(SeqNum a, SeqNum b) { return (a - b) > 0; }
constexpr bool seq_geq(SeqNum a, SeqNum b) { return (a - b) >= 0; }
constexpr SeqNum seq_max(SeqNum a, SeqNum b) { return seq_lt(a, b) ? b : a; }
constexpr SeqNum seq_min(SeqNum a, SeqNum b) { return seq_lt(a, b) ? a : b; }
/// start <= s < start + len (modulo 2^32).
constexpr bool seq_in_window(SeqNum s, SeqNum start, uint32_t len) {
  return static_cast<uint32_t>(s.raw() - start.raw()) < len;
}

}  // namespace tcpterm::tcp
