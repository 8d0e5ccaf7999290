// The frame walk behind parse_frame. Each layer is a checked view; the first
// rejection ends the walk and becomes the result's drop reason. Every layer
// fills the caller's one ParseResult in place: passing the ~200-byte result
// down and back up by value cost several copies per frame (bench/RESULTS.md).
#include "wire/packet_parser.hpp"

#include "wire/ethernet.hpp"
#include "wire/icmp_echo.hpp"
#include "wire/ip_protocol.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6.hpp"
#include "wire/neighbour_discovery.hpp"
#include "wire/tcp_header.hpp"

namespace tcpterm::wire {

namespace {

void drop(ParseResult& result, DropReason reason) {
  result.kind = PacketKind::kDrop;
  result.drop_reason = reason;
}

/// Fills the TCP fields from `segment` (at `l4_offset` in the frame), or
/// marks `result` dropped.
void parse_tcp(ParseResult& result, std::span<const uint8_t> segment, uint64_t pseudo_header_sum,
               const ParseOptions& options) {
  // RFC 9293 3.9.1.1 (LISTEN, "fourth"): segments to broadcast/multicast are not ours.
  if (result.destination_mac.is_multicast()) return drop(result, DropReason::kNotForUs);
  const auto checked = TcpView::check(segment, pseudo_header_sum, options.l4_checksum_verified);
  if (!checked.ok()) return drop(result, checked.reason);
  const TcpView& tcp = checked.view;
  if (tcp.source_port() == 0 || tcp.destination_port() == 0)
    return drop(result, DropReason::kTcpBadPort);
  if (parse_tcp_options(tcp.options(), result.options) != TcpOptionsError::kNone)
    return drop(result, DropReason::kTcpBadOptions);
  result.kind = PacketKind::kTcp;
  result.source_port = tcp.source_port();
  result.destination_port = tcp.destination_port();
  result.sequence_number = tcp.sequence_number();
  result.acknowledgment_number = tcp.acknowledgment_number();
  result.tcp_flags = tcp.flags();
  result.window = tcp.window();
  result.urgent_pointer = tcp.urgent_pointer();
  result.payload = tcp.payload();
}

void parse_arp(ParseResult& result, std::span<const uint8_t> packet) {
  const auto checked = ArpView::check(packet);
  if (!checked.ok()) return drop(result, checked.reason);
  const ArpView& arp = checked.view;
  if (arp.sender_mac().is_multicast()) return drop(result, DropReason::kBadSourceMac);
  result.kind = PacketKind::kArp;
  result.arp_operation = arp.operation();
  result.arp_sender_mac = arp.sender_mac();
  result.source_ip = arp.sender_ip();
  result.destination_ip = arp.target_ip();
}

void parse_ipv4(ParseResult& result, std::span<const uint8_t> packet, const ParseOptions& options) {
  const auto checked = Ipv4View::check(packet, options.ipv4_checksum_verified);
  if (!checked.ok()) return drop(result, checked.reason);
  const Ipv4View& ip = checked.view;
  result.source_ip = ip.source();
  result.destination_ip = ip.destination();
  result.l4_offset = result.l3_offset + ip.header_length();
  // RFC 1122 3.2.1.3: never answer a source that cannot be a host.
  if (is_bad_ipv4_source(result.source_ip)) return drop(result, DropReason::kBadSourceAddress);
  switch (ip.protocol()) {
    case ip_protocol::kTcp:
      if (is_ipv4_multicast_or_broadcast(result.destination_ip))
        return drop(result, DropReason::kNotForUs);
      return parse_tcp(result, ip.payload(), ip.pseudo_header_sum(), options);
    case ip_protocol::kIcmp: {
      const auto echo = IcmpEchoView::check_v4(ip.payload());
      if (!echo.ok()) return drop(result, echo.reason);
      result.kind = PacketKind::kIcmpv4Echo;
      result.payload = echo.view.message();
      return;
    }
    default:
      return drop(result, DropReason::kUnsupportedL4Protocol);
  }
}

void parse_icmpv6(ParseResult& result, const Ipv6View& ip) {
  const auto message = ip.payload();
  if (message.empty()) return drop(result, DropReason::kIcmpMalformed);
  result.payload = message;
  switch (message[0]) {
    case icmp_type::kV6EchoRequest: {
      if (is_ipv6_unspecified(result.source_ip)) return drop(result, DropReason::kBadSourceAddress);
      const auto echo = IcmpEchoView::check_v6(ip);
      if (!echo.ok()) return drop(result, echo.reason);
      result.kind = PacketKind::kIcmpv6Echo;
      return;
    }
    case icmp_type::kV6NeighbourSolicitation:
    case icmp_type::kV6NeighbourAdvertisement: {
      const bool solicitation = message[0] == icmp_type::kV6NeighbourSolicitation;
      const auto neighbour = solicitation ? NeighbourMessageView::check_solicitation(ip)
                                          : NeighbourMessageView::check_advertisement(ip);
      if (!neighbour.ok()) return drop(result, neighbour.reason);
      result.kind = solicitation ? PacketKind::kIcmpv6NeighbourSolicitation
                                 : PacketKind::kIcmpv6NeighbourAdvertisement;
      result.neighbour_target = neighbour.view.target();
      result.neighbour_flags = solicitation ? 0 : neighbour.view.flags();
      const auto mac = neighbour.view.link_layer_address();
      result.has_link_layer_address = mac.has_value();
      result.link_layer_address = mac.value_or(MacAddress{});
      return;
    }
    default:
      return drop(result, DropReason::kIcmpUnsupportedType);
  }
}

void parse_ipv6(ParseResult& result, std::span<const uint8_t> packet, const ParseOptions& options) {
  const auto checked = Ipv6View::check(packet);
  if (!checked.ok()) return drop(result, checked.reason);
  const Ipv6View& ip = checked.view;
  result.source_ip = ip.source();
  result.destination_ip = ip.destination();
  result.l4_offset = result.l3_offset + kIpv6HeaderSize;
  // RFC 4291 2.7: multicast is never a source; nor is loopback off the wire.
  if (is_bad_ipv6_source(result.source_ip)) return drop(result, DropReason::kBadSourceAddress);
  switch (ip.next_header()) {
    case ip_protocol::kTcp:
      if (is_ipv6_unspecified(result.source_ip)) return drop(result, DropReason::kBadSourceAddress);
      if (is_ipv6_multicast(result.destination_ip)) return drop(result, DropReason::kNotForUs);
      return parse_tcp(result, ip.payload(), ip.pseudo_header_sum(), options);
    case ip_protocol::kIcmpv6:
      return parse_icmpv6(result, ip);
    default:
      return drop(result, DropReason::kUnsupportedL4Protocol);
  }
}

}  // namespace

void parse_frame(std::span<const uint8_t> frame, const ParseOptions& options, ParseResult& result) {
  // Not a whole `result = ParseResult{}`: clearing ~200 bytes per frame cost
  // more than the rest of the Ethernet walk. Each kind writes all of its own
  // fields below; the others keep what an earlier frame left.
  result.kind = PacketKind::kDrop;
  result.drop_reason = DropReason::kNone;
  const auto checked = EthernetView::check(frame);
  if (!checked.ok()) return drop(result, checked.reason);
  const EthernetView& ethernet = checked.view;
  result.source_mac = ethernet.source();
  result.destination_mac = ethernet.destination();
  result.has_vlan = ethernet.has_vlan();
  result.vlan_id = ethernet.vlan_id();
  result.l3_offset = ethernet.l3_offset();
  // IEEE 802.3 3.2.3: a source address is always an individual address.
  if (result.source_mac.is_multicast()) return drop(result, DropReason::kBadSourceMac);
  if (!options.local_mac.is_zero() && !result.destination_mac.is_multicast() &&
      result.destination_mac != options.local_mac)
    return drop(result, DropReason::kNotForUs);
  switch (ethernet.ethertype()) {
    case ethertype::kArp:
      return parse_arp(result, ethernet.l3_bytes());
    case ethertype::kIpv4:
      return parse_ipv4(result, ethernet.l3_bytes(), options);
    case ethertype::kIpv6:
      return parse_ipv6(result, ethernet.l3_bytes(), options);
    default:
      return drop(result, DropReason::kUnknownEthertype);
  }
}

}  // namespace tcpterm::wire
