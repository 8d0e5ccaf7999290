// The final report: non-zero counters by group, the workers' busy share of
// their poll loops (busy_cycles / poll_cycles) once they have polled, and
// the mean received burst once they have received; the periodic stats line
// and its busy share over the interval.
#include "control/stats_report.hpp"

#include <gtest/gtest.h>

namespace tcpterm::control {
namespace {

TEST(FormatTotals, ListsNonZeroCountersAndTheBusyShare) {
  dataplane::DataplaneTotals totals;
  totals.dataplane.rx_packets = 7;
  totals.dataplane.rx_bursts = 2;
  totals.dataplane.poll_cycles = 2000;
  totals.dataplane.busy_cycles = 500;
  totals.engine.passive_opens = 3;
  std::string text = format_totals(totals);
  EXPECT_NE(text.find("dataplane:\n  rx_packets                   7\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  poll_cycles                  2000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  busy                         25.0 % of the poll loops' time"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  rx burst                     3.5 frames per iteration that received any"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tcp engine:\n  passive_opens                3\n"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("tx_packets"), std::string::npos) << "zero counters are left out";
}

TEST(FormatTotals, NoBusyShareBeforeAnyPolling) {
  dataplane::DataplaneTotals totals;
  EXPECT_EQ(format_totals(totals).find("busy"), std::string::npos);
  EXPECT_EQ(format_totals(totals).find("rx burst"), std::string::npos);
}

TEST(FormatStatsLine, BusyShareOverTheIntervalSinceTheLastLine) {
  dataplane::DataplaneTotals totals;
  totals.dataplane.rx_packets = 9;
  totals.dataplane.poll_cycles = 3000;
  totals.dataplane.busy_cycles = 1600;
  dataplane::DataplaneCounters previous;
  previous.poll_cycles = 1000;
  previous.busy_cycles = 600;
  const std::string line = format_stats_line(totals, &previous);
  EXPECT_EQ(line.find("rx 9 pkts"), 0u) << line;
  EXPECT_NE(line.find("; busy 50.0 % since the last line"), std::string::npos) << line;
  EXPECT_EQ(format_stats_line(totals).find("busy"), std::string::npos)
      << "no interval, no interval share";
  EXPECT_EQ(format_stats_line(totals, &totals.dataplane).find("busy"), std::string::npos)
      << "no cycles in the interval, no share";
}

}  // namespace
}  // namespace tcpterm::control
