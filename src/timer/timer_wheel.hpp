// TimerWheel: per-lcore hierarchical timer wheel over abstract integer ticks
// (the engine uses 1 tick = 1 ms). Timers are dense ids 0..capacity-1 (the
// connection index); the wheel owns one 16-byte node per id, preallocated.
// A node keeps its expiry as the low 32 bits of the tick: a pending timer is
// always within 2^31 ticks of now (24.8 days at 1 ms), so the full tick is
// now plus the signed 32-bit difference. An expiry further ahead than
// kMaxDelay is armed at now + kMaxDelay (it fires early: the caller re-checks
// and re-arms, as the engine does for its long idle timers).
//
//   level | slot width (ticks) | reaches up to (ticks ahead) | at 1 ms/tick
//   ------+--------------------+-----------------------------+-------------
//     0   |        1           |        64 (2^6)             |   64 ms
//     1   |       64           |      4096 (2^12)            |    4.1 s
//     2   |      4096          |    262144 (2^18)            |    4.4 min
//     3   |     262144         |  16777216 (2^24)            |    4.7 h
//   beyond|  clamped to level 3, re-checked once per 2^24 ticks
//
// Placement: a timer due at e is kept at level k = (highest bit where e and
// now differ) / 6, slot (e >> 6k) & 63, so above bit 6(k+1) e equals now and
// its slot lies ahead of now's slot at that level. When now reaches the start
// of that slot the timer cascades: it is placed again from the new now,
// landing lower, and fires from level 0, whose slots are single ticks. There
// is no rounding: a timer fires exactly in the first advance() whose now_tick
// >= e (error bound 0 ticks; the only error is the caller's tick size and how
// often it calls advance). A timer at least one level-3 rotation away sits in
// level-3 slot 0 of the next rotation and is placed again when that begins.
//
// advance() walks from event to event, not tick by tick: per-level 64-bit
// occupancy bitmaps give each level's next non-empty slot with one ctz, so an
// idle gap of 10^9 ticks costs a few steps per pending timer. start() and
// stop() are O(1) unlinks/links in intrusive lists of 32-bit node indices.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tcpterm::timer {

class TimerWheel {
 public:
  static constexpr uint32_t kLevels = 4;
  static constexpr uint32_t kSlotBits = 6;
  static constexpr uint32_t kSlotsPerLevel = 1u << kSlotBits;
  /// Ticks ahead that the wheel holds without re-checking (2^24).
  static constexpr uint64_t kRange = uint64_t{1} << (kLevels * kSlotBits);
  /// Furthest expiry start() keeps exactly, in ticks ahead of now().
  static constexpr uint64_t kMaxDelay = (uint64_t{1} << 31) - 1;

  /// Preallocates `capacity` timers, all stopped, with the clock at `now_tick` (control path).
  TimerWheel(uint32_t capacity, uint64_t now_tick)
      : nodes_(capacity), heads_(kListCount, kNil), now_(now_tick) {
    assert(capacity < kNil);
  }

  /// Arms timer `id` to fire at `expiry_tick`, replacing any pending expiry.
  /// An expiry <= now() fires in the next advance(); one more than kMaxDelay
  /// ahead is armed at now() + kMaxDelay. O(1).
  void start(uint32_t id, uint64_t expiry_tick) {
    Node& node = nodes_[id];
    if (node.list != kNotPending)
      unlink(id);
    else
      ++pending_;
    if (expiry_tick > now_ + kMaxDelay) expiry_tick = now_ + kMaxDelay;
    if (now_ > expiry_tick + kMaxDelay) expiry_tick = now_;  // long past: due now either way
    node.expiry = static_cast<uint32_t>(expiry_tick);
    place(id);
  }

  /// Disarms timer `id`; no-op when it is not pending. O(1).
  void stop(uint32_t id) {
    if (nodes_[id].list == kNotPending) return;
    unlink(id);
    nodes_[id].list = kNotPending;
    --pending_;
  }

  /// True while timer `id` is armed and has not fired.
  bool pending(uint32_t id) const { return nodes_[id].list != kNotPending; }
  /// The expiry tick of the last start(id) (meaningful while pending).
  uint64_t expiry(uint32_t id) const { return full_tick(nodes_[id].expiry); }

  /// Moves the clock to `now_tick` (never backwards) and calls on_expire(id)
  /// for every pending timer with expiry <= now_tick, tick by tick (timers
  /// already due when armed first); returns how many fired. The timer is no
  /// longer pending when its callback runs, and now() is the tick being
  /// processed. The callback may start or stop any timer: one stopped before
  /// its turn does not fire; one started with an expiry in (now(), now_tick]
  /// fires in this call; one started with an expiry <= now() fires in the next
  /// advance() (so re-arming at now() cannot livelock).
  template <class F>
  uint32_t advance(uint64_t now_tick, F&& on_expire) {
    uint32_t fired = run_list(kDueList, on_expire);
    for (;;) {
      uint32_t level = 0;
      uint32_t slot = 0;
      uint64_t when = next_event(level, slot);
      if (when > now_tick) break;
      now_ = when;
      fired += run_list(list_of(level, slot), on_expire);
    }
    if (now_tick > now_) now_ = now_tick;
    return fired;
  }

  /// Number of pending timers.
  uint32_t pending_count() const { return pending_; }
  /// The clock: the last advance()'s now_tick, or the tick being processed.
  uint64_t now() const { return now_; }
  /// Maximum number of timers (ids 0..capacity-1).
  uint32_t capacity() const { return static_cast<uint32_t>(nodes_.size()); }
  /// Bytes held: nodes and list heads.
  size_t memory_bytes() const {
    return nodes_.size() * sizeof(Node) + heads_.size() * sizeof(uint32_t);
  }

 private:
  static constexpr uint32_t kNil = UINT32_MAX;
  static constexpr uint16_t kNotPending = UINT16_MAX;
  // Lists: kLevels * kSlotsPerLevel wheel slots, then the due list (expiry <=
  // now when armed) and the list being fired (detached from its slot).
  static constexpr uint32_t kDueList = kLevels * kSlotsPerLevel;
  static constexpr uint32_t kFiringList = kDueList + 1;
  static constexpr uint32_t kListCount = kFiringList + 1;
  static constexpr uint32_t kTopLevel = kLevels - 1;

  struct Node {
    uint32_t expiry = 0;  // low 32 bits of the expiry tick (see full_tick)
    uint32_t prev = kNil;
    uint32_t next = kNil;
    uint16_t list = kNotPending;  // index into heads_, or kNotPending
  };
  static_assert(sizeof(Node) == 16, "one timer node per connection: keep it at 16 bytes");
  static_assert(kListCount < kNotPending, "list indices must fit the node's 16-bit field");

  /// The whole tick a node's 32-bit expiry stands for: pending expiries lie
  /// within 2^31 ticks of now (start() clamps, advance() never passes one).
  uint64_t full_tick(uint32_t low) const {
    return now_ + static_cast<uint64_t>(static_cast<int64_t>(
                      static_cast<int32_t>(low - static_cast<uint32_t>(now_))));
  }

  static constexpr uint32_t list_of(uint32_t level, uint32_t slot) {
    return level * kSlotsPerLevel + slot;
  }
  static constexpr uint32_t shift_of(uint32_t level) { return level * kSlotBits; }

  /// Puts a pending node whose expiry is set into the list the header comment prescribes.
  void place(uint32_t id) {
    uint64_t expiry = full_tick(nodes_[id].expiry);
    if (expiry <= now_) return link(id, kDueList);
    uint64_t differing = expiry ^ now_;
    uint32_t level = (63 - static_cast<uint32_t>(__builtin_clzll(differing))) / kSlotBits;
    uint32_t slot = 0;  // beyond the top level: slot 0 of the next top-level rotation
    if (level <= kTopLevel)
      slot = static_cast<uint32_t>(expiry >> shift_of(level)) & (kSlotsPerLevel - 1);
    else
      level = kTopLevel;
    occupied_[level] |= uint64_t{1} << slot;
    link(id, list_of(level, slot));
  }

  /// The earliest tick at which a wheel slot must be processed (UINT64_MAX if
  /// none) and that slot. Below the top level every occupied slot lies after
  /// now's slot in the current rotation; at the top level a slot at or before
  /// now's belongs to the next rotation (only far timers live there).
  uint64_t next_event(uint32_t& level_out, uint32_t& slot_out) const {
    uint64_t best = UINT64_MAX;
    for (uint32_t level = 0; level < kLevels; ++level) {
      uint64_t occupied = occupied_[level];
      if (occupied == 0) continue;
      uint32_t shift = shift_of(level);
      uint32_t current = static_cast<uint32_t>(now_ >> shift) & (kSlotsPerLevel - 1);
      uint64_t rotation_start = now_ & ~((uint64_t{1} << (shift + kSlotBits)) - 1);
      uint64_t ahead = occupied & ~((uint64_t{2} << current) - 1);
      uint64_t when;
      if (ahead != 0) {
        when = rotation_start + (uint64_t{static_cast<uint32_t>(__builtin_ctzll(ahead))} << shift);
      } else {
        assert(level == kTopLevel && "lower levels never hold slots behind now");
        uint64_t next_rotation = rotation_start + (uint64_t{1} << (shift + kSlotBits));
        when =
            next_rotation + (uint64_t{static_cast<uint32_t>(__builtin_ctzll(occupied))} << shift);
      }
      if (when < best) {
        best = when;
        level_out = level;
        slot_out = static_cast<uint32_t>(when >> shift) & (kSlotsPerLevel - 1);
      }
    }
    return best;
  }

  /// Detaches `list` and, node by node from its head, fires what is due and
  /// places the rest again. Callbacks may unlink any node, including ones in
  /// the detached list: it is a real list (kFiringList), not a snapshot.
  template <class F>
  uint32_t run_list(uint32_t list, F& on_expire) {
    uint32_t head = heads_[list];
    if (head == kNil) return 0;
    heads_[list] = kNil;
    mark_empty(list);
    for (uint32_t id = head; id != kNil; id = nodes_[id].next)
      nodes_[id].list = static_cast<uint16_t>(kFiringList);
    heads_[kFiringList] = head;
    uint32_t fired = 0;
    while ((head = heads_[kFiringList]) != kNil) {
      unlink(head);
      if (full_tick(nodes_[head].expiry) <= now_) {
        nodes_[head].list = kNotPending;
        --pending_;
        ++fired;
        on_expire(head);
      } else {
        place(head);
      }
    }
    return fired;
  }

  /// Clears the occupancy bit of `list` when it is a wheel slot.
  void mark_empty(uint32_t list) {
    if (list < kDueList)
      occupied_[list / kSlotsPerLevel] &= ~(uint64_t{1} << (list % kSlotsPerLevel));
  }

  /// Pushes `id` at the front of `list`.
  void link(uint32_t id, uint32_t list) {
    Node& node = nodes_[id];
    node.list = static_cast<uint16_t>(list);
    node.prev = kNil;
    node.next = heads_[list];
    if (node.next != kNil) nodes_[node.next].prev = id;
    heads_[list] = id;
  }

  /// Removes `id` from its list, clearing the slot's occupancy bit when it empties.
  void unlink(uint32_t id) {
    Node& node = nodes_[id];
    if (node.prev != kNil)
      nodes_[node.prev].next = node.next;
    else
      heads_[node.list] = node.next;
    if (node.next != kNil) nodes_[node.next].prev = node.prev;
    if (heads_[node.list] == kNil) mark_empty(node.list);
  }

  std::vector<Node> nodes_;
  std::vector<uint32_t> heads_;
  uint64_t occupied_[kLevels] = {};
  uint64_t now_;
  uint32_t pending_ = 0;
};

}  // namespace tcpterm::timer
