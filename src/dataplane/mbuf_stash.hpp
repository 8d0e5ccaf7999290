// MbufStash: the frames one worker builds on one port, taken from the port's
// pool a bulk at a time and handed out oldest first. Each bulk's mbuf headers
// are prefetched as it is taken, so that by the time a frame is built in one,
// a bulk of allocations later, its header lines are in this CPU's cache even
// when the other CPU freed it last. Over net_ring every mbuf crosses CPUs,
// and rte_pktmbuf_alloc's reset of a header the other CPU had written missed
// on each in turn (perf: a third of the loadgen's worker; bench/RESULTS.md,
// "2026-12-03, afternoon").
//
// Generic over its Pool, which provides Item, get_bulk(Item** out, n) (all n
// or none, like rte_mempool_get_bulk), put(Item*) and a static
// prefetch(const Item*); the worker's is a DPDK mempool, tests count what it
// takes and gives back. Items come out as the pool holds them (for mbufs:
// raw, to be reset by the caller, as rte_pktmbuf_alloc does).
#pragma once

#include <array>
#include <cstdint>
#include <utility>

namespace tcpterm::dataplane {

/// Items a stash takes from its pool at once, and the most it holds (a refill
/// comes when fewer than a bulk are left): what a port's pool needs beyond its
/// rings for each worker (port.cpp).
inline constexpr uint32_t kMbufStashBulk = 32;
inline constexpr uint32_t kMbufStashCapacity = 2 * kMbufStashBulk;

template <class Pool>
class MbufStash {
 public:
  using Item = typename Pool::Item;
  static constexpr uint32_t kBulk = kMbufStashBulk;
  static constexpr uint32_t kCapacity = kMbufStashCapacity;

  explicit MbufStash(Pool pool) : pool_(std::move(pool)) {}
  // Holds what it took: neither copied nor moved (the worker keeps its
  // stashes behind pointers).
  MbufStash(const MbufStash&) = delete;
  MbufStash& operator=(const MbufStash&) = delete;
  ~MbufStash() { release(); }

  /// The oldest stashed item, after a refill when fewer than kBulk are left;
  /// nullptr when none is stashed and the pool cannot give a whole bulk (the
  /// caller then asks the pool for a single one).
  Item* take() {
    if (size() < kBulk) refill();
    if (head_ == tail_) return nullptr;
    return slots_[head_++ % kCapacity];
  }

  /// Items held now.
  uint32_t size() const { return tail_ - head_; }

  /// Gives every held item back to the pool.
  void release() {
    while (head_ != tail_) pool_.put(slots_[head_++ % kCapacity]);
  }

 private:
  void refill() {
    Item* got[kBulk];
    if (!pool_.get_bulk(got, kBulk)) return;
    for (Item* item : got) {
      Pool::prefetch(item);
      slots_[tail_++ % kCapacity] = item;
    }
  }

  Pool pool_;
  std::array<Item*, kCapacity> slots_{};
  uint32_t head_ = 0;  // counters run freely; the slot is the counter mod kCapacity
  uint32_t tail_ = 0;
};

}  // namespace tcpterm::dataplane
