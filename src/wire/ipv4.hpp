// IPv4 (RFC 791): a checked view of a received header and a writer for the
// 20-byte header tcpterm sends. Options are skipped, fragments rejected (no
// reassembly), TTL ignored. Trailing bytes past total length are Ethernet
// padding and are excluded from payload().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/byte_order.hpp"
#include "wire/checked.hpp"
#include "wire/checksum.hpp"
#include "wire/ip_address.hpp"

namespace tcpterm::wire {

inline constexpr size_t kIpv4MinHeaderSize = 20;

class Ipv4View {
 public:
  /// Validates version 4, IHL >= 5, IHL*4 <= total length <= packet size, the
  /// header checksum (skipped when `checksum_verified_by_hardware`), and that
  /// this is not a fragment.
  static Checked<Ipv4View> check(std::span<const uint8_t> packet, bool checksum_verified_by_hardware);

  // Header fields in host order; *_bytes() point at the network-order address.
  /// IHL * 4, options included.
  size_t header_length() const { return header_length_; }
  /// Total length from the header (the view is trimmed to it).
  uint16_t total_length() const { return static_cast<uint16_t>(packet_.size()); }
  uint8_t ttl() const { return packet_[8]; }
  uint8_t protocol() const { return packet_[9]; }
  uint16_t identification() const { return load_be16(packet_.data() + 4); }
  const uint8_t* source_bytes() const { return packet_.data() + 12; }
  const uint8_t* destination_bytes() const { return packet_.data() + 16; }
  IpAddress source() const { return IpAddress::v4_from_bytes(source_bytes()); }
  IpAddress destination() const { return IpAddress::v4_from_bytes(destination_bytes()); }
  /// The header, options included.
  std::span<const uint8_t> header() const { return packet_.first(header_length_); }
  /// The bytes after the header, up to total length.
  std::span<const uint8_t> payload() const { return packet_.subspan(header_length_); }
  /// Running sum of the pseudo-header for this packet's L4 payload.
  uint64_t pseudo_header_sum() const {
    return ipv4_pseudo_header_sum(source_bytes(), destination_bytes(), protocol(),
                                  static_cast<uint16_t>(payload().size()));
  }

 private:
  std::span<const uint8_t> packet_;  // trimmed to total length
  size_t header_length_ = 0;
};

/// True for sources a host must not accept (RFC 1122 3.2.1.3, RFC 6890):
/// 0.0.0.0/8, 127.0.0.0/8, multicast 224.0.0.0/4 and 240.0.0.0/4 incl.
/// limited broadcast.
constexpr bool is_bad_ipv4_source(const IpAddress& address) {
  const uint8_t first = address.bytes[12];
  return first == 0 || first == 127 || first >= 224;
}

/// True for destinations that cannot be a TCP endpoint: multicast, limited
/// broadcast (RFC 9293 3.9.1.1 SYN to broadcast/multicast is dropped).
constexpr bool is_ipv4_multicast_or_broadcast(const IpAddress& address) {
  return address.bytes[12] >= 224;
}

/// Fields of the IPv4 header tcpterm sends: no options, DF set, ID 0
/// (RFC 6864 4.1 allows any ID on atomic datagrams).
struct Ipv4HeaderSpec {
  IpAddress source;       // IPv4-mapped
  IpAddress destination;  // IPv4-mapped
  uint8_t protocol = 0;
  uint16_t payload_length = 0;
  uint8_t ttl = 64;
};

/// Writes a 20-byte IPv4 header; with ChecksumMode::kOffload the header
/// checksum is left 0 for the NIC. Returns 20, or 0 if `out` is too small or
/// payload_length does not fit in total length.
size_t build_ipv4_header(std::span<uint8_t> out, const Ipv4HeaderSpec& spec, ChecksumMode mode);

}  // namespace tcpterm::wire
