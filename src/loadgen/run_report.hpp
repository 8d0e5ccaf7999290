// RunReport: a loadgen run's results summed over workers, and the ways they
// are shown: the per-second progress line, the final text report and the
// --json document. Control path only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "dataplane/dataplane.hpp"
#include "loadgen/http_load.hpp"
#include "loadgen/syn_flood.hpp"

namespace tcpterm::loadgen {

struct RunReport {
  bool http = false;   // an HTTP load ran
  bool flood = false;  // a SYN flood ran
  double seconds = 0;  // first open to last completion
  LoadCounters load;
  FloodCounters flood_counters;
  LatencyHistogram latency;
  uint64_t unfinished = 0;  // connections still open at the end (counted as errors)
  bool neighbour_failed = false;
  dataplane::DataplaneTotals totals;  // the loadgen's own engine and dataplane
  /// The server's, in the one-process mode (--ring-server), read after its workers stopped.
  std::optional<dataplane::DataplaneTotals> server;

  uint64_t errors() const { return load.errors() + unfinished; }
  /// errors / connections attempted (0 when none were).
  double error_rate() const;
};

/// The one-line progress report, from totals read `seconds` after the previous ones.
struct ProgressSample {
  uint64_t opened = 0, ok = 0, errors = 0, in_flight = 0, syns = 0, syn_acks = 0;
};
std::string format_progress(double elapsed_s, const ProgressSample& now,
                            const ProgressSample& before, double interval_s, bool http, bool flood);

std::string format_report(const RunReport& report);
nlohmann::json report_json(const RunReport& report);

}  // namespace tcpterm::loadgen
