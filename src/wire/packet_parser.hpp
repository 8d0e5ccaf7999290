// parse_frame: one received Ethernet frame to a flat ParseResult, or the
// DropReason that rejected it. Walks Ethernet -> ARP | IPv4 | IPv6 -> ICMP |
// TCP using the checked views; nothing is read past the frame. The dataplane
// turns a Tcp result into a tcp::Segment (wire does not depend on src/tcp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/arp.hpp"
#include "wire/drop_reason.hpp"
#include "wire/ip_address.hpp"
#include "wire/mac_address.hpp"
#include "wire/tcp_options.hpp"

namespace tcpterm::wire {

/// What the NIC already did for this frame (from the mbuf offload flags).
struct ParseOptions {
  bool ipv4_checksum_verified = false;  // RTE_MBUF_F_RX_IP_CKSUM_GOOD
  bool l4_checksum_verified = false;    // RTE_MBUF_F_RX_L4_CKSUM_GOOD (TCP only)
  /// Our port's MAC: unicast frames to another MAC are dropped as kNotForUs.
  /// All-zero (the default) accepts any destination MAC.
  MacAddress local_mac{};
};

enum class PacketKind : uint8_t {
  kDrop,
  kArp,
  kIcmpv4Echo,                      // echo request
  kIcmpv6Echo,                      // echo request
  kIcmpv6NeighbourSolicitation,
  kIcmpv6NeighbourAdvertisement,
  kTcp,
};

struct ParseResult {
  PacketKind kind = PacketKind::kDrop;
  DropReason drop_reason = DropReason::kNone;

  MacAddress source_mac;
  MacAddress destination_mac;
  bool has_vlan = false;
  uint16_t vlan_id = 0;

  /// IPv4 addresses are IPv4-mapped. For ARP: sender and target protocol
  /// addresses.
  IpAddress source_ip;
  IpAddress destination_ip;
  size_t l3_offset = 0;
  size_t l4_offset = 0;  // start of the ICMP message or TCP header

  // ARP
  ArpOperation arp_operation = ArpOperation::kRequest;
  MacAddress arp_sender_mac;  // may differ from source_mac (proxies)

  // ICMPv6 Neighbour Discovery
  IpAddress neighbour_target;
  uint8_t neighbour_flags = 0;            // neighbour_flag::* (advertisement)
  bool has_link_layer_address = false;    // source (NS) / target (NA) option
  MacAddress link_layer_address;

  // TCP: ports in host order, sequence numbers raw.
  uint16_t source_port = 0;
  uint16_t destination_port = 0;
  uint32_t sequence_number = 0;
  uint32_t acknowledgment_number = 0;
  uint8_t tcp_flags = 0;
  uint16_t window = 0;
  uint16_t urgent_pointer = 0;
  TcpOptions options;
  /// TCP payload; for ICMP kinds the whole ICMP message.
  std::span<const uint8_t> payload;

  bool dropped() const { return kind == PacketKind::kDrop; }
};

/// Parses `frame` into `result`. On success `kind` says what it is and every
/// field of that kind (and of its layers) is written; the fields of other
/// kinds are left as they were. On failure `kind` is kDrop, `drop_reason`
/// says why, and the other fields mean nothing.
void parse_frame(std::span<const uint8_t> frame, const ParseOptions& options, ParseResult& result);

/// The same, returning the result.
inline ParseResult parse_frame(std::span<const uint8_t> frame, const ParseOptions& options) {
  ParseResult result;
  parse_frame(frame, options, result);
  return result;
}

}  // namespace tcpterm::wire
