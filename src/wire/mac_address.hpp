// MacAddress: a 48-bit IEEE 802 address in network order, with the
// broadcast/multicast tests the parser needs and text conversion for config.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace tcpterm::wire {

struct MacAddress {
  std::array<uint8_t, 6> bytes{};

  /// Copies 6 bytes in network order.
  static MacAddress from_bytes(const uint8_t* network_order) {
    MacAddress mac;
    std::memcpy(mac.bytes.data(), network_order, 6);
    return mac;
  }
  /// ff:ff:ff:ff:ff:ff.
  static constexpr MacAddress broadcast() {
    return MacAddress{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
  }
  /// Writes the 6 bytes to `out`.
  void store(uint8_t* out) const { std::memcpy(out, bytes.data(), 6); }

  constexpr bool is_broadcast() const { return *this == broadcast(); }
  /// Group bit set (IEEE 802-2014 8.2); true for broadcast as well.
  constexpr bool is_multicast() const { return (bytes[0] & 0x01) != 0; }
  constexpr bool is_zero() const { return *this == MacAddress{}; }

  /// Parses "02:00:00:00:00:01" (also '-' separated); nullopt on bad input.
  static std::optional<MacAddress> parse(std::string_view text);
  /// Lower-case colon-separated text.
  std::string to_string() const;

  /// One 32-bit and one 16-bit compare: the defaulted form became a memcmp
  /// call, and the parser compares MACs on every frame.
  friend constexpr bool operator==(const MacAddress& a, const MacAddress& b) {
    if (std::is_constant_evaluated()) return a.bytes == b.bytes;
    uint32_t a_high, b_high;
    uint16_t a_low, b_low;
    std::memcpy(&a_high, a.bytes.data(), 4);
    std::memcpy(&b_high, b.bytes.data(), 4);
    std::memcpy(&a_low, a.bytes.data() + 4, 2);
    std::memcpy(&b_low, b.bytes.data() + 4, 2);
    return ((a_high ^ b_high) | static_cast<uint32_t>(a_low ^ b_low)) == 0;
  }
};

}  // namespace tcpterm::wire
