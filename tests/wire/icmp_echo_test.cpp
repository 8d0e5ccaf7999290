// ICMP echo: the scapy requests parse; out-of-place and in-place replies equal
// scapy's replies byte for byte; short, foreign-type and corrupt messages are
// rejected with their reasons.
#include "wire/icmp_echo.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "reference_frames.hpp"
#include "wire/checksum.hpp"

namespace tcpterm::wire {
namespace {

std::vector<uint8_t> icmpv4_message() {
  const auto frame = test::from_hex(test::kIcmpv4EchoRequest);
  return {frame.begin() + 34, frame.end()};
}

TEST(IcmpEcho, ReadsTheScapyV4Request) {
  const auto message = icmpv4_message();
  const auto checked = IcmpEchoView::check_v4(message);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked.view.identifier(), 0x1234);
  EXPECT_EQ(checked.view.sequence(), 7);
  EXPECT_EQ(checked.view.data().size(), 17u);
}

TEST(IcmpEcho, V4ReplyOutOfPlaceAndInPlaceEqualScapy) {
  const auto message = icmpv4_message();
  const auto checked = IcmpEchoView::check_v4(message);
  ASSERT_TRUE(checked.ok());
  const auto expected = test::from_hex(test::kIcmpv4EchoReplyMessage);
  std::vector<uint8_t> out(64);
  out.resize(build_icmpv4_echo_reply(out, checked.view));
  EXPECT_EQ(out, expected);

  auto in_place = message;
  const auto view = IcmpEchoView::check_v4(in_place);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(build_icmpv4_echo_reply(in_place, view.view), in_place.size());
  EXPECT_EQ(in_place, expected);

  auto incremental = message;
  turn_echo_request_into_reply(incremental);
  EXPECT_EQ(incremental, expected);

  std::vector<uint8_t> small(message.size() - 1);
  EXPECT_EQ(build_icmpv4_echo_reply(small, checked.view), 0u);
}

TEST(IcmpEcho, V6RequestAndReplyEqualScapy) {
  const auto frame = test::from_hex(test::kIcmpv6EchoRequest);
  const auto ip = Ipv6View::check(std::span(frame).subspan(14));
  ASSERT_TRUE(ip.ok());
  const auto checked = IcmpEchoView::check_v6(ip.view);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked.view.identifier(), 0x4321);
  EXPECT_EQ(checked.view.sequence(), 3);
  const auto expected = test::from_hex(test::kIcmpv6EchoReplyMessage);
  std::vector<uint8_t> out(64);
  out.resize(build_icmpv6_echo_reply(out, checked.view, test::kIp6B, test::kIp6A));
  EXPECT_EQ(out, expected);

  std::vector<uint8_t> incremental(frame.begin() + 54, frame.end());
  turn_echo_request_into_reply(incremental);
  EXPECT_EQ(incremental, expected);
}

TEST(IcmpEcho, RejectsShortForeignAndCorruptMessages) {
  const auto message = icmpv4_message();
  EXPECT_EQ(IcmpEchoView::check_v4(std::span(message).first(7)).reason, DropReason::kIcmpMalformed);
  auto reply = message;
  reply[0] = 0;
  EXPECT_EQ(IcmpEchoView::check_v4(reply).reason, DropReason::kIcmpUnsupportedType);
  auto code = message;
  code[1] = 1;
  EXPECT_EQ(IcmpEchoView::check_v4(code).reason, DropReason::kIcmpUnsupportedType);
  auto corrupt = message;
  corrupt.back() ^= 0x40;
  EXPECT_EQ(IcmpEchoView::check_v4(corrupt).reason, DropReason::kIcmpBadChecksum);

  auto frame = test::from_hex(test::kIcmpv6EchoRequest);
  frame[22 + 15] ^= 1;  // another source address: the pseudo-header no longer matches
  const auto ip = Ipv6View::check(std::span(frame).subspan(14));
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(IcmpEchoView::check_v6(ip.view).reason, DropReason::kIcmpBadChecksum);
}

}  // namespace
}  // namespace tcpterm::wire
