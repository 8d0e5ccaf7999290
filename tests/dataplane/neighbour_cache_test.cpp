// NeighbourCache: learning, refreshing, request rate limiting, and that a
// full cache keeps working (overwrites) instead of failing.
#include "dataplane/neighbour_cache.hpp"

#include <gtest/gtest.h>

namespace tcpterm::dataplane {
namespace {

wire::MacAddress mac(uint8_t last) {
  return wire::MacAddress{{0x02, 0, 0, 0, 0, last}};
}

TEST(NeighbourCache, LearnsAndRefreshes) {
  NeighbourCache cache(16);
  wire::IpAddress a = wire::IpAddress::v4(0x0a070001);
  EXPECT_EQ(cache.find(a), nullptr);
  cache.learn(a, mac(1));
  ASSERT_NE(cache.find(a), nullptr);
  EXPECT_EQ(*cache.find(a), mac(1));
  cache.learn(a, mac(2));
  EXPECT_EQ(*cache.find(a), mac(2));
}

TEST(NeighbourCache, RequestsAreRateLimitedPerAddress) {
  NeighbourCache cache(16);
  wire::IpAddress a = wire::IpAddress::v4(0x0a070001);
  wire::IpAddress b = wire::IpAddress::v4(0x0a070003);
  EXPECT_TRUE(cache.should_request(a, 1000, 100));
  EXPECT_FALSE(cache.should_request(a, 1050, 100));
  EXPECT_TRUE(cache.should_request(b, 1050, 100));
  EXPECT_TRUE(cache.should_request(a, 1100, 100));
  cache.learn(a, mac(1));
  EXPECT_FALSE(cache.should_request(a, 5000, 100));  // known: nothing to ask
  EXPECT_EQ(*cache.find(a), mac(1));
}

TEST(NeighbourCache, FullCacheStillLearns) {
  NeighbourCache cache(16);
  for (uint32_t i = 0; i < 1000; ++i)
    cache.learn(wire::IpAddress::v4(0x0a000000 + i), mac(static_cast<uint8_t>(i)));
  wire::IpAddress last = wire::IpAddress::v4(0x0a000000 + 999);
  ASSERT_NE(cache.find(last), nullptr);
  EXPECT_EQ(*cache.find(last), mac(static_cast<uint8_t>(999)));
}

}  // namespace
}  // namespace tcpterm::dataplane
