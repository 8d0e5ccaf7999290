// Prometheus text rendering; see prometheus_metrics.hpp.
#include "control/prometheus_metrics.hpp"

#include <fmt/format.h>

#include <map>

namespace tcpterm::control {

namespace {

/// A label value as the exposition format wants it: backslash, double quote
/// and line feed escaped (a device name is the operator's string).
std::string escape_label_value(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string render_prometheus_metrics(const std::vector<dataplane::WorkerSnapshot>& snapshots,
                                      const std::vector<dataplane::PortStatistics>& ports) {
  // name -> samples, in first-seen order so the output is stable.
  std::vector<std::string> order;
  std::map<std::string, std::pair<const char*, std::string>> families;  // name -> (type, samples)
  auto sample_with = [&](const std::string& name, const char* type, const std::string& labels,
                         uint64_t value) {
    auto [it, inserted] = families.try_emplace(name, type, std::string());
    if (inserted) order.push_back(name);
    it->second.second += fmt::format("{}{{{}}} {}\n", name, labels, value);
  };
  auto sample = [&](const std::string& name, const char* type, unsigned lcore, uint64_t value) {
    sample_with(name, type, fmt::format("lcore=\"{}\"", lcore), value);
  };
  for (const dataplane::WorkerSnapshot& s : snapshots) {
    auto counter = [&](const char* name, uint64_t value) {
      sample(fmt::format("tcpterm_{}_total", name), "counter", s.lcore, value);
    };
    s.totals.dataplane.for_each(counter);
    s.totals.engine.for_each(counter);
    const tcp::EngineOccupancy& o = s.totals.occupancy;
    sample("tcpterm_connections", "gauge", s.lcore, o.connections);
    sample("tcpterm_syn_received", "gauge", s.lcore, o.syn_received);
    sample("tcpterm_time_wait", "gauge", s.lcore, o.time_wait);
    sample("tcpterm_buffers_in_use", "gauge", s.lcore, o.buffers_in_use);
    sample("tcpterm_timers_pending", "gauge", s.lcore, o.timers_pending);
    sample("tcpterm_listeners", "gauge", s.lcore, o.listeners);
  }
  for (const dataplane::PortStatistics& p : ports) {
    const std::string labels =
        fmt::format("port=\"{}\",device=\"{}\"", p.port_id, escape_label_value(p.device));
    p.for_each([&](const char* name, uint64_t value) {
      sample_with(fmt::format("tcpterm_port_{}_total", name), "counter", labels, value);
    });
  }
  std::string out;
  for (const std::string& name : order) {
    const auto& [type, samples] = families.at(name);
    out += fmt::format("# TYPE {} {}\n{}", name, type, samples);
  }
  return out;
}

}  // namespace tcpterm::control
