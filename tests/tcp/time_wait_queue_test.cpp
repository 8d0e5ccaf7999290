// TimeWaitQueue against a plain model (a list of (index, expiry) in push
// order): random pushes, removals from anywhere and expiries, across the
// 24-bit wrap of the stored expiry; and the claims the engine relies on:
// removing at an end touches no other record, a long gap expires everything.
#include "tcp/time_wait_queue.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <iterator>
#include <list>
#include <random>
#include <utility>
#include <vector>

namespace tcpterm::tcp {
namespace {

using Pool = TimeWaitQueue::Pool;

struct Model {
  std::list<std::pair<uint32_t, uint64_t>> entries;  // push order = expiry order

  std::vector<uint32_t> expire(uint64_t now_ms) {
    std::vector<uint32_t> out;
    while (!entries.empty() && entries.front().second <= now_ms) {
      out.push_back(entries.front().first);
      entries.pop_front();
    }
    return out;
  }
  void remove(uint32_t index) {
    entries.remove_if([index](const auto& e) { return e.first == index; });
  }
};

std::vector<uint32_t> expire(TimeWaitQueue& queue, Pool& pool, uint64_t now_ms) {
  std::vector<uint32_t> out;
  queue.expire(pool, now_ms, [&](uint32_t index) {
    out.push_back(index);
    pool.release(index);
  });
  return out;
}

uint32_t push(TimeWaitQueue& queue, Pool& pool, uint64_t expiry_ms) {
  uint32_t index = pool.allocate();
  EXPECT_NE(index, Pool::kNone);
  pool[index] = TimeWait{};
  queue.push_back(pool, index, expiry_ms);
  return index;
}

TEST(TimeWaitQueue, ExpiresInOrderAtTheirTime) {
  Pool pool(8);
  TimeWaitQueue queue;
  uint32_t a = push(queue, pool, 100);
  uint32_t b = push(queue, pool, 100);
  uint32_t c = push(queue, pool, 250);
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_TRUE(expire(queue, pool, 99).empty());
  EXPECT_EQ(expire(queue, pool, 100), (std::vector<uint32_t>{a, b}));
  EXPECT_TRUE(expire(queue, pool, 249).empty());
  EXPECT_EQ(queue.expiry_ms(pool, c), 250u);
  EXPECT_EQ(expire(queue, pool, 250), (std::vector<uint32_t>{c}));
  EXPECT_TRUE(queue.empty());
}

TEST(TimeWaitQueue, RemovesFromHeadMiddleAndTail) {
  Pool pool(8);
  TimeWaitQueue queue;
  std::vector<uint32_t> r;
  for (uint64_t t = 10; t <= 50; t += 10) r.push_back(push(queue, pool, t));
  queue.remove(pool, r[2]);  // middle
  queue.remove(pool, r[0]);  // head
  queue.remove(pool, r[4]);  // tail
  EXPECT_EQ(queue.size(), 2u);
  uint32_t late = push(queue, pool, 60);  // after a removed tail
  EXPECT_EQ(expire(queue, pool, 1000), (std::vector<uint32_t>{r[1], r[3], late}));
  // The only record, removed: the queue is empty and takes new ones.
  uint32_t only = push(queue, pool, 2000);
  queue.remove(pool, only);
  EXPECT_TRUE(queue.empty());
  uint32_t again = push(queue, pool, 3000);
  EXPECT_EQ(expire(queue, pool, 3000), (std::vector<uint32_t>{again}));
}

TEST(TimeWaitQueue, RemovingAnEndTouchesNoOtherRecord) {
  Pool pool(8);
  TimeWaitQueue queue;
  std::vector<uint32_t> r;
  for (uint64_t t = 1; t <= 4; ++t) r.push_back(push(queue, pool, t));
  auto bytes = [&](uint32_t i) {
    std::vector<uint8_t> b(sizeof(TimeWait));
    std::memcpy(b.data(), &pool[i], sizeof(TimeWait));
    return b;
  };
  std::vector<std::vector<uint8_t>> before;
  for (uint32_t i : r) before.push_back(bytes(i));
  queue.remove(pool, r[0]);  // head: r[1]'s prev is left stale, never read
  queue.remove(pool, r[3]);  // tail: r[2]'s next likewise
  EXPECT_EQ(bytes(r[1]), before[1]);
  EXPECT_EQ(bytes(r[2]), before[2]);
  EXPECT_EQ(expire(queue, pool, 10), (std::vector<uint32_t>{r[1], r[2]}));
}

TEST(TimeWaitQueue, LongGapExpiresEverythingNeverEarly) {
  Pool pool(8);
  TimeWaitQueue queue;
  const uint64_t base = (uint64_t{5} << 24) - 3;  // the stored 24 bits wrap between records
  uint32_t a = push(queue, pool, base);
  uint32_t b = push(queue, pool, base + 5);
  EXPECT_EQ(queue.expiry_ms(pool, a), base);
  EXPECT_EQ(queue.expiry_ms(pool, b), base + 5);
  EXPECT_TRUE(expire(queue, pool, base - 1).empty());
  EXPECT_EQ(expire(queue, pool, base + 4), (std::vector<uint32_t>{a}));
  // A clock that jumps far past 2^24 ms still expires what is due.
  EXPECT_EQ(expire(queue, pool, base + (uint64_t{1} << 40)), (std::vector<uint32_t>{b}));
}

TEST(TimeWaitQueue, MatchesModelUnderRandomOperations) {
  constexpr uint32_t kCapacity = 64;
  std::mt19937_64 rng(11);
  for (int round = 0; round < 20; ++round) {
    Pool pool(kCapacity);
    TimeWaitQueue queue;
    Model model;
    // Start near a 2^24 boundary so the stored expiries wrap during the run.
    uint64_t now = (uint64_t{1} << 32) * round + (uint64_t{1} << 24) - 20'000;
    const uint64_t two_msl = 1 + rng() % 60'000;
    for (int step = 0; step < 20'000; ++step) {
      uint32_t op = rng() % 10;
      if (op < 5 && pool.in_use() < kCapacity) {
        uint32_t index = push(queue, pool, now + two_msl);
        model.entries.emplace_back(index, now + two_msl);
      } else if (op < 7 && !model.entries.empty()) {
        auto it = model.entries.begin();
        std::advance(it, rng() % model.entries.size());
        uint32_t index = it->first;
        queue.remove(pool, index);
        pool.release(index);
        model.remove(index);
      } else if (op < 8 && !model.entries.empty()) {  // a retransmitted FIN: to the tail
        auto it = model.entries.begin();
        std::advance(it, rng() % model.entries.size());
        uint32_t index = it->first;
        queue.remove(pool, index);
        queue.push_back(pool, index, now + two_msl);
        model.remove(index);
        model.entries.emplace_back(index, now + two_msl);
      } else {
        now += rng() % (two_msl / 4 + 2);
        ASSERT_EQ(expire(queue, pool, now), model.expire(now)) << "round " << round;
      }
      ASSERT_EQ(queue.size(), model.entries.size());
    }
    now += two_msl;
    ASSERT_EQ(expire(queue, pool, now), model.expire(now));
    EXPECT_TRUE(queue.empty());
    EXPECT_EQ(pool.in_use(), 0u);
  }
}

}  // namespace
}  // namespace tcpterm::tcp
