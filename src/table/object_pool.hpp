// ObjectPool: a per-lcore, preallocated array of T handed out by dense
// 32-bit index (the connection index the flow table and timer wheel store).
//
// - Storage: `capacity` objects, cache-line aligned, value-initialised once at
//   construction. allocate() does NOT reinitialise: the object comes back as
//   its last owner left it, except its first 4 bytes (see below), and the
//   caller (the engine) resets it. T must be trivially destructible and
//   trivially copyable (checked), so no destructor is ever owed and its bytes
//   may hold the link.
// - Free list: a LIFO stack threaded through the free objects themselves, the
//   next free index kept in each free object's first 4 bytes (it costs no
//   memory: at 10 M connections a separate 4-byte link array is 38 MiB). The
//   most recently released (cache-hot) object is reused first. One bit per
//   object says whether it is allocated (allocated(), double-release checks).
// - allocate() and release() are O(1): no heap, no locks, no atomics.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "table/cache_aligned_array.hpp"

namespace tcpterm::table {

template <class T>
class ObjectPool {
  static_assert(
      std::is_trivially_destructible_v<T>,
      "ObjectPool reuses objects without destroying them: T must be trivially destructible");
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) >= sizeof(uint32_t),
                "a free object holds the free-list link in its first 4 bytes");

 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  /// Preallocates `capacity` objects (control path); capacity must be < 2^32 - 1.
  explicit ObjectPool(uint32_t capacity)
      : objects_(capacity), allocated_((capacity + 63) / 64), free_head_(capacity ? 0 : kNone) {
    assert(capacity < kNone);
    for (uint32_t i = 0; i < capacity; ++i) set_link(i, i + 1 < capacity ? i + 1 : kNone);
  }

  /// Takes a free object's index, or kNone when all are in use. O(1).
  /// The object is not reinitialised (its first 4 bytes are garbage): the caller resets it.
  uint32_t allocate() {
    uint32_t index = free_head_;
    if (index == kNone) return kNone;
    free_head_ = link(index);
    allocated_[index / 64] |= bit(index);
    ++in_use_;
    return index;
  }

  /// Returns `index` (obtained from allocate() and not yet released) to the
  /// pool; it is the next one allocate() hands out. O(1).
  void release(uint32_t index) {
    assert(allocated(index) && "release of a free or foreign index");
    allocated_[index / 64] &= ~bit(index);
    set_link(index, free_head_);
    free_head_ = index;
    --in_use_;
  }

  /// The object at `index`; no bounds check.
  T& operator[](uint32_t index) { return objects_[index]; }
  /// The object at `index`; no bounds check.
  const T& operator[](uint32_t index) const { return objects_[index]; }

  /// True when `index` is currently allocated.
  bool allocated(uint32_t index) const {
    return index < capacity() && (allocated_[index / 64] & bit(index)) != 0;
  }
  /// Number of objects fixed at construction.
  uint32_t capacity() const { return static_cast<uint32_t>(objects_.size()); }
  /// Number of objects allocated and not yet released.
  uint32_t in_use() const { return in_use_; }
  /// Bytes held: the objects plus one bit each.
  size_t memory_bytes() const { return objects_.memory_bytes() + allocated_.memory_bytes(); }

 private:
  static uint64_t bit(uint32_t index) { return uint64_t{1} << (index % 64); }
  // The link lives in a free object's bytes; memcpy keeps that well-defined.
  uint32_t link(uint32_t index) const {
    uint32_t next;
    std::memcpy(&next, static_cast<const void*>(&objects_[index]), sizeof(next));
    return next;
  }
  void set_link(uint32_t index, uint32_t next) {
    std::memcpy(static_cast<void*>(&objects_[index]), &next, sizeof(next));
  }

  CacheAlignedArray<T> objects_;
  CacheAlignedArray<uint64_t> allocated_;  // bit i%64 of word i/64: index i is in use
  uint32_t free_head_;
  uint32_t in_use_ = 0;
};

}  // namespace tcpterm::table
