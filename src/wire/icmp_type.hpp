// ICMPv4 (RFC 792) and ICMPv6 (RFC 4443, RFC 4861) message types tcpterm
// answers; everything else is dropped as DropReason::kIcmpUnsupportedType.
#pragma once

#include <cstdint>

namespace tcpterm::wire {

namespace icmp_type {
inline constexpr uint8_t kV4EchoReply = 0;
inline constexpr uint8_t kV4EchoRequest = 8;
inline constexpr uint8_t kV6EchoRequest = 128;
inline constexpr uint8_t kV6EchoReply = 129;
inline constexpr uint8_t kV6NeighbourSolicitation = 135;
inline constexpr uint8_t kV6NeighbourAdvertisement = 136;
}  // namespace icmp_type

}  // namespace tcpterm::wire
