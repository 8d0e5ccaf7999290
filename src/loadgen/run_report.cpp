// Formatting a loadgen run's results; see run_report.hpp.
#include "loadgen/run_report.hpp"

#include <fmt/format.h>

namespace tcpterm::loadgen {
namespace {

double per_second(uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

}  // namespace

double RunReport::error_rate() const {
  uint64_t attempted = load.connections_opened + load.connect_failed;
  return attempted ? static_cast<double>(errors()) / static_cast<double>(attempted) : 0;
}

std::string format_progress(double elapsed_s, const ProgressSample& now,
                            const ProgressSample& before, double interval_s, bool http,
                            bool flood) {
  std::string line = fmt::format("[{:6.1f}s]", elapsed_s);
  if (http)
    line += fmt::format(" conn/s {:>9.0f}  req/s {:>9.0f}  errors {}  in flight {}",
                        per_second(now.opened - before.opened, interval_s),
                        per_second(now.ok - before.ok, interval_s), now.errors, now.in_flight);
  if (flood)
    line += fmt::format(" SYN/s {:>9.0f}  SYN-ACK/s {:>9.0f}",
                        per_second(now.syns - before.syns, interval_s),
                        per_second(now.syn_acks - before.syn_acks, interval_s));
  return line;
}

std::string format_report(const RunReport& r) {
  std::string text;
  if (r.neighbour_failed)
    text +=
        "tcpterm-loadgen: the server's MAC address was never learned (no ARP reply): "
        "check the server address, the port's addresses and gateway, and the link\n";
  if (r.http) {
    text += fmt::format(
        "tcpterm-loadgen: {} connections, {} requests answered in {:.3f} s: {:.0f} connections/s, "
        "{:.0f} requests/s\n",
        r.load.connections_opened, r.load.requests_ok, r.seconds,
        per_second(r.load.connections_opened, r.seconds),
        per_second(r.load.requests_ok, r.seconds));
    text += fmt::format(
        "latency (SYN sent to last response byte): p50 {} us, p99 {} us, p99.9 {} us, max {} us "
        "(buckets within 12.5 %)\n",
        r.latency.quantile(0.5), r.latency.quantile(0.99), r.latency.quantile(0.999),
        r.latency.max());
    std::string kinds;
    r.load.for_each([&](const char* name, uint64_t value) {
      if (std::string_view(name) != "connections_opened" &&
          std::string_view(name) != "requests_ok" && std::string_view(name) != "response_bytes" &&
          std::string_view(name) != "stray_segments")
        kinds += fmt::format(" {} {}", name, value);
    });
    text += fmt::format("errors: {} ({:.4f} % of connections):{} unfinished {}\n", r.errors(),
                        100 * r.error_rate(), kinds, r.unfinished);
    if (r.load.stray_segments != 0)
      text += fmt::format("segments for no connection (--fast; not errors): {}\n",
                          r.load.stray_segments);
  }
  if (r.flood) {
    text += fmt::format(
        "SYN flood: {} SYNs sent in {:.3f} s ({:.0f}/s), {} SYN-ACKs and {} RSTs came back "
        "(not answered)\n",
        r.flood_counters.syns_sent, r.seconds, per_second(r.flood_counters.syns_sent, r.seconds),
        r.flood_counters.syn_acks_received, r.flood_counters.rsts_received);
  }
  const auto& e = r.totals.engine;
  const auto& d = r.totals.dataplane;
  text += fmt::format(
      "loadgen side: tx {} rx {} packets, tx_no_neighbour {}, tx_ring_full {}, tx_no_mbuf {}; "
      "engine retransmits {}, rst_in {}, rst_out {}\n",
      d.tx_packets, d.rx_packets, d.tx_no_neighbour, d.tx_ring_full, d.tx_no_mbuf, e.retransmits,
      e.rst_in, e.rst_out);
  if (d.poll_cycles != 0) {
    text += fmt::format(
        "loadgen workers: {:.1f} % of their poll loops' time in iterations that received or sent "
        "frames; {:.1f} frames per iteration that received any\n",
        d.busy_percent(), d.frames_per_burst());
  }
  if (r.server) {
    const auto& se = r.server->engine;
    const auto& sd = r.server->dataplane;
    uint64_t rx_drops = 0, engine_drops = 0;
    for (uint64_t n : sd.drops) rx_drops += n;
    se.for_each([&](const char* name, uint64_t value) {
      if (std::string_view(name).starts_with("drop_")) engine_drops += value;
    });
    text += fmt::format(
        "server side (tcpterm, same process): {} passive opens, {} closed normally, {} reset, "
        "{} aborted, {} timed out; rst_in {}, rst_out {}; drops: rx {}, engine {}, "
        "tx_ring_full {}, tx_no_mbuf {}\n",
        se.passive_opens, se.closed_normal, se.closed_reset, se.closed_aborted, se.closed_timeout,
        se.rst_in, se.rst_out, rx_drops, engine_drops, sd.tx_ring_full, sd.tx_no_mbuf);
  }
  return text;
}

nlohmann::json report_json(const RunReport& r) {
  nlohmann::json j;
  j["seconds"] = r.seconds;
  j["neighbour_failed"] = r.neighbour_failed;
  if (r.http) {
    nlohmann::json& h = j["http"];
    h["connections_per_second"] = per_second(r.load.connections_opened, r.seconds);
    h["requests_per_second"] = per_second(r.load.requests_ok, r.seconds);
    r.load.for_each([&](const char* name, uint64_t value) { h["counters"][name] = value; });
    h["unfinished"] = r.unfinished;
    h["errors"] = r.errors();
    h["error_rate"] = r.error_rate();
    h["latency_us"] = {{"p50", r.latency.quantile(0.5)},
                       {"p99", r.latency.quantile(0.99)},
                       {"p99_9", r.latency.quantile(0.999)},
                       {"max", r.latency.max()},
                       {"count", r.latency.count()}};
  }
  if (r.flood) {
    nlohmann::json& f = j["syn_flood"];
    f["syns_per_second"] = per_second(r.flood_counters.syns_sent, r.seconds);
    r.flood_counters.for_each([&](const char* name, uint64_t value) { f[name] = value; });
  }
  r.totals.engine.for_each([&](const char* name, uint64_t value) { j["engine"][name] = value; });
  r.totals.dataplane.for_each(
      [&](const char* name, uint64_t value) { j["dataplane"][name] = value; });
  if (r.server) {
    r.server->engine.for_each(
        [&](const char* name, uint64_t value) { j["server"]["engine"][name] = value; });
    r.server->dataplane.for_each(
        [&](const char* name, uint64_t value) { j["server"]["dataplane"][name] = value; });
  }
  return j;
}

}  // namespace tcpterm::loadgen
