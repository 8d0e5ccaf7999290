// MbufStash against a counting pool: order, refills, prefetches, fallback
// when the pool runs short, and that everything held goes back.
#include "dataplane/mbuf_stash.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

namespace tcpterm::dataplane {
namespace {

struct Buffer {
  int id = 0;
};

// A pool of `count` Buffers. get_bulk hands out the lowest ids first, all or
// nothing; what is put back goes to the end.
struct CountingPool {
  using Item = Buffer;
  struct State {
    std::vector<Buffer> storage;
    std::vector<Buffer*> free;
    std::set<const Buffer*> prefetched;
    int bulk_gets = 0;
  };
  State* state = nullptr;

  static State make(int count) {
    State s;
    s.storage.resize(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) s.storage[static_cast<size_t>(i)].id = i;
    for (Buffer& b : s.storage) s.free.push_back(&b);
    return s;
  }

  bool get_bulk(Buffer** out, unsigned n) {
    ++state->bulk_gets;
    if (state->free.size() < n) return false;
    std::copy_n(state->free.begin(), n, out);
    state->free.erase(state->free.begin(), state->free.begin() + n);
    return true;
  }
  void put(Buffer* b) { state->free.push_back(b); }
  static void prefetch(const Buffer* b) { current->prefetched.insert(b); }

  static inline State* current = nullptr;
};

using Stash = MbufStash<CountingPool>;

struct MbufStashTest : ::testing::Test {
  CountingPool::State state;
  void fill(int count) {
    state = CountingPool::make(count);
    CountingPool::current = &state;
  }
  Stash stash() { return Stash(CountingPool{&state}); }
};

TEST_F(MbufStashTest, HandsOutInTheOrderThePoolGaveAndRefillsBelowABulk) {
  fill(1000);
  Stash s = stash();
  EXPECT_EQ(s.size(), 0u);
  Buffer* first = s.take();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->id, 0);
  EXPECT_EQ(state.bulk_gets, 1);
  EXPECT_EQ(s.size(), Stash::kBulk - 1);
  // Below a bulk: the next take refills first, and still hands out id 1.
  EXPECT_EQ(s.take()->id, 1);
  EXPECT_EQ(state.bulk_gets, 2);
  EXPECT_EQ(s.size(), 2 * Stash::kBulk - 2);
  for (int id = 2; id < 600; ++id) {
    Buffer* b = s.take();
    ASSERT_NE(b, nullptr);
    ASSERT_EQ(b->id, id);
    ASSERT_LE(s.size(), Stash::kCapacity);
    ASSERT_GE(s.size(), Stash::kBulk - 1);
  }
  // Every item taken from the pool was handed out or is held.
  EXPECT_EQ(static_cast<uint32_t>(state.bulk_gets) * Stash::kBulk, 600u + s.size());
}

TEST_F(MbufStashTest, EveryItemIsPrefetchedWhenTakenFromThePool) {
  fill(200);
  Stash s = stash();
  for (int i = 0; i < 100; ++i) {
    Buffer* b = s.take();
    ASSERT_NE(b, nullptr);
    EXPECT_TRUE(state.prefetched.contains(b)) << b->id;
  }
  // Prefetched when taken from the pool, not when handed out: those held
  // now are prefetched too.
  EXPECT_EQ(state.prefetched.size(), 100u + s.size());
}

TEST_F(MbufStashTest, WhenThePoolCannotGiveABulkItHandsOutWhatItHoldsThenNothing) {
  fill(Stash::kBulk + 5);
  Stash s = stash();
  std::set<int> seen;
  while (Buffer* b = s.take()) EXPECT_TRUE(seen.insert(b->id).second) << "handed out twice";
  // One bulk; 5 left in the pool, for the caller's single allocation.
  EXPECT_EQ(seen.size(), Stash::kBulk);
  EXPECT_EQ(state.free.size(), 5u);
  EXPECT_EQ(s.size(), 0u);
}

TEST_F(MbufStashTest, GivesBackEverythingItHoldsOnceAndOnlyOnce) {
  fill(500);
  std::vector<Buffer*> out;
  {
    Stash s = stash();
    for (int i = 0; i < 45; ++i) out.push_back(s.take());
    EXPECT_EQ(state.free.size() + s.size() + out.size(), 500u);
    Stash other = stash();  // a second stash on the same pool
    out.push_back(other.take());
    EXPECT_EQ(state.free.size() + s.size() + other.size() + out.size(), 500u);
    s.release();  // given back early, then again (nothing) when destroyed
    EXPECT_EQ(s.size(), 0u);
    EXPECT_EQ(state.free.size() + other.size() + out.size(), 500u);
  }
  EXPECT_EQ(state.free.size() + out.size(), 500u);
  std::set<Buffer*> distinct(state.free.begin(), state.free.end());
  distinct.insert(out.begin(), out.end());
  EXPECT_EQ(distinct.size(), 500u);
}

}  // namespace
}  // namespace tcpterm::dataplane
