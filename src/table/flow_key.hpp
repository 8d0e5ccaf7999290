// FlowKey: the TCP 4-tuple from tcpterm's point of view (local = the address
// the peer sent to). 36 bytes, compared with memcmp; ports in host order.
#pragma once

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
  friend bool operator==(const FlowKey& a, const FlowKey& b) {
    return std::memcmp(&a, &b, sizeof(FlowKey)) == 0;
  }
};
static_assert(sizeof(FlowKey) == 36, "FlowKey must stay packed for memcmp");

}  // namespace tcpterm::table
