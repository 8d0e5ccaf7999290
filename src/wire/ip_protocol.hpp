// IP protocol numbers (IANA "Assigned Internet Protocol Numbers") used in the
// IPv4 protocol field and the IPv6 next-header field.
#pragma once

#include <cstdint>

namespace tcpterm::wire::ip_protocol {

inline constexpr uint8_t kIpv6HopByHop = 0;
inline constexpr uint8_t kIcmp = 1;
inline constexpr uint8_t kTcp = 6;
inline constexpr uint8_t kUdp = 17;
inline constexpr uint8_t kIpv6Routing = 43;
inline constexpr uint8_t kIpv6Fragment = 44;
inline constexpr uint8_t kEsp = 50;
inline constexpr uint8_t kAuthenticationHeader = 51;
inline constexpr uint8_t kIcmpv6 = 58;
inline constexpr uint8_t kIpv6NoNextHeader = 59;
inline constexpr uint8_t kIpv6DestinationOptions = 60;
inline constexpr uint8_t kMobility = 135;
inline constexpr uint8_t kHostIdentity = 139;
inline constexpr uint8_t kShim6 = 140;
inline constexpr uint8_t kExperimental1 = 253;
inline constexpr uint8_t kExperimental2 = 254;

/// True for the IPv6 extension headers of the IANA "IPv6 Extension Header
/// Types" registry (RFC 8200 4, RFC 7045).
constexpr bool is_ipv6_extension_header(uint8_t next_header) {
  switch (next_header) {
    case kIpv6HopByHop:
    case kIpv6Routing:
    case kIpv6Fragment:
    case kEsp:
    case kAuthenticationHeader:
    case kIpv6DestinationOptions:
    case kMobility:
    case kHostIdentity:
    case kShim6:
    case kExperimental1:
    case kExperimental2:
      return true;
    default:
      return false;
  }
}

}  // namespace tcpterm::wire::ip_protocol
