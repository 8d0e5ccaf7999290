// worker_bench: tcpterm's whole worker path on one core. tcpterm's Worker
// (the HTTP responder with configs/ring-server.yaml, whose tcp and dataplane
// settings are run-e2e.sh's) and tcpterm-loadgen's --fast client
// (configs/loadgen-ring.yaml) each own one end of a net_ring link
// (dataplane::RingLink), and one thread runs an iteration of each in turn:
// no frame crosses to another core or through memif's copies, so what is
// measured is the worker itself (parse, flow table, engine, HTTP, frame
// building, mbufs, the ring PMD). It reports the time spent in the server's
// iterations per connection, after a warm-up of two laps through the
// client's 64512 source ports (from then on every SYN reopens its tuple's
// TIME-WAIT record, as in run-e2e.sh). Compare two versions of the worker by
// alternating their builds, as with engine_bench (bench/RESULTS.md).
//
// Usage (root, as DPDK wants): worker_bench [connections] [concurrency]
//   connections  measured after the warm-up (default 3,000,000)
//   concurrency  the client's connections in flight (default 1000)
// Bounded: gives up after 120 s.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "control/config.hpp"
#include "dataplane/dataplane.hpp"
#include "dataplane/ring_link.hpp"
#include "dataplane/worker.hpp"
#include "loadgen/load_driver.hpp"
#include "loadgen/loadgen_config.hpp"

namespace tcpterm {
namespace {

// The one-process ring mode's configs (tcpterm-loadgen --ring-server): the
// server's tcp and dataplane settings are run-e2e.sh's tcpterm's.
const std::string kConfigDir = TCPTERM_SOURCE_DIR "/configs/";

constexpr uint64_t kWarmupConnections = 2 * (65536 - 1024);  // two laps of the source ports
constexpr double kTimeLimitSeconds = 120;

int run(uint64_t connections, uint32_t concurrency) {
  control::Config server_config = control::load_config_file(kConfigDir + "ring-server.yaml");
  const std::string client_source = kConfigDir + "loadgen-ring.yaml";
  std::ifstream client_file(client_source);
  if (!client_file) throw std::runtime_error("cannot read " + client_source);
  std::stringstream client_text;
  client_text << client_file.rdbuf();
  control::Config client_config = control::parse_config(
      loadgen::split_loadgen_section(client_text.str(), client_source).tcpterm_text, client_source);
  for (size_t i = 0; i < server_config.tcp.secret.size(); ++i) {
    server_config.tcp.secret[i] = static_cast<uint8_t>(i + 1);
    client_config.tcp.secret[i] = static_cast<uint8_t>(i + 101);
  }
  const std::vector<unsigned> lcores = {rte_lcore_id()};  // both on this thread
  dataplane::RingLink link(server_config.ports.front().device, client_config.ports.front().device,
                           1);
  dataplane::Dataplane server(server_config, lcores);
  dataplane::Dataplane client(client_config, lcores);

  loadgen::DriverSettings settings;
  settings.local_address = client_config.ports.front().addresses.front().address;
  loadgen::FastLoadSettings fast;
  fast.load.server_address = server_config.ports.front().addresses.front().address;
  fast.load.server_port = 80;
  fast.load.first_source = settings.local_address;
  fast.load.first_port = 1024;
  fast.load.last_port = 65535;
  fast.load.max_concurrency = concurrency;
  fast.load.total_connections = kWarmupConnections + connections;
  fast.isn_base = static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
  settings.fast = fast;
  dataplane::Worker& server_worker = *server.workers().front();
  dataplane::Worker& client_worker = *client.workers().front();
  loadgen::LoadDriver driver(client_worker, settings);
  client_worker.set_client_driver(&driver);

  const uint64_t hz = rte_get_tsc_hz();
  const uint64_t give_up = rte_rdtsc() + static_cast<uint64_t>(kTimeLimitSeconds * hz);
  uint64_t server_cycles = 0, measured_cycles = 0, start_tsc = 0;
  uint64_t warm_ok = 0;
  bool measuring = false;
  while (!driver.live().finished.load(std::memory_order_relaxed) && rte_rdtsc() < give_up) {
    client_worker.run_once();
    uint64_t before = rte_rdtsc();
    server_worker.run_once();
    uint64_t after = rte_rdtsc();
    server_cycles += after - before;
    if (!measuring &&
        driver.live().requests_ok.load(std::memory_order_relaxed) >= kWarmupConnections) {
      measuring = true;
      warm_ok = driver.live().requests_ok.load(std::memory_order_relaxed);
      measured_cycles = server_cycles;
      start_tsc = after;
    }
  }
  const uint64_t end_tsc = rte_rdtsc();
  loadgen::LoadCounters counters = driver.load_counters();
  const uint64_t ok = counters.requests_ok - warm_ok;
  if (!measuring || ok == 0) {
    std::fprintf(stderr, "worker_bench: no connection completed after the warm-up within %.0f s\n",
                 kTimeLimitSeconds);
    return 1;
  }
  const double server_ns = static_cast<double>(server_cycles - measured_cycles) * 1e9 /
                           static_cast<double>(hz) / static_cast<double>(ok);
  const double wall_s = static_cast<double>(end_tsc - start_tsc) / static_cast<double>(hz);
  const uint64_t errors = counters.errors();
  const bool finished = driver.live().finished.load(std::memory_order_relaxed);
  std::printf(
      "worker_bench: %llu connections after a warm-up of %llu, %u in flight, %llu errors%s\n",
      static_cast<unsigned long long>(ok), static_cast<unsigned long long>(warm_ok), concurrency,
      static_cast<unsigned long long>(errors),
      finished ? "" : " (stopped at the time limit before all were done)");
  std::printf("  server worker: %.1f ns per connection (%.2f M conn/s if it had the core alone)\n",
              server_ns, 1e3 / server_ns);
  std::printf("  both on one core: %.2f M conn/s over %.2f s\n",
              static_cast<double>(ok) / wall_s / 1e6, wall_s);
  return errors == 0 && finished ? 0 : 1;
}

}  // namespace
}  // namespace tcpterm

int main(int argc, char** argv) {
  uint64_t connections = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 3'000'000;
  auto concurrency = static_cast<uint32_t>(argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1000);
  if (connections == 0 || concurrency == 0 || concurrency > 60000) {
    std::fprintf(stderr, "usage: worker_bench [connections > 0] [concurrency 1..60000]\n");
    return 2;
  }
  std::string prefix = "worker-bench-" + std::to_string(getpid());
  std::vector<std::string> eal = {"worker_bench",  "--no-huge",   "-m",          "512",
                                  "--no-pci",      "--no-shconf", "-l",          "0",
                                  "--file-prefix", prefix,        "--log-level", "error"};
  std::vector<char*> eal_argv;
  for (std::string& a : eal) eal_argv.push_back(a.data());
  if (rte_eal_init(static_cast<int>(eal_argv.size()), eal_argv.data()) < 0) {
    std::fprintf(stderr, "worker_bench: the DPDK EAL could not start: %s\n",
                 rte_strerror(rte_errno));
    return 2;
  }
  int status = 0;
  try {
    status = tcpterm::run(connections, concurrency);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "worker_bench: %s\n", e.what());
    status = 2;
  }
  rte_eal_cleanup();
  return status;
}
