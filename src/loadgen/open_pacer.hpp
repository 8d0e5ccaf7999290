// OpenPacer: how many connections one tick of a load may open: the
// concurrency cap less the connections in flight and, with a target rate,
// the credit earned since the last tick (at most a cap's worth, so a worker
// descheduled for a while catches up in bounded bursts). Shared by the
// engine-driven HttpLoad and the engine-less FastHttpLoad.
#pragma once

#include <algorithm>
#include <cstdint>

namespace tcpterm::loadgen {

class OpenPacer {
 public:
  OpenPacer(uint64_t rate_per_second, uint32_t max_concurrency)
      : rate_per_second_(rate_per_second), max_concurrency_(max_concurrency) {}

  /// Opens allowed at `now_us` with `active` connections in flight.
  uint64_t budget(uint64_t now_us, uint32_t active) {
    if (last_tick_us_ == 0) last_tick_us_ = now_us;
    uint64_t budget = max_concurrency_ > active ? max_concurrency_ - active : 0;
    if (rate_per_second_ != 0) {
      credit_ +=
          static_cast<double>(now_us - last_tick_us_) * static_cast<double>(rate_per_second_) / 1e6;
      credit_ = std::min(credit_, static_cast<double>(max_concurrency_));
      budget = std::min<uint64_t>(budget, static_cast<uint64_t>(credit_));
    }
    last_tick_us_ = now_us;
    return budget;
  }
  /// One of the budget was used.
  void opened() {
    if (rate_per_second_ != 0) credit_ -= 1;
  }

 private:
  uint64_t rate_per_second_;
  uint32_t max_concurrency_;
  uint64_t last_tick_us_ = 0;
  double credit_ = 0;
};

}  // namespace tcpterm::loadgen
