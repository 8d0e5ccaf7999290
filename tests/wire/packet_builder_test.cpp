// build_tcp_frame reproduces scapy's IPv4, 802.1Q and IPv6 frames byte for
// byte (payload split across two spans, odd first half included), writes the
// DPDK offload form (pseudo-header sum in the TCP checksum, IPv4 header
// checksum 0), refuses small buffers, and round-trips through parse_frame.
#include "wire/packet_builder.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "reference_frames.hpp"
#include "wire/byte_order.hpp"
#include "wire/packet_parser.hpp"
#include "wire/tcp_header.hpp"

namespace tcpterm::wire {
namespace {

std::span<const uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

std::vector<uint8_t> build(const TcpFrameSpec& spec) {
  std::vector<uint8_t> out(2048, 0xee);
  const size_t size = build_tcp_frame(out, spec);
  EXPECT_EQ(size, tcp_frame_layout(spec).total_length());
  out.resize(size);
  return out;
}

TcpFrameSpec ipv4_syn_spec(const TcpOptions* options) {
  TcpFrameSpec spec;
  spec.source_mac = test::kMacA;
  spec.destination_mac = test::kMacB;
  spec.source_ip = test::kIp4A;
  spec.destination_ip = test::kIp4B;
  spec.source_port = 40000;
  spec.destination_port = 80;
  spec.sequence_number = 1000;
  spec.flags = tcp_flag::kSyn;
  spec.window = 64240;
  spec.options = options;
  return spec;
}

TEST(PacketBuilder, Ipv4SynEqualsScapy) {
  const TcpOptions options = test::syn_options(1460, 12345, 0, 7);
  EXPECT_EQ(build(ipv4_syn_spec(&options)), test::from_hex(test::kIpv4Syn));
}

TEST(PacketBuilder, VlanSegmentWithSplitPayloadEqualsScapy) {
  TcpOptions options;
  options.has_timestamps = true;
  options.ts_val = 12346;
  options.ts_ecr = 777;
  TcpFrameSpec spec = ipv4_syn_spec(&options);
  spec.vlan_id = 100;
  spec.sequence_number = 1001;
  spec.acknowledgment_number = 5001;
  spec.flags = tcp_flag::kPsh | tcp_flag::kAck;
  spec.window = 502;
  spec.payload = {bytes_of("hello"), bytes_of(" world")};  // odd-length first span
  EXPECT_EQ(build(spec), test::from_hex(test::kIpv4VlanAckPayload));
}

TcpFrameSpec ipv6_spec() {
  TcpFrameSpec spec;
  spec.source_mac = test::kMacA;
  spec.destination_mac = test::kMacB;
  spec.source_ip = test::kIp6A;
  spec.destination_ip = test::kIp6B;
  spec.source_port = 40000;
  spec.destination_port = 80;
  spec.sequence_number = 1001;
  spec.acknowledgment_number = 7001;
  spec.flags = tcp_flag::kAck;
  spec.window = 1000;
  return spec;
}

TEST(PacketBuilder, Ipv6FramesEqualScapy) {
  TcpFrameSpec ack = ipv6_spec();
  ack.payload = {bytes_of("GET"), bytes_of(" / HTTP/1.0\r\n\r\n!")};
  EXPECT_EQ(build(ack), test::from_hex(test::kIpv6AckPayload));

  const TcpOptions options = test::syn_options(1440, 999, 12345, 9);
  TcpFrameSpec synack = ipv6_spec();
  synack.source_mac = test::kMacB;
  synack.destination_mac = test::kMacA;
  std::swap(synack.source_ip, synack.destination_ip);
  synack.source_port = 80;
  synack.destination_port = 40000;
  synack.sequence_number = 7000;
  synack.acknowledgment_number = 1001;
  synack.flags = tcp_flag::kSyn | tcp_flag::kAck;
  synack.window = 65160;
  synack.options = &options;
  EXPECT_EQ(build(synack), test::from_hex(test::kIpv6SynAck));
}

TEST(PacketBuilder, OffloadLeavesWhatTheNicExpects) {
  const TcpOptions options = test::syn_options(1460, 12345, 0, 7);
  TcpFrameSpec spec = ipv4_syn_spec(&options);
  spec.checksum_mode = ChecksumMode::kOffload;
  auto frame = build(spec);
  const auto reference = test::from_hex(test::kIpv4Syn);
  EXPECT_EQ(load_be16(frame.data() + 24), 0) << "IPv4 header checksum left to the NIC";
  // rte_ipv4_phdr_cksum by hand: 0a00+0001+0a00+0002+0006+0028 (length 40).
  EXPECT_EQ(load_be16(frame.data() + 50), 0x1431);
  // What the NIC does: checksum the segment as it stands, store the complement.
  const uint16_t nic = internet_checksum(std::span(frame).subspan(34));
  store_be16(frame.data() + 50, nic);
  store_be16(frame.data() + 24, internet_checksum(std::span(frame).subspan(14, 20)));
  EXPECT_EQ(frame, reference);

  TcpFrameSpec v6 = ipv6_spec();
  v6.checksum_mode = ChecksumMode::kOffload;
  v6.payload = {bytes_of("GET / HTTP/1.0\r\n\r\n!"), {}};
  auto frame6 = build(v6);
  store_be16(frame6.data() + 54 + 16, internet_checksum(std::span(frame6).subspan(54)));
  EXPECT_EQ(frame6, test::from_hex(test::kIpv6AckPayload));
}

TEST(PacketBuilder, LayoutReportsHeaderLengths) {
  const TcpOptions options = test::syn_options(1460, 1, 0, 7);
  TcpFrameSpec spec = ipv4_syn_spec(&options);
  spec.vlan_id = 5;
  spec.payload = {bytes_of("abc"), bytes_of("de")};
  const auto layout = tcp_frame_layout(spec);
  EXPECT_EQ(layout.l2_length, 18u);
  EXPECT_EQ(layout.l3_length, 20u);
  EXPECT_EQ(layout.l4_header_length, 40u);
  EXPECT_EQ(layout.payload_length, 5u);
  EXPECT_EQ(layout.total_length(), 83u);
}

TEST(PacketBuilder, RefusesEveryTooSmallBufferAndMixedFamilies) {
  const TcpOptions options = test::syn_options(1460, 12345, 0, 7);
  TcpFrameSpec spec = ipv4_syn_spec(&options);
  spec.payload = {bytes_of("payload"), {}};
  const size_t needed = tcp_frame_layout(spec).total_length();
  for (size_t size = 0; size < needed; ++size) {
    std::vector<uint8_t> out(size);
    EXPECT_EQ(build_tcp_frame(out, spec), 0u) << size;
  }
  std::vector<uint8_t> out(needed);
  EXPECT_EQ(build_tcp_frame(out, spec), needed);
  spec.destination_ip = test::kIp6B;
  EXPECT_EQ(build_tcp_frame(out, spec), 0u);
}

// The TCP checksum is summed from the header words as written and from the
// payload's source spans: every split of the payload (odd, even or empty
// first span) and every option layout must still verify at the parser.
TEST(PacketBuilder, ChecksumVerifiesForEveryPayloadSplitAndOptionLayout) {
  std::vector<TcpOptions> layouts(6);
  layouts[1] = test::syn_options(1460, 12345, 0, 7);  // SYN: mss, sackOK, TS, wscale
  layouts[2].has_mss = true;                          // SYN: mss alone
  layouts[2].mss = 536;
  layouts[3].has_timestamps = true;
  layouts[3].ts_val = 0x01020304;
  layouts[3].ts_ecr = 0xfffefdfc;
  layouts[4] = layouts[3];
  layouts[4].sack_block_count = 3;
  layouts[4].sack_blocks = {
      SackBlock{1, 2}, SackBlock{0x80000000u, 0xffffffffu}, SackBlock{7, 9}, {}};
  layouts[5].sack_block_count = 4;  // without timestamps all four fit
  layouts[5].sack_blocks = {SackBlock{1, 2}, SackBlock{3, 4}, SackBlock{5, 6}, SackBlock{7, 8}};
  const std::string text = "GET / HTTP/1.1\r\nHost: x\r\n\r\n\xff\x01";
  for (bool v4 : {true, false}) {
    for (size_t layout = 0; layout < layouts.size(); ++layout) {
      for (size_t first = 0; first <= 7; ++first) {
        for (size_t second = 0; second <= 7; ++second) {
          TcpFrameSpec spec = v4 ? ipv4_syn_spec(nullptr) : ipv6_spec();
          spec.options = layout == 0 ? nullptr : &layouts[layout];
          spec.flags =
              layout == 1 || layout == 2 ? tcp_flag::kSyn : tcp_flag::kAck | tcp_flag::kPsh;
          spec.payload = {bytes_of(text).subspan(0, first),
                          bytes_of(text).subspan(first + 3, second)};
          const auto frame = build(spec);
          const auto result = parse_frame(frame, {});
          ASSERT_EQ(result.kind, PacketKind::kTcp)
              << to_string(result.drop_reason) << " v4 " << v4 << " layout " << layout << " split "
              << first << "+" << second;
          EXPECT_EQ(result.payload.size(), first + second);
        }
      }
    }
  }
}

TEST(PacketBuilder, RoundTripsThroughTheParser) {
  // SACK blocks with timestamps and without: an ACK's options are sized and
  // written only when it has some, and a bare-SACK one must keep them.
  for (bool timestamps : {true, false}) {
    TcpOptions options;
    options.has_timestamps = timestamps;
    options.ts_val = 5;
    options.ts_ecr = 6;
    options.sack_block_count = 2;
    options.sack_blocks[0] = {10, 20};
    options.sack_blocks[1] = {30, 40};
    for (bool v4 : {true, false}) {
      TcpFrameSpec spec = v4 ? ipv4_syn_spec(&options) : ipv6_spec();
      spec.options = &options;
      spec.vlan_id = v4 ? std::optional<uint16_t>(7) : std::nullopt;
      spec.flags = tcp_flag::kAck | tcp_flag::kFin;
      spec.acknowledgment_number = 0xfffffff0u;
      spec.urgent_pointer = 3;
      spec.payload = {bytes_of("x"), bytes_of("yz")};
      const auto frame = build(spec);
      const auto result = parse_frame(frame, {});
      ASSERT_EQ(result.kind, PacketKind::kTcp) << to_string(result.drop_reason);
      EXPECT_EQ(result.has_vlan, v4);
      EXPECT_EQ(result.source_ip, spec.source_ip);
      EXPECT_EQ(result.destination_ip, spec.destination_ip);
      EXPECT_EQ(result.source_port, spec.source_port);
      EXPECT_EQ(result.acknowledgment_number, spec.acknowledgment_number);
      EXPECT_EQ(result.tcp_flags, spec.flags);
      EXPECT_EQ(result.urgent_pointer, 3);
      EXPECT_EQ(result.options.has_timestamps, timestamps);
      EXPECT_EQ(result.options.sack_block_count, 2);
      EXPECT_EQ(result.options.sack_blocks[1].right, 40u);
      EXPECT_EQ(std::string(result.payload.begin(), result.payload.end()), "xyz");
    }
  }
}

}  // namespace
}  // namespace tcpterm::wire
