// RFC 1071 sum as plain 64-bit additions of native-order 32-bit words, in
// four independent accumulators. No end-around carry is needed: 2^32 and 2^16
// are both 1 (mod 0xffff), so the plain sum folds to the same 16-bit one's
// complement sum, and 64 bits hold 2^32 such words without overflow. (The
// carry chain of 64-bit adds serialised every add; bench/RESULTS.md.)
#include "wire/checksum.hpp"

#include <bit>
#include <cstring>

namespace tcpterm::wire {

namespace {

template <class Word>
inline Word load_native(const uint8_t* p) {
  Word w;
  std::memcpy(&w, p, sizeof(w));
  return w;
}

/// The native-order value of a 16-bit field holding `value` big-endian: what
/// load_native<uint16_t> would read back from store_be16(value).
inline uint64_t native_of_be16(uint16_t value) {
  if constexpr (std::endian::native == std::endian::little) value = __builtin_bswap16(value);
  return value;
}

inline uint64_t native_of_be32(uint32_t value) {
  if constexpr (std::endian::native == std::endian::little) value = __builtin_bswap32(value);
  return value;
}

}  // namespace

uint64_t checksum_accumulate(std::span<const uint8_t> bytes, uint64_t sum) {
  const uint8_t* p = bytes.data();
  size_t n = bytes.size();
  // A caller's sum may use all 64 bits; folding it to 33 leaves the headroom.
  uint64_t a = (sum & 0xffffffffu) + (sum >> 32);
  uint64_t b = 0, c = 0, d = 0;
  while (n >= 16) {
    a += load_native<uint32_t>(p);
    b += load_native<uint32_t>(p + 4);
    c += load_native<uint32_t>(p + 8);
    d += load_native<uint32_t>(p + 12);
    p += 16;
    n -= 16;
  }
  if (n >= 8) {
    a += load_native<uint32_t>(p);
    b += load_native<uint32_t>(p + 4);
    p += 8;
    n -= 8;
  }
  if (n >= 4) {
    c += load_native<uint32_t>(p);
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    d += load_native<uint16_t>(p);
    p += 2;
    n -= 2;
  }
  if (n == 1) {
    // RFC 1071 4.1: pad the odd byte with a zero byte.
    const uint8_t padded[2] = {p[0], 0};
    a += load_native<uint16_t>(padded);
  }
  return a + b + c + d;
}

uint16_t checksum_fold(uint64_t sum) {
  sum = (sum & 0xffffffffu) + (sum >> 32);
  sum = (sum & 0xffffffffu) + (sum >> 32);
  sum = (sum & 0xffffu) + (sum >> 16);
  sum = (sum & 0xffffu) + (sum >> 16);
  sum = (sum & 0xffffu) + (sum >> 16);
  auto folded = static_cast<uint16_t>(sum);
  // The sum was taken over native-order words; the field is big-endian.
  if constexpr (std::endian::native == std::endian::little) folded = __builtin_bswap16(folded);
  return folded;
}

uint16_t internet_checksum(std::span<const uint8_t> bytes) {
  return static_cast<uint16_t>(~checksum_fold(checksum_accumulate(bytes)));
}

bool internet_checksum_ok(std::span<const uint8_t> bytes) {
  return checksum_fold(checksum_accumulate(bytes)) == 0xffff;
}

// The pseudo-headers are summed from their fields, not laid out in a buffer
// first: storing the fields and loading them back as words stalled on store
// forwarding and cost more than the sum itself.
uint64_t ipv4_pseudo_header_sum(const uint8_t* source, const uint8_t* destination,
                                uint8_t protocol, uint16_t l4_length) {
  return uint64_t{load_native<uint32_t>(source)} + load_native<uint32_t>(destination) +
         native_of_be16(protocol) + native_of_be16(l4_length);
}

uint64_t ipv6_pseudo_header_sum(const uint8_t* source, const uint8_t* destination,
                                uint8_t next_header, uint32_t l4_length) {
  uint64_t sum = native_of_be32(l4_length) + native_of_be32(next_header);
  for (int i = 0; i < 16; i += 4)
    sum += uint64_t{load_native<uint32_t>(source + i)} + load_native<uint32_t>(destination + i);
  return sum;
}

uint16_t l4_checksum(uint64_t pseudo_header_sum, std::span<const uint8_t> l4_bytes) {
  return static_cast<uint16_t>(~checksum_fold(checksum_accumulate(l4_bytes, pseudo_header_sum)));
}

bool l4_checksum_ok(uint64_t pseudo_header_sum, std::span<const uint8_t> l4_bytes) {
  return checksum_fold(checksum_accumulate(l4_bytes, pseudo_header_sum)) == 0xffff;
}

uint16_t checksum_update16(uint16_t checksum, uint16_t old_value, uint16_t new_value) {
  // RFC 1624 3 eqn. 3; eqn. 2 (HC' = HC - ~m - m') can yield -0 (0x0000).
  uint32_t sum = uint32_t{static_cast<uint16_t>(~checksum)} +
                 uint32_t{static_cast<uint16_t>(~old_value)} + uint32_t{new_value};
  sum = (sum & 0xffffu) + (sum >> 16);
  sum = (sum & 0xffffu) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

uint16_t checksum_update32(uint16_t checksum, uint32_t old_value, uint32_t new_value) {
  checksum = checksum_update16(checksum, static_cast<uint16_t>(old_value >> 16),
                               static_cast<uint16_t>(new_value >> 16));
  return checksum_update16(checksum, static_cast<uint16_t>(old_value),
                           static_cast<uint16_t>(new_value));
}

}  // namespace tcpterm::wire
