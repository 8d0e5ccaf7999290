// BufferPool: fixed-size byte buffers shared by all connections of one lcore,
// preallocated once (the OS commits pages on first touch). A connection holds
// a buffer only while it has bytes in it, so idle connections cost nothing.
//   send buffer:    a ring holding [SND.UNA, SND.UNA + length) of the stream.
//   receive buffer: linear; unread in-order bytes at [0, length), then
//                   out-of-order ranges at their offsets (RFC 9293 3.10.7.4
//                   "segments with higher beginning sequence numbers may be
//                   held"), kept sorted and disjoint, at most kMaxRanges.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

namespace tcpterm::tcp {

struct ByteRange {
  uint32_t begin = 0;
  uint32_t end = 0;
};

struct BufferMeta {
  static constexpr uint32_t kMaxRanges = 4;
  uint32_t head = 0;        // send: ring offset of the first byte
  uint32_t length = 0;      // send: bytes held; receive: in-order unread bytes
  uint32_t next_free = 0;
  uint8_t range_count = 0;  // receive: out-of-order ranges
  uint8_t newest_range = 0; // receive: range holding the latest segment (RFC 2018 4)
  std::array<ByteRange, kMaxRanges> ranges{};
};

class BufferPool {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  BufferPool(uint32_t count, uint32_t size)
      : count_(count),
        size_(size),
        bytes_(new uint8_t[static_cast<size_t>(count) * size]),
        meta_(new BufferMeta[count]) {
    for (uint32_t i = 0; i < count; ++i) meta_[i].next_free = i + 1 < count ? i + 1 : kNone;
    free_head_ = count > 0 ? 0 : kNone;
  }

  /// A cleared buffer, or kNone when the pool is empty.
  uint32_t allocate() {
    uint32_t index = free_head_;
    if (index == kNone) return kNone;
    free_head_ = meta_[index].next_free;
    meta_[index] = BufferMeta{};
    ++in_use_;
    return index;
  }
  void release(uint32_t index) {
    meta_[index].next_free = free_head_;
    free_head_ = index;
    --in_use_;
  }

  uint8_t* data(uint32_t index) { return bytes_.get() + static_cast<size_t>(index) * size_; }
  BufferMeta& meta(uint32_t index) { return meta_[index]; }
  const BufferMeta& meta(uint32_t index) const { return meta_[index]; }
  uint32_t buffer_size() const { return size_; }
  uint32_t in_use() const { return in_use_; }
  uint32_t count() const { return count_; }
  size_t memory_bytes() const { return static_cast<size_t>(count_) * (size_ + sizeof(BufferMeta)); }

 private:
  uint32_t count_;
  uint32_t size_;
  std::unique_ptr<uint8_t[]> bytes_;
  std::unique_ptr<BufferMeta[]> meta_;
  uint32_t free_head_ = kNone;
  uint32_t in_use_ = 0;
};

/// Ring operations on a send buffer.
class SendRing {
 public:
  SendRing(BufferPool& pool, uint32_t index)
      : bytes_(pool.data(index)), meta_(pool.meta(index)), size_(pool.buffer_size()) {}

  uint32_t length() const { return meta_.length; }
  uint32_t space() const { return size_ - meta_.length; }

  /// Appends as much of `data` as fits; returns bytes taken.
  uint32_t append(std::span<const uint8_t> data) {
    uint32_t n = std::min<uint32_t>(space(), static_cast<uint32_t>(data.size()));
    if (n == 0) return 0;  // an empty span may carry a null pointer memcpy must not see
    uint32_t tail = wrap(meta_.head + meta_.length);
    uint32_t first = std::min(n, size_ - tail);
    std::memcpy(bytes_ + tail, data.data(), first);
    if (n > first) std::memcpy(bytes_, data.data() + first, n - first);
    meta_.length += n;
    return n;
  }
  /// Bytes [offset, offset + n) from the first unacknowledged byte, as 1 or 2
  /// spans; offset + n is at most length().
  std::array<std::span<const uint8_t>, 2> peek(uint32_t offset, uint32_t n) const {
    uint32_t start = wrap(meta_.head + offset);
    uint32_t first = std::min(n, size_ - start);
    return {std::span<const uint8_t>(bytes_ + start, first),
            std::span<const uint8_t>(bytes_, n - first)};
  }
  /// Drops n acknowledged bytes (at most length()) from the front.
  void consume(uint32_t n) {
    meta_.head = wrap(meta_.head + n);
    meta_.length -= n;
  }

 private:
  // A ring offset from head plus at most size_ bytes: below 2 * size_, so one
  // conditional subtraction instead of a division by the run-time size.
  uint32_t wrap(uint32_t offset) const { return offset >= size_ ? offset - size_ : offset; }

  uint8_t* bytes_;
  BufferMeta& meta_;
  uint32_t size_;
};

/// Receive-side reassembly on a receive buffer. Offsets are from the buffer
/// start; `length()` bytes are in order and unread.
class ReceiveBuffer {
 public:
  ReceiveBuffer(BufferPool& pool, uint32_t index)
      : bytes_(pool.data(index)), meta_(pool.meta(index)), size_(pool.buffer_size()) {}

  uint32_t length() const { return meta_.length; }
  uint32_t capacity() const { return size_; }
  bool has_out_of_order() const { return meta_.range_count > 0; }
  std::span<const uint8_t> readable() const { return {bytes_, meta_.length}; }
  const BufferMeta& meta() const { return meta_; }

  /// Stores bytes at `offset` (>= length()). Bytes already held keep their
  /// first-received value, so an overlapping retransmission with different
  /// bytes cannot rewrite what was received (and possibly SACKed) before.
  /// Returns false, storing nothing, when a new disjoint range would exceed
  /// kMaxRanges. In-order data (offset == length()) is always accepted.
  bool store(uint32_t offset, std::span<const uint8_t> data) {
    uint32_t begin = offset;
    uint32_t end = offset + static_cast<uint32_t>(data.size());
    if (end > size_ || begin >= end) return begin >= end;
    bool in_order = begin <= meta_.length;
    if (!in_order && !touches_range(begin, end) && meta_.range_count == BufferMeta::kMaxRanges)
      return false;
    copy_gaps(begin, end, data.data());
    if (in_order) {
      meta_.length = std::max(meta_.length, end);
    } else {
      insert_range(begin, end);
    }
    absorb_ranges();
    return true;
  }
  /// Removes n bytes the application consumed, sliding the rest down.
  void consume(uint32_t n) {
    uint32_t extent = meta_.length;
    for (uint32_t i = 0; i < meta_.range_count; ++i) extent = std::max(extent, meta_.ranges[i].end);
    std::memmove(bytes_, bytes_ + n, extent - n);
    meta_.length -= n;
    for (uint32_t i = 0; i < meta_.range_count; ++i) {
      meta_.ranges[i].begin -= n;
      meta_.ranges[i].end -= n;
    }
  }

 private:
  bool touches_range(uint32_t begin, uint32_t end) const {
    for (uint32_t i = 0; i < meta_.range_count; ++i)
      if (begin <= meta_.ranges[i].end && meta_.ranges[i].begin <= end) return true;
    return false;
  }
  // Copies only into [begin, end) minus what is already held.
  void copy_gaps(uint32_t begin, uint32_t end, const uint8_t* src) {
    uint32_t cursor = std::max(begin, meta_.length);
    for (uint32_t i = 0; i <= meta_.range_count && cursor < end; ++i) {
      uint32_t gap_end = i < meta_.range_count ? meta_.ranges[i].begin : end;
      gap_end = std::min(gap_end, end);
      if (cursor < gap_end) std::memcpy(bytes_ + cursor, src + (cursor - begin), gap_end - cursor);
      if (i < meta_.range_count) cursor = std::max(cursor, meta_.ranges[i].end);
    }
  }
  void insert_range(uint32_t begin, uint32_t end) {
    // Merge with every range it touches, then insert keeping order.
    uint32_t out = 0;
    std::array<ByteRange, BufferMeta::kMaxRanges + 1> merged{};
    bool placed = false;
    for (uint32_t i = 0; i < meta_.range_count; ++i) {
      ByteRange r = meta_.ranges[i];
      if (r.end < begin) {
        merged[out++] = r;
      } else if (end < r.begin) {
        if (!placed) {
          merged[out++] = {begin, end};
          placed = true;
        }
        merged[out++] = r;
      } else {
        begin = std::min(begin, r.begin);
        end = std::max(end, r.end);
      }
    }
    if (!placed) merged[out++] = {begin, end};
    meta_.range_count = static_cast<uint8_t>(out);
    for (uint32_t i = 0; i < out; ++i) {
      meta_.ranges[i] = merged[i];
      if (merged[i].begin == begin) meta_.newest_range = static_cast<uint8_t>(i);
    }
  }
  // Ranges that now start at or before the in-order edge become in-order data.
  void absorb_ranges() {
    uint32_t drop = 0;
    while (drop < meta_.range_count && meta_.ranges[drop].begin <= meta_.length) {
      meta_.length = std::max(meta_.length, meta_.ranges[drop].end);
      ++drop;
    }
    if (drop == 0) return;
    for (uint32_t i = drop; i < meta_.range_count; ++i) meta_.ranges[i - drop] = meta_.ranges[i];
    meta_.range_count = static_cast<uint8_t>(meta_.range_count - drop);
    meta_.newest_range = meta_.newest_range >= drop ? static_cast<uint8_t>(meta_.newest_range - drop) : 0;
  }

  uint8_t* bytes_;
  BufferMeta& meta_;
  uint32_t size_;
};

}  // namespace tcpterm::tcp
