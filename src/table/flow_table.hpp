// FlowTable: the per-lcore map from a flow's hash and key to the index of the
// object (TCB, TIME-WAIT entry) that holds the key. One table per lcore,
// nothing shared: no locks, no atomics. All memory is allocated at construction.
//
// Layout: a power-of-two array of 64-byte buckets, one cache line each:
//   | signature[8]: the entry's full 32-bit flow hash | index[8]: object index |
// Occupied slots are packed at the front of a bucket (index == kEmpty marks the
// rest), so "bucket full" is one load of index[7]. The key lives in the
// caller's object; find() compares it through key_of(index) only when the
// 32-bit signature matches, so a hit costs one bucket line plus one object line.
//
// Home bucket: the top bits of hash * 0x9E3779B1 (Fibonacci hashing), not the
// hash's low bits. The flow hash is Toeplitz, linear over GF(2), so flows that
// differ in a few structured bits (one client address, every source port: a
// load generator, or clients behind one NAT) span a small subspace of hashes:
// 64512 ports of one address fell into 8192 of 131072 buckets by low bits,
// 7168 of them full, and every erase there walked on to the next bucket. The
// multiply's carries are not linear, and spread the same flows like random
// hashes (tests/table/flow_table_test.cpp: StructuredFlowsSpreadLikeRandomOnes).
//
// Probing: linear, bucket by bucket, from the home bucket, at most
// kMaxProbeBuckets buckets. Invariant: every entry's home..position-1 buckets
// are full, so a lookup stops at the first bucket that is not full. Sizing
// keeps the load factor <= 60% (buckets = pow2 >= capacity * 5/3 / 8), where a
// random hash needs a second bucket a few percent of the time and a 16th
// essentially never. The bound matters under attack: Toeplitz is linear and
// the RSS key public, so colliding flows are easy to make; they fill their
// 16-bucket window (128 entries) and further inserts there fail (the engine
// counts a drop) instead of lengthening every lookup.
//
// Erase: backward shift, no tombstones. Removing from a bucket that was full
// may break the invariant for entries that probed past it, so the hole is
// refilled from the following buckets with an entry whose home lies at or
// before the hole, and the hole moves on, until a bucket that was not full
// ends the chain. Any sequence of inserts and erases therefore leaves the
// table exactly as if its live entries had been inserted: churn cannot degrade it.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "table/cache_aligned_array.hpp"
#include "table/flow_key.hpp"

namespace tcpterm::table {

class FlowTable {
 public:
  static constexpr uint32_t kNotFound = UINT32_MAX;
  static constexpr uint32_t kSlotsPerBucket = 8;
  static constexpr uint32_t kMaxProbeBuckets = 16;

  /// Sizes the table for at most `capacity` entries (control path).
  explicit FlowTable(uint32_t capacity)
      : buckets_(bucket_count_for(capacity)),
        mask_(static_cast<uint32_t>(buckets_.size() - 1)),
        home_shift_(32 - static_cast<uint32_t>(__builtin_ctzll(buckets_.size()))),
        probe_limit_(buckets_.size() < kMaxProbeBuckets ? static_cast<uint32_t>(buckets_.size())
                                                        : kMaxProbeBuckets),
        capacity_(capacity) {
    for (size_t b = 0; b < buckets_.size(); ++b)
      for (uint32_t s = 0; s < kSlotsPerBucket; ++s) buckets_[b].index[s] = kEmpty;
  }

  /// Index of the entry with this `hash` whose key_of(index) == `key`, or
  /// kNotFound. key_of(uint32_t) must return const FlowKey&.
  template <class KeyOf>
  uint32_t find(const FlowKey& key, uint32_t hash, const KeyOf& key_of) const {
    uint32_t b = home_bucket(hash);
    for (uint32_t step = 0; step < probe_limit_; ++step, b = (b + 1) & mask_) {
      const Bucket& bucket = buckets_[b];
      for (uint32_t m = signature_matches(bucket, hash); m != 0; m &= m - 1) {
        uint32_t index = bucket.index[__builtin_ctz(m)];
        if (index != kEmpty && key_of(index) == key) return index;
      }
      if (!full(bucket)) return kNotFound;
    }
    return kNotFound;
  }

  /// Adds (hash, index); the caller guarantees no entry with this key exists.
  /// False when size() == capacity(), or when the hash's kMaxProbeBuckets
  /// window is full (only under hash collisions on purpose).
  bool insert(uint32_t hash, uint32_t index) {
    if (size_ >= capacity_) return false;
    uint32_t b = home_bucket(hash);
    for (uint32_t step = 0; step < probe_limit_; ++step, b = (b + 1) & mask_) {
      Bucket& bucket = buckets_[b];
      if (full(bucket)) continue;
      uint32_t slot = occupied_count(bucket);
      bucket.signature[slot] = hash;
      bucket.index[slot] = index;
      ++size_;
      return true;
    }
    return false;
  }

  /// Removes the entry (hash, index); false when there is none.
  bool erase(uint32_t hash, uint32_t index) {
    uint32_t b = 0;
    uint32_t slot = 0;
    if (!locate(hash, index, b, slot)) return false;
    remove_and_backshift(b, slot);
    --size_;
    return true;
  }

  /// Points the entry (hash, old_index) at new_index in place (e.g. a TCB
  /// handing its flow to a TIME-WAIT entry); unlike erase() + insert() it
  /// cannot fail for want of room. False when (hash, old_index) is absent.
  bool replace(uint32_t hash, uint32_t old_index, uint32_t new_index) {
    uint32_t b = 0;
    uint32_t slot = 0;
    if (!locate(hash, old_index, b, slot)) return false;
    buckets_[b].index[slot] = new_index;
    return true;
  }

  /// Starts loading the home bucket of `hash` (burst processing: prefetch the
  /// whole burst, then look each packet up).
  void prefetch(uint32_t hash) const { __builtin_prefetch(&buckets_[home_bucket(hash)], 0, 3); }

  /// Calls on_candidate(index) for each entry of the home bucket whose
  /// signature is `hash`, without comparing keys: the objects find() would
  /// compare, so a burst can start loading them (call after prefetch(hash)
  /// has had time to bring the bucket in). Entries that overflowed to later
  /// buckets are not offered; find() still finds them.
  template <class OnCandidate>
  void for_each_candidate(uint32_t hash, const OnCandidate& on_candidate) const {
    const Bucket& bucket = buckets_[home_bucket(hash)];
    for (uint32_t m = signature_matches(bucket, hash); m != 0; m &= m - 1) {
      uint32_t index = bucket.index[__builtin_ctz(m)];
      if (index != kEmpty) on_candidate(index);
    }
  }

  /// Number of entries.
  uint32_t size() const { return size_; }
  /// Maximum number of entries, fixed at construction.
  uint32_t capacity() const { return capacity_; }
  /// The bucket where an entry with this hash is looked for first (see the
  /// header comment); the top bits of a 32-bit product, so a one-bucket
  /// table shifts by 32, in 64 bits.
  uint32_t home_bucket(uint32_t hash) const {
    return static_cast<uint32_t>(uint64_t{hash * kHomeMultiplier} >> home_shift_);
  }

  /// Number of 64-byte buckets (a power of two).
  uint32_t bucket_count() const { return mask_ + 1; }
  /// Bytes of bucket storage.
  size_t memory_bytes() const { return buckets_.memory_bytes(); }

  /// Sum over all entries of (bucket - home bucket): 0 when every entry sits
  /// in its home bucket. O(buckets); for tests and telemetry, not the fast path.
  uint64_t total_probe_distance() const {
    uint64_t total = 0;
    for (uint32_t b = 0; b <= mask_; ++b)
      for (uint32_t s = 0; s < kSlotsPerBucket && buckets_[b].index[s] != kEmpty; ++s)
        total += (b - home_bucket(buckets_[b].signature[s])) & mask_;
    return total;
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  static constexpr uint32_t kHomeMultiplier = 0x9E3779B1u;  // 2^32 / golden ratio, odd

  struct alignas(kCacheLineBytes) Bucket {
    uint32_t signature[kSlotsPerBucket];
    uint32_t index[kSlotsPerBucket];
  };
  static_assert(sizeof(Bucket) == kCacheLineBytes, "a bucket is exactly one cache line");

  /// Buckets for `capacity` entries at <= 60% load, rounded up to a power of two.
  static size_t bucket_count_for(uint32_t capacity) {
    uint64_t slots = (uint64_t{capacity} * 5 + 2) / 3;
    uint64_t needed = (slots + kSlotsPerBucket - 1) / kSlotsPerBucket;
    size_t buckets = 1;
    while (buckets < needed) buckets <<= 1;
    return buckets;
  }

  static bool full(const Bucket& bucket) { return bucket.index[kSlotsPerBucket - 1] != kEmpty; }

  static uint32_t occupied_count(const Bucket& bucket) {
    uint32_t n = 0;
    while (n < kSlotsPerBucket && bucket.index[n] != kEmpty) ++n;
    return n;
  }

  /// Bit s set when signature[s] == hash (empty slots may match; callers check index).
  static uint32_t signature_matches(const Bucket& bucket, uint32_t hash) {
#if defined(__SSE2__)
    // Two 4-lane compares instead of eight scalar ones: every lookup, insert
    // and erase runs this (SSE2 is part of the x86-64 baseline).
    static_assert(kSlotsPerBucket == 8);
    const __m128i needle = _mm_set1_epi32(static_cast<int>(hash));
    const __m128i low = _mm_load_si128(reinterpret_cast<const __m128i*>(bucket.signature));
    const __m128i high = _mm_load_si128(reinterpret_cast<const __m128i*>(bucket.signature + 4));
    const uint32_t low_mask =
        static_cast<uint32_t>(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(low, needle))));
    const uint32_t high_mask =
        static_cast<uint32_t>(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(high, needle))));
    return low_mask | (high_mask << 4);
#else
    uint32_t m = 0;
    for (uint32_t s = 0; s < kSlotsPerBucket; ++s) m |= uint32_t{bucket.signature[s] == hash} << s;
    return m;
#endif
  }

  /// Finds the slot of (hash, index) along the probe window.
  bool locate(uint32_t hash, uint32_t index, uint32_t& bucket_out, uint32_t& slot_out) const {
    uint32_t b = home_bucket(hash);
    for (uint32_t step = 0; step < probe_limit_; ++step, b = (b + 1) & mask_) {
      const Bucket& bucket = buckets_[b];
      for (uint32_t m = signature_matches(bucket, hash); m != 0; m &= m - 1) {
        uint32_t s = __builtin_ctz(m);
        if (bucket.index[s] == index && index != kEmpty) {
          bucket_out = b;
          slot_out = s;
          return true;
        }
      }
      if (!full(bucket)) return false;
    }
    return false;
  }

  /// Removes slot `slot` of bucket `b` keeping the bucket packed; returns
  /// whether the bucket was full before.
  static bool remove_packed(Bucket& bucket, uint32_t slot) {
    bool was_full = full(bucket);
    uint32_t last = occupied_count(bucket) - 1;
    bucket.signature[slot] = bucket.signature[last];
    bucket.index[slot] = bucket.index[last];
    bucket.signature[last] = 0;
    bucket.index[last] = kEmpty;
    return was_full;
  }

  /// Removes (b, slot), then refills the hole from later buckets (backward
  /// shift) so that the probe invariant in the header comment holds again.
  void remove_and_backshift(uint32_t b, uint32_t slot) {
    // Nothing probed past a bucket that was not full.
    if (!remove_packed(buckets_[b], slot)) return;
    uint32_t hole = b;  // full but for its last slot
    for (uint32_t step = 1; step < probe_limit_;) {
      uint32_t j = (hole + step) & mask_;
      Bucket& later = buckets_[j];
      bool later_was_full = full(later);
      uint32_t movable = kSlotsPerBucket;
      for (uint32_t s = 0; s < kSlotsPerBucket && later.index[s] != kEmpty; ++s) {
        uint32_t home = home_bucket(later.signature[s]);
        if (((hole - home) & mask_) < ((j - home) & mask_)) {  // hole lies on its probe path
          movable = s;
          break;
        }
      }
      if (movable != kSlotsPerBucket) {
        Bucket& hole_bucket = buckets_[hole];
        hole_bucket.signature[kSlotsPerBucket - 1] = later.signature[movable];
        hole_bucket.index[kSlotsPerBucket - 1] = later.index[movable];
        remove_packed(later, movable);
        hole = j;
        step = 1;
      } else {
        ++step;
      }
      if (!later_was_full) return;  // no entry probed past j
    }
  }

  CacheAlignedArray<Bucket> buckets_;
  uint32_t mask_;
  uint32_t home_shift_;  // 32 - log2(buckets)
  uint32_t probe_limit_;
  uint32_t capacity_;
  uint32_t size_ = 0;
};

}  // namespace tcpterm::table
