// SipHash-2-4 against the reference vectors of Aumasson and Bernstein's paper
// (key 00..0f, message 00..len-1; vectors.h of the reference code).
#include "tcp/siphash.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

namespace tcpterm::tcp {
namespace {

TEST(SipHash24, MatchesReferenceVectors) {
  std::array<uint8_t, 16> key{};
  for (uint8_t i = 0; i < key.size(); ++i) key[i] = i;
  std::array<uint8_t, 64> message{};
  for (uint8_t i = 0; i < message.size(); ++i) message[i] = i;
  EXPECT_EQ(siphash24(key, message.data(), 0), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(siphash24(key, message.data(), 15), 0xa129ca6149be45e5ULL);  // the paper's example
}

}  // namespace
}  // namespace tcpterm::tcp
