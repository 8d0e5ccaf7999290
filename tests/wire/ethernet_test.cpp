// MacAddress text, class and equality tests; EthernetView on untagged, 802.1Q-tagged,
// stacked-tag and truncated frames; the header writer against scapy bytes.
#include "wire/ethernet.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "reference_frames.hpp"

namespace tcpterm::wire {
namespace {

TEST(MacAddress, ParsesAndPrints) {
  const auto mac = MacAddress::parse("02:00:0A:bc:00:01");
  ASSERT_TRUE(mac);
  EXPECT_EQ(mac->to_string(), "02:00:0a:bc:00:01");
  EXPECT_EQ(MacAddress::parse("02-00-0a-bc-00-01"), mac);
  EXPECT_FALSE(MacAddress::parse(""));
  EXPECT_FALSE(MacAddress::parse("02:00:0a:bc:00"));
  EXPECT_FALSE(MacAddress::parse("02:00:0a:bc:00:0g"));
  EXPECT_FALSE(MacAddress::parse("02:00-0a:bc:00:01"));
  EXPECT_FALSE(MacAddress::parse("02:00:0a:bc:00:012"));
}

TEST(MacAddress, ClassifiesBroadcastMulticastAndZero) {
  EXPECT_TRUE(MacAddress::broadcast().is_broadcast());
  EXPECT_TRUE(MacAddress::broadcast().is_multicast());
  EXPECT_TRUE(MacAddress::parse("33:33:ff:00:00:02")->is_multicast());
  EXPECT_FALSE(MacAddress::parse("33:33:ff:00:00:02")->is_broadcast());
  EXPECT_FALSE(MacAddress::parse("02:00:00:00:00:01")->is_multicast());
  EXPECT_TRUE(MacAddress{}.is_zero());
}

TEST(MacAddress, EqualOnlyWhenAllSixBytesAre) {
  const MacAddress base = *MacAddress::parse("02:00:0a:bc:00:01");
  EXPECT_TRUE(base == *MacAddress::parse("02:00:0a:bc:00:01"));
  for (size_t byte = 0; byte < 6; ++byte) {
    MacAddress other = base;
    other.bytes[byte] ^= 0x80;
    EXPECT_FALSE(base == other) << "byte " << byte;
    EXPECT_TRUE(base != other) << "byte " << byte;
  }
  EXPECT_FALSE(MacAddress::parse("00:00:00:00:00:01")->is_zero());
  EXPECT_FALSE(MacAddress::parse("01:00:00:00:00:00")->is_zero());
  static_assert(MacAddress::broadcast() == MacAddress::broadcast(), "usable at compile time");
}

TEST(EthernetView, ReadsAnUntaggedFrame) {
  const auto frame = test::from_hex(test::kIpv4Syn);
  const auto checked = EthernetView::check(frame);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked.view.destination().to_string(), "02:00:00:00:00:02");
  EXPECT_EQ(checked.view.source().to_string(), "02:00:00:00:00:01");
  EXPECT_FALSE(checked.view.has_vlan());
  EXPECT_EQ(checked.view.ethertype(), ethertype::kIpv4);
  EXPECT_EQ(checked.view.l3_offset(), 14u);
  EXPECT_EQ(checked.view.l3_bytes().size(), frame.size() - 14);
}

TEST(EthernetView, ReadsOneVlanTag) {
  auto frame = test::from_hex(test::kIpv4VlanAckPayload);
  frame[14] |= 0xe0;  // PCP 7 must not leak into the VLAN id
  const auto checked = EthernetView::check(frame);
  ASSERT_TRUE(checked.ok());
  EXPECT_TRUE(checked.view.has_vlan());
  EXPECT_EQ(checked.view.vlan_id(), 100);
  EXPECT_EQ(checked.view.ethertype(), ethertype::kIpv4);
  EXPECT_EQ(checked.view.l3_offset(), 18u);
}

TEST(EthernetView, RejectsShortFramesAndStackedTags) {
  const auto frame = test::from_hex(test::kIpv4VlanAckPayload);
  EXPECT_EQ(EthernetView::check(std::span(frame).first(13)).reason, DropReason::kFrameTooShort);
  EXPECT_EQ(EthernetView::check(std::span(frame).first(17)).reason, DropReason::kBadVlan);
  auto qinq = frame;
  qinq[16] = 0x81;  // inner EtherType 0x8100
  qinq[17] = 0x00;
  EXPECT_EQ(EthernetView::check(qinq).reason, DropReason::kBadVlan);
  auto s_tag = frame;
  s_tag[12] = 0x88;
  s_tag[13] = 0xa8;
  EXPECT_EQ(EthernetView::check(s_tag).reason, DropReason::kBadVlan);
}

TEST(EthernetHeader, WritesTheScapyBytes) {
  const auto reference = test::from_hex(test::kIpv4VlanAckPayload);
  const EthernetHeaderSpec spec{*MacAddress::parse("02:00:00:00:00:01"),
                                *MacAddress::parse("02:00:00:00:00:02"), ethertype::kIpv4, true, 100};
  std::vector<uint8_t> out(18);
  ASSERT_EQ(build_ethernet_header(out, spec), 18u);
  EXPECT_EQ(out, std::vector<uint8_t>(reference.begin(), reference.begin() + 18));
  std::vector<uint8_t> small(17);
  EXPECT_EQ(build_ethernet_header(small, spec), 0u);
}

}  // namespace
}  // namespace tcpterm::wire
