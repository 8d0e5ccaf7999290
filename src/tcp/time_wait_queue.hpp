// TimeWaitQueue: the TIME-WAIT records in 2*MSL expiry order, linked through
// the records themselves (TimeWait::prev/next, 24-bit indices).
//
// Every record waits the same 2*MSL from when it enters TIME-WAIT or is
// restarted by a retransmitted FIN (RFC 9293 3.10.7.4), and the clock never
// goes back, so appending at the tail keeps the list sorted: expiry pops from
// the head, and no timer wheel is needed. That saves what the wheel cost per
// record (placing it in a slot, unlinking it from a slot list of unrelated
// records, and a 16-byte node on a line of its own); here the links share the
// record's line, which the segment that reaches the record has loaded anyway
// (effect measured in bench/RESULTS.md, "2026-12-03, night").
//
// Cheap ends: a record removed at the head or appended at the tail touches no
// other record's prev (a head's prev and a tail's next are never read: the
// ends are known by head_/tail_). Records reopened by new SYNs (RFC 6191),
// the common case under load, leave in about the order they came, near the
// head. Only a removal from the middle writes both neighbours.
//
// Expiry is kept in 24 bits of milliseconds and widened against the latest
// expiry pushed: a record's full expiry is the latest time not after that one
// with those low bits. All records lie within 2*MSL (at most 1200 s) of it
// as long as expire() runs at least every 2^24 ms (4.6 h); were it not, an
// old record would read as expiring later, never earlier, and at the latest
// with the newest record.
#pragma once

#include <cassert>
#include <cstdint>

#include "table/object_pool.hpp"
#include "tcp/tcb.hpp"

namespace tcpterm::tcp {

class TimeWaitQueue {
 public:
  static constexpr uint32_t kIndexBits = 24;
  /// Largest record count the 24-bit links can address (one value is "none").
  static constexpr uint32_t kMaxRecords = (1u << kIndexBits) - 1;
  using Pool = table::ObjectPool<TimeWait>;

  /// Appends record `index` (not queued) to expire at `expiry_ms`, which must
  /// not be before the tail's expiry (all records wait the same 2*MSL).
  void push_back(Pool& pool, uint32_t index, uint64_t expiry_ms) {
    assert(index < kMaxRecords);
    assert(expiry_ms >= latest_expiry_ms_ || empty());
    TimeWait& record = pool[index];
    record.expiry_ms = static_cast<uint32_t>(expiry_ms) & kMask;
    record.prev = tail_;
    if (tail_ == kNil) {
      head_ = index;
      next_due_ms_ = expiry_ms;
    } else {
      pool[tail_].next = index;
    }
    tail_ = index;
    latest_expiry_ms_ = expiry_ms;
    ++size_;
  }

  /// Unlinks record `index`, which must be queued. O(1).
  void remove(Pool& pool, uint32_t index) {
    const TimeWait& record = pool[index];
    const uint32_t prev = static_cast<uint32_t>(record.prev);
    const uint32_t next = static_cast<uint32_t>(record.next);
    const bool at_head = index == head_;
    const bool at_tail = index == tail_;
    if (at_head)
      head_ = at_tail ? kNil : next;
    else if (!at_tail)
      pool[prev].next = next;
    if (at_tail)
      tail_ = at_head ? kNil : prev;
    else if (!at_head)
      pool[next].prev = prev;
    --size_;
  }

  /// Unlinks every record whose expiry is at or before `now_ms`, oldest
  /// first, and calls on_expire(index) for each after unlinking it (the
  /// callback frees the record; it must not push or remove). Returns how
  /// many expired. With nothing due it reads no record most of the time:
  /// next_due_ms_ is a lower bound on the head's expiry.
  template <class F>
  uint32_t expire(Pool& pool, uint64_t now_ms, F&& on_expire) {
    uint32_t expired = 0;
    if (now_ms < next_due_ms_) return 0;
    while (head_ != kNil) {
      uint32_t index = head_;
      uint64_t expiry = full_expiry(pool[index].expiry_ms);
      if (expiry > now_ms) {
        next_due_ms_ = expiry;
        break;
      }
      remove(pool, index);
      ++expired;
      on_expire(index);
    }
    return expired;
  }

  /// The full expiry of a queued record (milliseconds).
  uint64_t expiry_ms(const Pool& pool, uint32_t index) const {
    return full_expiry(pool[index].expiry_ms);
  }
  uint32_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  static constexpr uint32_t kNil = kMaxRecords;
  static constexpr uint32_t kMask = (1u << kIndexBits) - 1;

  uint64_t full_expiry(uint32_t low_bits) const {
    return latest_expiry_ms_ - ((static_cast<uint32_t>(latest_expiry_ms_) - low_bits) & kMask);
  }

  uint32_t head_ = kNil;
  uint32_t tail_ = kNil;
  uint32_t size_ = 0;
  // The latest expiry ever pushed: at or after every queued record's, it
  // widens their 24-bit fields (a removed tail leaves it in place).
  uint64_t latest_expiry_ms_ = 0;
  uint64_t next_due_ms_ = 0;  // at most the head's expiry (a stale value is lower)
};

}  // namespace tcpterm::tcp
