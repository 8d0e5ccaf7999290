// FlowTable: against std::unordered_map over a million random operations;
// full-table refusal; a million insert/erase cycles at 50% occupancy leave it
// as good as new (backward shift, no tombstones); equal hashes with different
// keys; the probe bound under deliberate collisions; wrap-around at the end;
// the prefetch candidates of a hash; structured flows (one client, every
// port) spread over the buckets like random ones.
#include "table/flow_table.hpp"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>
#include <vector>

#include "table/flow_hash.hpp"
#include "table/flow_key.hpp"

namespace tcpterm::table {
namespace {

// FlowKey's and IpAddress's == compare word by word: a key that differs in
// any one of its 36 bytes (each address's 16, each port's 2) is another key.
TEST(FlowKeyEquality, EveryByteCounts) {
  FlowKey a;
  a.remote_address = *wire::IpAddress::parse("2001:db8::1");
  a.local_address = *wire::IpAddress::parse("10.0.0.2");
  a.remote_port = 40000;
  a.local_port = 80;
  const FlowKey copy = a;
  EXPECT_TRUE(a == copy);
  EXPECT_TRUE(a.remote_address == copy.remote_address);
  for (size_t i = 0; i < sizeof(FlowKey); ++i) {
    FlowKey b = a;
    auto* bytes = reinterpret_cast<uint8_t*>(&b);
    bytes[i] ^= 0x01;
    EXPECT_FALSE(a == b) << "byte " << i;
    if (i < 16) {
      EXPECT_FALSE(a.remote_address == b.remote_address) << "byte " << i;
    } else if (i < 32) {
      EXPECT_FALSE(a.local_address == b.local_address) << "byte " << i;
    }
  }
}

FlowKey random_key(std::mt19937_64& rng) {
  FlowKey key;
  key.remote_address = wire::IpAddress::v4(static_cast<uint32_t>(rng()));
  key.local_address = wire::IpAddress::v4(0x0a000001);
  key.remote_port = static_cast<uint16_t>(rng());
  key.local_port = 80;
  return key;
}

/// A hash whose home bucket in `table` is `home` (`salt` picks one of the
/// many): the home is the top bits of hash * 0x9E3779B1, so choose the
/// product and multiply it by the multiplier's inverse modulo 2^32.
uint32_t hash_with_home(const FlowTable& table, uint32_t home, uint32_t salt) {
  constexpr uint32_t kMultiplier = 0x9E3779B1u;
  uint32_t inverse = kMultiplier;  // Newton: each step doubles the correct low bits
  for (int i = 0; i < 5; ++i) inverse *= 2 - kMultiplier * inverse;
  const uint32_t shift = 32 - static_cast<uint32_t>(__builtin_ctz(table.bucket_count()));
  const uint32_t low = shift == 32 ? salt : salt & ((uint32_t{1} << shift) - 1);
  const uint32_t product = (shift == 32 ? 0 : home << shift) | low;
  const uint32_t hash = product * inverse;
  EXPECT_EQ(table.home_bucket(hash), home);
  return hash;
}

/// The caller's side of the table: objects holding keys and hashes, handed out by index.
struct Objects {
  struct Object {
    FlowKey key;
    uint32_t hash = 0;
  };
  std::vector<Object> objects;
  std::vector<uint32_t> free_indices;

  explicit Objects(uint32_t capacity) : objects(capacity) {
    for (uint32_t i = capacity; i-- > 0;) free_indices.push_back(i);
  }
  uint32_t take(const FlowKey& key, uint32_t hash) {
    uint32_t index = free_indices.back();
    free_indices.pop_back();
    objects[index] = {key, hash};
    return index;
  }
  void give_back(uint32_t index) { free_indices.push_back(index); }
  auto key_of() const {
    return [this](uint32_t index) -> const FlowKey& { return objects[index].key; };
  }
};

TEST(FlowTable, SizesForAtMostSixtyPercentLoad) {
  for (uint32_t capacity : {1u, 7u, 100u, 1000u, 1u << 20, (1u << 20) + 1}) {
    FlowTable table(capacity);
    uint64_t slots = uint64_t{table.bucket_count()} * FlowTable::kSlotsPerBucket;
    EXPECT_EQ(table.bucket_count() & (table.bucket_count() - 1), 0u) << capacity;
    EXPECT_LE(capacity * 10ull, slots * 6) << capacity;
    EXPECT_EQ(table.memory_bytes(), size_t{table.bucket_count()} * 64);
    EXPECT_EQ(table.capacity(), capacity);
    EXPECT_EQ(table.size(), 0u);
  }
}

TEST(FlowTable, MatchesUnorderedMapOverAMillionRandomOperations) {
  constexpr uint32_t kCapacity = 100'000;
  constexpr uint32_t kUniverse = 2 * kCapacity;
  std::mt19937_64 rng(20240611);
  std::vector<FlowKey> universe(kUniverse);
  std::vector<uint32_t> hashes(kUniverse);
  for (uint32_t u = 0; u < kUniverse; ++u) {
    universe[u] = random_key(rng);
    hashes[u] = flow_hash(universe[u]);
  }
  FlowTable table(kCapacity);
  Objects objects(kCapacity);
  std::unordered_map<uint32_t, uint32_t> model;  // universe id -> object index
  for (int op = 0; op < 1'000'000; ++op) {
    uint32_t u = static_cast<uint32_t>(rng() % kUniverse);
    uint32_t choice = static_cast<uint32_t>(rng() % 4);
    auto it = model.find(u);
    if (it != model.end()) {
      ASSERT_EQ(table.find(universe[u], hashes[u], objects.key_of()), it->second) << "op " << op;
      if (choice < 2) {
        ASSERT_TRUE(table.erase(hashes[u], it->second)) << "op " << op;
        ASSERT_FALSE(table.erase(hashes[u], it->second)) << "op " << op;
        objects.give_back(it->second);
        model.erase(it);
        ASSERT_EQ(table.find(universe[u], hashes[u], objects.key_of()), FlowTable::kNotFound)
            << "op " << op;
      }
    } else {
      ASSERT_EQ(table.find(universe[u], hashes[u], objects.key_of()), FlowTable::kNotFound)
          << "op " << op;
      if (choice < 3 && model.size() < kCapacity) {
        uint32_t index = objects.take(universe[u], hashes[u]);
        ASSERT_TRUE(table.insert(hashes[u], index)) << "op " << op;
        model.emplace(u, index);
      }
    }
    ASSERT_EQ(table.size(), model.size());
    if (op % 100'000 == 0) {
      for (const auto& [id, index] : model)
        ASSERT_EQ(table.find(universe[id], hashes[id], objects.key_of()), index) << "op " << op;
    }
  }
  EXPECT_GT(model.size(), kCapacity / 2);
  for (const auto& [id, index] : model)
    ASSERT_EQ(table.find(universe[id], hashes[id], objects.key_of()), index);
}

TEST(FlowTable, RefusesInsertWhenFull) {
  constexpr uint32_t kCapacity = 1000;
  std::mt19937_64 rng(7);
  FlowTable table(kCapacity);
  Objects objects(kCapacity + 1);
  for (uint32_t i = 0; i < kCapacity; ++i) {
    FlowKey key = random_key(rng);
    ASSERT_TRUE(table.insert(flow_hash(key), objects.take(key, flow_hash(key))));
  }
  EXPECT_EQ(table.size(), table.capacity());
  FlowKey extra = random_key(rng);
  EXPECT_FALSE(table.insert(flow_hash(extra), objects.take(extra, flow_hash(extra))));
  EXPECT_EQ(table.size(), kCapacity);
  // Room again after one erase.
  const auto& first = objects.objects[0];
  ASSERT_TRUE(table.erase(first.hash, 0));
  EXPECT_TRUE(table.insert(flow_hash(extra), kCapacity));
  EXPECT_EQ(table.find(extra, flow_hash(extra), objects.key_of()), kCapacity);
}

TEST(FlowTable, MillionInsertEraseCyclesAtHalfOccupancyDoNotDegrade) {
  constexpr uint32_t kCapacity = 200'000;
  constexpr uint32_t kLive = kCapacity / 2;
  std::mt19937_64 rng(99);
  FlowTable table(kCapacity);
  Objects objects(kCapacity);
  std::vector<uint32_t> live;
  for (uint32_t i = 0; i < kLive; ++i) {
    FlowKey key = random_key(rng);
    uint32_t index = objects.take(key, flow_hash(key));
    ASSERT_TRUE(table.insert(objects.objects[index].hash, index));
    live.push_back(index);
  }
  double distance_before = static_cast<double>(table.total_probe_distance()) / kLive;

  std::vector<FlowKey> recently_erased;
  for (int cycle = 0; cycle < 1'000'000; ++cycle) {
    size_t victim = rng() % live.size();
    uint32_t index = live[victim];
    ASSERT_TRUE(table.erase(objects.objects[index].hash, index)) << "cycle " << cycle;
    if (cycle % 1000 == 0) recently_erased.push_back(objects.objects[index].key);
    objects.give_back(index);
    FlowKey key = random_key(rng);
    uint32_t fresh = objects.take(key, flow_hash(key));
    ASSERT_TRUE(table.insert(objects.objects[fresh].hash, fresh)) << "cycle " << cycle;
    live[victim] = fresh;
  }

  EXPECT_EQ(table.size(), kLive);
  for (uint32_t index : live)
    ASSERT_EQ(table.find(objects.objects[index].key, objects.objects[index].hash, objects.key_of()),
              index);
  for (const FlowKey& key : recently_erased) {
    uint32_t found = table.find(key, flow_hash(key), objects.key_of());
    // A random 4-tuple may recur; then it must be a live object with that key.
    if (found != FlowTable::kNotFound) {
      EXPECT_EQ(objects.objects[found].key, key);
    }
  }
  // Displacement stays what a fresh table with this load has.
  double distance_after = static_cast<double>(table.total_probe_distance()) / kLive;
  EXPECT_LT(distance_after, distance_before * 1.5 + 0.01)
      << distance_before << " -> " << distance_after;
  EXPECT_LT(distance_after, 0.05);
  // And the whole capacity is still usable: no slot is lost to a tombstone.
  while (table.size() < kCapacity) {
    FlowKey key = random_key(rng);
    ASSERT_TRUE(table.insert(flow_hash(key), objects.take(key, flow_hash(key))));
  }
}

TEST(FlowTable, EqualHashesWithDifferentKeysAreTellApart) {
  std::mt19937_64 rng(3);
  constexpr uint32_t kSameHash = 0xdeadbeef;
  constexpr uint32_t kEntries = 40;  // spans five buckets
  FlowTable table(1000);
  Objects objects(kEntries);
  for (uint32_t i = 0; i < kEntries; ++i)
    ASSERT_TRUE(table.insert(kSameHash, objects.take(random_key(rng), kSameHash)));
  for (uint32_t i = 0; i < kEntries; ++i)
    EXPECT_EQ(table.find(objects.objects[i].key, kSameHash, objects.key_of()), i);
  EXPECT_EQ(table.find(random_key(rng), kSameHash, objects.key_of()), FlowTable::kNotFound);
  for (uint32_t i = 0; i < kEntries; i += 3) ASSERT_TRUE(table.erase(kSameHash, i));
  for (uint32_t i = 0; i < kEntries; ++i)
    EXPECT_EQ(table.find(objects.objects[i].key, kSameHash, objects.key_of()),
              i % 3 == 0 ? FlowTable::kNotFound : i);
  EXPECT_FALSE(table.erase(kSameHash + 1, 1)) << "an entry is erased by its own hash only";
  EXPECT_FALSE(table.erase(kSameHash, 3)) << "already erased";
}

TEST(FlowTable, OffersTheHomeBucketsEntriesWithTheSignatureAsCandidates) {
  FlowTable table(1000);
  const uint32_t hash = hash_with_home(table, 5, 1);
  const uint32_t neighbour = hash_with_home(table, 5, 2);  // same home bucket, other signature
  ASSERT_TRUE(table.insert(hash, 10));
  ASSERT_TRUE(table.insert(neighbour, 11));
  ASSERT_TRUE(table.insert(hash, 12));
  ASSERT_TRUE(table.insert(hash_with_home(table, 6, 1), 13));  // the next bucket
  std::vector<uint32_t> offered;
  table.for_each_candidate(hash, [&](uint32_t index) { offered.push_back(index); });
  EXPECT_EQ(offered, (std::vector<uint32_t>{10, 12}));
  offered.clear();
  table.for_each_candidate(neighbour, [&](uint32_t index) { offered.push_back(index); });
  EXPECT_EQ(offered, (std::vector<uint32_t>{11}));
  ASSERT_TRUE(table.erase(hash, 10));
  offered.clear();
  table.for_each_candidate(hash, [&](uint32_t index) { offered.push_back(index); });
  EXPECT_EQ(offered, (std::vector<uint32_t>{12})) << "an erased entry is no candidate";
  offered.clear();
  table.for_each_candidate(hash_with_home(table, 7, 1),
                           [&](uint32_t index) { offered.push_back(index); });
  EXPECT_TRUE(offered.empty());
}

TEST(FlowTable, CollidingFlowsAreBoundedToTheirProbeWindow) {
  constexpr uint32_t kWindow = FlowTable::kMaxProbeBuckets * FlowTable::kSlotsPerBucket;
  std::mt19937_64 rng(5);
  FlowTable table(10'000);
  Objects objects(kWindow + 1);
  for (uint32_t i = 0; i < kWindow; ++i)
    ASSERT_TRUE(table.insert(42, objects.take(random_key(rng), 42)));
  EXPECT_FALSE(table.insert(42, objects.take(random_key(rng), 42)))
      << "window of 128 slots is full";
  EXPECT_EQ(table.size(), kWindow);
  // Other homes are unaffected, and every colliding entry is still found.
  FlowKey other = random_key(rng);
  objects.objects[kWindow].key = other;
  const uint32_t far_home =
      (table.home_bucket(42) + table.bucket_count() / 2) % table.bucket_count();
  EXPECT_TRUE(table.insert(hash_with_home(table, far_home, 3), kWindow));
  for (uint32_t i = 0; i < kWindow; ++i)
    ASSERT_EQ(table.find(objects.objects[i].key, 42, objects.key_of()), i);
  // replace() keeps the slot, erase() frees one.
  EXPECT_TRUE(table.replace(42, 7, 7));
  EXPECT_FALSE(table.replace(42, kWindow + 5, 1));
  ASSERT_TRUE(table.erase(42, 0));
  EXPECT_TRUE(table.insert(42, 0));
}

// Homes packed around the last and first buckets: long chains, wrap-around
// and backward shift across the end of the array, checked against a model.
TEST(FlowTable, BackwardShiftAcrossTheWrapKeepsEveryEntryReachable) {
  constexpr uint32_t kCapacity = 300;  // 64 buckets
  std::mt19937_64 rng(11);
  FlowTable table(kCapacity);
  ASSERT_EQ(table.bucket_count(), 64u);
  Objects objects(kCapacity);
  std::unordered_map<uint32_t, uint32_t> live;  // object index -> hash
  uint32_t refused = 0;
  for (int op = 0; op < 200'000; ++op) {
    bool do_insert = live.empty() || (live.size() < kCapacity && rng() % 2 == 0);
    if (do_insert) {
      uint32_t home = (60 + static_cast<uint32_t>(rng() % 8)) & 63;  // buckets 60..63, 0..3
      uint32_t hash = hash_with_home(table, home, static_cast<uint32_t>(rng()));
      uint32_t index = objects.take(random_key(rng), hash);
      if (table.insert(hash, index)) {
        live.emplace(index, hash);
      } else {
        ++refused;
        objects.give_back(index);
      }
    } else {
      auto it = live.begin();
      std::advance(it, rng() % live.size());
      ASSERT_TRUE(table.erase(it->second, it->first)) << "op " << op;
      objects.give_back(it->first);
      live.erase(it);
    }
    ASSERT_EQ(table.size(), live.size());
    if (op % 97 == 0) {
      for (const auto& [index, hash] : live)
        ASSERT_EQ(table.find(objects.objects[index].key, hash, objects.key_of()), index)
            << "op " << op;
    }
  }
  // 8 homes x 16-bucket windows overlap into 23 buckets = 184 slots: inserts
  // beyond that are refused by the probe bound, never corrupt the table.
  EXPECT_GT(refused, 0u);
  EXPECT_LE(table.size(), 184u);
}

// A load generator (or clients behind one NAT): one address, every source
// port, to four server ports. Toeplitz is linear, so these hashes span a
// small subspace; by their low bits they filled 28672 of 131072 buckets and
// overflowed into the next ones (total probe distance 71322 for 258048
// entries). The home bucket's multiply spreads them like random hashes.
TEST(FlowTable, StructuredFlowsSpreadLikeRandomOnes) {
  FlowTable table(589'824);  // tcpterm's run-e2e.sh sizing: 131072 buckets
  ASSERT_EQ(table.bucket_count(), 131'072u);
  uint32_t index = 0;
  for (uint16_t server_port : {80, 443, 8080, 8443}) {
    for (uint32_t port = 1024; port <= 65535; ++port) {
      FlowKey key;
      key.remote_address = wire::IpAddress::v4(0xc0a83201);  // 192.168.50.1
      key.local_address = wire::IpAddress::v4(0xc0a83202);
      key.remote_port = static_cast<uint16_t>(port);
      key.local_port = server_port;
      ASSERT_TRUE(table.insert(flow_hash(key), index++));
    }
  }
  EXPECT_EQ(table.size(), 4u * 64'512u);
  // Random hashes at this load (25 %) give a total distance of about 50.
  EXPECT_LT(table.total_probe_distance(), table.size() / 100u);
}

}  // namespace
}  // namespace tcpterm::table
