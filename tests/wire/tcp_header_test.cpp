// TcpView fields from scapy frames, the data offset and checksum rules, and
// build_tcp_header's bytes.
#include "wire/tcp_header.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "reference_frames.hpp"
#include "wire/checksum.hpp"

namespace tcpterm::wire {
namespace {

struct Ipv4Segment {
  std::vector<uint8_t> frame;
  std::span<const uint8_t> segment;
  uint64_t pseudo = 0;
};

Ipv4Segment ipv4_segment(std::string_view hex, size_t l3_offset) {
  Ipv4Segment s{test::from_hex(hex), {}, 0};
  const uint8_t* ip = s.frame.data() + l3_offset;
  const size_t ihl = size_t{ip[0] & 0xfu} * 4;
  s.segment = std::span<const uint8_t>(s.frame).subspan(l3_offset + ihl);
  s.pseudo = ipv4_pseudo_header_sum(ip + 12, ip + 16, 6, static_cast<uint16_t>(s.segment.size()));
  return s;
}

TEST(TcpView, ReadsTheScapySyn) {
  const auto s = ipv4_segment(test::kIpv4Syn, 14);
  const auto checked = TcpView::check(s.segment, s.pseudo, false);
  ASSERT_TRUE(checked.ok());
  const TcpView& tcp = checked.view;
  EXPECT_EQ(tcp.source_port(), 40000);
  EXPECT_EQ(tcp.destination_port(), 80);
  EXPECT_EQ(tcp.sequence_number(), 1000u);
  EXPECT_EQ(tcp.acknowledgment_number(), 0u);
  EXPECT_EQ(tcp.header_length(), 40u);
  EXPECT_EQ(tcp.flags(), tcp_flag::kSyn);
  EXPECT_EQ(tcp.window(), 64240);
  EXPECT_EQ(tcp.urgent_pointer(), 0);
  EXPECT_EQ(tcp.options().size(), 20u);
  EXPECT_TRUE(tcp.payload().empty());
}

TEST(TcpView, ReadsPayloadAfterOptions) {
  const auto s = ipv4_segment(test::kIpv4VlanAckPayload, 18);
  const auto checked = TcpView::check(s.segment, s.pseudo, false);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked.view.flags(), tcp_flag::kPsh | tcp_flag::kAck);
  EXPECT_EQ(checked.view.acknowledgment_number(), 5001u);
  const auto payload = checked.view.payload();
  EXPECT_EQ(std::string(payload.begin(), payload.end()), "hello world");
}

TEST(TcpView, RejectsShortSegmentsAndBadDataOffsets) {
  auto s = ipv4_segment(test::kIpv4Syn, 14);
  EXPECT_EQ(TcpView::check(s.segment.first(19), s.pseudo, true).reason, DropReason::kTcpHeaderTooShort);
  // Data offset 10 (40 bytes) with only 39 bytes.
  EXPECT_EQ(TcpView::check(s.segment.first(39), s.pseudo, true).reason, DropReason::kTcpBadDataOffset);
  for (uint8_t offset : {0, 1, 4, 11, 15}) {
    s.frame[14 + 20 + 12] = static_cast<uint8_t>(offset << 4);
    EXPECT_EQ(TcpView::check(s.segment, s.pseudo, true).reason, DropReason::kTcpBadDataOffset)
        << int{offset};
  }
}

TEST(TcpView, ChecksumIsVerifiedUnlessHardwareDidIt) {
  auto s = ipv4_segment(test::kIpv4Syn, 14);
  s.frame.back() ^= 1;
  EXPECT_EQ(TcpView::check(s.segment, s.pseudo, false).reason, DropReason::kTcpBadChecksum);
  EXPECT_TRUE(TcpView::check(s.segment, s.pseudo, true).ok());
  // A wrong pseudo-header (e.g. another destination) fails too.
  s.frame.back() ^= 1;
  EXPECT_EQ(TcpView::check(s.segment, s.pseudo + 1, false).reason, DropReason::kTcpBadChecksum);
}

TEST(TcpHeaderBuilder, WritesTheScapySynHeader) {
  const auto s = ipv4_segment(test::kIpv4Syn, 14);
  const TcpOptions options = test::syn_options(1460, 12345, 0, 7);
  const TcpHeaderSpec spec{40000, 80, 1000, 0, tcp_flag::kSyn, 64240, 0, &options};
  EXPECT_EQ(tcp_header_size(spec), 40u);
  std::vector<uint8_t> out(40);
  ASSERT_EQ(build_tcp_header(out, spec), 40u);
  std::vector<uint8_t> expected(s.segment.begin(), s.segment.end());
  expected[16] = expected[17] = 0;  // the builder leaves the checksum to its caller
  EXPECT_EQ(out, expected);
  std::vector<uint8_t> small(39);
  EXPECT_EQ(build_tcp_header(small, spec), 0u);

  // The frame builder's form, size known: the same bytes, and the sum taken
  // while writing equals the sum of the bytes written.
  std::vector<uint8_t> sized(40);
  const uint64_t sum = write_tcp_header(sized.data(), spec, tcp_header_size(spec));
  EXPECT_EQ(sized, expected);
  EXPECT_EQ(checksum_fold(sum), checksum_fold(checksum_accumulate(sized)));
}

}  // namespace
}  // namespace tcpterm::wire
