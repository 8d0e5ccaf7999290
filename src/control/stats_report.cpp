// Counter formatting; see stats_report.hpp.
#include "control/stats_report.hpp"

#include <fmt/format.h>

namespace tcpterm::control {

std::string format_totals(const dataplane::DataplaneTotals& totals) {
  std::string out;
  auto line = [&out](const char* name, uint64_t value) {
    if (value != 0) out += fmt::format("  {:<28} {}\n", name, value);
  };
  out += "dataplane:\n";
  totals.dataplane.for_each(line);
  if (totals.dataplane.poll_cycles != 0) {
    out += fmt::format("  {:<28} {:.1f} % of the poll loops' time (busy_cycles / poll_cycles)\n",
                       "busy", totals.dataplane.busy_percent());
  }
  if (totals.dataplane.rx_bursts != 0) {
    out += fmt::format(
        "  {:<28} {:.1f} frames per iteration that received any (rx_packets / "
        "rx_bursts)\n",
        "rx burst", totals.dataplane.frames_per_burst());
  }
  out += "tcp engine:\n";
  totals.engine.for_each(line);
  const tcp::EngineOccupancy& o = totals.occupancy;
  out += fmt::format(
      "occupancy:\n  connections {}  syn_received {}  time_wait {}  buffers_in_use {}  listeners "
      "{}\n",
      o.connections, o.syn_received, o.time_wait, o.buffers_in_use, o.listeners);
  return out;
}

dataplane::DataplaneTotals sum_snapshots(const std::vector<dataplane::WorkerSnapshot>& snapshots) {
  dataplane::DataplaneTotals totals;
  for (const dataplane::WorkerSnapshot& s : snapshots)
    totals.add(s.totals.engine, s.totals.occupancy, s.totals.dataplane);
  return totals;
}

std::string format_stats_line(const dataplane::DataplaneTotals& totals,
                              const dataplane::DataplaneCounters* since) {
  const dataplane::DataplaneCounters& d = totals.dataplane;
  uint64_t drops = 0;
  for (uint64_t n : d.drops) drops += n;
  std::string line = fmt::format(
      "rx {} pkts, tx {} pkts, rx drops {}, tx drops {}; conns {} (time-wait {}), opened {}, "
      "segments in {} out {}, retransmits {}",
      d.rx_packets, d.tx_packets, drops, d.tx_ring_full + d.tx_no_mbuf + d.tx_no_neighbour,
      totals.occupancy.connections, totals.occupancy.time_wait, totals.engine.passive_opens,
      totals.engine.segments_in, totals.engine.segments_out, totals.engine.retransmits);
  if (since != nullptr && d.poll_cycles > since->poll_cycles) {
    dataplane::DataplaneCounters interval;  // the cycles between the two lines
    interval.poll_cycles = d.poll_cycles - since->poll_cycles;
    interval.busy_cycles = d.busy_cycles - since->busy_cycles;
    line += fmt::format("; busy {:.1f} % since the last line", interval.busy_percent());
  }
  return line;
}

}  // namespace tcpterm::control
