// NeighbourCache: learning, request rate limiting, ageing (fresh, stale and
// re-resolved, expired), and the size bound: a full cache keeps learning by
// reusing expired, then least recently used slots; the shortcut to the slot
// last learned never answers for another address.
#include "dataplane/neighbour_cache.hpp"

#include <gtest/gtest.h>

namespace tcpterm::dataplane {
namespace {

constexpr uint64_t kReachable = 30'000'000;
constexpr uint64_t kGrace = NeighbourCache::kStaleGraceUs;

wire::MacAddress mac(uint8_t last) {
  return wire::MacAddress{{0x02, 0, 0, 0, 0, last}};
}

wire::IpAddress host(uint32_t i) {
  return wire::IpAddress::v4(0x0a000000 + i);
}

TEST(NeighbourCache, LearnsAndRefreshes) {
  NeighbourCache cache(16, kReachable);
  wire::IpAddress a = host(1);
  EXPECT_EQ(cache.find(a, 0).mac, nullptr);
  cache.learn(a, mac(1), 0);
  ASSERT_NE(cache.find(a, 0).mac, nullptr);
  EXPECT_EQ(*cache.find(a, 0).mac, mac(1));
  EXPECT_FALSE(cache.find(a, 0).stale);
  cache.learn(a, mac(2), 10);
  EXPECT_EQ(*cache.find(a, 10).mac, mac(2));
}

TEST(NeighbourCache, RequestsAreRateLimitedPerAddress) {
  NeighbourCache cache(16, kReachable);
  wire::IpAddress a = host(1), b = host(3);
  EXPECT_TRUE(cache.should_request(a, 1000, 100));
  EXPECT_FALSE(cache.should_request(a, 1050, 100));
  EXPECT_TRUE(cache.should_request(b, 1050, 100));
  EXPECT_TRUE(cache.should_request(a, 1100, 100));
  cache.learn(a, mac(1), 1200);
  EXPECT_FALSE(cache.should_request(a, 5000, 100));  // fresh: nothing to ask
  EXPECT_EQ(*cache.find(a, 5000).mac, mac(1));
}

TEST(NeighbourCache, EntryGoesStaleThenExpires) {
  NeighbourCache cache(16, kReachable);
  wire::IpAddress a = host(1);
  uint64_t t0 = 1'000'000;
  cache.learn(a, mac(1), t0);
  EXPECT_FALSE(cache.find(a, t0 + kReachable - 1).stale);
  // RFC 4861 STALE: still used, but due for re-resolution.
  NeighbourCache::Lookup stale = cache.find(a, t0 + kReachable);
  ASSERT_NE(stale.mac, nullptr);
  EXPECT_TRUE(stale.stale);
  EXPECT_EQ(*stale.mac, mac(1));
  EXPECT_EQ(cache.usable(t0 + kReachable), 1u);
  // Unconfirmed past the grace period: expired, reads as unknown.
  EXPECT_EQ(cache.find(a, t0 + kReachable + kGrace).mac, nullptr);
  EXPECT_EQ(cache.usable(t0 + kReachable + kGrace), 0u);
}

TEST(NeighbourCache, StaleEntryIsReResolvedAndKeptMeanwhile) {
  NeighbourCache cache(16, kReachable);
  wire::IpAddress a = host(1);
  cache.learn(a, mac(1), 0);
  uint64_t t = kReachable + 10;
  EXPECT_TRUE(cache.should_request(a, t, 100'000));       // stale: ask again
  EXPECT_FALSE(cache.should_request(a, t + 1, 100'000));  // once per interval
  ASSERT_NE(cache.find(a, t + 1).mac, nullptr);           // the old MAC is used meanwhile
  cache.learn(a, mac(9), t + 500);                        // the answer: a new MAC
  NeighbourCache::Lookup fresh = cache.find(a, t + 500);
  ASSERT_NE(fresh.mac, nullptr);
  EXPECT_EQ(*fresh.mac, mac(9));
  EXPECT_FALSE(fresh.stale);
  EXPECT_FALSE(cache.should_request(a, t + 600, 100'000));
}

TEST(NeighbourCache, ReachableTimeIsConfigurable) {
  NeighbourCache cache(16, 1'000'000);
  cache.learn(host(1), mac(1), 0);
  EXPECT_TRUE(cache.find(host(1), 1'000'000).stale);
  EXPECT_EQ(cache.find(host(1), 1'000'000 + kGrace).mac, nullptr);
}

TEST(NeighbourCache, SizeIsBoundedAndAFullCacheStillLearns) {
  NeighbourCache cache(20, kReachable);
  EXPECT_EQ(cache.capacity(), 32u);  // rounded up to a power of two
  for (uint32_t i = 0; i < 1000; ++i) cache.learn(host(i), mac(static_cast<uint8_t>(i)), i);
  EXPECT_LE(cache.usable(1000), cache.capacity());
  EXPECT_GT(cache.usable(1000), cache.capacity() / 2);
  ASSERT_NE(cache.find(host(999), 1000).mac, nullptr);
  EXPECT_EQ(*cache.find(host(999), 1000).mac, mac(static_cast<uint8_t>(999)));
}

TEST(NeighbourCache, FullWindowEvictsTheLeastRecentlyConfirmed) {
  // 16 slots, 8 probes: 200 addresses over the whole table make every probe
  // window full; an address learned again just before must survive a new
  // wave of 200, while most of the older ones go.
  NeighbourCache cache(16, kReachable);
  for (uint32_t i = 0; i < 200; ++i) cache.learn(host(i), mac(1), 1000);
  cache.learn(host(7), mac(7), 2000);  // may itself evict; it is now the newest
  for (uint32_t i = 1000; i < 1010; ++i) cache.learn(host(i), mac(2), 3000);
  uint32_t old_left = 0;
  for (uint32_t i = 0; i < 200; ++i) old_left += cache.find(host(i), 3000).mac != nullptr;
  EXPECT_LE(cache.usable(3000), 16u);
  EXPECT_LE(old_left, 16u - 10u + 1u);
  for (uint32_t i = 1000; i < 1010; ++i) EXPECT_NE(cache.find(host(i), 3000).mac, nullptr) << i;
}

TEST(NeighbourCache, ExpiredSlotsAreReusedFirst) {
  NeighbourCache cache(16, 1'000'000);
  for (uint32_t i = 0; i < 16; ++i) cache.learn(host(i), mac(1), 0);
  uint64_t later = 1'000'000 + kGrace;  // all 16 expired
  EXPECT_EQ(cache.usable(later), 0u);
  for (uint32_t i = 100; i < 104; ++i) cache.learn(host(i), mac(2), later);
  EXPECT_EQ(cache.usable(later), 4u);
  for (uint32_t i = 100; i < 104; ++i) EXPECT_NE(cache.find(host(i), later).mac, nullptr);
}

TEST(NeighbourCache, EveryAddressKeepsItsOwnMacWhenSlotsAreReused) {
  // learn() and find() try the slot learned last before hashing; 40
  // addresses in 16 slots, learned in turn, make that slot change hands
  // (evicted, or taken by should_request) all the time.
  NeighbourCache cache(16, kReachable);
  for (uint64_t round = 0; round < 3; ++round) {
    for (uint32_t i = 1; i <= 40; ++i) {
      cache.learn(host(i), mac(static_cast<uint8_t>(i)), round * 100 + i);
      cache.learn(host(i), mac(static_cast<uint8_t>(i)), round * 100 + i);  // the shortcut
      cache.should_request(host(100 + i), round * 100 + i, 1);
    }
  }
  uint32_t found = 0;
  for (uint32_t i = 1; i <= 40; ++i) {
    NeighbourCache::Lookup l = cache.find(host(i), 400);
    if (!l.mac) continue;
    EXPECT_EQ(*l.mac, mac(static_cast<uint8_t>(i))) << i;
    ++found;
  }
  EXPECT_GT(found, 0u);
  EXPECT_LE(found, 16u);
  ASSERT_NE(cache.find(host(40), 400).mac, nullptr);  // the last one learned
  EXPECT_EQ(*cache.find(host(40), 400).mac, mac(40));
}

TEST(NeighbourCache, Ipv6AddressesAreKeptApartFromIpv4) {
  NeighbourCache cache(16, kReachable);
  wire::IpAddress v6;
  v6.bytes[0] = 0xfd;
  v6.bytes[15] = 1;
  cache.learn(v6, mac(6), 0);
  cache.learn(host(1), mac(4), 0);
  EXPECT_EQ(*cache.find(v6, 0).mac, mac(6));
  EXPECT_EQ(*cache.find(host(1), 0).mac, mac(4));
}

}  // namespace
}  // namespace tcpterm::dataplane
