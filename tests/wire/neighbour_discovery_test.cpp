// Neighbour Discovery: scapy's NS and NA parse with their link-layer options;
// the builders reproduce scapy's messages; each RFC 4861 7.1 validity rule
// rejects with its reason; multicast address helpers.
#include "wire/neighbour_discovery.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "reference_frames.hpp"
#include "wire/checksum.hpp"
#include "wire/ip_protocol.hpp"

namespace tcpterm::wire {
namespace {

/// Recomputes the ICMPv6 checksum after a test edits the packet.
void fix_icmpv6_checksum(std::vector<uint8_t>& frame) {
  const size_t length = frame.size() - 54;
  store_be16(frame.data() + 56, 0);
  const uint64_t pseudo = ipv6_pseudo_header_sum(frame.data() + 22, frame.data() + 38, ip_protocol::kIcmpv6,
                                                 static_cast<uint32_t>(length));
  store_be16(frame.data() + 56, l4_checksum(pseudo, std::span(frame).subspan(54)));
}

Checked<NeighbourMessageView> check(const std::vector<uint8_t>& frame, bool solicitation) {
  const auto ip = Ipv6View::check(std::span(frame).subspan(14));
  EXPECT_TRUE(ip.ok());
  return solicitation ? NeighbourMessageView::check_solicitation(ip.view)
                      : NeighbourMessageView::check_advertisement(ip.view);
}

TEST(NeighbourDiscovery, ReadsTheScapySolicitation) {
  const auto frame = test::from_hex(test::kNeighbourSolicitation);
  const auto checked = check(frame, true);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked.view.target(), test::kIp6B);
  EXPECT_EQ(checked.view.link_layer_address(), test::kMacA);
}

TEST(NeighbourDiscovery, ReadsTheScapyAdvertisement) {
  const auto frame = test::from_hex(test::kNeighbourAdvertisement);
  const auto checked = check(frame, false);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked.view.target(), test::kIp6B);
  EXPECT_EQ(checked.view.flags(), neighbour_flag::kSolicited | neighbour_flag::kOverride);
  EXPECT_EQ(checked.view.link_layer_address(), test::kMacB);
}

TEST(NeighbourDiscovery, BuildersEqualScapy) {
  const auto ns = test::from_hex(test::kNeighbourSolicitation);
  std::vector<uint8_t> out(32);
  ASSERT_EQ(build_neighbour_solicitation(out, test::kIp6A, solicited_node_multicast(test::kIp6B), test::kIp6B, test::kMacA), 32u);
  EXPECT_EQ(out, std::vector<uint8_t>(ns.begin() + 54, ns.end()));

  const auto na = test::from_hex(test::kNeighbourAdvertisement);
  ASSERT_EQ(build_neighbour_advertisement(out, test::kIp6B, test::kIp6A, test::kIp6B, test::kMacB,
                                          neighbour_flag::kSolicited | neighbour_flag::kOverride),
            32u);
  EXPECT_EQ(out, std::vector<uint8_t>(na.begin() + 54, na.end()));
  std::vector<uint8_t> small(31);
  EXPECT_EQ(build_neighbour_solicitation(small, test::kIp6A, test::kIp6B, test::kIp6B, test::kMacA), 0u);
}

TEST(NeighbourDiscovery, MulticastHelpersMatchTheScapyFrame) {
  const auto ns = test::from_hex(test::kNeighbourSolicitation);
  EXPECT_EQ(solicited_node_multicast(test::kIp6B), *IpAddress::parse("ff02::1:ff00:2"));
  EXPECT_EQ(ipv6_multicast_mac(solicited_node_multicast(test::kIp6B)), MacAddress::from_bytes(ns.data()));
}

TEST(NeighbourDiscovery, RejectsEachInvalidMessage) {
  const auto ns = test::from_hex(test::kNeighbourSolicitation);
  const auto na = test::from_hex(test::kNeighbourAdvertisement);
  // Also tells GCC the frames are not empty: with -fprofile-use it warned
  // that bad.back() might write before a vector's start.
  ASSERT_FALSE(ns.empty());
  {
    auto bad = ns;
    bad[21] = 254;  // hop limit
    EXPECT_EQ(check(bad, true).reason, DropReason::kIcmpBadHopLimit);
  }
  {
    auto bad = ns;
    bad.back() ^= 1;
    EXPECT_EQ(check(bad, true).reason, DropReason::kIcmpBadChecksum);
  }
  {
    auto bad = ns;
    bad[55] = 1;  // code
    fix_icmpv6_checksum(bad);
    EXPECT_EQ(check(bad, true).reason, DropReason::kIcmpUnsupportedType);
  }
  {
    auto bad = ns;
    bad[54 + 8] = 0xff;  // multicast target
    fix_icmpv6_checksum(bad);
    EXPECT_EQ(check(bad, true).reason, DropReason::kIcmpMalformed);
  }
  {
    auto bad = ns;
    bad[54 + 25] = 0;  // option length 0
    fix_icmpv6_checksum(bad);
    EXPECT_EQ(check(bad, true).reason, DropReason::kIcmpMalformed);
  }
  {
    auto bad = ns;
    bad[54 + 25] = 2;  // option runs past the message
    fix_icmpv6_checksum(bad);
    EXPECT_EQ(check(bad, true).reason, DropReason::kIcmpMalformed);
  }
  {
    auto bad = ns;  // 23-byte message
    bad.resize(54 + 23);
    store_be16(bad.data() + 18, 23);
    EXPECT_EQ(check(bad, true).reason, DropReason::kIcmpMalformed);
  }
  {
    auto bad = ns;  // DAD probe from :: with a source link-layer option
    std::fill(bad.begin() + 22, bad.begin() + 38, 0);
    fix_icmpv6_checksum(bad);
    EXPECT_EQ(check(bad, true).reason, DropReason::kIcmpMalformed);
    bad.resize(54 + 24);  // without the option it is a valid DAD probe
    store_be16(bad.data() + 18, 24);
    fix_icmpv6_checksum(bad);
    EXPECT_TRUE(check(bad, true).ok());
    EXPECT_FALSE(check(bad, true).view.link_layer_address());
  }
  {
    auto bad = na;  // solicited advertisement to a multicast group
    const auto all_nodes = *IpAddress::parse("ff02::1");
    std::copy(all_nodes.bytes.begin(), all_nodes.bytes.end(), bad.begin() + 38);
    fix_icmpv6_checksum(bad);
    EXPECT_EQ(check(bad, false).reason, DropReason::kIcmpMalformed);
    bad[54 + 4] &= static_cast<uint8_t>(~neighbour_flag::kSolicited);
    fix_icmpv6_checksum(bad);
    EXPECT_TRUE(check(bad, false).ok());
  }
  EXPECT_EQ(check(na, true).reason, DropReason::kIcmpUnsupportedType) << "an NA is not an NS";
}

TEST(NeighbourDiscovery, SkipsUnknownOptions) {
  auto frame = test::from_hex(test::kNeighbourSolicitation);
  // Append a nonce option (type 14, length 1).
  const uint8_t nonce[] = {14, 1, 1, 2, 3, 4, 5, 6};
  frame.insert(frame.end(), std::begin(nonce), std::end(nonce));
  store_be16(frame.data() + 18, 40);
  fix_icmpv6_checksum(frame);
  const auto checked = check(frame, true);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked.view.link_layer_address(), test::kMacA);
}

}  // namespace
}  // namespace tcpterm::wire
