// memory_bench: how many bytes one ESTABLISHED connection costs (issue 5
// target: 10 million in under 2 GiB, about 200 bytes each, table included).
// One engine, sized for N connections, completes N passive handshakes driven
// through input() by a host that only remembers the SYN-ACK; then the RSS
// growth (/proc/self/statm) and the engine's own memory_bytes() are divided by
// N and broken down by structure. TIME-WAIT records and buffers are kept few
// and small: idle established connections hold neither.
// Usage: memory_bench [connections (default 10000000)] [max_time_wait (default 1024)]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "client_segment.hpp"
#include "table/flow_table.hpp"
#include "table/object_pool.hpp"
#include "tcp/engine.hpp"
#include "timer/timer_wheel.hpp"

namespace tcpterm::tcp {
namespace {

/// Remembers what the client needs to complete the handshake.
struct HandshakeHost {
  uint32_t syn_ack_seq = 0;
  uint32_t syn_ack_ts_val = 0;
  uint64_t emitted = 0;
  uint64_t accepted = 0;
  void emit(const OutSegment& s) {
    syn_ack_seq = s.seq.raw();
    syn_ack_ts_val = s.options.ts_val;
    ++emitted;
  }
  void on_accept(ConnRef, uint16_t) { ++accepted; }
  void on_connected(ConnRef, uint16_t) {}
  size_t on_data(ConnRef, std::span<const uint8_t> data) { return data.size(); }
  void on_send_space(ConnRef) {}
  void on_peer_fin(ConnRef) {}
  void on_closed(ConnRef, CloseReason) {}
};

/// Resident set size in bytes (second field of /proc/self/statm, in pages).
size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  size_t size_pages = 0, resident_pages = 0;
  statm >> size_pages >> resident_pages;
  return resident_pages * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

/// Peak resident set size in bytes (VmHWM in /proc/self/status).
size_t peak_resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string field;
  while (status >> field) {
    if (field == "VmHWM:") {
      size_t kib = 0;
      status >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

/// Client `i` (bench/client_segment.hpp) with timestamps, as a Linux client sends them.
Segment client_segment(uint32_t i, uint8_t f, uint32_t seq, uint32_t ack) {
  Segment s = bench::make_segment(i, f, seq, ack);
  s.options.has_timestamps = true;
  return s;
}

/// SYN with the options a Linux client sends, then the ACK of the SYN-ACK.
void handshake(Engine<HandshakeHost>& engine, HandshakeHost& host, uint32_t i, uint64_t now_us) {
  const uint32_t client_isn = 0x10000000u + i * 7919u;
  Segment syn = client_segment(i, flags::kSyn, client_isn, 0);
  syn.options.has_mss = true;
  syn.options.mss = 1460;
  syn.options.sack_permitted = true;
  syn.options.has_window_scale = true;
  syn.options.window_scale = 7;
  syn.options.ts_val = i;
  engine.input(syn, now_us);
  Segment ack = client_segment(i, flags::kAck, client_isn + 1, host.syn_ack_seq + 1);
  ack.options.ts_val = i + 1;
  ack.options.ts_ecr = host.syn_ack_ts_val;
  engine.input(ack, now_us);
}

double mib(size_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }
double per(size_t bytes, uint32_t n) { return static_cast<double>(bytes) / n; }

int run(uint32_t connections, uint32_t max_time_wait) {
  EngineConfig config;
  config.max_connections = connections;
  config.max_time_wait = max_time_wait;
  config.max_syn_backlog = 1024;  // one SYN-RECEIVED at a time here
  config.buffer_count = 64;       // idle established connections hold no buffers
  config.buffer_size = 2048;
  config.syn_cookies = SynCookieMode::kOff;
  config.secret = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

  const size_t rss_start = resident_bytes();
  HandshakeHost host;
  uint64_t now_us = 1'000'000;
  auto engine = std::make_unique<Engine<HandshakeHost>>(config, host, now_us);
  engine->listen(wire::IpAddress{}, 80, 0);
  const size_t rss_constructed = resident_bytes();

  const auto started = std::chrono::steady_clock::now();
  for (uint32_t i = 0; i < connections; ++i) {
    handshake(*engine, host, i, now_us);
    if ((i & 0xffff) == 0xffff) {
      now_us += 1000;
      engine->advance(now_us);
    }
  }
  const double fill_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const size_t rss_filled = resident_bytes();
  const EngineOccupancy occupancy = engine->occupancy();

  // The breakdown: per-object sizes from one-element instances (ObjectPool and
  // TimerWheel costs are linear in capacity), the table from a twin of the engine's.
  const uint32_t ids = connections + max_time_wait;
  // ObjectPool: sizeof(T) per object plus one allocation bit (in 64-bit words).
  auto pool_bytes = [](size_t object_size, size_t n) { return object_size * n + (n + 63) / 64 * 8; };
  const size_t tcb_pool = pool_bytes(sizeof(Tcb), connections);
  const size_t time_wait_pool = pool_bytes(sizeof(TimeWait), max_time_wait);
  const size_t timer_node = timer::TimerWheel(2, 0).memory_bytes() - timer::TimerWheel(1, 0).memory_bytes();
  const size_t timer_heads = timer::TimerWheel(0, 0).memory_bytes();
  const size_t timers = timer_node * connections + timer_heads;  // TCBs only (TIME-WAIT: own queue)
  const size_t buffers = BufferPool(config.buffer_count, config.buffer_size).memory_bytes();
  const size_t engine_bytes = engine->memory_bytes();
  size_t table_bytes = 0;
  uint32_t table_buckets = 0;
  {
    table::FlowTable twin(ids);
    table_bytes = twin.memory_bytes();
    table_buckets = twin.bucket_count();
  }
  const size_t listener_map = engine_bytes - tcb_pool - time_wait_pool - timers - buffers - table_bytes;

  const size_t rss_delta = rss_filled - rss_start;
  const bool all_held = occupancy.connections == connections && host.accepted == connections;
  std::printf("memory_bench: %u ESTABLISHED connections in one engine (max_time_wait %u, %u buffers of %u B)\n",
              connections, max_time_wait, config.buffer_count, config.buffer_size);
  std::printf("  handshakes: %.2f s (%.0f per second), on_accept %llu, segments out %llu\n", fill_seconds,
              connections / fill_seconds, static_cast<unsigned long long>(host.accepted),
              static_cast<unsigned long long>(host.emitted));
  std::printf("  occupancy: connections %u, syn_received %u, time_wait %u, buffers_in_use %u, timers_pending %u -> %s\n",
              occupancy.connections, occupancy.syn_received, occupancy.time_wait, occupancy.buffers_in_use,
              occupancy.timers_pending, all_held ? "all held" : "NOT ALL HELD");
  std::printf("  RSS: start %.1f MiB, engine constructed %.1f MiB, filled %.1f MiB, peak %.1f MiB\n", mib(rss_start),
              mib(rss_constructed), mib(rss_filled), mib(peak_resident_bytes()));
  std::printf("  RSS delta %.1f MiB = %.1f B per connection\n", mib(rss_delta), per(rss_delta, connections));
  std::printf("  engine.memory_bytes() %.1f MiB = %.1f B per connection\n", mib(engine_bytes),
              per(engine_bytes, connections));
  std::printf("  breakdown (per connection = bytes / %u):\n", connections);
  std::printf("    %-34s %10.1f MiB %7.1f B\n", "TCB pool (sizeof(Tcb) + 1 bit)", mib(tcb_pool),
              per(tcb_pool, connections));
  std::printf("    %-34s %10.1f MiB %7.1f B   (%u buckets of 64 B, %u ids, load %.0f%%)\n", "flow table",
              mib(table_bytes), per(table_bytes, connections), table_buckets, ids,
              100.0 * ids / (table_buckets * 8.0));
  std::printf("    %-34s %10.1f MiB %7.1f B   (%zu B per node, one per TCB)\n", "timer wheel",
              mib(timers), per(timers, connections), timer_node);
  std::printf("    %-34s %10.1f MiB %7.1f B\n", "TIME-WAIT pool", mib(time_wait_pool), per(time_wait_pool, connections));
  std::printf("    %-34s %10.1f MiB %7.1f B\n", "buffer pool", mib(buffers), per(buffers, connections));
  std::printf("    %-34s %10.1f MiB %7.1f B\n", "listener map and rest", mib(listener_map),
              per(listener_map, connections));
  std::printf("  sizeof(Tcb) %zu B, sizeof(TimeWait) %zu B, sizeof(FlowKey) %zu B\n", sizeof(Tcb), sizeof(TimeWait),
              sizeof(table::FlowKey));
  // Issue 5: 10 million connections in under 2 GiB, i.e. at most 214.7 B each.
  const double budget_per_connection = 2.0 * 1024 * 1024 * 1024 / 10'000'000;
  std::printf("  target <= %.1f B per connection (2 GiB / 10M): %s, RSS delta %.1f B, engine.memory_bytes() %.1f B\n",
              budget_per_connection, per(rss_delta, connections) <= budget_per_connection ? "met" : "NOT MET",
              per(rss_delta, connections), per(engine_bytes, connections));
  return all_held ? 0 : 1;
}

}  // namespace
}  // namespace tcpterm::tcp

int main(int argc, char** argv) {
  unsigned long connections = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10'000'000;
  unsigned long max_time_wait = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1024;
  // Client tuples: 2^14 ports on each of 2^18 addresses.
  if (connections == 0 || connections > (1ul << 32) - (1ul << 20) || max_time_wait == 0 || max_time_wait > (1ul << 20)) {
    std::fprintf(stderr, "usage: %s [connections 1..%lu] [max_time_wait 1..%lu]\n", argv[0],
                 (1ul << 32) - (1ul << 20), 1ul << 20);
    return 2;
  }
  return tcpterm::tcp::run(static_cast<uint32_t>(connections), static_cast<uint32_t>(max_time_wait));
}
