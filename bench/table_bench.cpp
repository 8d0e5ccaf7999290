// FlowTable microbenchmarks at 1M and 10M entries: insert, lookup hit (in
// random order, alone and in prefetched bursts of 32), lookup miss, erase;
// plus flow_hash itself. Items/s is per operation. Stored keys live in their
// own array, as in TCBs, so a hit costs a bucket line and a key line; the
// queries (key, hash, index) are read sequentially, as packets in a burst are.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <vector>

#include "table/flow_hash.hpp"
#include "table/flow_table.hpp"

namespace tcpterm::table {
namespace {

struct Query {
  FlowKey key;
  uint32_t hash;
  uint32_t index;
};

/// N random IPv4 flows to one local address (stored keys, by index), the same
/// flows as queries in a random order, N queries for absent flows, and a table
/// holding the N flows; built once per N.
struct Flows {
  std::vector<FlowKey> keys;
  std::vector<uint32_t> hashes;
  std::vector<Query> present;
  std::vector<Query> absent;
  std::unique_ptr<FlowTable> filled;

  explicit Flows(uint32_t n) : keys(n), hashes(n), present(n), absent(n) {
    std::mt19937_64 rng(n);
    auto make = [&](FlowKey& key, uint32_t& hash) {
      key.remote_address = wire::IpAddress::v4(static_cast<uint32_t>(rng()));
      key.local_address = wire::IpAddress::v4(0x0a000001);
      key.remote_port = static_cast<uint16_t>(rng());
      key.local_port = 443;
      hash = flow_hash(key);
    };
    for (uint32_t i = 0; i < n; ++i) make(keys[i], hashes[i]);
    std::vector<uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::shuffle(order.begin(), order.end(), rng);
    for (uint32_t c = 0; c < n; ++c) present[c] = {keys[order[c]], hashes[order[c]], order[c]};
    for (uint32_t c = 0; c < n; ++c) make(absent[c].key, absent[c].hash);
    filled = std::make_unique<FlowTable>(n);
    for (uint32_t i = 0; i < n; ++i) filled->insert(hashes[i], i);
  }

  auto key_of() const {
    return [this](uint32_t index) -> const FlowKey& { return keys[index]; };
  }

  static const Flows& get(uint32_t n) {
    static std::map<uint32_t, std::unique_ptr<Flows>> cache;
    auto& slot = cache[n];
    if (!slot) slot = std::make_unique<Flows>(n);
    return *slot;
  }
};

void BM_FlowHash(benchmark::State& state) {
  const Flows& flows = Flows::get(1 << 20);
  uint32_t i = 0;
  uint32_t sink = 0;
  for (auto _ : state) {
    sink ^= flow_hash(flows.keys[i]);
    i = (i + 1) & ((1 << 20) - 1);
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FlowHash);

/// Times one pass of `operation` over every present query on a fresh table,
/// filled beforehand (untimed) when `prefilled`.
template <class Operation>
void time_full_passes(benchmark::State& state, bool prefilled, Operation operation) {
  uint32_t n = static_cast<uint32_t>(state.range(0));
  const Flows& flows = Flows::get(n);
  for (auto _ : state) {
    state.PauseTiming();
    auto table = std::make_unique<FlowTable>(n);
    if (prefilled)
      for (uint32_t i = 0; i < n; ++i) table->insert(flows.hashes[i], i);
    state.ResumeTiming();
    for (const Query& q : flows.present) operation(*table, q);
    benchmark::DoNotOptimize(table->size());
    state.PauseTiming();
    table.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_Insert(benchmark::State& state) {
  time_full_passes(state, false,
                   [](FlowTable& table, const Query& q) { table.insert(q.hash, q.index); });
}

void BM_Erase(benchmark::State& state) {
  time_full_passes(state, true,
                   [](FlowTable& table, const Query& q) { table.erase(q.hash, q.index); });
}

/// One find() per iteration, cycling through `queries` in order.
void time_lookups(benchmark::State& state, const Flows& flows, const std::vector<Query>& queries) {
  auto key_of = flows.key_of();
  size_t cursor = 0;
  for (auto _ : state) {
    const Query& q = queries[cursor];
    benchmark::DoNotOptimize(flows.filled->find(q.key, q.hash, key_of));
    if (++cursor == queries.size()) cursor = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_LookupHit(benchmark::State& state) {
  const Flows& flows = Flows::get(static_cast<uint32_t>(state.range(0)));
  time_lookups(state, flows, flows.present);
}

void BM_LookupMiss(benchmark::State& state) {
  const Flows& flows = Flows::get(static_cast<uint32_t>(state.range(0)));
  time_lookups(state, flows, flows.absent);
}

/// As the rx loop does it: prefetch the home buckets of a burst, then look up.
void BM_LookupHitBurst32(benchmark::State& state) {
  uint32_t n = static_cast<uint32_t>(state.range(0));
  const Flows& flows = Flows::get(n);
  auto key_of = flows.key_of();
  constexpr uint32_t kBurst = 32;
  uint32_t cursor = 0;
  for (auto _ : state) {
    if (cursor + kBurst > n) cursor = 0;
    for (uint32_t b = 0; b < kBurst; ++b) flows.filled->prefetch(flows.present[cursor + b].hash);
    for (uint32_t b = 0; b < kBurst; ++b) {
      const Query& q = flows.present[cursor + b];
      benchmark::DoNotOptimize(flows.filled->find(q.key, q.hash, key_of));
    }
    cursor += kBurst;
  }
  state.SetItemsProcessed(state.iterations() * kBurst);
}

constexpr int64_t kMillion = 1'000'000;
BENCHMARK(BM_Insert)->Arg(kMillion)->Arg(10 * kMillion)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LookupHit)->Arg(kMillion)->Arg(10 * kMillion);
BENCHMARK(BM_LookupHitBurst32)->Arg(kMillion)->Arg(10 * kMillion);
BENCHMARK(BM_LookupMiss)->Arg(kMillion)->Arg(10 * kMillion);
BENCHMARK(BM_Erase)->Arg(kMillion)->Arg(10 * kMillion)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tcpterm::table

BENCHMARK_MAIN();
