// The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
// A running sum is an opaque uint64_t accumulated over native-order loads
// (RFC 1071 2(B): the sum is byte-order independent); checksum_fold turns it
// into the 16-bit one's complement sum as the host-order value of the
// big-endian wire field, ready for store_be16. The sums are inline: every
// frame in and out takes two or three of them, mostly over 20 to 100 bytes.
//
// The sum is plain 64-bit additions of native-order 32-bit words in four
// independent accumulators. No end-around carry is needed: 2^32 and 2^16 are
// both 1 (mod 0xffff), so the plain sum folds to the same 16-bit one's
// complement sum, and 64 bits hold 2^32 such words without overflow. (The
// carry chain of 64-bit adds serialised every add; bench/RESULTS.md.)
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace tcpterm::wire {

namespace checksum_detail {

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

}  // namespace checksum_detail

/// Who computes outgoing checksums: software, or the NIC (DPDK TX offload, for
/// which the TCP checksum field must hold the pseudo-header sum).
enum class ChecksumMode : uint8_t { kSoftware, kOffload };

/// Adds `bytes` to the running sum `sum`. Any alignment. When summing a
/// message in pieces, every piece but the last must have an even length.
inline uint64_t checksum_accumulate(std::span<const uint8_t> bytes, uint64_t sum = 0) {
  const uint8_t* p = bytes.data();
  size_t n = bytes.size();
  // A caller's sum may use all 64 bits; folding it to 33 leaves the headroom.
  uint64_t a = (sum & 0xffffffffu) + (sum >> 32);
  uint64_t b = 0, c = 0, d = 0;
  while (n >= 16) {
    a += checksum_detail::load_native<uint32_t>(p);
    b += checksum_detail::load_native<uint32_t>(p + 4);
    c += checksum_detail::load_native<uint32_t>(p + 8);
    d += checksum_detail::load_native<uint32_t>(p + 12);
    p += 16;
    n -= 16;
  }
  if (n >= 8) {
    a += checksum_detail::load_native<uint32_t>(p);
    b += checksum_detail::load_native<uint32_t>(p + 4);
    p += 8;
    n -= 8;
  }
  if (n >= 4) {
    c += checksum_detail::load_native<uint32_t>(p);
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    d += checksum_detail::load_native<uint16_t>(p);
    p += 2;
    n -= 2;
  }
  if (n == 1) {
    // RFC 1071 4.1: pad the odd byte with a zero byte.
    const uint8_t padded[2] = {p[0], 0};
    a += checksum_detail::load_native<uint16_t>(padded);
  }
  return a + b + c + d;
}

/// The running sum of exactly `Words` 32-bit words at `p` (any alignment): a
/// fixed-length header, with no length checks or tail handling, such as the
/// 20-byte IPv4 header without options that nearly every datagram carries.
template <size_t Words>
inline uint64_t checksum_accumulate_words(const uint8_t* p) {
  uint64_t sum = 0;
  for (size_t i = 0; i < Words; ++i) sum += checksum_detail::load_native<uint32_t>(p + 4 * i);
  return sum;
}

/// Folds a running sum to the 16-bit one's complement sum (not complemented),
/// as a host-order value of the big-endian field. Two steps instead of five
/// shift-and-add rounds: 64 to 32 bits with an end-around carry (2^32 is 1
/// mod 0xffff), then the rotate trick: the high half of s + rotl(s, 16) is
/// the one's complement sum of s's two halves, the carry out of the low half
/// being the end-around carry.
inline uint16_t checksum_fold(uint64_t sum) {
  const auto low = static_cast<uint32_t>(sum);
  uint32_t s = low + static_cast<uint32_t>(sum >> 32);
  s += s < low;  // end-around carry; cannot carry again: s was at most 2^32 - 2
  auto folded = static_cast<uint16_t>((s + std::rotl(s, 16)) >> 16);
  // The sum was taken over native-order words; the field is big-endian.
  if constexpr (std::endian::native == std::endian::little) folded = __builtin_bswap16(folded);
  return folded;
}

/// The Internet checksum of `bytes` (RFC 1071): ~fold(sum), host order.
inline uint16_t internet_checksum(std::span<const uint8_t> bytes) {
  return static_cast<uint16_t>(~checksum_fold(checksum_accumulate(bytes)));
}

/// True when `bytes`, checksum field included, sums to 0xffff (RFC 1071 1).
inline bool internet_checksum_ok(std::span<const uint8_t> bytes) {
  return checksum_fold(checksum_accumulate(bytes)) == 0xffff;
}

/// Running sum of the IPv4 pseudo-header (RFC 9293 3.1): addresses are 4 bytes
/// in network order; `l4_length` is the TCP/UDP header plus data length.
/// Summed from the fields, not laid out in a buffer first: storing the fields
/// and loading them back as words stalled on store forwarding.
inline uint64_t ipv4_pseudo_header_sum(const uint8_t* source, const uint8_t* destination,
                                       uint8_t protocol, uint16_t l4_length) {
  return uint64_t{checksum_detail::load_native<uint32_t>(source)} +
         checksum_detail::load_native<uint32_t>(destination) +
         checksum_detail::native_of_be16(protocol) + checksum_detail::native_of_be16(l4_length);
}

/// Running sum of the IPv6 pseudo-header (RFC 8200 8.1): addresses are 16
/// bytes in network order.
inline uint64_t ipv6_pseudo_header_sum(const uint8_t* source, const uint8_t* destination,
                                       uint8_t next_header, uint32_t l4_length) {
  uint64_t sum =
      checksum_detail::native_of_be32(l4_length) + checksum_detail::native_of_be32(next_header);
  for (int i = 0; i < 16; i += 4)
    sum += uint64_t{checksum_detail::load_native<uint32_t>(source + i)} +
           checksum_detail::load_native<uint32_t>(destination + i);
  return sum;
}

/// The checksum to store in an L4 header: ~fold(pseudo + l4 bytes), where the
/// checksum field inside `l4_bytes` is zero.
inline uint16_t l4_checksum(uint64_t pseudo_header_sum, std::span<const uint8_t> l4_bytes) {
  return static_cast<uint16_t>(~checksum_fold(checksum_accumulate(l4_bytes, pseudo_header_sum)));
}

/// True when the L4 message (checksum field included) verifies against the
/// pseudo-header sum.
inline bool l4_checksum_ok(uint64_t pseudo_header_sum, std::span<const uint8_t> l4_bytes) {
  return checksum_fold(checksum_accumulate(l4_bytes, pseudo_header_sum)) == 0xffff;
}

/// RFC 1624 3 eqn. 3: new checksum after a 16-bit field changes from
/// `old_value` to `new_value`: HC' = ~(~HC + ~m + m'). All host order.
uint16_t checksum_update16(uint16_t checksum, uint16_t old_value, uint16_t new_value);

/// RFC 1624 for a 32-bit field (two 16-bit words), e.g. an IPv4 address.
uint16_t checksum_update32(uint16_t checksum, uint32_t old_value, uint32_t new_value);

}  // namespace tcpterm::wire
