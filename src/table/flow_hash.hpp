// Flow hash: the Toeplitz hash NICs compute for RSS, so that the hash the NIC
// puts in a received mbuf and the one software computes for the same flow are
// equal, and the flow table can use either (ports are set up with kDefaultRssKey).
//
// Toeplitz: for every input bit i (MSB first) that is set, XOR the 32-bit
// window of the key starting at key bit i. That is linear in the input, so the
// hash of a 36-byte input is the XOR of one contribution per input byte:
//   kByteTables[p][b] = XOR of the windows at bits 8p..8p+7 selected by b,
// 36 tables x 256 x 4 bytes = 36 KiB, built at compile time. An IPv4 flow
// touches the first 12 tables (12 KiB, 12 lookups), an IPv6 flow all 36.
//
// RSS input for a packet tcpterm receives (Microsoft RSS spec, TCP/IPv4 and
// TCP/IPv6): source address, destination address, source port, destination
// port, all in network byte order. Source = key.remote_*, destination =
// key.local_*.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "table/flow_key.hpp"

namespace tcpterm::table {

/// The 40-byte default RSS key of the Microsoft RSS verification suite (also
/// Intel's drivers' and DPDK's testpmd default); ports are configured with it.
inline constexpr std::array<uint8_t, 40> kDefaultRssKey = {
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
    0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
    0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/// Longest RSS input: two IPv6 addresses and two ports.
inline constexpr size_t kMaxRssInputBytes = 16 + 16 + 2 + 2;

/// Reference Toeplitz hash, bit by bit, as a NIC computes it. Input bytes past
/// rss_key.size() - 4 are ignored (the key has no window for them). Slow: for
/// tests and the control path; the fast path uses flow_hash().
constexpr uint32_t toeplitz_hash(std::span<const uint8_t> rss_key, std::span<const uint8_t> input) {
  if (rss_key.size() < 4) return 0;
  size_t usable = rss_key.size() - 4 < input.size() ? rss_key.size() - 4 : input.size();
  // window = key bits [i, i+32) for the current input bit i; next_key_byte feeds it.
  uint32_t window = (uint32_t{rss_key[0]} << 24) | (uint32_t{rss_key[1]} << 16) |
                    (uint32_t{rss_key[2]} << 8) | uint32_t{rss_key[3]};
  uint32_t hash = 0;
  for (size_t byte = 0; byte < usable; ++byte) {
    uint8_t next_key_byte = rss_key[byte + 4];
    for (int bit = 7; bit >= 0; --bit) {
      if (input[byte] & (1u << bit)) hash ^= window;
      window = (window << 1) | ((next_key_byte >> bit) & 1u);
    }
  }
  return hash;
}

namespace detail {

using ToeplitzByteTables = std::array<std::array<uint32_t, 256>, kMaxRssInputBytes>;

/// kByteTables[p][b]: the Toeplitz contribution of byte value b at input position p.
constexpr ToeplitzByteTables make_toeplitz_byte_tables(const std::array<uint8_t, 40>& key) {
  ToeplitzByteTables tables{};
  for (size_t p = 0; p < kMaxRssInputBytes; ++p) {
    std::array<uint8_t, 1> one_bit{};
    std::array<uint32_t, 8> bit_window{};  // bit_window[k]: contribution of bit (7 - k) of byte p
    for (int k = 0; k < 8; ++k) {
      std::array<uint8_t, 40> shifted{};
      // A single set bit at position p shares its window with the same input
      // byte hashed against the key advanced by p bytes.
      for (size_t i = 0; i + p < key.size(); ++i) shifted[i] = key[i + p];
      one_bit[0] = static_cast<uint8_t>(0x80u >> k);
      bit_window[k] = toeplitz_hash(shifted, one_bit);
    }
    for (uint32_t b = 1; b < 256; ++b) {
      int lowest = __builtin_ctz(b);  // bit index 0..7 from the LSB
      tables[p][b] = tables[p][b & (b - 1)] ^ bit_window[7 - lowest];
    }
  }
  return tables;
}

inline constexpr ToeplitzByteTables kToeplitzByteTables = make_toeplitz_byte_tables(kDefaultRssKey);

}  // namespace detail

/// Serialises the RSS input a NIC hashes for a packet received on `key`'s flow
/// (source = remote, destination = local, network order); returns its length
/// (12 for IPv4, 36 for IPv6). Control path and tests.
inline size_t rss_input(const FlowKey& key, std::array<uint8_t, kMaxRssInputBytes>& out) {
  size_t n = 0;
  if (key.is_v4()) {
    for (int i = 0; i < 4; ++i) out[n++] = key.remote_address.v4_bytes()[i];
    for (int i = 0; i < 4; ++i) out[n++] = key.local_address.v4_bytes()[i];
  } else {
    for (int i = 0; i < 16; ++i) out[n++] = key.remote_address.v6_bytes()[i];
    for (int i = 0; i < 16; ++i) out[n++] = key.local_address.v6_bytes()[i];
  }
  out[n++] = static_cast<uint8_t>(key.remote_port >> 8);
  out[n++] = static_cast<uint8_t>(key.remote_port);
  out[n++] = static_cast<uint8_t>(key.local_port >> 8);
  out[n++] = static_cast<uint8_t>(key.local_port);
  return n;
}

namespace detail {

/// XOR of the per-position contributions of one RSS input, unrolled per family.
template <size_t kAddressBytes>
inline uint32_t toeplitz_of_tuple(const uint8_t* remote, const uint8_t* local, uint16_t remote_port,
                                  uint16_t local_port) {
  const auto& t = kToeplitzByteTables;
  uint32_t hash = 0;
  for (size_t i = 0; i < kAddressBytes; ++i)
    hash ^= t[i][remote[i]] ^ t[kAddressBytes + i][local[i]];
  constexpr size_t p = 2 * kAddressBytes;
  hash ^= t[p][remote_port >> 8] ^ t[p + 1][remote_port & 0xff];
  hash ^= t[p + 2][local_port >> 8] ^ t[p + 3][local_port & 0xff];
  return hash;
}

}  // namespace detail

/// The RSS hash of a packet received from `remote` to `local` with
/// kDefaultRssKey: equal to toeplitz_hash(kDefaultRssKey, rss_input(key)) for
/// that flow's key and to the NIC's mbuf hash.rss. 12 (IPv4) or 36 (IPv6)
/// table lookups. Takes the addresses where they are: the worker hashes a
/// frame's parse right after writing it, and copying the addresses into a key
/// first read each back whole, which missed store forwarding (each was
/// written as two 8-byte halves).
inline uint32_t flow_hash(const wire::IpAddress& remote, const wire::IpAddress& local,
                          uint16_t remote_port, uint16_t local_port) {
  if (remote.is_v4())
    return detail::toeplitz_of_tuple<4>(remote.v4_bytes(), local.v4_bytes(), remote_port,
                                        local_port);
  return detail::toeplitz_of_tuple<16>(remote.v6_bytes(), local.v6_bytes(), remote_port,
                                       local_port);
}

/// flow_hash of `key`'s flow.
inline uint32_t flow_hash(const FlowKey& key) {
  return flow_hash(key.remote_address, key.local_address, key.remote_port, key.local_port);
}

}  // namespace tcpterm::table
