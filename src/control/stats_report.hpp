// Human-readable counter reports: the final summary printed at shutdown and
// the one-line periodic stats log. Control path only.
#pragma once

#include <string>
#include <vector>

#include "dataplane/dataplane.hpp"

namespace tcpterm::control {

/// Every non-zero counter, one "  name value" per line, in three groups
/// (dataplane, engine, occupancy).
std::string format_totals(const dataplane::DataplaneTotals& totals);
/// Sums per-worker snapshots.
dataplane::DataplaneTotals sum_snapshots(const std::vector<dataplane::WorkerSnapshot>& snapshots);
/// One line with the headline numbers, e.g. for the periodic log; with the
/// counters of the previous line (`since`), also the workers' busy share
/// over the interval between the two, which the cumulative share (diluted
/// by every idle minute since start) cannot show.
std::string format_stats_line(const dataplane::DataplaneTotals& totals,
                              const dataplane::DataplaneCounters* since = nullptr);

}  // namespace tcpterm::control
