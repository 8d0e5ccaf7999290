// IpAddress: one 16-byte representation for IPv4 and IPv6 so the flow key,
// the connection table and the engine never branch on the address family.
// IPv4 addresses are stored IPv4-mapped (::ffff:a.b.c.d, RFC 4291 2.5.5.2).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace tcpterm::wire {

struct IpAddress {
  std::array<uint8_t, 16> bytes{};

  /// IPv4 address from host-order uint32 (10.7.0.2 == 0x0a070002).
  static constexpr IpAddress v4(uint32_t host_order) {
    IpAddress a;
    a.bytes[10] = 0xff;
    a.bytes[11] = 0xff;
    a.bytes[12] = static_cast<uint8_t>(host_order >> 24);
    a.bytes[13] = static_cast<uint8_t>(host_order >> 16);
    a.bytes[14] = static_cast<uint8_t>(host_order >> 8);
    a.bytes[15] = static_cast<uint8_t>(host_order);
    return a;
  }
  /// IPv4 address from 4 bytes in network order.
  static IpAddress v4_from_bytes(const uint8_t* network_order) {
    IpAddress a;
    a.bytes[10] = 0xff;
    a.bytes[11] = 0xff;
    std::memcpy(a.bytes.data() + 12, network_order, 4);
    return a;
  }
  /// IPv6 address from 16 bytes in network order.
  static IpAddress v6_from_bytes(const uint8_t* network_order) {
    IpAddress a;
    std::memcpy(a.bytes.data(), network_order, 16);
    return a;
  }

  /// True for an IPv4-mapped address. Two loads and compares on the fast
  /// path (it runs several times per SYN).
  bool is_v4() const {
    static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::memcmp(bytes.data(), kMappedPrefix, sizeof kMappedPrefix) == 0;
  }
  constexpr uint32_t v4_host_order() const {
    return (uint32_t{bytes[12]} << 24) | (uint32_t{bytes[13]} << 16) |
           (uint32_t{bytes[14]} << 8) | uint32_t{bytes[15]};
  }
  const uint8_t* v4_bytes() const { return bytes.data() + 12; }
  const uint8_t* v6_bytes() const { return bytes.data(); }

  /// Parses dotted-quad IPv4 or RFC 4291 text IPv6; nullopt on bad input.
  static std::optional<IpAddress> parse(std::string_view text);
  std::string to_string() const;

  /// Two 64-bit compares: the defaulted form became a memcmp call, which the
  /// SYN path paid for in its listener lookup.
  friend constexpr bool operator==(const IpAddress& a, const IpAddress& b) {
    if (std::is_constant_evaluated()) return a.bytes == b.bytes;
    // Scalar loads straight from the bytes (word arrays were spilled through
    // the stack and reloaded, missing store forwarding).
    uint64_t a0, a1, b0, b1;
    std::memcpy(&a0, a.bytes.data(), 8);
    std::memcpy(&a1, a.bytes.data() + 8, 8);
    std::memcpy(&b0, b.bytes.data(), 8);
    std::memcpy(&b1, b.bytes.data() + 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
};

}  // namespace tcpterm::wire
