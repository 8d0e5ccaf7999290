// TimerWheel: exact firing ticks at every level boundary and far beyond the
// top level; callbacks that re-arm and stop; long idle gaps; and random
// start/stop/advance sequences checked against a std::multimap reference.
#include "timer/timer_wheel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <vector>

namespace tcpterm::timer {
namespace {

struct Firing {
  uint32_t id;
  uint64_t tick;
  friend bool operator==(const Firing&, const Firing&) = default;
};

std::vector<Firing> advance_collect(TimerWheel& wheel, uint64_t now_tick) {
  std::vector<Firing> fired;
  uint32_t n = wheel.advance(now_tick, [&](uint32_t id) { fired.push_back({id, wheel.now()}); });
  EXPECT_EQ(n, fired.size());
  return fired;
}

TEST(TimerWheel, FiresExactlyAtExpiryAcrossEveryLevelBoundary) {
  // Starts around 2^32 cross the wrap of the nodes' 32-bit expiry field.
  const uint64_t starts[] = {0,          1,          63,         64,          1000,       4095,
                             262143,     16777215,   123456789,  4294967290u, 8589934590u,
                             (1ull << 40) - 3};
  const uint64_t deltas[] = {1,        2,        63,         64,         65,
                             127,      4095,     4096,       4097,       262143,
                             262144,   262145,   16777215,   16777216,   16777217,
                             33554431, 1u << 30, 1000000007, 1ull << 40, 5 * 16777216 + 3,
                             TimerWheel::kMaxDelay, TimerWheel::kMaxDelay + 1};
  for (uint64_t start : starts) {
    for (uint64_t delta : deltas) {
      TimerWheel wheel(4, start);
      // Beyond the 32-bit horizon the timer is armed at the horizon (early).
      uint64_t expiry = start + std::min(delta, TimerWheel::kMaxDelay);
      wheel.start(2, start + delta);
      EXPECT_TRUE(wheel.pending(2));
      EXPECT_EQ(wheel.expiry(2), expiry);
      EXPECT_TRUE(advance_collect(wheel, expiry - 1).empty()) << start << "+" << delta;
      EXPECT_TRUE(wheel.pending(2));
      EXPECT_EQ(wheel.now(), expiry - 1);
      auto fired = advance_collect(wheel, expiry);
      ASSERT_EQ(fired.size(), 1u) << start << "+" << delta;
      EXPECT_EQ(fired[0], (Firing{2, expiry}));
      EXPECT_FALSE(wheel.pending(2));
      EXPECT_EQ(wheel.pending_count(), 0u);
    }
  }
}

TEST(TimerWheel, FiresInTheFirstAdvancePastExpiryAtTheExpiryTick) {
  TimerWheel wheel(8, 1000);
  wheel.start(0, 1005);
  wheel.start(1, 1070);
  wheel.start(2, 5000);
  auto fired = advance_collect(wheel, 6000);
  ASSERT_EQ(fired.size(), 3u);
  EXPECT_EQ(fired[0], (Firing{0, 1005}));
  EXPECT_EQ(fired[1], (Firing{1, 1070}));
  EXPECT_EQ(fired[2], (Firing{2, 5000}));
  EXPECT_EQ(wheel.now(), 6000u);
}

TEST(TimerWheel, ExpiryAtOrBeforeNowFiresOnTheNextAdvance) {
  TimerWheel wheel(4, 500);
  wheel.start(0, 500);
  wheel.start(1, 3);
  EXPECT_EQ(wheel.pending_count(), 2u);
  auto fired = advance_collect(wheel, 500);
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[0].tick, 500u);
  EXPECT_EQ(wheel.pending_count(), 0u);
}

TEST(TimerWheel, ClockNeverMovesBackwards) {
  TimerWheel wheel(2, 100);
  wheel.start(0, 150);
  EXPECT_TRUE(advance_collect(wheel, 50).empty());
  EXPECT_EQ(wheel.now(), 100u);
  EXPECT_EQ(advance_collect(wheel, 150).size(), 1u);
}

TEST(TimerWheel, RestartMovesAndStopCancels) {
  TimerWheel wheel(4, 0);
  wheel.start(1, 100);
  wheel.start(1, 50);  // re-arm earlier
  wheel.start(2, 60);
  wheel.stop(2);
  wheel.stop(2);  // no-op
  wheel.stop(3);  // never started: no-op
  EXPECT_EQ(wheel.pending_count(), 1u);
  auto fired = advance_collect(wheel, 200);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0], (Firing{1, 50}));
}

TEST(TimerWheel, CallbackReArmingItselfRunsPeriodically) {
  TimerWheel wheel(1, 0);
  wheel.start(0, 10);
  std::vector<uint64_t> ticks;
  uint32_t fired = wheel.advance(1000, [&](uint32_t id) {
    ticks.push_back(wheel.now());
    wheel.start(id, wheel.now() + 10);
  });
  EXPECT_EQ(fired, 100u);
  for (size_t i = 0; i < ticks.size(); ++i) EXPECT_EQ(ticks[i], 10 * (i + 1));
  EXPECT_TRUE(wheel.pending(0));
  EXPECT_EQ(wheel.expiry(0), 1010u);
}

TEST(TimerWheel, CallbackReArmingAtNowDefersToTheNextAdvance) {
  TimerWheel wheel(1, 0);
  wheel.start(0, 10);
  uint32_t fired = wheel.advance(20, [&](uint32_t id) { wheel.start(id, wheel.now()); });
  EXPECT_EQ(fired, 1u);
  EXPECT_TRUE(wheel.pending(0));
  auto next = advance_collect(wheel, 20);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].tick, 20u);
}

TEST(TimerWheel, CallbackStoppingACoDueTimerPreventsItsFiring) {
  for (uint64_t expiry : {7ull, 64ull, 5000ull, 20'000'000ull}) {
    TimerWheel wheel(3, 0);
    wheel.start(0, expiry);
    wheel.start(1, expiry);
    wheel.start(2, expiry + 1);
    std::vector<uint32_t> fired;
    wheel.advance(expiry + 1, [&](uint32_t id) {
      fired.push_back(id);
      wheel.stop(0);
      wheel.stop(1);
      wheel.stop(2);
    });
    ASSERT_EQ(fired.size(), 1u) << expiry;
    EXPECT_EQ(wheel.pending_count(), 0u);
  }
}

TEST(TimerWheel, LongIdleGapsAreSkippedNotWalked) {
  TimerWheel wheel(4, 0);
  wheel.start(0, 1'000'000'000);
  // 10^9 ticks, then 2^31 - 1 more, then 9 * 10^18: a tick-by-tick wheel would take minutes here.
  auto fired = advance_collect(wheel, 1'000'000'000);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0], (Firing{0, 1'000'000'000}));
  const uint64_t far = 1'000'000'000 + TimerWheel::kMaxDelay;
  wheel.start(1, far);
  fired = advance_collect(wheel, 4'000'000'000'000ull);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0], (Firing{1, far}));
  EXPECT_TRUE(advance_collect(wheel, 9'000'000'000'000'000ull).empty());
}

TEST(TimerWheel, ExpiriesBeyondTheHorizonFireAtTheHorizon) {
  TimerWheel wheel(2, 5'000'000'000ull);
  wheel.start(0, 5'000'000'000ull + 3'000'000'000'000ull);
  const uint64_t horizon = 5'000'000'000ull + TimerWheel::kMaxDelay;
  EXPECT_EQ(wheel.expiry(0), horizon);
  EXPECT_TRUE(advance_collect(wheel, horizon - 1).empty());
  auto fired = advance_collect(wheel, UINT64_MAX / 2);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0], (Firing{0, horizon}));
}

TEST(TimerWheel, MemoryIsPreallocatedPerId) {
  TimerWheel wheel(1000, 0);
  EXPECT_EQ(wheel.capacity(), 1000u);
  EXPECT_EQ(wheel.memory_bytes(), 1000u * 16 + (4 * 64 + 2) * 4);
}

/// Reference: a multimap from expiry to id, fired in key order.
class ReferenceWheel {
 public:
  explicit ReferenceWheel(uint32_t capacity) : where_(capacity) {}
  void start(uint32_t id, uint64_t expiry) {
    stop(id);
    where_[id] = by_expiry_.emplace(expiry, id);
  }
  void stop(uint32_t id) {
    if (where_[id]) by_expiry_.erase(*where_[id]);
    where_[id].reset();
  }
  bool pending(uint32_t id) const { return where_[id].has_value(); }
  uint64_t expiry(uint32_t id) const { return (*where_[id])->first; }
  size_t size() const { return by_expiry_.size(); }
  const std::multimap<uint64_t, uint32_t>& by_expiry() const { return by_expiry_; }

 private:
  std::multimap<uint64_t, uint32_t> by_expiry_;
  std::vector<std::optional<std::multimap<uint64_t, uint32_t>::iterator>> where_;
};

uint64_t random_delay(std::mt19937_64& rng) {
  switch (rng() % 8) {
    case 0:
      return rng() % 4;  // due now or next tick
    case 1:
    case 2:
      return rng() % 200;  // levels 0-1
    case 3:
      return rng() % 10'000;  // level 2
    case 4:
      return rng() % 1'000'000;  // level 3
    case 5:
      return rng() % 40'000'000;  // around the top range
    case 6:
      return TimerWheel::kRange * (1 + rng() % 64) + rng() % 1000;  // far beyond
    default:
      return rng() % 70;
  }
}

uint64_t random_gap(std::mt19937_64& rng) {
  switch (rng() % 16) {
    case 0:
      return 1'000'000'000;  // idle gap
    case 1:
      return rng() % 50'000'000;
    case 2:
    case 3:
      return rng() % 100'000;
    case 4:
      return 0;
    default:
      return rng() % 300;
  }
}

void run_against_reference(uint64_t seed, uint32_t operations) {
  constexpr uint32_t kTimers = 512;
  std::mt19937_64 rng(seed);
  uint64_t start_tick = rng() % (uint64_t{1} << 40);
  TimerWheel wheel(kTimers, start_tick);
  ReferenceWheel model(kTimers);
  // Armed from a callback with expiry <= the tick being processed: allowed to
  // stay pending past that advance (they fire in the next one).
  std::vector<bool> deferred(kTimers);
  std::vector<uint32_t> deferred_ids;
  auto set_deferred = [&](uint32_t timer, bool value) {
    deferred[timer] = value;
    if (value) deferred_ids.push_back(timer);
  };

  auto check_id = [&](uint32_t id) {
    ASSERT_EQ(wheel.pending(id), model.pending(id)) << "id " << id;
    if (model.pending(id)) {
      ASSERT_EQ(wheel.expiry(id), model.expiry(id)) << "id " << id;
    }
  };

  for (uint32_t op = 0; op < operations; ++op) {
    uint32_t kind = static_cast<uint32_t>(rng() % 10);
    uint32_t id = static_cast<uint32_t>(rng() % kTimers);
    if (kind < 5) {
      uint64_t expiry = wheel.now() + random_delay(rng);
      if (rng() % 16 == 0 && wheel.now() > 10) expiry = wheel.now() - rng() % 10;  // already past
      wheel.start(id, expiry);
      model.start(id, expiry);
      deferred[id] = false;
    } else if (kind < 7) {
      wheel.stop(id);
      model.stop(id);
    } else {
      uint64_t advance_start = wheel.now();
      uint64_t target = advance_start + random_gap(rng);
      uint64_t last_tick = advance_start;
      uint32_t callbacks = 0;
      uint32_t fired = wheel.advance(target, [&](uint32_t fired_id) {
        ++callbacks;
        uint64_t tick = wheel.now();
        ASSERT_TRUE(model.pending(fired_id)) << "fired a stopped timer " << fired_id;
        uint64_t expiry = model.expiry(fired_id);
        ASSERT_LE(expiry, target);
        ASSERT_EQ(tick, expiry > advance_start ? expiry : advance_start) << "id " << fired_id;
        ASSERT_GE(tick, last_tick) << "ticks go forward";
        ASSERT_FALSE(wheel.pending(fired_id));
        last_tick = tick;
        model.stop(fired_id);
        deferred[fired_id] = false;
        // Act on the wheel from inside the callback.
        switch (rng() % 8) {
          case 0: {  // re-arm self, sometimes for a tick not after now
            uint64_t again = rng() % 4 == 0 ? tick - rng() % 3 : tick + 1 + random_delay(rng);
            wheel.start(fired_id, again);
            model.start(fired_id, again);
            set_deferred(fired_id, again <= tick);
            break;
          }
          case 1: {  // stop another timer, possibly one due in this advance
            uint32_t other = static_cast<uint32_t>(rng() % kTimers);
            wheel.stop(other);
            model.stop(other);
            break;
          }
          case 2: {  // stop the first timer still due in this advance, if any
            auto first = model.by_expiry().begin();
            if (first != model.by_expiry().end() && first->first <= target) {
              uint32_t other = first->second;
              wheel.stop(other);
              model.stop(other);
            }
            break;
          }
          case 3: {  // start another timer
            uint32_t other = static_cast<uint32_t>(rng() % kTimers);
            uint64_t when = tick + random_delay(rng);
            wheel.start(other, when);
            model.start(other, when);
            set_deferred(other, when <= tick);
            break;
          }
          default:
            break;
        }
      });
      ASSERT_EQ(fired, callbacks);
      ASSERT_EQ(wheel.now(), target);
      // Nothing due is left behind, except what callbacks deferred.
      for (const auto& [expiry, pending_id] : model.by_expiry()) {
        if (expiry > target) break;
        ASSERT_TRUE(deferred[pending_id])
            << "missed id " << pending_id << " due " << expiry << " at " << target << " (seed "
            << seed << ", op " << op << ")";
      }
      for (uint32_t timer : deferred_ids) deferred[timer] = false;
      deferred_ids.clear();
    }
    ASSERT_EQ(wheel.pending_count(), model.size());
    check_id(id);
    if (op % 2048 == 0) {
      for (uint32_t i = 0; i < kTimers; ++i) check_id(i);
    }
  }
}

TEST(TimerWheel, MatchesMultimapReferenceOnRandomSequences) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE(seed);
    run_against_reference(seed, 30'000);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace tcpterm::timer
