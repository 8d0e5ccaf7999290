// IPv6 (RFC 8200): a checked view of the fixed header and a writer for the
// header tcpterm sends. Extension headers are rejected (DropReason::
// kIpv6ExtensionHeader), so the payload always starts right after 40 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/byte_order.hpp"
#include "wire/checked.hpp"
#include "wire/checksum.hpp"
#include "wire/ip_address.hpp"
#include "wire/ip_protocol.hpp"

namespace tcpterm::wire {

inline constexpr size_t kIpv6HeaderSize = 40;

class Ipv6View {
 public:
  /// Validates version 6, 40 + payload length <= packet size, and that the next
  /// header is not an extension header.
  static Checked<Ipv6View> check(std::span<const uint8_t> packet) {
    using Result = Checked<Ipv6View>;
    if (packet.size() < kIpv6HeaderSize) return Result::rejected(DropReason::kIpv6TooShort);
    const uint8_t* p = packet.data();
    if ((p[0] >> 4) != 6) return Result::rejected(DropReason::kIpv6BadVersion);
    const size_t payload_length = load_be16(p + 4);
    if (kIpv6HeaderSize + payload_length > packet.size())
      return Result::rejected(DropReason::kIpv6BadPayloadLength);
    if (ip_protocol::is_ipv6_extension_header(p[6]))
      return Result::rejected(DropReason::kIpv6ExtensionHeader);
    Ipv6View view;
    view.packet_ = packet.first(kIpv6HeaderSize + payload_length);
    return {view, DropReason::kNone};
  }

  // Header fields; *_bytes() point at the network-order address.
  uint8_t next_header() const { return packet_[6]; }
  uint8_t hop_limit() const { return packet_[7]; }
  const uint8_t* source_bytes() const { return packet_.data() + 8; }
  const uint8_t* destination_bytes() const { return packet_.data() + 24; }
  IpAddress source() const { return IpAddress::v6_from_bytes(source_bytes()); }
  IpAddress destination() const { return IpAddress::v6_from_bytes(destination_bytes()); }
  /// The bytes after the fixed header, up to payload length.
  std::span<const uint8_t> payload() const { return packet_.subspan(kIpv6HeaderSize); }
  /// Running sum of the pseudo-header for this packet's L4 payload.
  uint64_t pseudo_header_sum() const {
    return ipv6_pseudo_header_sum(source_bytes(), destination_bytes(), next_header(),
                                  static_cast<uint32_t>(payload().size()));
  }

 private:
  std::span<const uint8_t> packet_;  // trimmed to 40 + payload length
};

/// ff00::/8 (RFC 4291 2.7).
constexpr bool is_ipv6_multicast(const IpAddress& address) { return address.bytes[0] == 0xff; }

/// :: (RFC 4291 2.5.2).
constexpr bool is_ipv6_unspecified(const IpAddress& address) { return address == IpAddress{}; }

/// True for sources no peer may use (RFC 4291 2.5.3, 2.7): multicast and
/// loopback. The unspecified address is checked by callers since Neighbour
/// Solicitations for DAD legitimately carry it (RFC 4861 4.3).
constexpr bool is_bad_ipv6_source(const IpAddress& address) {
  IpAddress loopback;
  loopback.bytes[15] = 1;
  return is_ipv6_multicast(address) || address == loopback;
}

/// Fields of the IPv6 header tcpterm sends: traffic class 0, flow label 0.
struct Ipv6HeaderSpec {
  IpAddress source;
  IpAddress destination;
  uint8_t next_header = 0;
  uint16_t payload_length = 0;
  uint8_t hop_limit = 64;
};

/// Writes the 40-byte fixed header; returns 40, or 0 if `out` is too small.
inline size_t build_ipv6_header(std::span<uint8_t> out, const Ipv6HeaderSpec& spec) {
  if (out.size() < kIpv6HeaderSize) return 0;
  uint8_t* p = out.data();
  store_be32(p, 6u << 28);  // version 6, traffic class 0, flow label 0
  store_be16(p + 4, spec.payload_length);
  p[6] = spec.next_header;
  p[7] = spec.hop_limit;
  std::memcpy(p + 8, spec.source.v6_bytes(), 16);
  std::memcpy(p + 24, spec.destination.v6_bytes(), 16);
  return kIpv6HeaderSize;
}

}  // namespace tcpterm::wire
