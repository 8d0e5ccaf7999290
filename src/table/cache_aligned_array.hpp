// CacheAlignedArray: a fixed-size array of trivially destructible T whose
// first element starts on a cache line, allocated once at construction and
// never resized. The pool and the flow table keep their storage in one so a
// bucket or an object never straddles two lines because of the allocator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>

namespace tcpterm::table {

inline constexpr size_t kCacheLineBytes = 64;

template <class T>
class CacheAlignedArray {
  static_assert(std::is_trivially_destructible_v<T>,
                "CacheAlignedArray never runs destructors: T must be trivially destructible");

 public:
  /// Allocates `size` value-initialised elements (control path; may throw std::bad_alloc).
  explicit CacheAlignedArray(size_t size) : size_(size), data_(allocate(size)) {
    for (size_t i = 0; i < size; ++i) ::new (static_cast<void*>(data_.get() + i)) T();
  }

  /// Element `i`; no bounds check on the fast path.
  T& operator[](size_t i) { return data_[i]; }
  /// Element `i`; no bounds check on the fast path.
  const T& operator[](size_t i) const { return data_[i]; }
  /// Number of elements fixed at construction.
  size_t size() const { return size_; }
  /// Bytes of element storage.
  size_t memory_bytes() const { return size_ * sizeof(T); }

 private:
  struct Free {
    void operator()(T* p) const { ::operator delete[](p, std::align_val_t{alignment()}); }
  };
  static constexpr size_t alignment() {
    return alignof(T) > kCacheLineBytes ? alignof(T) : kCacheLineBytes;
  }
  static T* allocate(size_t size) {
    size_t bytes = size == 0 ? 1 : size * sizeof(T);
    return static_cast<T*>(::operator new[](bytes, std::align_val_t{alignment()}));
  }

  size_t size_;
  std::unique_ptr<T[], Free> data_;
};

}  // namespace tcpterm::table
