// TimerWheel microbenchmarks with 1M pending timers: re-arming start(),
// stop(), and steady-state start + expire (each fired timer re-armed, as
// retransmission and TIME-WAIT timers are) for short and long delays.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
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

/// kTimers timers pending with delays uniform in [1, max_delay].
void arm_all(TimerWheel& wheel, uint64_t max_delay, XorShift& rng) {
  for (uint32_t id = 0; id < kTimers; ++id) wheel.start(id, wheel.now() + 1 + rng.next() % max_delay);
}

void BM_StartRearm(benchmark::State& state) {
  uint64_t max_delay = static_cast<uint64_t>(state.range(0));
  XorShift rng;
  TimerWheel wheel(kTimers, 1000);
  arm_all(wheel, max_delay, rng);
  uint32_t id = 0;
  for (auto _ : state) {
    wheel.start(id, wheel.now() + 1 + rng.next() % max_delay);
    if (++id == kTimers) id = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Stop(benchmark::State& state) {
  XorShift rng;
  TimerWheel wheel(kTimers, 1000);
  arm_all(wheel, 60'000, rng);
  std::vector<uint32_t> order(kTimers);
  for (uint32_t i = 0; i < kTimers; ++i) order[i] = static_cast<uint32_t>((uint64_t{i} * 7919) % kTimers);
  uint32_t cursor = 0;
  for (auto _ : state) {
    wheel.stop(order[cursor]);
    if (++cursor == kTimers) {
      state.PauseTiming();
      arm_all(wheel, 60'000, rng);
      cursor = 0;
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
}

/// One iteration = advance by one tick; every fired timer is re-armed.
void BM_StartExpire(benchmark::State& state) {
  uint64_t max_delay = static_cast<uint64_t>(state.range(0));
  XorShift rng;
  TimerWheel wheel(kTimers, 1000);
  arm_all(wheel, max_delay, rng);
  uint64_t fired = 0;
  for (auto _ : state) {
    fired += wheel.advance(wheel.now() + 1, [&](uint32_t id) { wheel.start(id, wheel.now() + 1 + rng.next() % max_delay); });
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
