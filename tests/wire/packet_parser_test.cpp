// parse_frame: every scapy reference frame yields the right kind and fields,
// and every malformed input is dropped with its exact DropReason (a table,
// one row per rule, checksums refreshed so the targeted rule is what fires).
#include "wire/packet_parser.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "frame_editing.hpp"
#include "reference_frames.hpp"
#include "wire/neighbour_discovery.hpp"
#include "wire/tcp_header.hpp"

namespace tcpterm::wire {
namespace {

ParseResult parse(const std::vector<uint8_t>& frame, const ParseOptions& options = {}) {
  return parse_frame(frame, options);
}

// The worker parses every frame into the same ParseResult without clearing
// it first: every field the new frame's kind defines must be its own, nothing
// left over from the frame before (fields of other kinds may be).
void expect_kind_fields_equal(const ParseResult& reused, const ParseResult& fresh) {
  ASSERT_EQ(reused.kind, fresh.kind);
  EXPECT_EQ(reused.drop_reason, fresh.drop_reason);
  if (fresh.kind == PacketKind::kDrop) return;  // nothing else means anything
  EXPECT_EQ(reused.source_mac, fresh.source_mac);
  EXPECT_EQ(reused.destination_mac, fresh.destination_mac);
  EXPECT_EQ(reused.has_vlan, fresh.has_vlan);
  EXPECT_EQ(reused.vlan_id, fresh.vlan_id);
  EXPECT_EQ(reused.source_ip, fresh.source_ip);
  EXPECT_EQ(reused.destination_ip, fresh.destination_ip);
  EXPECT_EQ(reused.l3_offset, fresh.l3_offset);
  switch (fresh.kind) {
    case PacketKind::kArp:
      EXPECT_EQ(reused.arp_operation, fresh.arp_operation);
      EXPECT_EQ(reused.arp_sender_mac, fresh.arp_sender_mac);
      return;
    case PacketKind::kIcmpv6NeighbourSolicitation:
    case PacketKind::kIcmpv6NeighbourAdvertisement:
      EXPECT_EQ(reused.neighbour_target, fresh.neighbour_target);
      EXPECT_EQ(reused.neighbour_flags, fresh.neighbour_flags);
      EXPECT_EQ(reused.has_link_layer_address, fresh.has_link_layer_address);
      EXPECT_EQ(reused.link_layer_address, fresh.link_layer_address);
      break;
    case PacketKind::kTcp:
      EXPECT_EQ(reused.source_port, fresh.source_port);
      EXPECT_EQ(reused.destination_port, fresh.destination_port);
      EXPECT_EQ(reused.sequence_number, fresh.sequence_number);
      EXPECT_EQ(reused.acknowledgment_number, fresh.acknowledgment_number);
      EXPECT_EQ(reused.tcp_flags, fresh.tcp_flags);
      EXPECT_EQ(reused.window, fresh.window);
      EXPECT_EQ(reused.urgent_pointer, fresh.urgent_pointer);
      EXPECT_EQ(reused.options.has_mss, fresh.options.has_mss);
      EXPECT_EQ(reused.options.mss, fresh.options.mss);
      EXPECT_EQ(reused.options.has_window_scale, fresh.options.has_window_scale);
      EXPECT_EQ(reused.options.sack_permitted, fresh.options.sack_permitted);
      EXPECT_EQ(reused.options.has_timestamps, fresh.options.has_timestamps);
      EXPECT_EQ(reused.options.sack_block_count, fresh.options.sack_block_count);
      break;
    default:
      break;
  }
  EXPECT_EQ(reused.l4_offset, fresh.l4_offset);
  EXPECT_EQ(reused.payload.data(), fresh.payload.data());
  EXPECT_EQ(reused.payload.size(), fresh.payload.size());
}

TEST(PacketParser, ReusedResultCarriesNothingOverWithinAKind) {
  std::vector<std::vector<uint8_t>> frames;
  for (const auto hex : test::kAllReferenceFrames) frames.push_back(test::from_hex(hex));
  // A solicitation without the source link-layer address option (a DAD probe's
  // shape), after one with it: the option's absence must show.
  auto bare_solicitation = test::from_hex(test::kNeighbourSolicitation);
  bare_solicitation.resize(bare_solicitation.size() - 8);
  store_be16(bare_solicitation.data() + 14 + 4, 24);  // IPv6 payload length
  test::refresh_checksums(bare_solicitation);
  ASSERT_EQ(parse(bare_solicitation).kind, PacketKind::kIcmpv6NeighbourSolicitation);
  ASSERT_FALSE(parse(bare_solicitation).has_link_layer_address);
  frames.push_back(bare_solicitation);
  for (const auto& before : frames) {
    for (const auto& after : frames) {
      ParseResult reused;
      parse_frame(before, {}, reused);
      parse_frame(after, {}, reused);
      const ParseResult fresh = parse(after);
      expect_kind_fields_equal(reused, fresh);
      if (HasFailure()) return;
    }
  }
}

TEST(PacketParser, Ipv4SynWithOptions) {
  const auto frame = test::from_hex(test::kIpv4Syn);
  const auto result = parse(frame);
  ASSERT_EQ(result.kind, PacketKind::kTcp) << to_string(result.drop_reason);
  EXPECT_EQ(result.drop_reason, DropReason::kNone);
  EXPECT_EQ(result.source_mac, test::kMacA);
  EXPECT_EQ(result.destination_mac, test::kMacB);
  EXPECT_FALSE(result.has_vlan);
  EXPECT_EQ(result.source_ip, *IpAddress::parse("10.0.0.1"));
  EXPECT_EQ(result.destination_ip, *IpAddress::parse("10.0.0.2"));
  EXPECT_EQ(result.l3_offset, 14u);
  EXPECT_EQ(result.l4_offset, 34u);
  EXPECT_EQ(result.source_port, 40000);
  EXPECT_EQ(result.destination_port, 80);
  EXPECT_EQ(result.sequence_number, 1000u);
  EXPECT_EQ(result.acknowledgment_number, 0u);
  EXPECT_EQ(result.tcp_flags, tcp_flag::kSyn);
  EXPECT_EQ(result.window, 64240);
  EXPECT_TRUE(result.options.has_mss);
  EXPECT_EQ(result.options.mss, 1460);
  EXPECT_TRUE(result.options.sack_permitted);
  EXPECT_TRUE(result.options.has_timestamps);
  EXPECT_EQ(result.options.ts_val, 12345u);
  EXPECT_EQ(result.options.window_scale, 7);
  EXPECT_TRUE(result.payload.empty());
}

TEST(PacketParser, Ipv4VlanSegmentWithPayload) {
  const auto frame = test::from_hex(test::kIpv4VlanAckPayload);
  const auto result = parse(frame);
  ASSERT_EQ(result.kind, PacketKind::kTcp) << to_string(result.drop_reason);
  EXPECT_TRUE(result.has_vlan);
  EXPECT_EQ(result.vlan_id, 100);
  EXPECT_EQ(result.l3_offset, 18u);
  EXPECT_EQ(result.l4_offset, 38u);
  EXPECT_EQ(result.acknowledgment_number, 5001u);
  EXPECT_EQ(result.tcp_flags, tcp_flag::kPsh | tcp_flag::kAck);
  EXPECT_EQ(result.options.ts_ecr, 777u);
  EXPECT_EQ(std::string(result.payload.begin(), result.payload.end()), "hello world");
  EXPECT_EQ(result.payload.data(), frame.data() + frame.size() - 11) << "payload is a view, not a copy";
}

TEST(PacketParser, Ipv4WithIpOptionsAndEthernetPadding) {
  auto frame = test::from_hex(test::kIpv4OptionsTcp);
  frame.resize(frame.size() + 4, 0);  // padding past total length
  const auto result = parse(frame);
  ASSERT_EQ(result.kind, PacketKind::kTcp) << to_string(result.drop_reason);
  EXPECT_EQ(result.l4_offset, 14u + 28);
  EXPECT_TRUE(result.payload.empty());
}

TEST(PacketParser, Ipv6SynAckAndPayload) {
  const auto synack = parse(test::from_hex(test::kIpv6SynAck));
  ASSERT_EQ(synack.kind, PacketKind::kTcp) << to_string(synack.drop_reason);
  EXPECT_EQ(synack.source_ip, *IpAddress::parse("2001:db8::2"));
  EXPECT_EQ(synack.l4_offset, 54u);
  EXPECT_EQ(synack.tcp_flags, tcp_flag::kSyn | tcp_flag::kAck);
  EXPECT_EQ(synack.options.mss, 1440);
  EXPECT_EQ(synack.options.window_scale, 9);
  const auto frame = test::from_hex(test::kIpv6AckPayload);
  const auto ack = parse(frame);
  ASSERT_EQ(ack.kind, PacketKind::kTcp) << to_string(ack.drop_reason);
  EXPECT_EQ(std::string(ack.payload.begin(), ack.payload.end()), "GET / HTTP/1.0\r\n\r\n!");
}

TEST(PacketParser, ArpRequest) {
  const auto result = parse(test::from_hex(test::kArpRequest));
  ASSERT_EQ(result.kind, PacketKind::kArp) << to_string(result.drop_reason);
  EXPECT_TRUE(result.destination_mac.is_broadcast());
  EXPECT_EQ(result.arp_operation, ArpOperation::kRequest);
  EXPECT_EQ(result.arp_sender_mac, test::kMacA);
  EXPECT_EQ(result.source_ip, *IpAddress::parse("10.0.0.1"));
  EXPECT_EQ(result.destination_ip, *IpAddress::parse("10.0.0.2"));
}

TEST(PacketParser, IcmpEchoRequests) {
  const auto v4 = parse(test::from_hex(test::kIcmpv4EchoRequest));
  ASSERT_EQ(v4.kind, PacketKind::kIcmpv4Echo) << to_string(v4.drop_reason);
  EXPECT_EQ(v4.l4_offset, 34u);
  EXPECT_EQ(v4.payload.size(), 25u);
  const auto v6 = parse(test::from_hex(test::kIcmpv6EchoRequest));
  ASSERT_EQ(v6.kind, PacketKind::kIcmpv6Echo) << to_string(v6.drop_reason);
  EXPECT_EQ(v6.payload.size(), 18u);
}

TEST(PacketParser, NeighbourSolicitationAndAdvertisement) {
  const auto ns = parse(test::from_hex(test::kNeighbourSolicitation));
  ASSERT_EQ(ns.kind, PacketKind::kIcmpv6NeighbourSolicitation) << to_string(ns.drop_reason);
  EXPECT_EQ(ns.neighbour_target, *IpAddress::parse("2001:db8::2"));
  EXPECT_TRUE(ns.has_link_layer_address);
  EXPECT_EQ(ns.link_layer_address, test::kMacA);
  const auto na = parse(test::from_hex(test::kNeighbourAdvertisement));
  ASSERT_EQ(na.kind, PacketKind::kIcmpv6NeighbourAdvertisement) << to_string(na.drop_reason);
  EXPECT_EQ(na.neighbour_flags, neighbour_flag::kSolicited | neighbour_flag::kOverride);
  EXPECT_EQ(na.link_layer_address, test::kMacB);
}

TEST(PacketParser, LocalMacFilter) {
  const auto frame = test::from_hex(test::kIpv4Syn);
  ParseOptions ours;
  ours.local_mac = test::kMacB;
  EXPECT_EQ(parse(frame, ours).kind, PacketKind::kTcp);
  ParseOptions other;
  other.local_mac = test::kMacA;
  EXPECT_EQ(parse(frame, other).drop_reason, DropReason::kNotForUs);
  EXPECT_EQ(parse(test::from_hex(test::kArpRequest), other).kind, PacketKind::kArp) << "broadcast passes";
}

TEST(PacketParser, HardwareVerifiedChecksumsAreTrusted) {
  auto frame = test::from_hex(test::kIpv4Syn);
  frame[14 + 8] = 1;       // TTL: IPv4 header checksum now wrong
  frame[34 + 14] ^= 0xff;  // window: TCP checksum now wrong
  EXPECT_EQ(parse(frame).drop_reason, DropReason::kIpv4BadChecksum);
  ParseOptions ip_only;
  ip_only.ipv4_checksum_verified = true;
  EXPECT_EQ(parse(frame, ip_only).drop_reason, DropReason::kTcpBadChecksum);
  ParseOptions both = ip_only;
  both.l4_checksum_verified = true;
  EXPECT_EQ(parse(frame, both).kind, PacketKind::kTcp);
}

struct MalformedCase {
  const char* name;
  std::string_view reference;
  std::function<void(std::vector<uint8_t>&)> edit;
  DropReason reason;
};

void set_ipv4_total_length(std::vector<uint8_t>& f, size_t l3, uint16_t total) {
  store_be16(f.data() + l3 + 2, total);
  f.resize(l3 + total);
}

TEST(PacketParser, DropsEachMalformedInputWithItsReason) {
  using V = std::vector<uint8_t>;
  const MalformedCase cases[] = {
      {"13-byte frame", test::kIpv4Syn, [](V& f) { f.resize(13); }, DropReason::kFrameTooShort},
      {"truncated VLAN tag", test::kIpv4VlanAckPayload, [](V& f) { f.resize(17); }, DropReason::kBadVlan},
      {"stacked VLAN tags", test::kIpv4VlanAckPayload, [](V& f) { f[16] = 0x81; f[17] = 0x00; }, DropReason::kBadVlan},
      {"LLDP ethertype", test::kIpv4Syn, [](V& f) { f[12] = 0x88; f[13] = 0xcc; }, DropReason::kUnknownEthertype},
      {"multicast source MAC", test::kIpv4Syn, [](V& f) { f[6] = 0x01; }, DropReason::kBadSourceMac},
      {"TCP to broadcast MAC", test::kIpv4Syn, [](V& f) { std::fill(f.begin(), f.begin() + 6, 0xff); }, DropReason::kNotForUs},
      {"TCP to IPv4 multicast", test::kIpv4Syn, [](V& f) { f[30] = 224; }, DropReason::kNotForUs},
      {"TCP to IPv4 broadcast", test::kIpv4Syn, [](V& f) { std::fill(f.begin() + 30, f.begin() + 34, 0xff); }, DropReason::kNotForUs},
      {"TCP to IPv6 multicast", test::kIpv6SynAck, [](V& f) { f[38] = 0xff; }, DropReason::kNotForUs},
      {"short ARP", test::kArpRequest, [](V& f) { f.resize(14 + 27); }, DropReason::kArpMalformed},
      {"ARP opcode 3", test::kArpRequest, [](V& f) { f[21] = 3; }, DropReason::kArpUnsupported},
      {"ARP for IPv6", test::kArpRequest, [](V& f) { f[16] = 0x86; f[17] = 0xdd; }, DropReason::kArpUnsupported},
      {"ARP from multicast sender", test::kArpRequest, [](V& f) { f[22] = 0x01; }, DropReason::kBadSourceMac},
      {"IPv4 version 5", test::kIpv4Syn, [](V& f) { f[14] = 0x55; }, DropReason::kIpv4BadVersion},
      {"IPv4 IHL 4", test::kIpv4Syn, [](V& f) { f[14] = 0x44; }, DropReason::kIpv4BadHeaderLength},
      {"IPv4 shorter than 20", test::kIpv4Syn, [](V& f) { f.resize(14 + 19); }, DropReason::kIpv4BadHeaderLength},
      {"IPv4 total length past frame", test::kIpv4Syn, [](V& f) { store_be16(f.data() + 16, 61); }, DropReason::kIpv4BadTotalLength},
      {"IPv4 total length below IHL", test::kIpv4Syn, [](V& f) { store_be16(f.data() + 16, 19); }, DropReason::kIpv4BadTotalLength},
      {"IPv4 header checksum", test::kIpv4Syn, [](V& f) { f[24] ^= 1; }, DropReason::kIpv4BadChecksum},
      {"IPv4 more fragments", test::kIpv4Syn, [](V& f) { f[20] = 0x20; }, DropReason::kIpv4Fragment},
      {"IPv4 last fragment", test::kIpv4Syn, [](V& f) { f[20] = 0x00; f[21] = 0x10; }, DropReason::kIpv4Fragment},
      {"IPv4 loopback source", test::kIpv4Syn, [](V& f) { f[26] = 127; }, DropReason::kBadSourceAddress},
      {"IPv4 multicast source", test::kIcmpv4EchoRequest, [](V& f) { f[26] = 230; }, DropReason::kBadSourceAddress},
      {"IPv4 UDP", test::kIpv4Syn, [](V& f) { f[23] = 17; }, DropReason::kUnsupportedL4Protocol},
      {"IPv6 shorter than 40", test::kIpv6SynAck, [](V& f) { f.resize(14 + 39); }, DropReason::kIpv6TooShort},
      {"IPv6 version 4", test::kIpv6SynAck, [](V& f) { f[14] = 0x40; }, DropReason::kIpv6BadVersion},
      {"IPv6 payload length past frame", test::kIpv6SynAck, [](V& f) { f[19] = 41; }, DropReason::kIpv6BadPayloadLength},
      {"IPv6 fragment header", test::kIpv6SynAck, [](V& f) { f[20] = 44; }, DropReason::kIpv6ExtensionHeader},
      {"IPv6 hop-by-hop header", test::kIpv6SynAck, [](V& f) { f[20] = 0; }, DropReason::kIpv6ExtensionHeader},
      {"IPv6 multicast source", test::kIpv6SynAck, [](V& f) { f[22] = 0xff; }, DropReason::kBadSourceAddress},
      {"IPv6 TCP from ::", test::kIpv6SynAck, [](V& f) { std::fill(f.begin() + 22, f.begin() + 38, 0); }, DropReason::kBadSourceAddress},
      {"IPv6 UDP", test::kIpv6SynAck, [](V& f) { f[20] = 17; }, DropReason::kUnsupportedL4Protocol},
      {"IPv6 no next header", test::kIpv6SynAck, [](V& f) { f[20] = 59; }, DropReason::kUnsupportedL4Protocol},
      {"ICMPv4 7 bytes", test::kIcmpv4EchoRequest, [](V& f) { set_ipv4_total_length(f, 14, 27); }, DropReason::kIcmpMalformed},
      {"ICMPv4 checksum", test::kIcmpv4EchoRequest, [](V& f) { f[36] ^= 1; }, DropReason::kIcmpBadChecksum},
      {"ICMPv4 timestamp request", test::kIcmpv4EchoRequest, [](V& f) { f[34] = 13; }, DropReason::kIcmpUnsupportedType},
      {"ICMPv4 echo reply", test::kIcmpv4EchoRequest, [](V& f) { f[34] = 0; }, DropReason::kIcmpUnsupportedType},
      {"ICMPv6 empty", test::kIcmpv6EchoRequest, [](V& f) { f[19] = 0; f.resize(54); }, DropReason::kIcmpMalformed},
      {"ICMPv6 echo 7 bytes", test::kIcmpv6EchoRequest, [](V& f) { f[19] = 7; f.resize(61); }, DropReason::kIcmpMalformed},
      {"ICMPv6 checksum", test::kIcmpv6EchoRequest, [](V& f) { f[56] ^= 1; }, DropReason::kIcmpBadChecksum},
      {"ICMPv6 destination unreachable", test::kIcmpv6EchoRequest, [](V& f) { f[54] = 1; }, DropReason::kIcmpUnsupportedType},
      {"ICMPv6 echo from ::", test::kIcmpv6EchoRequest, [](V& f) { std::fill(f.begin() + 22, f.begin() + 38, 0); }, DropReason::kBadSourceAddress},
      {"NS hop limit 64", test::kNeighbourSolicitation, [](V& f) { f[21] = 64; }, DropReason::kIcmpBadHopLimit},
      {"NS option length 0", test::kNeighbourSolicitation, [](V& f) { f[54 + 25] = 0; }, DropReason::kIcmpMalformed},
      {"NA multicast target", test::kNeighbourAdvertisement, [](V& f) { f[54 + 8] = 0xff; }, DropReason::kIcmpMalformed},
      {"TCP 19 bytes", test::kIpv4Syn, [](V& f) { set_ipv4_total_length(f, 14, 20 + 19); }, DropReason::kTcpHeaderTooShort},
      {"TCP data offset 4", test::kIpv4Syn, [](V& f) { f[46] = 0x40; }, DropReason::kTcpBadDataOffset},
      {"TCP data offset past segment", test::kIpv4Syn, [](V& f) { f[46] = 0xb0; }, DropReason::kTcpBadDataOffset},
      {"TCP checksum", test::kIpv6AckPayload, [](V& f) { f.back() ^= 0x80; }, DropReason::kTcpBadChecksum},
      {"TCP MSS length 5", test::kIpv4Syn, [](V& f) { f[55] = 5; }, DropReason::kTcpBadOptions},
      {"TCP option past header", test::kIpv4Syn, [](V& f) { f[72] = 4; }, DropReason::kTcpBadOptions},
      {"TCP source port 0", test::kIpv4Syn, [](V& f) { f[34] = 0; f[35] = 0; }, DropReason::kTcpBadPort},
      {"TCP destination port 0", test::kIpv6SynAck, [](V& f) { f[56] = 0; f[57] = 0; }, DropReason::kTcpBadPort},
  };
  // Edits that corrupt a checksum on purpose must not be refreshed.
  const auto keeps_bad_checksum = [](DropReason r) {
    return r == DropReason::kIpv4BadChecksum || r == DropReason::kIcmpBadChecksum || r == DropReason::kTcpBadChecksum;
  };
  std::vector<bool> seen(kDropReasonCount, false);
  for (const auto& c : cases) {
    auto frame = test::from_hex(c.reference);
    c.edit(frame);
    if (!keeps_bad_checksum(c.reason)) test::refresh_checksums(frame);
    const auto result = parse(frame);
    EXPECT_EQ(result.kind, PacketKind::kDrop) << c.name;
    EXPECT_EQ(to_string(result.drop_reason), std::string(to_string(c.reason))) << c.name;
    seen[static_cast<size_t>(c.reason)] = true;
  }
  for (size_t i = 1; i < kDropReasonCount; ++i)
    EXPECT_TRUE(seen[i]) << "no malformed case for " << to_string(static_cast<DropReason>(i));
}

}  // namespace
}  // namespace tcpterm::wire
