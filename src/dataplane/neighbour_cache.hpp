// NeighbourCache: one worker's IP -> MAC map (ARP, RFC 826; Neighbour
// Discovery, RFC 4861), learned from ARP, ND and the source MAC of every
// packet addressed to us, so replies go back the way requests came. Fixed
// size and open addressing: nothing is allocated after construction, and a
// full neighbourhood overwrites the oldest probe slot instead of failing.
// No expiry: a peer that changes MAC is relearned from its next packet.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>

#include "wire/ip_address.hpp"
#include "wire/mac_address.hpp"

namespace tcpterm::dataplane {

class NeighbourCache {
 public:
  /// `entries` is rounded up to a power of two.
  explicit NeighbourCache(uint32_t entries) {
    capacity_ = 16;
    while (capacity_ < entries) capacity_ <<= 1;
    slots_ = std::make_unique<Slot[]>(capacity_);
  }

  /// The MAC of `ip`, or nullptr when unknown.
  const wire::MacAddress* find(const wire::IpAddress& ip) const {
    uint32_t home = hash(ip);
    for (uint32_t i = 0; i < kProbes; ++i) {
      const Slot& s = slots_[(home + i) & (capacity_ - 1)];
      if (s.state == State::kEmpty) return nullptr;
      if (s.state == State::kKnown && s.ip == ip) return &s.mac;
    }
    return nullptr;
  }

  /// Records (or refreshes) that `ip` is at `mac`.
  void learn(const wire::IpAddress& ip, const wire::MacAddress& mac) {
    Slot& s = slot_for(ip);
    s.ip = ip;
    s.mac = mac;
    s.state = State::kKnown;
  }

  /// True when a request for unknown `ip` should be sent now: at most one per
  /// `interval_us` per address, so a burst of segments sends one ARP/NS.
  bool should_request(const wire::IpAddress& ip, uint64_t now_us, uint64_t interval_us) {
    Slot& s = slot_for(ip);
    if (s.state == State::kKnown && s.ip == ip) return false;
    if (s.state == State::kRequested && s.ip == ip && now_us - s.requested_us < interval_us)
      return false;
    s.ip = ip;
    s.state = State::kRequested;
    s.requested_us = now_us;
    return true;
  }

 private:
  enum class State : uint8_t { kEmpty, kRequested, kKnown };
  struct Slot {
    wire::IpAddress ip;
    wire::MacAddress mac;
    State state = State::kEmpty;
    uint64_t requested_us = 0;
  };
  static constexpr uint32_t kProbes = 8;

  uint32_t hash(const wire::IpAddress& ip) const {
    uint64_t lo, hi;
    std::memcpy(&lo, ip.bytes.data(), 8);
    std::memcpy(&hi, ip.bytes.data() + 8, 8);
    uint64_t h = (lo ^ (hi * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
    return static_cast<uint32_t>(h >> 32) & (capacity_ - 1);
  }
  /// The slot holding `ip`, else the first free one, else the home slot.
  Slot& slot_for(const wire::IpAddress& ip) {
    uint32_t home = hash(ip);
    Slot* free_slot = nullptr;
    for (uint32_t i = 0; i < kProbes; ++i) {
      Slot& s = slots_[(home + i) & (capacity_ - 1)];
      if (s.state != State::kEmpty && s.ip == ip) return s;
      if (s.state == State::kEmpty && !free_slot) free_slot = &s;
    }
    return free_slot ? *free_slot : slots_[home];
  }

  uint32_t capacity_;
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace tcpterm::dataplane
