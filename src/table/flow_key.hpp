// FlowKey: the TCP 4-tuple from tcpterm's point of view (local = the address
// the peer sent to). 36 packed bytes, compared word by word; ports in host order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "wire/ip_address.hpp"

namespace tcpterm::table {

struct FlowKey {
  wire::IpAddress remote_address;
  wire::IpAddress local_address;
  uint16_t remote_port = 0;
  uint16_t local_port = 0;

  bool is_v4() const { return local_address.is_v4(); }
  /// Every lookup hit compares keys: four 64-bit and one 32-bit word, OR-ed,
  /// one branch (a 36-byte memcmp was a libc call per lookup). Each word is
  /// its own scalar load: copying the key into word arrays first made GCC
  /// spill it through the stack and reload, missing store forwarding (perf).
  friend bool operator==(const FlowKey& a, const FlowKey& b) {
    const auto* x = reinterpret_cast<const uint8_t*>(&a);
    const auto* y = reinterpret_cast<const uint8_t*>(&b);
    auto word = [](const uint8_t* p) {
      uint64_t w;
      std::memcpy(&w, p, sizeof w);
      return w;
    };
    uint32_t x_ports;
    uint32_t y_ports;
    std::memcpy(&x_ports, x + 32, sizeof x_ports);
    std::memcpy(&y_ports, y + 32, sizeof y_ports);
    return ((word(x) ^ word(y)) | (word(x + 8) ^ word(y + 8)) | (word(x + 16) ^ word(y + 16)) |
            (word(x + 24) ^ word(y + 24)) | (x_ports ^ y_ports)) == 0;
  }
};
static_assert(sizeof(FlowKey) == 36 && offsetof(FlowKey, remote_port) == 32,
              "FlowKey must stay packed: operator== compares its bytes");

/// Writes the tuple as keyed-hash input (ISNs, SYN cookies) to `out` (room
/// for sizeof(FlowKey) bytes) and returns its length: 12 bytes when both addresses are IPv4
/// (without their ::ffff: prefix), all 36 otherwise. Fewer bytes are fewer SipHash rounds (8
/// instead of 14 for an IPv4 ISN); the lengths differ, so the two forms
/// cannot collide.
inline size_t write_hash_input(const FlowKey& key, uint8_t* out) {
  if (!key.local_address.is_v4() || !key.remote_address.is_v4()) {
    std::memcpy(out, &key, sizeof key);
    return sizeof key;
  }
  std::memcpy(out, key.remote_address.bytes.data() + 12, 4);
  std::memcpy(out + 4, key.local_address.bytes.data() + 12, 4);
  std::memcpy(out + 8, &key.remote_port, 2);
  std::memcpy(out + 10, &key.local_port, 2);
  return 12;
}

}  // namespace tcpterm::table
