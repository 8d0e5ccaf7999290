// Engine microbenchmarks (issue 5): the SYN -> SYN-ACK path, stateful and
// with SYN cookies, and the whole life of a short HTTP-like connection
// (SYN, SYN-ACK, ACK + request, response + FIN, ACK, FIN, ACK, TIME-WAIT
// entry and expiry), all on one core, no NIC: segments in, segments out;
// and that life as tcpterm-loadgen drives it, one client address cycling
// through its ports, each SYN reopening its tuple's TIME-WAIT record.
#include <benchmark/benchmark.h>

#include <array>
#include <memory>

#include "client_segment.hpp"
#include "tcp/engine.hpp"

namespace tcpterm::tcp {
namespace {

using bench::make_segment;

constexpr uint8_t kResponse[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n";

/// Remembers only what the driver needs to answer: the last segment's seq.
struct NullHost {
  Engine<NullHost>* engine = nullptr;
  uint32_t last_seq = 0;
  uint64_t emitted = 0;
  void emit(const OutSegment& s) {
    last_seq = s.seq.raw();
    ++emitted;
  }
  void on_accept(ConnRef, uint16_t) {}
  void on_connected(ConnRef, uint16_t) {}
  size_t on_data(ConnRef c, std::span<const uint8_t> data) {
    engine->send(c, std::span(kResponse, sizeof kResponse - 1));
    engine->close(c);
    return data.size();
  }
  void on_send_space(ConnRef) {}
  void on_peer_fin(ConnRef) {}
  void on_closed(ConnRef, CloseReason) {}
};

constexpr uint8_t kRequest[] = "GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n";
constexpr uint32_t kResponseLength = sizeof kResponse - 1;

EngineConfig bench_config(uint32_t connections) {
  EngineConfig c;
  c.max_connections = connections;
  c.max_time_wait = connections;
  c.max_syn_backlog = connections;
  c.buffer_count = 1024;
  c.buffer_size = 16384;
  c.msl_us = 1000;  // TIME-WAIT of 2 ms so records recycle within the run
  c.secret = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  return c;
}

/// Delivers a burst as Worker::poll does, every flow-table bucket prefetched
/// before the first segment is processed; with `iss`, records the ISN of the
/// SYN-ACK each segment drew.
template <size_t N>
void deliver_burst(Engine<NullHost>& engine, const NullHost& host,
                   const std::array<Segment, N>& burst, uint64_t now,
                   std::array<uint32_t, N>* iss) {
  for (const Segment& s : burst) engine.prefetch(s.hash);
  for (size_t i = 0; i < N; ++i) {
    engine.input(burst[i], now);
    if (iss) (*iss)[i] = host.last_seq;
  }
}

Segment make_syn(uint32_t client) {
  Segment syn = make_segment(client, flags::kSyn, 1000, 0);
  syn.options.has_mss = true;
  syn.options.mss = 1460;
  syn.options.sack_permitted = true;
  syn.options.has_timestamps = true;
  syn.options.ts_val = 1;
  syn.options.has_window_scale = true;
  syn.options.window_scale = 7;
  return syn;
}

/// An engine that listens on port 80 and is replaced by a fresh one when its
/// table is full of SYN-RECEIVED connections (outside the timed region).
class SynTarget {
 public:
  static constexpr uint32_t kTable = 1 << 20;
  explicit SynTarget(bool cookies) : config_(bench_config(kTable)) {
    config_.syn_cookies = cookies ? SynCookieMode::kAlways : SynCookieMode::kOff;
    renew(1'000'000);
  }
  Engine<NullHost>& engine() { return *engine_; }
  const NullHost& host() const { return host_; }
  /// Counts `n` SYNs sent; renews the engine (timing paused) when the table is full.
  void count(benchmark::State& state, uint32_t n, uint64_t now) {
    sent_ += n;
    if (sent_ < kTable) return;
    state.PauseTiming();
    renew(now);
    state.ResumeTiming();
  }
  uint32_t next_client() const { return sent_; }

 private:
  void renew(uint64_t now) {
    engine_.reset();
    engine_ = std::make_unique<Engine<NullHost>>(config_, host_, now);
    host_.engine = engine_.get();
    engine_->listen(wire::IpAddress{}, 80, 0);
    sent_ = 0;
  }
  EngineConfig config_;
  NullHost host_;
  std::unique_ptr<Engine<NullHost>> engine_;
  uint32_t sent_ = 0;
};

void BM_SynToSynAck(benchmark::State& state) {
  SynTarget target(state.range(0) != 0);
  const uint64_t now = 1'000'000;
  for (auto _ : state) {
    target.engine().input(make_syn(target.next_client()), now);
    target.count(state, 1, now);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["segments_out"] = benchmark::Counter(static_cast<double>(target.host().emitted));
}
BENCHMARK(BM_SynToSynAck)->Arg(0)->Arg(1)->ArgNames({"cookies"});

/// As the dataplane sees SYNs: bursts of 32, each burst's flow-table buckets
/// prefetched before its segments are processed.
void BM_SynToSynAckBurst(benchmark::State& state) {
  constexpr uint32_t kBurst = 32;
  static_assert(SynTarget::kTable % kBurst == 0);
  SynTarget target(state.range(0) != 0);
  const uint64_t now = 1'000'000;
  std::array<Segment, kBurst> burst;
  for (auto _ : state) {
    const uint32_t first = target.next_client();
    for (uint32_t i = 0; i < kBurst; ++i) {
      burst[i] = make_syn(first + i);
      target.engine().prefetch(burst[i].hash);
    }
    for (const Segment& syn : burst) target.engine().input(syn, now);
    target.count(state, kBurst, now);
  }
  state.SetItemsProcessed(state.iterations() * kBurst);
  state.counters["segments_out"] = benchmark::Counter(static_cast<double>(target.host().emitted));
}
BENCHMARK(BM_SynToSynAckBurst)->Arg(0)->Arg(1)->ArgNames({"cookies"});

void BM_ShortConnectionLifecycle(benchmark::State& state) {
  constexpr uint32_t kTable = 1 << 16;
  NullHost host;
  Engine<NullHost> engine(bench_config(kTable), host, 1'000'000);
  host.engine = &engine;
  engine.listen(wire::IpAddress{}, 80, 0);
  uint32_t client = 0;
  uint64_t now = 1'000'000;
  for (auto _ : state) {
    const uint32_t peer_isn = 1000 + client;
    engine.input(make_segment(client, flags::kSyn, peer_isn, 0), now);  // -> SYN-ACK
    const uint32_t iss = host.last_seq;
    Segment request = make_segment(client, flags::kAck | flags::kPsh, peer_isn + 1, iss + 1);
    request.payload = std::span(kRequest, sizeof kRequest - 1);
    engine.input(request, now);  // -> response + FIN
    const uint32_t peer_next = peer_isn + 1 + static_cast<uint32_t>(sizeof kRequest - 1);
    const uint32_t our_fin_acked = iss + 1 + kResponseLength + 1;
    engine.input(make_segment(client, flags::kAck | flags::kFin, peer_next, our_fin_acked), now);  // -> ACK, TIME-WAIT
    client = (client + 1) & 0xfffff;
    if ((client & 1023) == 0) {
      now += 3000;  // past 2*MSL: the TIME-WAIT records expire
      engine.advance(now);
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["closed_normal"] = benchmark::Counter(static_cast<double>(engine.counters().closed_normal));
  state.counters["time_wait_expired"] = benchmark::Counter(static_cast<double>(engine.counters().time_wait_expired));
}
BENCHMARK(BM_ShortConnectionLifecycle);

/// The same lifecycle as a loaded worker meets it: 32 connections at a time,
/// each step's 32 segments arriving in one burst whose flow-table buckets the
/// worker prefetches first (as Worker::poll does with the NIC's RSS hash), so
/// the bucket misses of different flows overlap instead of adding up.
void BM_ShortConnectionLifecycleBurst(benchmark::State& state) {
  constexpr uint32_t kTable = 1 << 16;
  constexpr uint32_t kBurst = 32;
  NullHost host;
  Engine<NullHost> engine(bench_config(kTable), host, 1'000'000);
  host.engine = &engine;
  engine.listen(wire::IpAddress{}, 80, 0);
  uint32_t client = 0;
  uint64_t now = 1'000'000;
  std::array<Segment, kBurst> burst;
  std::array<uint32_t, kBurst> iss{};
  const uint32_t request_length = static_cast<uint32_t>(sizeof kRequest - 1);
  auto deliver = [&](bool record_iss) {
    deliver_burst(engine, host, burst, now, record_iss ? &iss : nullptr);
  };
  for (auto _ : state) {
    for (uint32_t i = 0; i < kBurst; ++i)
      burst[i] = make_segment(client + i, flags::kSyn, 1000 + client + i, 0);
    deliver(true);  // -> SYN-ACKs
    for (uint32_t i = 0; i < kBurst; ++i) {
      const uint32_t peer_isn = 1000 + client + i;
      burst[i] = make_segment(client + i, flags::kAck | flags::kPsh, peer_isn + 1, iss[i] + 1);
      burst[i].payload = std::span(kRequest, request_length);
    }
    deliver(false);  // -> responses + FINs
    for (uint32_t i = 0; i < kBurst; ++i) {
      const uint32_t peer_next = 1000 + client + i + 1 + request_length;
      burst[i] = make_segment(client + i, flags::kAck | flags::kFin, peer_next,
                              iss[i] + 1 + kResponseLength + 1);
    }
    deliver(false);  // -> ACKs, TIME-WAIT
    client = (client + kBurst) & 0xfffff;
    if ((client & 1023) == 0) {
      now += 3000;  // past 2*MSL: the TIME-WAIT records expire
      engine.advance(now);
    }
  }
  state.SetItemsProcessed(state.iterations() * kBurst);
  state.counters["closed_normal"] = benchmark::Counter(static_cast<double>(engine.counters().closed_normal));
  state.counters["time_wait_expired"] = benchmark::Counter(static_cast<double>(engine.counters().time_wait_expired));
}
BENCHMARK(BM_ShortConnectionLifecycleBurst);

/// run-e2e.sh's load on the engine: one client address (192.168.50.1)
/// cycling through ports 1024-65535 to 192.168.50.2:80, in bursts of 32 with
/// the buckets prefetched, tables sized as run-e2e.sh's tcpterm (65536
/// connections, 524288 TIME-WAIT records) and 2 MSL never reached: after the
/// first lap each SYN meets its tuple's TIME-WAIT record and reopens it
/// (RFC 1122 4.2.2.13: its sequence number is above the old RCV.NXT), so the
/// record is erased from the flow table every time.
void BM_LifecycleReopeningTimeWaitBurst(benchmark::State& state) {
  constexpr uint32_t kBurst = 32;
  constexpr uint32_t kPorts = 65536 - 1024;
  static_assert(kPorts % kBurst == 0);
  EngineConfig config = bench_config(65536);
  config.max_time_wait = 524288;
  config.msl_us = 30'000'000;
  NullHost host;
  Engine<NullHost> engine(config, host, 1'000'000);
  host.engine = &engine;
  engine.listen(wire::IpAddress{}, 80, 0);
  const uint64_t now = 1'000'000;
  uint32_t port_index = 0;
  uint32_t lap = 0;  // each lap's ISNs lie above the previous lap's sequence numbers
  std::array<Segment, kBurst> burst;
  std::array<uint32_t, kBurst> iss{};
  const uint32_t request_length = static_cast<uint32_t>(sizeof kRequest - 1);
  auto segment = [&](uint32_t i, uint8_t f, uint32_t seq, uint32_t ack) {
    table::FlowKey key;
    key.remote_address = wire::IpAddress::v4(0xc0a83201);
    key.local_address = wire::IpAddress::v4(0xc0a83202);
    key.remote_port = static_cast<uint16_t>(1024 + port_index + i);
    key.local_port = 80;
    return make_segment(key, f, seq, ack);
  };
  auto deliver = [&](bool record_iss) {
    deliver_burst(engine, host, burst, now, record_iss ? &iss : nullptr);
  };
  for (auto _ : state) {
    const uint32_t peer_isn = lap * 1'000'000;
    for (uint32_t i = 0; i < kBurst; ++i) burst[i] = segment(i, flags::kSyn, peer_isn, 0);
    deliver(true);  // -> SYN-ACKs (after the first lap: TIME-WAIT reopened)
    for (uint32_t i = 0; i < kBurst; ++i) {
      burst[i] = segment(i, flags::kAck | flags::kPsh, peer_isn + 1, iss[i] + 1);
      burst[i].payload = std::span(kRequest, request_length);
    }
    deliver(false);  // -> responses + FINs
    for (uint32_t i = 0; i < kBurst; ++i)
      burst[i] = segment(i, flags::kAck | flags::kFin, peer_isn + 1 + request_length,
                         iss[i] + 1 + kResponseLength + 1);
    deliver(false);  // -> ACKs, TIME-WAIT
    port_index += kBurst;
    if (port_index == kPorts) {
      port_index = 0;
      ++lap;
    }
  }
  state.SetItemsProcessed(state.iterations() * kBurst);
  state.counters["closed_normal"] =
      benchmark::Counter(static_cast<double>(engine.counters().closed_normal));
  state.counters["time_wait_reused"] =
      benchmark::Counter(static_cast<double>(engine.counters().time_wait_reused));
}
BENCHMARK(BM_LifecycleReopeningTimeWaitBurst);

}  // namespace
}  // namespace tcpterm::tcp

BENCHMARK_MAIN();
