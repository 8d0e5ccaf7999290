// The load of a busy-polling lcore: a poll-mode worker is at 100 % CPU to
// the OS whatever its traffic, so it measures its own busy share
// (busy_cycles / poll_cycles) from the one TSC read per iteration it makes
// anyway for its clock.
#pragma once

#include <cstdint>

namespace tcpterm::dataplane {

class PollLoad {
 public:
  explicit PollLoad(uint64_t start_tsc) : previous_tsc_(start_tsc) {}

  /// At the top of an iteration: the iteration that just ended adds its
  /// cycles to poll_cycles, and to busy_cycles too when it was busy.
  void iteration_starts(uint64_t tsc, uint64_t& poll_cycles, uint64_t& busy_cycles) {
    poll_cycles += tsc - previous_tsc_;
    if (previous_busy_) busy_cycles += tsc - previous_tsc_;
    previous_tsc_ = tsc;
  }

  /// At the end of an iteration: busy when it received or sent frames. Sent
  /// counts for a client, which opens connections in iterations that receive
  /// nothing; for a server it adds only timer-driven sends.
  void iteration_ends(bool received, bool sent) { previous_busy_ = received || sent; }

 private:
  uint64_t previous_tsc_;
  bool previous_busy_ = false;
};

}  // namespace tcpterm::dataplane
