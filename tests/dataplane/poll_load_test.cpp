// PollLoad: which iterations of a poll loop count as busy.
#include "dataplane/poll_load.hpp"

#include <gtest/gtest.h>

namespace tcpterm::dataplane {
namespace {

struct Loop {
  PollLoad load{1000};
  uint64_t poll_cycles = 0;
  uint64_t busy_cycles = 0;
  uint64_t tsc = 1000;

  /// One iteration of `cycles` that received and/or sent frames, then the
  /// next iteration's start, which is when it is credited.
  void iteration(uint64_t cycles, bool received, bool sent) {
    load.iteration_ends(received, sent);
    tsc += cycles;
    load.iteration_starts(tsc, poll_cycles, busy_cycles);
  }
};

TEST(PollLoad, IdleIterationsCountOnlyAsPolling) {
  Loop loop;
  loop.load.iteration_starts(loop.tsc, loop.poll_cycles, loop.busy_cycles);
  loop.iteration(100, false, false);
  loop.iteration(50, false, false);
  EXPECT_EQ(loop.poll_cycles, 150u);
  EXPECT_EQ(loop.busy_cycles, 0u);
}

TEST(PollLoad, ReceivingOrSendingMakesAnIterationBusy) {
  Loop loop;
  loop.load.iteration_starts(loop.tsc, loop.poll_cycles, loop.busy_cycles);
  loop.iteration(100, true, false);   // a server answering
  loop.iteration(200, false, true);   // a client opening connections, nothing received yet
  loop.iteration(400, true, true);
  loop.iteration(800, false, false);  // idle
  EXPECT_EQ(loop.poll_cycles, 1500u);
  EXPECT_EQ(loop.busy_cycles, 700u);
}

TEST(PollLoad, TheTimeBeforeTheFirstIterationIsIdle) {
  Loop loop;
  loop.tsc += 300;  // started at 1000, first iteration at 1300
  loop.load.iteration_starts(loop.tsc, loop.poll_cycles, loop.busy_cycles);
  EXPECT_EQ(loop.poll_cycles, 300u);
  EXPECT_EQ(loop.busy_cycles, 0u);
}

}  // namespace
}  // namespace tcpterm::dataplane
