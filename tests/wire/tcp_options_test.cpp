// TCP options: the scapy/Linux SYN option block parses to the right fields,
// encoding reproduces Linux's byte layout, parse(encode(x)) == x, and every
// malformed option list is rejected with the right error and a cleared result.
#include "wire/tcp_options.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "reference_frames.hpp"

namespace tcpterm::wire {
namespace {

TcpOptionsError parse(const std::vector<uint8_t>& bytes, TcpOptions& out) {
  return parse_tcp_options(bytes, out);
}

std::vector<uint8_t> encode(const TcpOptions& options, bool syn) {
  std::vector<uint8_t> out(40, 0xee);
  const size_t size = encode_tcp_options(options, syn, out.data());
  EXPECT_EQ(size, encoded_tcp_options_size(options, syn));
  EXPECT_EQ(size % 4, 0u);
  EXPECT_LE(size, 40u);
  out.resize(size);
  return out;
}

bool same(const TcpOptions& a, const TcpOptions& b) {
  if (a.has_mss != b.has_mss || a.has_window_scale != b.has_window_scale ||
      a.sack_permitted != b.sack_permitted || a.has_timestamps != b.has_timestamps ||
      a.sack_block_count != b.sack_block_count)
    return false;
  if (a.has_mss && a.mss != b.mss) return false;
  if (a.has_window_scale && a.window_scale != b.window_scale) return false;
  if (a.has_timestamps && (a.ts_val != b.ts_val || a.ts_ecr != b.ts_ecr)) return false;
  for (size_t i = 0; i < a.sack_block_count; ++i)
    if (a.sack_blocks[i].left != b.sack_blocks[i].left || a.sack_blocks[i].right != b.sack_blocks[i].right)
      return false;
  return true;
}

TEST(TcpOptions, ParsesTheScapySynOptions) {
  const auto frame = test::from_hex(test::kIpv4Syn);
  const std::vector<uint8_t> bytes(frame.begin() + 54, frame.end());
  TcpOptions options;
  ASSERT_EQ(parse(bytes, options), TcpOptionsError::kNone);
  EXPECT_TRUE(same(options, test::syn_options(1460, 12345, 0, 7)));
}

TEST(TcpOptions, EncodesSynInLinuxOrder) {
  // mss, sackOK, TS, nop, wscale: the scapy frame's bytes.
  const auto frame = test::from_hex(test::kIpv4Syn);
  const std::vector<uint8_t> expected(frame.begin() + 54, frame.end());
  EXPECT_EQ(encode(test::syn_options(1460, 12345, 0, 7), true), expected);
}

TEST(TcpOptions, EncodesSynWithoutTimestampsAsNopNopSackOk) {
  TcpOptions options = test::syn_options(1460, 12345, 0, 7);
  options.has_timestamps = false;
  EXPECT_EQ(encode(options, true), test::from_hex("020405b40101040201030307"));
}

TEST(TcpOptions, EncodesSynWithoutSackAsNopNopTimestamps) {
  TcpOptions options = test::syn_options(1460, 12345, 0, 7);
  options.sack_permitted = false;
  EXPECT_EQ(encode(options, true), test::from_hex("020405b40101080a000030390000000001030307"));
}

TEST(TcpOptions, EncodesMssOnlySyn) {
  TcpOptions options;
  options.has_mss = true;
  options.mss = 536;
  EXPECT_EQ(encode(options, true), test::from_hex("02040218"));
  EXPECT_TRUE(encode(TcpOptions{}, true).empty());
}

TEST(TcpOptions, EncodesNonSynAsNopNopTimestampsThenSack) {
  TcpOptions options;
  options.has_timestamps = true;
  options.ts_val = 0x01020304;
  options.ts_ecr = 0x05060708;
  options.sack_block_count = 1;
  options.sack_blocks[0] = {100, 200};
  options.has_mss = true;  // MSS and window scale belong to SYNs only (RFC 9293 3.7.1, RFC 7323 2.2)
  options.has_window_scale = true;
  EXPECT_EQ(encode(options, false),
            test::from_hex("0101080a0102030405060708" "0101050a00000064000000c8"));
}

TEST(TcpOptions, DropsSackBlocksThatDoNotFitBesideTimestamps) {
  TcpOptions options;
  options.has_timestamps = true;
  options.sack_block_count = 4;
  for (uint32_t i = 0; i < 4; ++i) options.sack_blocks[i] = {i * 10, i * 10 + 5};
  const auto bytes = encode(options, false);
  EXPECT_EQ(bytes.size(), 12u + 4 + 3 * 8);
  TcpOptions parsed;
  ASSERT_EQ(parse(bytes, parsed), TcpOptionsError::kNone);
  EXPECT_EQ(parsed.sack_block_count, 3);
  options.has_timestamps = false;
  EXPECT_EQ(encode(options, false).size(), 4u + 4 * 8);
}

TEST(TcpOptions, RoundTripsEveryCombination) {
  for (int mask = 0; mask < 64; ++mask) {
    for (bool syn : {true, false}) {
      TcpOptions options;
      options.has_mss = syn && (mask & 1);
      options.mss = 1200;
      options.has_window_scale = syn && (mask & 2);
      options.window_scale = 14;
      options.sack_permitted = syn && (mask & 4);
      options.has_timestamps = mask & 8;
      options.ts_val = 0xdeadbeef;
      options.ts_ecr = 0xfeedface;
      options.sack_block_count = syn ? 0 : static_cast<uint8_t>((mask >> 4) + (mask & 8 ? 0 : 1));
      for (uint32_t i = 0; i < 4; ++i) options.sack_blocks[i] = {0xfffffff0u + i, i + 3};
      TcpOptions parsed;
      ASSERT_EQ(parse(encode(options, syn), parsed), TcpOptionsError::kNone);
      EXPECT_TRUE(same(parsed, options)) << "mask " << mask << " syn " << syn;
    }
  }
}

TEST(TcpOptions, EndOfListStopsParsingAndNopIsSkipped) {
  TcpOptions options;
  // nop, nop, MSS 1000, EOL, then garbage that would be a bad MSS.
  ASSERT_EQ(parse(test::from_hex("0101020403e80002"), options), TcpOptionsError::kNone);
  EXPECT_TRUE(options.has_mss);
  EXPECT_EQ(options.mss, 1000);
  EXPECT_EQ(parse({}, options), TcpOptionsError::kNone);
  EXPECT_FALSE(options.has_mss);
}

TEST(TcpOptions, UnknownOptionsAreSkippedByTheirLength) {
  TcpOptions options;
  // Kind 30 (MPTCP) length 6, kind 254 length 2, then window scale 3.
  ASSERT_EQ(parse(test::from_hex("1e0601020304fe02010303030000"), options), TcpOptionsError::kNone);
  EXPECT_TRUE(options.has_window_scale);
  EXPECT_EQ(options.window_scale, 3);
}

TEST(TcpOptions, WindowScaleAbove14IsClampedTo14) {
  // RFC 7323 2.3.
  TcpOptions options;
  ASSERT_EQ(parse(test::from_hex("01030315"), options), TcpOptionsError::kNone);
  EXPECT_EQ(options.window_scale, 14);
}

TEST(TcpOptions, ParsesOneToFourSackBlocks) {
  TcpOptions options;
  ASSERT_EQ(parse(test::from_hex("0101052200000001000000020000000300000004000000050000000600000007"
                                 "00000008"),
                  options),
            TcpOptionsError::kNone);
  ASSERT_EQ(options.sack_block_count, 4);
  EXPECT_EQ(options.sack_blocks[3].left, 7u);
  EXPECT_EQ(options.sack_blocks[3].right, 8u);
}

struct MalformedCase {
  const char* name;
  const char* hex;
  TcpOptionsError error;
};

TEST(TcpOptions, RejectsEveryMalformedList) {
  const MalformedCase cases[] = {
      {"kind without length byte", "0101 02", TcpOptionsError::kTruncated},
      {"unknown kind without length byte", "fe", TcpOptionsError::kTruncated},
      {"MSS length beyond the area", "020405", TcpOptionsError::kTruncated},
      {"unknown option length beyond the area", "fe0a0000", TcpOptionsError::kTruncated},
      {"control: TS exactly fits", "080a0000000100000002", TcpOptionsError::kNone},
      {"TS truncated", "080a00000001000000", TcpOptionsError::kTruncated},
      {"length 0", "fe00", TcpOptionsError::kBadLength},
      {"length 1", "fe01", TcpOptionsError::kBadLength},
      {"MSS length 3", "020305", TcpOptionsError::kBadLength},
      {"MSS length 5", "0205000000", TcpOptionsError::kBadLength},
      {"window scale length 2", "0302", TcpOptionsError::kBadLength},
      {"window scale length 4", "03040000", TcpOptionsError::kBadLength},
      {"SACK-permitted length 3", "040300", TcpOptionsError::kBadLength},
      {"SACK with no blocks", "0502", TcpOptionsError::kBadLength},
      {"SACK length 2+7", "0509000000000000000000", TcpOptionsError::kBadLength},
      {"SACK length 2+9", "050b0000000000000000000000", TcpOptionsError::kBadLength},
      {"SACK with five blocks",
       "052a" "00000000000000000000000000000000000000000000000000000000000000000000000000000000",
       TcpOptionsError::kBadLength},
      {"TS length 9", "0809000000000000000000", TcpOptionsError::kBadLength},
      {"TS length 11", "080b0000000000000000000000", TcpOptionsError::kBadLength},
  };
  for (const auto& c : cases) {
    std::string hex;
    for (const char* p = c.hex; *p; ++p)
      if (*p != ' ') hex.push_back(*p);
    TcpOptions options;
    options.has_mss = true;  // must be cleared by parse, success or failure
    EXPECT_EQ(parse(test::from_hex(hex), options), c.error) << c.name;
    if (c.error != TcpOptionsError::kNone) {
      EXPECT_FALSE(options.has_mss) << c.name << ": result must not be half-parsed";
      EXPECT_FALSE(options.has_timestamps) << c.name;
    }
  }
}

TEST(TcpOptions, ErrorAfterAGoodOptionLeavesNothingBehind) {
  TcpOptions options;
  EXPECT_EQ(parse(test::from_hex("020405b40302"), options), TcpOptionsError::kBadLength);
  EXPECT_FALSE(options.has_mss);
}

}  // namespace
}  // namespace tcpterm::wire
