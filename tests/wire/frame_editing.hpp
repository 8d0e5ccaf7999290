// Test helpers that edit reference frames: recompute the IPv4 header and the
// TCP/ICMP/ICMPv6 checksums after a field change, so a test can reach the
// check it targets instead of failing an earlier checksum.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "wire/byte_order.hpp"
#include "wire/checksum.hpp"

namespace tcpterm::wire::test {

/// Offset of the L3 header: 14, or 18 after one 802.1Q tag.
inline size_t l3_offset_of(const std::vector<uint8_t>& frame) {
  return frame.size() >= 14 && load_be16(frame.data() + 12) == 0x8100 ? 18 : 14;
}

/// Recomputes every checksum in an IPv4 or IPv6 frame whose lengths are sane;
/// leaves anything it cannot make sense of alone.
inline void refresh_checksums(std::vector<uint8_t>& frame) {
  const size_t l3 = l3_offset_of(frame);
  if (frame.size() < l3 + 2) return;
  const uint16_t type = load_be16(frame.data() + l3 - 2);
  uint8_t* ip = frame.data() + l3;
  const size_t available = frame.size() - l3;
  size_t l4_offset = 0;
  size_t l4_length = 0;
  uint8_t protocol = 0;
  uint64_t pseudo = 0;
  if (type == 0x0800 && available >= 20) {
    const size_t ihl = size_t{ip[0] & 0xfu} * 4;
    const size_t total = load_be16(ip + 2);
    if (ihl < 20 || ihl > available) return;
    store_be16(ip + 10, 0);
    store_be16(ip + 10, internet_checksum({ip, ihl}));
    if (total < ihl || total > available) return;
    l4_offset = l3 + ihl;
    l4_length = total - ihl;
    protocol = ip[9];
    pseudo = protocol == 1 ? 0 : ipv4_pseudo_header_sum(ip + 12, ip + 16, protocol, static_cast<uint16_t>(l4_length));
  } else if (type == 0x86dd && available >= 40) {
    l4_length = load_be16(ip + 4);
    if (40 + l4_length > available) return;
    l4_offset = l3 + 40;
    protocol = ip[6];
    pseudo = ipv6_pseudo_header_sum(ip + 8, ip + 24, protocol, static_cast<uint32_t>(l4_length));
  } else {
    return;
  }
  const size_t field = protocol == 6 ? 16 : (protocol == 1 || protocol == 58) ? 2 : 0;
  if (field == 0 || l4_length < field + 2) return;
  uint8_t* l4 = frame.data() + l4_offset;
  store_be16(l4 + field, 0);
  store_be16(l4 + field, l4_checksum(pseudo, {l4, l4_length}));
}

}  // namespace tcpterm::wire::test
