// Ipv6View on scapy frames and every header rule; build_ipv6_header against
// scapy bytes.
#include "wire/ipv6.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "reference_frames.hpp"

namespace tcpterm::wire {
namespace {

std::vector<uint8_t> ip_of(std::string_view hex) {
  const auto frame = test::from_hex(hex);
  return {frame.begin() + 14, frame.end()};
}

TEST(Ipv6View, ReadsTheScapySynAck) {
  const auto packet = ip_of(test::kIpv6SynAck);
  const auto checked = Ipv6View::check(packet);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked.view.next_header(), ip_protocol::kTcp);
  EXPECT_EQ(checked.view.hop_limit(), 64);
  EXPECT_EQ(checked.view.source(), *IpAddress::parse("2001:db8::2"));
  EXPECT_EQ(checked.view.destination(), *IpAddress::parse("2001:db8::1"));
  EXPECT_EQ(checked.view.payload().size(), 40u);
}

TEST(Ipv6View, TrimsPaddingAndRejectsBadHeaders) {
  auto packet = ip_of(test::kIpv6SynAck);
  EXPECT_EQ(Ipv6View::check(std::span(packet).first(39)).reason, DropReason::kIpv6TooShort);
  EXPECT_EQ(Ipv6View::check(std::span(packet).first(79)).reason, DropReason::kIpv6BadPayloadLength);
  auto padded = packet;
  padded.resize(packet.size() + 10);
  EXPECT_EQ(Ipv6View::check(padded).view.payload().size(), 40u);
  auto version = packet;
  version[0] = 0x40;
  EXPECT_EQ(Ipv6View::check(version).reason, DropReason::kIpv6BadVersion);
  for (uint8_t next : {0, 43, 44, 50, 51, 60, 135, 139, 140, 253, 254}) {
    auto extension = packet;
    extension[6] = next;
    EXPECT_EQ(Ipv6View::check(extension).reason, DropReason::kIpv6ExtensionHeader) << int{next};
  }
}

TEST(Ipv6Address, ClassifiesSources) {
  EXPECT_TRUE(is_bad_ipv6_source(*IpAddress::parse("ff02::1")));
  EXPECT_TRUE(is_bad_ipv6_source(*IpAddress::parse("::1")));
  EXPECT_FALSE(is_bad_ipv6_source(*IpAddress::parse("::")));
  EXPECT_TRUE(is_ipv6_unspecified(*IpAddress::parse("::")));
  EXPECT_FALSE(is_bad_ipv6_source(*IpAddress::parse("fe80::1")));
}

TEST(Ipv6HeaderBuilder, WritesTheScapyHeader) {
  const auto reference = ip_of(test::kIpv6SynAck);
  const Ipv6HeaderSpec spec{*IpAddress::parse("2001:db8::2"), *IpAddress::parse("2001:db8::1"),
                            ip_protocol::kTcp, 40};
  std::vector<uint8_t> out(40);
  ASSERT_EQ(build_ipv6_header(out, spec), 40u);
  EXPECT_EQ(out, std::vector<uint8_t>(reference.begin(), reference.begin() + 40));
  std::vector<uint8_t> small(39);
  EXPECT_EQ(build_ipv6_header(small, spec), 0u);
}

}  // namespace
}  // namespace tcpterm::wire
