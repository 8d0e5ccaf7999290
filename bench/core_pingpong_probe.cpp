// core_pingpong_probe: the round trip of one cache line between two CPUs.
// Two threads, pinned to --cpus A,B, bounce a counter in one cache line for
// --round-trips; the time per round trip is two cache-line transfers between
// the cores. Two polling lcores joined by memif or net_ring pay such
// transfers for every descriptor and every frame, so the end-to-end rate
// (bench/run-e2e.sh) follows this figure where the engine benchmarks, on one
// core, do not (bench/RESULTS.md).
#include <pthread.h>
#include <sched.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <fmt/core.h>
#include <thread>
#include <vector>

namespace {

bool pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

struct alignas(64) Line {
  std::atomic<uint64_t> value{0};
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Bounce a cache line between two CPUs and report the round trip."};
  std::vector<int> cpus{0, 1};
  uint64_t round_trips = 2'000'000;
  app.add_option("--cpus", cpus, "the two CPUs")->delimiter(',')->expected(2);
  app.add_option("--round-trips", round_trips, "how many")->check(CLI::Range(1000, 1'000'000'000));
  CLI11_PARSE(app, argc, argv);

  Line line;
  bool echo_pinned = false;  // read after join
  std::thread echo([&] {
    echo_pinned = pin_to(cpus[1]);
    // Answers every odd value with the next even one.
    for (uint64_t expect = 1; expect < 2 * round_trips; expect += 2) {
      while (line.value.load(std::memory_order_acquire) != expect) {
      }
      line.value.store(expect + 1, std::memory_order_release);
    }
  });
  const bool main_pinned = pin_to(cpus[0]);
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t sent = 1; sent < 2 * round_trips; sent += 2) {
    line.value.store(sent, std::memory_order_release);
    while (line.value.load(std::memory_order_acquire) != sent + 1) {
    }
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  echo.join();
  if (!main_pinned || !echo_pinned) {
    fmt::print(stderr, "core_pingpong_probe: cannot pin to CPUs {} and {}\n", cpus[0], cpus[1]);
    return 1;
  }
  const double ns = std::chrono::duration<double, std::nano>(elapsed).count() / round_trips;
  fmt::print("CPU {} <-> CPU {}: {:.0f} ns per round trip ({} round trips)\n", cpus[0], cpus[1], ns,
             round_trips);
  return 0;
}
