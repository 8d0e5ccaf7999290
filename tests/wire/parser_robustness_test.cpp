// parse_frame on hostile input: every reference frame truncated to each
// length 0..n-1 is dropped, and 200k random mutations never crash or produce
// a result pointing outside the frame. Each input is copied into an exactly
// sized heap buffer so that ASan flags any read past its end.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <vector>

#include "frame_editing.hpp"
#include "reference_frames.hpp"
#include "wire/packet_parser.hpp"

namespace tcpterm::wire {
namespace {

/// Parses a private heap copy of `bytes` of exactly its size.
ParseResult parse_exact_copy(const uint8_t* bytes, size_t size, const ParseOptions& options,
                             std::unique_ptr<uint8_t[]>& holder) {
  holder = std::make_unique<uint8_t[]>(size);
  if (size > 0) std::memcpy(holder.get(), bytes, size);
  return parse_frame({holder.get(), size}, options);
}

void expect_inside(const ParseResult& result, const uint8_t* frame, size_t size) {
  if (result.dropped()) return;
  EXPECT_LE(result.l3_offset, size);
  EXPECT_LE(result.l4_offset, size);
  if (!result.payload.empty()) {
    EXPECT_GE(result.payload.data(), frame);
    EXPECT_LE(result.payload.data() + result.payload.size(), frame + size);
  }
}

TEST(ParserRobustness, EveryTruncationOfEveryReferenceFrameIsDropped) {
  for (const auto hex : test::kAllReferenceFrames) {
    const auto frame = test::from_hex(hex);
    std::unique_ptr<uint8_t[]> holder;
    ASSERT_FALSE(parse_exact_copy(frame.data(), frame.size(), {}, holder).dropped()) << hex;
    for (size_t length = 0; length < frame.size(); ++length) {
      const auto result = parse_exact_copy(frame.data(), length, {}, holder);
      EXPECT_TRUE(result.dropped()) << "frame " << hex << " truncated to " << length;
      EXPECT_NE(result.drop_reason, DropReason::kNone);
    }
  }
}

TEST(ParserRobustness, RandomMutationsNeverCrash) {
  std::vector<std::vector<uint8_t>> references;
  for (const auto hex : test::kAllReferenceFrames) references.push_back(test::from_hex(hex));
  std::mt19937 random(20261125);
  constexpr int kMutations = 200000;
  size_t accepted = 0;
  std::vector<size_t> drops(kDropReasonCount, 0);
  for (int i = 0; i < kMutations; ++i) {
    auto frame = references[random() % references.size()];
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      switch (random() % 4) {
        case 0:  // flip a bit
          frame[random() % frame.size()] ^= static_cast<uint8_t>(1u << (random() % 8));
          break;
        case 1:  // overwrite a byte, biased to the headers where the lengths live
          frame[random() % std::min<size_t>(frame.size(), 80)] = static_cast<uint8_t>(random());
          break;
        case 2:  // cut the tail
          frame.resize(random() % (frame.size() + 1));
          break;
        default:  // grow with random bytes
          frame.resize(frame.size() + random() % 16, static_cast<uint8_t>(random()));
          break;
      }
      if (frame.empty()) frame.push_back(0);
    }
    // Half the time make checksums right so the mutation reaches deeper checks.
    if (random() % 2 == 0) test::refresh_checksums(frame);
    ParseOptions options;
    options.ipv4_checksum_verified = random() % 8 == 0;
    options.l4_checksum_verified = random() % 8 == 0;
    std::unique_ptr<uint8_t[]> holder;
    const auto result = parse_exact_copy(frame.data(), frame.size(), options, holder);
    expect_inside(result, holder.get(), frame.size());
    if (result.dropped()) {
      ASSERT_LT(static_cast<size_t>(result.drop_reason), kDropReasonCount);
      ++drops[static_cast<size_t>(result.drop_reason)];
    } else {
      ++accepted;
    }
  }
  // The mutations must exercise both outcomes, or the test proves little.
  EXPECT_GT(accepted, size_t{kMutations / 100});
  EXPECT_GT(kMutations - accepted, size_t{kMutations / 2});
}

}  // namespace
}  // namespace tcpterm::wire
