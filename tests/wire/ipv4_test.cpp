// Ipv4View on scapy frames (with and without IP options, with Ethernet
// padding) and every header rule; build_ipv4_header against scapy bytes.
#include "wire/ipv4.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "reference_frames.hpp"

namespace tcpterm::wire {
namespace {

std::vector<uint8_t> ip_of(std::string_view hex, size_t l3_offset = 14) {
  const auto frame = test::from_hex(hex);
  return {frame.begin() + static_cast<long>(l3_offset), frame.end()};
}

/// Recomputes the header checksum after a test edits the header.
void fix_header_checksum(std::vector<uint8_t>& packet) {
  const size_t ihl = size_t{packet[0] & 0xfu} * 4;
  store_be16(packet.data() + 10, 0);
  store_be16(packet.data() + 10, internet_checksum(std::span(packet).first(std::min(ihl, packet.size()))));
}

TEST(Ipv4View, ReadsTheScapySyn) {
  const auto packet = ip_of(test::kIpv4Syn);
  const auto checked = Ipv4View::check(packet, false);
  ASSERT_TRUE(checked.ok());
  const Ipv4View& ip = checked.view;
  EXPECT_EQ(ip.header_length(), 20u);
  EXPECT_EQ(ip.total_length(), 60);
  EXPECT_EQ(ip.ttl(), 64);
  EXPECT_EQ(ip.protocol(), 6);
  EXPECT_EQ(ip.source(), *IpAddress::parse("10.0.0.1"));
  EXPECT_EQ(ip.destination(), *IpAddress::parse("10.0.0.2"));
  EXPECT_EQ(ip.payload().size(), 40u);
}

TEST(Ipv4View, SkipsOptionsAndIgnoresTtl) {
  const auto packet = ip_of(test::kIpv4OptionsTcp);
  const auto checked = Ipv4View::check(packet, false);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked.view.header_length(), 28u);
  EXPECT_EQ(checked.view.ttl(), 5);
  EXPECT_EQ(checked.view.payload().size(), 20u);
  EXPECT_EQ(checked.view.payload()[0], 0x9c);  // TCP source port 40000
}

TEST(Ipv4View, ChecksumCoversEveryHeaderByteWithAndWithoutOptions) {
  // Bytes 4 to the header's end (ID, flags, TTL, protocol, checksum,
  // addresses, options): a flipped bit there fails only the checksum. The
  // 20-byte header takes a fixed five-word sum, a longer one the general loop.
  for (const std::string_view hex : {test::kIpv4Syn, test::kIpv4OptionsTcp}) {
    const auto good = ip_of(hex);
    const size_t ihl = size_t{good[0] & 0xfu} * 4;
    ASSERT_TRUE(Ipv4View::check(good, false).ok());
    for (size_t byte = 4; byte < ihl; ++byte) {
      if (byte == 6) continue;  // the fragment bits have their own reason
      for (int bit = 0; bit < 8; ++bit) {
        auto bad = good;
        bad[byte] ^= static_cast<uint8_t>(1u << bit);
        EXPECT_EQ(Ipv4View::check(bad, false).reason, DropReason::kIpv4BadChecksum)
            << "header " << ihl << " byte " << byte << " bit " << bit;
      }
    }
  }
}

TEST(Ipv4View, ExcludesEthernetPaddingFromThePayload) {
  auto packet = ip_of(test::kIpv4Syn);
  packet.resize(packet.size() + 6, 0);
  const auto checked = Ipv4View::check(packet, false);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked.view.payload().size(), 40u);
}

TEST(Ipv4View, RejectsEachBadHeaderWithItsReason) {
  const auto good = ip_of(test::kIpv4Syn);
  EXPECT_EQ(Ipv4View::check(std::span(good).first(19), false).reason, DropReason::kIpv4BadHeaderLength);
  {
    auto bad = good;
    bad[0] = 0x65;
    fix_header_checksum(bad);
    EXPECT_EQ(Ipv4View::check(bad, false).reason, DropReason::kIpv4BadVersion);
  }
  for (uint8_t ihl : {0, 4}) {
    auto bad = good;
    bad[0] = static_cast<uint8_t>(0x40 | ihl);
    EXPECT_EQ(Ipv4View::check(bad, true).reason, DropReason::kIpv4BadHeaderLength) << int{ihl};
  }
  {
    auto bad = good;
    bad[0] = 0x4f;  // IHL 15: a 60-byte header in a 59-byte packet
    bad.resize(59);
    EXPECT_EQ(Ipv4View::check(bad, true).reason, DropReason::kIpv4BadHeaderLength);
  }
  for (uint16_t total : {uint16_t{19}, uint16_t{61}, uint16_t{0xffff}}) {
    auto bad = good;
    store_be16(bad.data() + 2, total);
    fix_header_checksum(bad);
    EXPECT_EQ(Ipv4View::check(bad, false).reason, DropReason::kIpv4BadTotalLength) << total;
  }
  {
    auto bad = good;
    bad[8] ^= 1;  // TTL change without a checksum fix
    EXPECT_EQ(Ipv4View::check(bad, false).reason, DropReason::kIpv4BadChecksum);
    EXPECT_TRUE(Ipv4View::check(bad, true).ok()) << "hardware-verified checksum is trusted";
  }
  for (uint16_t flags_offset : {uint16_t{0x2000}, uint16_t{0x0001}, uint16_t{0x6000}, uint16_t{0x1fff}}) {
    auto bad = good;
    store_be16(bad.data() + 6, flags_offset);
    fix_header_checksum(bad);
    EXPECT_EQ(Ipv4View::check(bad, false).reason, DropReason::kIpv4Fragment) << flags_offset;
  }
}

TEST(Ipv4Address, ClassifiesSourcesAndDestinations) {
  for (const char* bad : {"0.0.0.0", "127.0.0.1", "224.0.0.1", "239.1.2.3", "240.0.0.1", "255.255.255.255"})
    EXPECT_TRUE(is_bad_ipv4_source(*IpAddress::parse(bad))) << bad;
  EXPECT_FALSE(is_bad_ipv4_source(*IpAddress::parse("10.0.0.1")));
  EXPECT_TRUE(is_ipv4_multicast_or_broadcast(*IpAddress::parse("255.255.255.255")));
  EXPECT_FALSE(is_ipv4_multicast_or_broadcast(*IpAddress::parse("192.168.1.255")));
}

TEST(Ipv4HeaderBuilder, WritesTheScapyHeader) {
  const auto reference = ip_of(test::kIpv4Syn);
  const Ipv4HeaderSpec spec{*IpAddress::parse("10.0.0.1"), *IpAddress::parse("10.0.0.2"), 6, 40};
  std::vector<uint8_t> out(20);
  ASSERT_EQ(build_ipv4_header(out, spec, ChecksumMode::kSoftware), 20u);
  EXPECT_EQ(out, std::vector<uint8_t>(reference.begin(), reference.begin() + 20));
  ASSERT_EQ(build_ipv4_header(out, spec, ChecksumMode::kOffload), 20u);
  EXPECT_EQ(load_be16(out.data() + 10), 0);
  std::vector<uint8_t> small(19);
  EXPECT_EQ(build_ipv4_header(small, spec, ChecksumMode::kSoftware), 0u);
}

// The header checksum is summed from the fields, not from the written bytes:
// every TTL, protocol and length, with random addresses, must still give a
// header that sums to 0xffff, and equal the checksum of the bytes.
TEST(Ipv4HeaderBuilder, ChecksumFromTheFieldsMatchesTheBytes) {
  std::mt19937 rng(7);
  std::vector<uint8_t> out(20);
  for (uint32_t ttl = 0; ttl < 256; ++ttl) {
    for (uint32_t protocol = 0; protocol < 256; protocol += 5) {
      const Ipv4HeaderSpec spec{
          IpAddress::v4(static_cast<uint32_t>(rng())), IpAddress::v4(static_cast<uint32_t>(rng())),
          static_cast<uint8_t>(protocol), static_cast<uint16_t>(rng() % (0xffff - 20 + 1)),
          static_cast<uint8_t>(ttl)};
      ASSERT_EQ(build_ipv4_header(out, spec, ChecksumMode::kSoftware), 20u);
      ASSERT_TRUE(internet_checksum_ok(out)) << "ttl " << ttl << " protocol " << protocol;
      const uint16_t written = load_be16(out.data() + 10);
      store_be16(out.data() + 10, 0);
      ASSERT_EQ(written, internet_checksum(out));
      ASSERT_EQ(out[8], ttl);
      ASSERT_EQ(out[9], protocol);
    }
  }
  // The longest payload: total length 0xffff.
  const Ipv4HeaderSpec longest{IpAddress::v4(0xffffffff), IpAddress::v4(0xffffffff), 255,
                               0xffff - 20, 255};
  ASSERT_EQ(build_ipv4_header(out, longest, ChecksumMode::kSoftware), 20u);
  EXPECT_TRUE(internet_checksum_ok(out));
}

}  // namespace
}  // namespace tcpterm::wire
