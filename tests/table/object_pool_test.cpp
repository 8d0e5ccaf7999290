// ObjectPool: exhaustion, LIFO reuse, in_use accounting, alignment.
#include "table/object_pool.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>

namespace tcpterm::table {
namespace {

struct Connection {
  uint64_t id = 0;
  uint32_t state = 0;
};

TEST(ObjectPool, HandsOutEveryIndexOnceThenReportsExhaustion) {
  ObjectPool<Connection> pool(100);
  EXPECT_EQ(pool.capacity(), 100u);
  std::set<uint32_t> seen;
  for (uint32_t i = 0; i < 100; ++i) {
    uint32_t index = pool.allocate();
    ASSERT_NE(index, ObjectPool<Connection>::kNone);
    ASSERT_LT(index, 100u);
    EXPECT_TRUE(seen.insert(index).second);
    EXPECT_TRUE(pool.allocated(index));
    EXPECT_EQ(pool.in_use(), i + 1);
  }
  EXPECT_EQ(pool.allocate(), ObjectPool<Connection>::kNone);
  EXPECT_EQ(pool.allocate(), ObjectPool<Connection>::kNone);
  EXPECT_EQ(pool.in_use(), 100u);
}

TEST(ObjectPool, ReusesTheMostRecentlyReleasedFirst) {
  ObjectPool<Connection> pool(8);
  for (int i = 0; i < 8; ++i) pool.allocate();
  pool.release(3);
  pool.release(6);
  EXPECT_FALSE(pool.allocated(3));
  EXPECT_EQ(pool.in_use(), 6u);
  EXPECT_EQ(pool.allocate(), 6u);
  EXPECT_EQ(pool.allocate(), 3u);
  EXPECT_EQ(pool.allocate(), ObjectPool<Connection>::kNone);
}

TEST(ObjectPool, ObjectsKeepTheirContentsBeyondTheLinkAcrossReuse) {
  ObjectPool<Connection> pool(4);
  uint32_t index = pool.allocate();
  EXPECT_EQ(pool[index].state, 0u);
  pool[index].state = 77;
  pool.release(index);
  ASSERT_EQ(pool.allocate(), index);
  // The first 4 bytes held the free-list link; the rest is as it was left.
  EXPECT_EQ(pool[index].state, 77u) << "allocate() does not reinitialise: the engine does";
  const auto& const_pool = pool;
  EXPECT_EQ(const_pool[index].state, 77u);
}

TEST(ObjectPool, StorageIsCacheLineAlignedAndCostsOneBitPerObjectBeyondTheObjects) {
  ObjectPool<Connection> pool(1000);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(&pool[0]) % 64, 0u);
  EXPECT_EQ(pool.memory_bytes(), 1000 * sizeof(Connection) + 16 * sizeof(uint64_t));
}

TEST(ObjectPool, AllocatedTracksEveryIndexAcrossBitmapWords) {
  ObjectPool<Connection> pool(130);
  for (uint32_t i = 0; i < 130; ++i) ASSERT_EQ(pool.allocate(), i);
  for (uint32_t i : {0u, 63u, 64u, 127u, 128u, 129u}) pool.release(i);
  for (uint32_t i = 0; i < 130; ++i) {
    bool released = i == 0 || i == 63 || i == 64 || i == 127 || i == 128 || i == 129;
    EXPECT_EQ(pool.allocated(i), !released) << i;
  }
  EXPECT_FALSE(pool.allocated(130));
  EXPECT_EQ(pool.allocate(), 129u);
  EXPECT_TRUE(pool.allocated(129));
}

TEST(ObjectPool, AllocateReleaseCyclesKeepAccountingExact) {
  ObjectPool<Connection> pool(64);
  std::vector<uint32_t> held;
  uint32_t state = 1;
  for (int i = 0; i < 100'000; ++i) {
    state = state * 1103515245u + 12345u;
    if ((state >> 16) % 2 == 0 && !held.empty()) {
      size_t k = (state >> 8) % held.size();
      pool.release(held[k]);
      held[k] = held.back();
      held.pop_back();
    } else {
      uint32_t index = pool.allocate();
      if (held.size() == 64) {
        ASSERT_EQ(index, ObjectPool<Connection>::kNone);
      } else {
        ASSERT_NE(index, ObjectPool<Connection>::kNone);
        held.push_back(index);
      }
    }
    ASSERT_EQ(pool.in_use(), held.size());
  }
}

TEST(ObjectPool, EmptyPoolAllocatesNothing) {
  ObjectPool<Connection> pool(0);
  EXPECT_EQ(pool.allocate(), ObjectPool<Connection>::kNone);
  EXPECT_EQ(pool.in_use(), 0u);
}

}  // namespace
}  // namespace tcpterm::table
