// cpu_gap_probe: how much of a CPU a busy-polling thread actually gets.
// Spins on the monotonic clock for --seconds and counts the gaps between two
// consecutive reads longer than --threshold-us: time the thread was not
// running (interrupts, the hypervisor running something else on this vCPU,
// other tasks). A poll-mode lcore loses the same time; in a closed loop of
// two lcores (bench/run-e2e.sh) a gap on either side stalls both.
// Run one per CPU at once, e.g.
//   taskset -c 0 build/bench/cpu_gap_probe & taskset -c 1 build/bench/cpu_gap_probe; wait
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fmt/core.h>

int main(int argc, char** argv) {
  CLI::App app{"Spin on the clock and report the gaps in which this thread did not run."};
  double seconds = 5;
  double threshold_us = 20;
  app.add_option("--seconds", seconds, "how long to spin")->check(CLI::Range(0.1, 600.0));
  app.add_option("--threshold-us", threshold_us, "a gap is a clock step longer than this")
      ->check(CLI::Range(1.0, 1e6));
  CLI11_PARSE(app, argc, argv);

  using Clock = std::chrono::steady_clock;
  const auto threshold = std::chrono::duration<double, std::micro>(threshold_us);
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  uint64_t gaps = 0, over_200us = 0, over_1ms = 0;
  Clock::duration lost{}, longest{};
  for (auto previous = start; previous < end;) {
    const auto now = Clock::now();
    const auto gap = now - previous;
    if (gap > threshold) {
      ++gaps;
      over_200us += gap > std::chrono::microseconds(200);
      over_1ms += gap > std::chrono::milliseconds(1);
      lost += gap;
      longest = std::max(longest, gap);
    }
    previous = now;
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  fmt::print(
      "{:.1f} s: {} gaps over {:.0f} us ({:.0f}/s), {} over 200 us, {} over 1 ms, longest {:.0f} us; "
      "{:.2f} % of the time lost\n",
      elapsed, gaps, threshold_us, gaps / elapsed, over_200us, over_1ms,
      std::chrono::duration<double, std::micro>(longest).count(),
      100.0 * std::chrono::duration<double>(lost).count() / elapsed);
  return 0;
}
