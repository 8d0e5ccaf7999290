// ObjectPool: a per-lcore, preallocated array of T handed out by dense
// 32-bit index (the connection index the flow table and timer wheel store).
//
// - Storage: `capacity` objects, cache-line aligned, value-initialised once at
//   construction. allocate() does NOT reinitialise: the object comes back as
//   its last owner left it, and the caller (the engine) resets it. Hence T
//   must be trivially destructible (checked), so no destructor is ever owed.
// - Free list: one uint32 per object, a LIFO stack threaded through `next_`;
//   the most recently released (cache-hot) object is reused first. An index
//   in use holds kInUse there, which lets debug builds catch double release.
// - allocate() and release() are O(1): no heap, no locks, no atomics.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "table/cache_aligned_array.hpp"

namespace tcpterm::table {

template <class T>
class ObjectPool {
  static_assert(
      std::is_trivially_destructible_v<T>,
      "ObjectPool reuses objects without destroying them: T must be trivially destructible");

 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  /// Preallocates `capacity` objects (control path); capacity must be < 2^32 - 2.
  explicit ObjectPool(uint32_t capacity)
      : objects_(capacity), next_(capacity), free_head_(capacity ? 0 : kNone) {
    assert(capacity < kInUse);
    for (uint32_t i = 0; i < capacity; ++i) next_[i] = i + 1 < capacity ? i + 1 : kNone;
  }

  /// Takes a free object's index, or kNone when all are in use. O(1).
  /// The object is not reinitialised: the caller resets it.
  uint32_t allocate() {
    uint32_t index = free_head_;
    if (index == kNone) return kNone;
    free_head_ = next_[index];
    next_[index] = kInUse;
    ++in_use_;
    return index;
  }

  /// Returns `index` (obtained from allocate() and not yet released) to the
  /// pool; it is the next one allocate() hands out. O(1).
  void release(uint32_t index) {
    assert(index < capacity() && next_[index] == kInUse && "release of a free or foreign index");
    next_[index] = free_head_;
    free_head_ = index;
    --in_use_;
  }

  /// The object at `index`; no bounds check.
  T& operator[](uint32_t index) { return objects_[index]; }
  /// The object at `index`; no bounds check.
  const T& operator[](uint32_t index) const { return objects_[index]; }

  /// True when `index` is currently allocated (control path and tests).
  bool allocated(uint32_t index) const { return index < capacity() && next_[index] == kInUse; }
  /// Number of objects fixed at construction.
  uint32_t capacity() const { return static_cast<uint32_t>(objects_.size()); }
  /// Number of objects allocated and not yet released.
  uint32_t in_use() const { return in_use_; }
  /// Bytes held: the objects plus 4 bytes of free-list link each.
  size_t memory_bytes() const { return objects_.memory_bytes() + next_.memory_bytes(); }

 private:
  // Never a valid next-free index (indices are < capacity < kNone - 1).
  static constexpr uint32_t kInUse = UINT32_MAX - 1;

  CacheAlignedArray<T> objects_;
  CacheAlignedArray<uint32_t> next_;
  uint32_t free_head_;
  uint32_t in_use_ = 0;
};

}  // namespace tcpterm::table
