// RFC 1071 sum with 64-bit accumulation: eight bytes per add with an
// end-around carry, unrolled by four. The one's complement sum of 64-bit words
// folds to the same 16-bit sum because 2^16 == 1 (mod 0xffff).
#include "wire/checksum.hpp"

#include <bit>
#include <cstring>

#include "wire/byte_order.hpp"

namespace tcpterm::wire {

namespace {

inline uint64_t add_with_carry(uint64_t sum, uint64_t value) {
  sum += value;
  return sum + (sum < value ? 1 : 0);
}

template <class Word>
inline Word load_native(const uint8_t* p) {
  Word w;
  std::memcpy(&w, p, sizeof(w));
  return w;
}

}  // namespace

uint64_t checksum_accumulate(std::span<const uint8_t> bytes, uint64_t sum) {
  const uint8_t* p = bytes.data();
  size_t n = bytes.size();
  while (n >= 32) {
    sum = add_with_carry(sum, load_native<uint64_t>(p));
    sum = add_with_carry(sum, load_native<uint64_t>(p + 8));
    sum = add_with_carry(sum, load_native<uint64_t>(p + 16));
    sum = add_with_carry(sum, load_native<uint64_t>(p + 24));
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    sum = add_with_carry(sum, load_native<uint64_t>(p));
    p += 8;
    n -= 8;
  }
  if (n >= 4) {
    sum = add_with_carry(sum, load_native<uint32_t>(p));
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    sum = add_with_carry(sum, load_native<uint16_t>(p));
    p += 2;
    n -= 2;
  }
  if (n == 1) {
    // RFC 1071 4.1: pad the odd byte with a zero byte.
    const uint8_t padded[2] = {p[0], 0};
    sum = add_with_carry(sum, load_native<uint16_t>(padded));
  }
  return sum;
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

uint64_t ipv4_pseudo_header_sum(const uint8_t* source, const uint8_t* destination,
                                uint8_t protocol, uint16_t l4_length) {
  uint8_t header[12];
  std::memcpy(header, source, 4);
  std::memcpy(header + 4, destination, 4);
  header[8] = 0;
  header[9] = protocol;
  store_be16(header + 10, l4_length);
  return checksum_accumulate(header);
}

uint64_t ipv6_pseudo_header_sum(const uint8_t* source, const uint8_t* destination,
                                uint8_t next_header, uint32_t l4_length) {
  uint8_t header[40];
  std::memcpy(header, source, 16);
  std::memcpy(header + 16, destination, 16);
  store_be32(header + 32, l4_length);
  header[36] = 0;
  header[37] = 0;
  header[38] = 0;
  header[39] = next_header;
  return checksum_accumulate(header);
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
