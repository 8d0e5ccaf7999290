// TimerWheel microbenchmarks with 1M pending timers: re-arming start(),
// stop(), and steady-state start + expire (each fired timer re-armed, as
// retransmission and TIME-WAIT timers are) for short and long delays.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "timer/timer_wheel.hpp"

namespace tcpterm::timer {
namespace {

constexpr uint32_t kTimers = 1'000'000;

/// Cheap deterministic generator for use inside the timed loop.
struct XorShift {
  uint64_t state = 0x9e3779b97f4a7c15ull;
  uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

/// A wheel with kTimers timers pending, delays uniform in [1, max_delay].
struct ArmedWheel {
  uint64_t max_delay;
  XorShift rng;
  TimerWheel wheel{kTimers, 1000};

  explicit ArmedWheel(uint64_t max_delay_ticks) : max_delay(max_delay_ticks) { arm_all(); }
  uint64_t next_expiry() {
    // Lemire's multiply-shift instead of %: a 64-bit divide would be most of an iteration.
    return wheel.now() + 1 + ((rng.next() >> 32) * max_delay >> 32);
  }
  void arm_all() {
    for (uint32_t id = 0; id < kTimers; ++id) wheel.start(id, next_expiry());
  }
};

void BM_StartRearm(benchmark::State& state) {
  ArmedWheel armed(static_cast<uint64_t>(state.range(0)));
  uint32_t id = 0;
  for (auto _ : state) {
    armed.wheel.start(id, armed.next_expiry());
    if (++id == kTimers) id = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Stop(benchmark::State& state) {
  ArmedWheel armed(60'000);
  std::vector<uint32_t> order(kTimers);  // a stride through the ids, not their arming order
  for (uint32_t i = 0; i < kTimers; ++i)
    order[i] = static_cast<uint32_t>((uint64_t{i} * 7919) % kTimers);
  uint32_t cursor = 0;
  for (auto _ : state) {
    armed.wheel.stop(order[cursor]);
    if (++cursor == kTimers) {
      state.PauseTiming();
      armed.arm_all();
      cursor = 0;
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
}

/// One iteration = advance by one tick; every fired timer is re-armed.
void BM_StartExpire(benchmark::State& state) {
  ArmedWheel armed(static_cast<uint64_t>(state.range(0)));
  TimerWheel& wheel = armed.wheel;
  uint64_t fired = 0;
  for (auto _ : state) {
    fired +=
        wheel.advance(wheel.now() + 1, [&](uint32_t id) { wheel.start(id, armed.next_expiry()); });
  }
  state.SetItemsProcessed(static_cast<int64_t>(fired));
  state.counters["pending"] = wheel.pending_count();
}

BENCHMARK(BM_StartRearm)->Arg(1000)->Arg(60'000);
BENCHMARK(BM_Stop);
BENCHMARK(BM_StartExpire)->Arg(1000)->Arg(60'000);

}  // namespace
}  // namespace tcpterm::timer

BENCHMARK_MAIN();
