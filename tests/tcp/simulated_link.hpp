// SimulatedLink: a two-ended wire for engine-to-engine tests. It copies each
// emitted segment (payload included), turns it around to the receiver's
// point of view and delivers it after a delay, optionally dropping,
// duplicating or reordering, all from a seeded generator.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "table/flow_hash.hpp"
#include "tcp/segment.hpp"
#include "wire/tcp_options.hpp"

namespace tcpterm::tcp::testing {

struct LinkConfig {
  double loss = 0.0;
  double duplicate = 0.0;
  uint64_t delay_us = 1000;
  uint64_t jitter_us = 0;  // > 0 reorders
  uint32_t seed = 42;
  /// Largest TCP payload plus options the link carries, as a link's MTU
  /// less 40 would (RFC 9293 3.7.1); 0: no limit. Larger segments are
  /// dropped and counted in `oversized`.
  size_t max_segment = 0;
};

class SimulatedLink {
 public:
  explicit SimulatedLink(LinkConfig config) : config_(config), rng_(config.seed) {}

  uint64_t now_us = 1'000'000;
  uint64_t dropped = 0;
  uint64_t oversized = 0;

  /// Carries a segment emitted by end `from` (0 or 1) to the other end.
  void carry(int from, const OutSegment& s) {
    if (config_.max_segment > 0) {
      size_t size = wire::encoded_tcp_options_size(s.options, (s.flags & flags::kSyn) != 0);
      for (auto part : s.payload) size += part.size();
      if (size > config_.max_segment) {
        ++oversized;
        return;
      }
    }
    std::uniform_real_distribution<double> u(0, 1);
    if (u(rng_) < config_.loss) {
      ++dropped;
      return;
    }
    int copies = u(rng_) < config_.duplicate ? 2 : 1;
    for (int i = 0; i < copies; ++i) {
      InFlight f;
      f.to = 1 - from;
      f.deliver_at_us = now_us + config_.delay_us + (config_.jitter_us ? rng_() % config_.jitter_us : 0);
      for (auto part : s.payload) f.payload.insert(f.payload.end(), part.begin(), part.end());
      Segment& seg = f.segment;
      seg.key.local_address = s.key->remote_address;  // the receiver's point of view
      seg.key.remote_address = s.key->local_address;
      seg.key.local_port = s.key->remote_port;
      seg.key.remote_port = s.key->local_port;
      seg.hash = table::flow_hash(seg.key);
      seg.seq = s.seq;
      seg.ack = s.ack;
      seg.flags = s.flags;
      seg.window = s.window;
      seg.options = s.options;
      queue_.push_back(std::move(f));
    }
  }

  /// Delivers everything due by now_us, in arrival order, to deliver(to, segment).
  template <class Deliver>
  void deliver_due(Deliver&& deliver) {
    std::stable_sort(queue_.begin(), queue_.end(),
                     [](const InFlight& a, const InFlight& b) { return a.deliver_at_us < b.deliver_at_us; });
    while (!queue_.empty() && queue_.front().deliver_at_us <= now_us) {
      InFlight f = std::move(queue_.front());
      queue_.pop_front();
      f.segment.payload = f.payload;
      deliver(f.to, f.segment);
    }
  }
  bool idle() const { return queue_.empty(); }

 private:
  struct InFlight {
    uint64_t deliver_at_us = 0;
    int to = 0;
    Segment segment;
    std::vector<uint8_t> payload;
  };
  LinkConfig config_;
  std::mt19937 rng_;
  std::deque<InFlight> queue_;
};

}  // namespace tcpterm::tcp::testing
