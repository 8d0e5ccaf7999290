// LatencyHistogram: fixed-memory log-linear histogram of microsecond
// latencies (like HdrHistogram with 3 significant bits per power of two:
// 8 sub-buckets, relative error <= 12.5%), for p50/p99/p99.9 without
// storing samples. Record is O(1) and allocation-free.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace tcpterm::loadgen {

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 3;
  static constexpr int kSubBuckets = 1 << kSubBits;
  static constexpr int kBuckets = 64 * kSubBuckets;

  void record(uint64_t value_us) {
    ++counts_[index_of(value_us)];
    ++total_;
    if (value_us > max_) max_ = value_us;
  }
  void merge(const LatencyHistogram& other) {
    for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
    if (other.max_ > max_) max_ = other.max_;
  }
  uint64_t count() const { return total_; }
  uint64_t max() const { return max_; }

  /// Upper bound of the bucket holding the q-quantile (0 < q <= 1); 0 if empty.
  uint64_t quantile(double q) const {
    if (total_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(total_));
    if (rank == 0) rank = 1;
    uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) return upper_bound(i) < max_ ? upper_bound(i) : max_;
    }
    return max_;
  }

  static int index_of(uint64_t v) {
    if (v < kSubBuckets) return static_cast<int>(v);
    int exponent = 63 - std::countl_zero(v);  // v in [2^e, 2^(e+1))
    int sub = static_cast<int>((v >> (exponent - kSubBits)) & (kSubBuckets - 1));
    return (exponent - kSubBits + 1) * kSubBuckets + sub;
  }
  static uint64_t upper_bound(int index) {
    if (index < kSubBuckets) return static_cast<uint64_t>(index);
    int exponent = index / kSubBuckets + kSubBits - 1;
    uint64_t sub = static_cast<uint64_t>(index % kSubBuckets);
    uint64_t base = (uint64_t{kSubBuckets} | sub) << (exponent - kSubBits);
    return base + (uint64_t{1} << (exponent - kSubBits)) - 1;
  }

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t total_ = 0;
  uint64_t max_ = 0;
};

}  // namespace tcpterm::loadgen
