// NeighbourCache: one worker's IP -> MAC map (ARP, RFC 826; Neighbour
// Discovery, RFC 4861), learned from ARP, ND and the source MAC of every
// packet addressed to us, so replies go back the way requests came. Fixed
// size and open addressing: nothing is allocated after construction, and a
// full probe window reuses its expired or least recently used slot.
//
// Ageing, after RFC 4861 7.3.2's REACHABLE and STALE states: an entry is
// fresh for `reachable_us` after it was last confirmed (learned again); then
// it is stale for kStaleGraceUs, still used while the worker re-resolves it
// (should_request says when to ask); unconfirmed after that, it has expired
// and reads as unknown, so a neighbour that changed MAC or left is not used
// forever.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

#include "wire/ip_address.hpp"
#include "wire/mac_address.hpp"

namespace tcpterm::dataplane {

class NeighbourCache {
 public:
  static constexpr uint64_t kDefaultReachableUs = 30'000'000;
  /// How long a stale entry stays usable while it is re-resolved (Linux
  /// waits 5 s, then sends 3 probes a second apart; we ask at once).
  static constexpr uint64_t kStaleGraceUs = 3'000'000;

  /// What find() knows about an address.
  struct Lookup {
    const wire::MacAddress* mac = nullptr;  // nullptr: unknown or expired
    bool stale = false;                     // usable, but due for re-resolution
  };

  /// `entries` is rounded up to a power of two (at least 16): the bound.
  explicit NeighbourCache(uint32_t entries, uint64_t reachable_us = kDefaultReachableUs)
      : reachable_us_(reachable_us) {
    capacity_ = 16;
    while (capacity_ < entries) capacity_ <<= 1;
    slots_ = std::make_unique<Slot[]>(capacity_);
  }

  /// The MAC of `ip` at `now_us`, and whether it is stale.
  Lookup find(const wire::IpAddress& ip, uint64_t now_us) const {
    if (is_recent(ip)) return lookup(slots_[recent_], now_us);
    uint32_t home = hash(ip);
    for (uint32_t i = 0; i < kProbes; ++i) {
      const Slot& s = slots_[(home + i) & (capacity_ - 1)];
      if (!s.used) return {};
      if (s.ip != ip) continue;
      return lookup(s, now_us);
    }
    return {};
  }

  /// Records (or confirms) that `ip` is at `mac` as of `now_us`.
  void learn(const wire::IpAddress& ip, const wire::MacAddress& mac, uint64_t now_us) {
    Slot& s = is_recent(ip) ? slots_[recent_] : slot_for(ip, now_us);
    recent_ = static_cast<uint32_t>(&s - slots_.get());
    s.mac = mac;
    s.has_mac = true;
    s.confirmed_us = now_us;
    s.requested = false;
  }

  /// True when an ARP request / Neighbour Solicitation for `ip` should be
  /// sent now: its entry is unknown, expired or stale, and none was sent for
  /// it in the last `interval_us`, so a burst of segments sends one.
  bool should_request(const wire::IpAddress& ip, uint64_t now_us, uint64_t interval_us) {
    Slot& s = slot_for(ip, now_us);
    if (s.has_mac && now_us - s.confirmed_us < reachable_us_) return false;
    if (s.requested && now_us - s.requested_us < interval_us) return false;
    s.requested = true;
    s.requested_us = now_us;
    return true;
  }

  uint32_t capacity() const { return capacity_; }
  /// Addresses with a usable (fresh or stale) MAC at `now_us`; control path.
  uint32_t usable(uint64_t now_us) const {
    uint32_t n = 0;
    for (uint32_t i = 0; i < capacity_; ++i) {
      const Slot& s = slots_[i];
      n += s.used && s.has_mac && now_us - s.confirmed_us < reachable_us_ + kStaleGraceUs;
    }
    return n;
  }

 private:
  struct Slot {
    wire::IpAddress ip;
    wire::MacAddress mac;
    bool used = false;       // holds `ip`; slots are never emptied again, only reused
    bool has_mac = false;    // `mac` was learned at confirmed_us
    bool requested = false;  // a request went out at requested_us, unanswered so far
    uint64_t confirmed_us = 0;
    uint64_t requested_us = 0;
  };
  static constexpr uint32_t kProbes = 8;

  Lookup lookup(const Slot& s, uint64_t now_us) const {
    if (!s.has_mac || now_us - s.confirmed_us >= reachable_us_ + kStaleGraceUs) return {};
    return {&s.mac, now_us - s.confirmed_us >= reachable_us_};
  }

  /// Whether the slot last learned still holds `ip`. A worker's segments
  /// mostly come from a few neighbours (a router, a load balancer), so this
  /// skips the hash and the probe for nearly all of them (callgrind,
  /// worker_bench: 92 instructions fewer per connection). An address has one
  /// slot at most, so the hint cannot find a second, outdated one; a reused
  /// slot fails the `ip` test.
  bool is_recent(const wire::IpAddress& ip) const {
    const Slot& s = slots_[recent_];
    return s.used && s.ip == ip;
  }

  uint32_t hash(const wire::IpAddress& ip) const {
    uint64_t lo, hi;
    std::memcpy(&lo, ip.bytes.data(), 8);
    std::memcpy(&hi, ip.bytes.data() + 8, 8);
    // MurmurHash3's fmix64: every input bit reaches the low bits we keep
    // (a bare multiply left IPv4 addresses of one /8 in one probe window).
    uint64_t h = lo ^ (hi * 0x9e3779b97f4a7c15ull);
    h = (h ^ (h >> 33)) * 0xff51afd7ed558ccdull;
    h = (h ^ (h >> 33)) * 0xc4ceb9fe1a85ec53ull;
    return static_cast<uint32_t>(h ^ (h >> 33)) & (capacity_ - 1);
  }

  /// Eviction order: unused slots first, then dead ones (neither a usable
  /// MAC nor a request still awaiting its answer), then the least recently
  /// confirmed or requested.
  uint64_t eviction_rank(const Slot& s, uint64_t now_us) const {
    if (!s.used) return 0;
    bool mac_usable = s.has_mac && now_us - s.confirmed_us < reachable_us_ + kStaleGraceUs;
    bool awaiting = s.requested && now_us - s.requested_us < kStaleGraceUs;
    if (!mac_usable && !awaiting) return 1;
    return 2 + std::max(s.confirmed_us, s.requested ? s.requested_us : 0);
  }

  /// The slot holding `ip`, else the probe window's first by eviction_rank,
  /// taken over for `ip`. An address never sits past an unused slot, so
  /// find() and this stop there.
  Slot& slot_for(const wire::IpAddress& ip, uint64_t now_us) {
    uint32_t home = hash(ip);
    Slot* victim = nullptr;
    uint64_t victim_rank = UINT64_MAX;
    for (uint32_t i = 0; i < kProbes; ++i) {
      Slot& s = slots_[(home + i) & (capacity_ - 1)];
      if (s.used && s.ip == ip) return s;
      uint64_t rank = eviction_rank(s, now_us);
      if (rank < victim_rank) {
        victim = &s;
        victim_rank = rank;
      }
      if (!s.used) break;
    }
    *victim = Slot{};
    victim->ip = ip;
    victim->used = true;
    return *victim;
  }

  uint64_t reachable_us_;
  uint32_t capacity_;
  std::unique_ptr<Slot[]> slots_;
  uint32_t recent_ = 0;  // index of the slot learn() last wrote (see is_recent())
};

}  // namespace tcpterm::dataplane
