// ARP: the scapy request parses; build_arp_request and build_arp_reply
// reproduce scapy's frames byte for byte; unsupported and short packets are
// rejected with their reasons.
#include "wire/arp.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "reference_frames.hpp"

namespace tcpterm::wire {
namespace {

std::span<const uint8_t> arp_of(const std::vector<uint8_t>& frame) {
  return std::span(frame).subspan(14);
}

TEST(ArpView, ReadsTheScapyRequest) {
  const auto frame = test::from_hex(test::kArpRequest);
  const auto checked = ArpView::check(arp_of(frame));
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked.view.operation(), ArpOperation::kRequest);
  EXPECT_EQ(checked.view.sender_mac(), test::kMacA);
  EXPECT_EQ(checked.view.sender_ip(), test::kIp4A);
  EXPECT_TRUE(checked.view.target_mac().is_zero());
  EXPECT_EQ(checked.view.target_ip(), test::kIp4B);
}

TEST(ArpBuilder, ReplyToTheScapyRequestIsTheScapyReply) {
  const auto request = test::from_hex(test::kArpRequest);
  const auto checked = ArpView::check(arp_of(request));
  ASSERT_TRUE(checked.ok());
  std::vector<uint8_t> out(64);
  const size_t size = build_arp_reply(out, test::kMacB, test::kIp4B, checked.view);
  out.resize(size);
  EXPECT_EQ(out, test::from_hex(test::kArpReply));
}

TEST(ArpBuilder, RequestIsTheScapyRequest) {
  std::vector<uint8_t> out(42);
  ASSERT_EQ(build_arp_request(out, test::kMacA, test::kIp4A, test::kIp4B), 42u);
  EXPECT_EQ(out, test::from_hex(test::kArpRequest));
}

TEST(ArpBuilder, TaggedRequestCarriesTheVlan) {
  std::vector<uint8_t> out(46);
  ASSERT_EQ(build_arp_request(out, test::kMacA, test::kIp4A, test::kIp4B, 42), 46u);
  EXPECT_EQ(out[12], 0x81);
  EXPECT_EQ(out[15], 42);
  EXPECT_EQ(out[16], 0x08);
  EXPECT_EQ(out[17], 0x06);
}

TEST(ArpBuilder, RefusesSmallBuffersAndIpv6) {
  std::vector<uint8_t> out(41);
  EXPECT_EQ(build_arp_request(out, test::kMacA, test::kIp4A, test::kIp4B), 0u);
  std::vector<uint8_t> big(64);
  EXPECT_EQ(build_arp_request(big, test::kMacA, *IpAddress::parse("2001:db8::1"), test::kIp4B), 0u);
}

TEST(ArpView, RejectsShortAndUnsupportedPackets) {
  const auto frame = test::from_hex(test::kArpRequest);
  EXPECT_EQ(ArpView::check(arp_of(frame).first(27)).reason, DropReason::kArpMalformed);
  for (size_t byte : {size_t{1}, size_t{3}, size_t{4}, size_t{5}, size_t{7}}) {
    auto bad = frame;
    bad[14 + byte] ^= 0x10;  // htype, ptype, hlen, plen, op
    EXPECT_EQ(ArpView::check(arp_of(bad)).reason, DropReason::kArpUnsupported) << "byte " << byte;
  }
}

}  // namespace
}  // namespace tcpterm::wire
