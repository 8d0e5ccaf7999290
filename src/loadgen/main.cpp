// tcpterm-loadgen's main: options and config (exit 2 when refused), the EAL
// (device_env ports allow-listed, as tcpterm does), the dataplane with one
// LoadDriver per worker lcore (each with its own source ports, so no two
// workers ever use the same tuple), a progress line per second from the
// control lcore, and on completion, --duration or SIGINT the final report,
// --json and the exit status (1 above --max-error-rate). With --ring-server,
// tcpterm's own server runs in this process too, on its config's worker
// lcores, its first port joined to ours by a net_ring link (RingLink), and
// the control thread watches it as tcpterm's does (ServerMonitor: telemetry,
// Prometheus, a "server stats" line every log.stats_interval_s of its
// config); the load stops first, then the server, then the ports.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "control/config.hpp"
#include "control/eal_arguments.hpp"
#include "control/kernel_interface.hpp"
#include "control/log.hpp"
#include "control/server.hpp"
#include "control/server_monitor.hpp"
#include "control/stats_report.hpp"
#include "dataplane/dataplane.hpp"
#include "dataplane/ring_link.hpp"
#include "dataplane/worker.hpp"
#include "loadgen/load_driver.hpp"
#include "loadgen/loadgen_config.hpp"
#include "loadgen/loadgen_options.hpp"
#include "loadgen/run_report.hpp"

namespace tcpterm::loadgen {
namespace {

volatile std::sig_atomic_t g_stop_signal = 0;
void on_stop_signal(int signal) {
  g_stop_signal = signal;
}

/// Usage and config problems: one sentence, exit status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

control::Config load_config(LoadgenOptions& options, int argc, char** argv) {
  std::ifstream in(options.config_path);
  if (!in) throw UsageError(options.config_path + ": cannot read the config file");
  std::stringstream text;
  text << in.rdbuf();
  try {
    SplitConfig split = split_loadgen_section(text.str(), options.config_path);
    control::Config config = control::parse_config(split.tcpterm_text, options.config_path);
    int i = 1;
    while (i < argc && std::string_view(argv[i]) != "--") ++i;
    std::vector<std::string> cli(argv + std::min(i + 1, argc), argv + argc);
    if (std::string error = apply_loadgen_section(split.loadgen, cli, options.config_path, options);
        !error.empty())
      throw UsageError(error);
    return config;
  } catch (const control::ConfigError& e) {
    throw UsageError(e.what());
  }
}

/// The first port's first IPv4 address, or the --sources range added to the
/// port (its addresses must be ours so the worker takes the replies).
AddressRange settle_sources(control::Config& config, const LoadgenOptions& options) {
  control::PortConfig& port = config.ports.front();
  const control::InterfaceAddress* first_v4 = nullptr;
  for (const auto& a : port.addresses)
    if (!first_v4 && a.address.is_v4()) first_v4 = &a;
  if (!first_v4) throw UsageError(config.source + ": ports[0] has no IPv4 address");
  if (options.sources.count == 0) return {first_v4->address, 1};
  uint8_t prefix = first_v4->prefix_length;
  for (uint32_t i = 0; i < options.sources.count; ++i) {
    control::InterfaceAddress a{wire::IpAddress::v4(options.sources.first.v4_host_order() + i),
                                prefix};
    if (std::find(port.addresses.begin(), port.addresses.end(), a) == port.addresses.end())
      port.addresses.push_back(a);
  }
  return options.sources;
}

/// The config's worker lcores, or every worker lcore of the EAL's that
/// `taken` (the ring server's, in the one-process mode) leaves.
std::vector<unsigned> worker_lcores(const control::Config& config,
                                    const std::vector<unsigned>& taken) {
  auto is_taken = [&](unsigned lcore) {
    return std::find(taken.begin(), taken.end(), lcore) != taken.end();
  };
  std::vector<unsigned> lcores;
  for (unsigned lcore : config.workers)
    if (is_taken(lcore))
      throw UsageError(config.source + ": workers: lcore " + std::to_string(lcore) +
                       " is also a worker of the --ring-server config; give the two their own "
                       "lcores, e.g. workers: [2] here and [1] there with --lcores=0@0,1@1,2@0");
    else if (lcore != rte_get_main_lcore() && lcore < RTE_MAX_LCORE && rte_lcore_is_enabled(lcore))
      lcores.push_back(lcore);
    else
      throw UsageError(config.source + ": workers: lcore " + std::to_string(lcore) +
                       " is the main lcore or not given to the EAL with -l");
  if (config.workers.empty()) {
    unsigned lcore;
    RTE_LCORE_FOREACH_WORKER(lcore) if (!is_taken(lcore)) lcores.push_back(lcore);
  }
  if (lcores.empty())
    throw UsageError(
        "no worker lcores: give the EAL two, e.g. -l 0,1 (the first runs the control "
        "thread, the others generate load; with --ring-server, one more per server worker)");
  return lcores;
}

/// Worker `i` of `n` gets its share of a total (the first ones get the rest).
uint64_t share(uint64_t total, size_t i, size_t n) {
  return total / n + (i < total % n ? 1 : 0);
}

DriverSettings driver_settings(const LoadgenOptions& o, const AddressRange& sources,
                               const wire::IpAddress& local, size_t i, size_t n, uint64_t seed,
                               uint32_t isn_base) {
  DriverSettings d;
  d.local_address = local;
  d.wait_neighbour_us = static_cast<uint64_t>(o.wait_neighbour_s * 1e6);
  d.duration_us = static_cast<uint64_t>(o.duration_s * 1e6);
  if (!o.syn_flood) {
    LoadSettings h;
    h.server_address = *o.server;
    h.server_port = o.server_port;
    h.first_source = sources.first;
    h.source_count = sources.count;
    // Disjoint source-port slices: tuples of different workers never collide.
    uint32_t ports = o.source_ports.last - o.source_ports.first + 1u;
    uint32_t slice = ports / n;
    h.first_port = static_cast<uint16_t>(o.source_ports.first + i * slice);
    h.last_port =
        static_cast<uint16_t>(i + 1 == n ? o.source_ports.last : h.first_port + slice - 1);
    // A fresh start point per run: tuples of the previous run may still be
    // in the server's TIME-WAIT, and our new timestamps need not exceed theirs.
    h.start_offset = static_cast<uint32_t>(seed >> 16) + static_cast<uint32_t>(i);
    h.rate_per_second = share(o.rate, i, n);
    h.max_concurrency = static_cast<uint32_t>(std::max<uint64_t>(1, share(o.concurrency, i, n)));
    h.total_connections = o.connections == 0 ? 0 : share(o.connections, i, n);
    h.request =
        fmt::format("GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", o.path, o.host);
    if (o.fast) {
      FastLoadSettings f;
      f.load = h;
      f.timeout_us = static_cast<uint32_t>(o.fast_timeout_s * 1e6);
      f.isn_base = isn_base;
      d.fast = f;
    } else {
      d.http = h;
    }
  }
  if (o.syn_flood || o.background_flood != 0) {
    FloodSettings f;
    f.server_address = *o.server;
    f.server_port = o.server_port;
    f.port_address = local;
    f.first_source = o.flood_sources.first;
    f.source_count = o.flood_sources.count;
    f.rate_per_second = share(o.syn_flood ? o.rate : o.background_flood, i, n);
    f.total_syns = o.syn_flood && o.connections != 0 ? share(o.connections, i, n) : 0;
    f.seed = seed + i * 0x9e3779b97f4a7c15ull;
    d.flood = f;
  }
  return d;
}

ProgressSample sample(const std::vector<std::unique_ptr<LoadDriver>>& drivers) {
  ProgressSample s;
  constexpr auto kRelaxed = std::memory_order_relaxed;
  for (const auto& d : drivers) {
    const LiveStats& l = d->live();
    s.opened += l.connections_opened.load(kRelaxed);
    s.ok += l.requests_ok.load(kRelaxed);
    s.errors += l.errors.load(kRelaxed);
    s.in_flight += l.in_flight.load(kRelaxed);
    s.syns += l.syns_sent.load(kRelaxed);
    s.syn_acks += l.syn_acks_received.load(kRelaxed);
  }
  return s;
}

/// The control lcore's loop: progress once a second, the --ring-server's
/// monitor every 100 ms (when there is one); stop on SIGINT or --duration;
/// return once every driver finished or the drain timed out.
void supervise(const LoadgenOptions& o, std::vector<std::unique_ptr<LoadDriver>>& drivers,
               control::ServerMonitor* server_monitor) {
  using Clock = std::chrono::steady_clock;
  constexpr auto kServerTick = std::chrono::milliseconds(100);
  Clock::time_point start = Clock::now(), next_report = start + std::chrono::seconds(1);
  Clock::time_point next_server_tick = start + kServerTick;
  Clock::time_point last_sample = start;
  std::optional<Clock::time_point> stop_at;
  ProgressSample before;
  auto request_stop = [&] {
    if (stop_at) return;
    stop_at = Clock::now();
    for (auto& d : drivers) d->request_stop();
  };
  while (true) {
    if (server_monitor) {  // the --ring-server's telemetry, Prometheus and stats line
      server_monitor->wait(10'000);
      if (Clock::now() >= next_server_tick) {
        next_server_tick += kServerTick;
        server_monitor->tick();
      }
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Clock::time_point now = Clock::now();
    double elapsed = std::chrono::duration<double>(now - start).count();
    if (g_stop_signal != 0) request_stop();
    // The workers time --duration from their first open, after the server's
    // MAC is known (LoadDriver::on_poll); this is only the backstop for a
    // worker that cannot, so it also allows the neighbour wait.
    if (o.duration_s > 0 && elapsed >= o.duration_s + o.wait_neighbour_s) request_stop();
    bool all_done = true;
    for (auto& d : drivers) all_done &= d->live().finished.load(std::memory_order_acquire);
    if (all_done) return;
    if (stop_at && std::chrono::duration<double>(now - *stop_at).count() > o.drain_timeout_s)
      return;
    if (!o.quiet && now >= next_report) {
      ProgressSample current = sample(drivers);
      double interval = std::chrono::duration<double>(now - last_sample).count();
      std::printf("%s\n", format_progress(elapsed, current, before, interval, !o.syn_flood,
                                          o.syn_flood || o.background_flood)
                              .c_str());
      std::fflush(stdout);
      before = current;
      last_sample = now;
      // A starved control thread skips reports instead of printing a burst of them.
      next_report += std::chrono::seconds(1);
      if (next_report <= now) next_report = now + std::chrono::seconds(1);
    }
  }
}

RunReport collect(const LoadgenOptions& o, const std::vector<std::unique_ptr<LoadDriver>>& drivers,
                  const dataplane::Dataplane& dp) {
  RunReport r;
  r.http = !o.syn_flood;
  r.flood = o.syn_flood || o.background_flood != 0;
  uint64_t first = UINT64_MAX, last = 0;
  for (const auto& d : drivers) {
    r.load.add(d->load_counters());
    r.flood_counters.add(d->flood_counters());
    if (d->latency()) r.latency.merge(*d->latency());
    r.unfinished += d->in_flight();
    r.neighbour_failed |= d->neighbour_failed();
    if (d->start_us() != 0) first = std::min(first, d->start_us());
    last = std::max(last, d->end_us() != 0 ? d->end_us() : d->last_poll_us());
  }
  // A driver that did not finish ran until the workers stopped: its last poll ends it.
  if (first != UINT64_MAX && last > first) r.seconds = static_cast<double>(last - first) / 1e6;
  r.totals = dp.totals();
  return r;
}

/// The --ring-server config, read and checked like tcpterm reads its own.
control::Config load_ring_server_config(const std::string& path) {
  try {
    control::Config server = control::load_config_file(path);
    control::check_applications(server);
    return server;
  } catch (const control::ConfigError& e) {
    throw UsageError(std::string(e.what()) + " (the --ring-server config)");
  }
}

/// The ring server's worker lcores, which must pair one to one with ours:
/// the link joins queue q of one port to queue q of the other.
std::vector<unsigned> ring_server_lcores(const control::Config& server) {
  try {
    return control::worker_lcores(server);
  } catch (const std::runtime_error& e) {
    throw UsageError(std::string(e.what()) + " (the --ring-server config)");
  }
}

void check_ring_pairing(const control::Config& config, const control::Config& server, size_t ours,
                        size_t theirs) {
  if (ours != theirs)
    throw UsageError(config.source + " has " + std::to_string(ours) + " worker" +
                     (ours == 1 ? "" : "s") + " and " + server.source + " " +
                     std::to_string(theirs) +
                     ": a ring link joins queue q of one to queue q of the other, so give both "
                     "configs as many workers");
}

int run(int argc, char** argv) {
  LoadgenOptions options;
  ParseOutcome outcome = parse_loadgen_cli(argc, argv, options);
  if (!outcome.run) {
    if (!outcome.message.empty())
      std::fprintf(stderr, "tcpterm-loadgen: %s\n", outcome.message.c_str());
    return outcome.exit_code;
  }
  control::Config config;
  std::optional<control::Config> server_config;  // --ring-server
  AddressRange sources;
  control::EalCommandLine eal_line;
  try {
    config = load_config(options, argc, argv);
    if (std::string error = check_loadgen_options(options); !error.empty()) throw UsageError(error);
    if (!options.ring_server_path.empty())
      server_config = load_ring_server_config(options.ring_server_path);
    sources = settle_sources(config, options);
    eal_line = control::eal_command_line(config, argc, argv);
  } catch (const std::exception& e) {  // UsageError, or ConfigError from the EAL arguments
    std::fprintf(stderr, "tcpterm-loadgen: %s\n", e.what());
    return 2;
  }
  for (const std::string& device : eal_line.allowed_from_env)
    std::printf("tcpterm-loadgen: allow-listing PCI device %s for the EAL (from device_env)\n",
                device.c_str());
  std::fflush(stdout);
  std::vector<char*> eal_argv = eal_line.argv();
  if (rte_eal_init(static_cast<int>(eal_argv.size()), eal_argv.data()) < 0) {
    std::fprintf(stderr,
                 "tcpterm-loadgen: the DPDK EAL could not start: %s. Check the EAL arguments "
                 "before `--`; the EAL's own messages above say more.\n",
                 rte_strerror(rte_errno));
    return 2;
  }
  int status = 0;
  try {
    std::random_device random;  // RFC 6528 ISN secret and flood seeds, fresh per run
    for (uint8_t& b : config.tcp.secret) b = static_cast<uint8_t>(random());
    std::vector<unsigned> server_lcores;
    if (server_config) server_lcores = ring_server_lcores(*server_config);
    std::vector<unsigned> lcores = worker_lcores(config, server_lcores);
    // One process: the link first and the server next, so that they are
    // torn down after the loadgen's dataplane (destruction runs backwards).
    std::optional<dataplane::RingLink> link;
    std::unique_ptr<dataplane::Dataplane> server;
    std::optional<control::ServerMonitor> server_monitor;
    if (server_config) {
      check_ring_pairing(config, *server_config, lcores.size(), server_lcores.size());
      link.emplace(server_config->ports.front().device, config.ports.front().device,
                   static_cast<uint16_t>(lcores.size()));
      server = control::start_server(*server_config, server_lcores);
      // The server logs as tcpterm does (its stats line): its config's level.
      control::apply_config_log_level(server_config->log.level, argc, argv);
      server_monitor.emplace(*server_config, *server, "server stats");
    }
    dataplane::Dataplane dp(config, lcores);
    for (size_t i = 0; i < config.ports.size(); ++i)  // net_tap: the kernel is the server's host
      if (!config.ports[i].kernel_side.empty())
        control::configure_kernel_interface(dp.ports()[i].kernel_interface,
                                            config.ports[i].kernel_side);
    std::vector<std::unique_ptr<LoadDriver>> drivers;
    uint64_t seed = (uint64_t{random()} << 32) | random();
    // --fast ISNs start from the wall clock in microseconds: a later run's
    // exceed an earlier run's on the same tuples (within 35 minutes), which
    // a server still holding them in TIME-WAIT requires (fast_http_load.hpp).
    auto isn_base = static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
    for (size_t i = 0; i < lcores.size(); ++i) {
      drivers.push_back(std::make_unique<LoadDriver>(
          *dp.workers()[i],
          driver_settings(options, sources, sources.first, i, lcores.size(), seed, isn_base)));
      dp.workers()[i]->set_client_driver(drivers.back().get());
    }
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    std::printf("tcpterm-loadgen: %s to %s:%u from %s (%u address%s), %zu worker%s\n",
                options.syn_flood ? "SYN flood"
                : options.fast    ? "HTTP load (--fast)"
                                  : "HTTP load",
                options.server->to_string().c_str(), options.server_port,
                sources.first.to_string().c_str(), sources.count, sources.count == 1 ? "" : "es",
                lcores.size(), lcores.size() == 1 ? "" : "s");
    if (server) {
      fmt::print(
          "tcpterm-loadgen: tcpterm's server on {} (lcores {}) and the load on {} (lcores {}), "
          "one process, joined by a net_ring link\n",
          server_config->ports.front().device, fmt::join(server_lcores, ","),
          config.ports.front().device, fmt::join(lcores, ","));
      if (std::string url = server_monitor->metrics_url(); !url.empty())
        fmt::print("tcpterm-loadgen: the server's metrics at {}\n", url);
      server->launch();
    }
    std::fflush(stdout);
    dp.launch();
    supervise(options, drivers, server_monitor ? &*server_monitor : nullptr);
    dp.stop();  // the load first, then the server it talks to
    RunReport report = collect(options, drivers, dp);
    if (server) {
      server->stop();
      report.server = server->totals();
    }
    std::printf("%s", format_report(report).c_str());
    if (server)
      std::printf("tcpterm's counters (the server side):\n%s",
                  control::format_totals(*report.server).c_str());
    if (!options.json_path.empty()) {
      std::ofstream out(options.json_path);
      out << report_json(report).dump(2) << '\n';
      if (!out) throw std::runtime_error(options.json_path + ": cannot write the JSON results");
    }
    if (report.neighbour_failed) status = 1;
    if (report.http && report.error_rate() > options.max_error_rate) {
      std::printf("tcpterm-loadgen: error rate %.4f %% is above --max-error-rate %.4f %%\n",
                  100 * report.error_rate(), 100 * options.max_error_rate);
      status = 1;
    }
    if (options.hold) {
      // DPDK 22.11's memif PMD unmaps a link's shared memory from its
      // interrupt thread when the peer leaves, racing the peer's rx_burst;
      // holding our side open lets the peer stop polling first.
      std::printf("tcpterm-loadgen: holding the ports open until SIGINT or SIGTERM\n");
      std::fflush(stdout);
      g_stop_signal = 0;
      while (g_stop_signal == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    dp.shutdown();
    if (server) server->shutdown();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tcpterm-loadgen: %s\n", e.what());
    status = dynamic_cast<const UsageError*>(&e) ? 2 : 1;
  }
  rte_eal_cleanup();
  return status;
}

}  // namespace
}  // namespace tcpterm::loadgen

int main(int argc, char** argv) {
  return tcpterm::loadgen::run(argc, argv);
}
