// tcpterm's main: parse the command line, start the EAL, load the config,
// bring up ports and workers, configure the tap's kernel side, then wait on
// the main lcore for a signal, logging stats; on SIGINT/SIGTERM stop the
// workers, print the final counters, close the ports and clean up the EAL.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "control/cli_options.hpp"
#include "control/config.hpp"
#include "control/eal_arguments.hpp"
#include "control/log.hpp"
#include "control/packet_capture.hpp"
#include "control/reload.hpp"
#include "control/server.hpp"
#include "control/server_monitor.hpp"
#include "control/stats_report.hpp"
#include "dataplane/dataplane.hpp"

namespace tcpterm::control {
namespace {

volatile std::sig_atomic_t g_stop_signal = 0;
volatile std::sig_atomic_t g_reload_requested = 0;

void on_stop_signal(int signal) {
  g_stop_signal = signal;
}
void on_reload_signal(int) {
  g_reload_requested = 1;
}

/// SIGHUP: re-reads the config file and applies what can change at run time.
void reload(const std::string& path, Config& running, dataplane::Dataplane& dp,
            bool log_level_pinned) {
  Config next;
  try {
    next = load_config_file(path);
    check_applications(next);
  } catch (const ConfigError& e) {
    TCPTERM_LOG(ERR, "reload refused, still running the previous config: %s\n", e.what());
    return;
  }
  ReloadReport report = apply_reload(running, next, dp, log_level_pinned);
  if (report.applied.empty() && report.not_applied.empty())
    TCPTERM_LOG(NOTICE, "reload: nothing changed\n");
  for (const std::string& line : report.applied) TCPTERM_LOG(NOTICE, "reload: %s\n", line.c_str());
  for (const std::string& line : report.not_applied)
    TCPTERM_LOG(WARNING, "reload: %s\n", line.c_str());
}

/// "http:80 echo:7 discard:9".
std::string describe_listeners(const Config& config) {
  std::string text;
  for (const ListenerConfig& l : config.listeners) {
    if (!text.empty()) text += ' ';
    text += l.to_string();
  }
  return text.empty() ? "no listeners" : text;
}

void print_ready(const Config& config, const dataplane::Dataplane& dp, size_t workers) {
  for (const dataplane::PortInfo& port : dp.ports()) {
    std::string addresses;
    for (const InterfaceAddress& a : port.addresses)
      addresses += fmt::format(" {}", a.address.to_string());
    std::string kernel =
        port.kernel_interface.empty() ? "" : fmt::format(", kernel side {}", port.kernel_interface);
    fmt::print("tcpterm: serving on {}{} ({}) with {} worker{}, MAC {}{}\n", port.device, addresses,
               describe_listeners(config), workers, workers == 1 ? "" : "s", port.mac.to_string(),
               kernel);
  }
  const std::string& first = dp.ports().front().device;
  if (first.rfind("net_ring", 0) == 0) {  // nothing outside this process can reach it
    fmt::print(
        "tcpterm: {} is a ring inside this process: what a worker sends on it comes back "
        "to the same worker; stop with Ctrl-C\n",
        first);
    std::fflush(stdout);
    return;
  }
  std::string v4, v6;
  for (const InterfaceAddress& a : dp.ports().front().addresses) {
    if (a.address.is_v4() && v4.empty()) v4 = a.address.to_string();
    if (!a.address.is_v4() && v6.empty()) v6 = a.address.to_string();
  }
  auto url_host = [](const std::string& address, bool is_v4) {
    return is_v4 ? address : fmt::format("[{}]", address);
  };
  for (const ListenerConfig& l : config.listeners) {
    if (l.app != "http") continue;
    std::string host = l.address ? url_host(l.address->to_string(), l.address->is_v4())
                                 : url_host(!v4.empty() ? v4 : v6, !v4.empty());
    std::string port = l.port == 80 ? "" : fmt::format(":{}", l.port);
    fmt::print("tcpterm: try: curl {}http://{}{}/\n", host[0] == '[' ? "-g " : "", host, port);
  }
  fmt::print("tcpterm: try: ping {}; stop with Ctrl-C\n", !v4.empty() ? v4 : v6);
  std::fflush(stdout);
}

/// The control thread's loop on the main lcore until a stop signal: every
/// tick the monitor collects the workers' snapshots (telemetry, Prometheus,
/// the stats line); SIGHUP reloads are applied between ticks.
void serve_until_stopped(const std::string& path, Config& config, dataplane::Dataplane& dp,
                         ServerMonitor& monitor, bool log_level_pinned) {
  using Clock = std::chrono::steady_clock;
  constexpr auto kTick = std::chrono::milliseconds(100);
  Clock::time_point next_tick = Clock::now() + kTick;
  while (g_stop_signal == 0) {
    auto wait = std::chrono::duration_cast<std::chrono::microseconds>(next_tick - Clock::now());
    monitor.wait(static_cast<uint64_t>(std::max<int64_t>(wait.count(), 0)));
    if (Clock::now() < next_tick) continue;
    next_tick += kTick;
    if (g_reload_requested) {
      g_reload_requested = 0;
      reload(path, config, dp, log_level_pinned);
      monitor.restart_stats_interval();
    }
    monitor.tick();
  }
}

int run(int argc, char** argv) {
  int exit_code = 0;
  std::optional<CliOptions> options = parse_cli(argc, argv, exit_code);
  if (!options) return exit_code;

  // The config is read before the EAL starts: device_env ports add their
  // PCI devices to the EAL's allow-list.
  Config config;
  EalCommandLine eal_line;
  try {
    config = load_config_file(options->config_path);
    check_applications(config);
    eal_line = eal_command_line(config, argc, argv);
    for (const std::string& device : eal_line.allowed_from_env)
      std::printf("tcpterm: allow-listing PCI device %s for the EAL (from device_env)\n",
                  device.c_str());
    std::fflush(stdout);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tcpterm: %s\n", e.what());
    return 1;
  }
  std::vector<char*> eal_argv = eal_line.argv();
  if (rte_eal_init(static_cast<int>(eal_argv.size()), eal_argv.data()) < 0) {
    std::fprintf(stderr,
                 "tcpterm: the DPDK EAL could not start: %s.\n"
                 "Check the EAL arguments before `--` (e.g. -l 0-1 --no-huge -m 512 --no-pci "
                 "--vdev=net_tap0,iface=tcpterm0); the EAL's own messages above say more.\n",
                 rte_strerror(rte_errno));
    return 1;
  }
  int status = 0;
  try {
    apply_config_log_level(config.log.level, argc, argv);
    PacketCapture capture;  // before the ports exist, released before rte_eal_cleanup
    std::vector<unsigned> lcores = worker_lcores(config);

    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    std::signal(SIGHUP, on_reload_signal);
    std::unique_ptr<dataplane::Dataplane> server = start_server(config, lcores);
    dataplane::Dataplane& dp = *server;
    ServerMonitor monitor(config, dp);
    dp.launch();
    print_ready(config, dp, lcores.size());
    if (std::string url = monitor.metrics_url(); !url.empty())
      std::printf("tcpterm: metrics at %s\n", url.c_str());
    std::fflush(stdout);
    serve_until_stopped(options->config_path, config, dp, monitor,
                        log_level_on_command_line(argc, argv));

    std::printf("\ntcpterm: %s received, stopping\n",
                g_stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
    dp.stop();
    std::printf("%s", format_totals(dp.totals()).c_str());
    dp.shutdown();
    std::printf("tcpterm: ports closed, bye\n");
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "tcpterm: %s\n", e.what());
    status = 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tcpterm: %s\n", e.what());
    status = 1;
  }
  rte_eal_cleanup();
  return status;
}

}  // namespace
}  // namespace tcpterm::control

int main(int argc, char** argv) {
  return tcpterm::control::run(argc, argv);
}
