// SynFlood: sends SYNs from spoofed source addresses and random ports at a
// target rate and keeps no state for them (RFC 4987 1: the attack SYN
// cookies answer). Frames coming back to the spoofed addresses (SYN-ACKs,
// RSTs) are counted and then dropped: nothing answers them, as with a
// spoofed host that does not exist, so a server without cookies keeps each
// SYN-RECEIVED entry until its SYN-ACK retries run out. Sans-IO: the Host
// sends a tcp::OutSegment through the port owning `port_address`.
#pragma once

#include <algorithm>
#include <cstdint>

#include "table/flow_key.hpp"
#include "tcp/segment.hpp"
#include "wire/packet_parser.hpp"
#include "wire/tcp_header.hpp"

namespace tcpterm::loadgen {

struct FloodSettings {
  wire::IpAddress server_address;
  uint16_t server_port = 80;
  wire::IpAddress port_address;  // our real address: picks the port to send on
  wire::IpAddress first_source;  // spoofed sources first_source .. + source_count - 1 (IPv4)
  uint32_t source_count = 65536;
  uint64_t rate_per_second = 0;  // 0 = max_burst per tick
  uint64_t total_syns = 0;       // 0 = until stopped
  uint32_t max_burst = 32;       // SYNs per tick at most
  uint64_t seed = 1;
};

#define TCPTERM_FLOOD_COUNTERS(X)                          \
  X(syns_sent)                                             \
  X(syn_acks_received) /* SYN-ACKs to a spoofed address */ \
  X(rsts_received)     /* RSTs to a spoofed address */     \
  X(other_received)    /* anything else to one */

struct FloodCounters {
#define TCPTERM_DECLARE_FLOOD_COUNTER(name) uint64_t name = 0;
  TCPTERM_FLOOD_COUNTERS(TCPTERM_DECLARE_FLOOD_COUNTER)
#undef TCPTERM_DECLARE_FLOOD_COUNTER
  template <class F>
  void for_each(F&& f) const {
#define TCPTERM_VISIT_FLOOD_COUNTER(name) f(#name, name);
    TCPTERM_FLOOD_COUNTERS(TCPTERM_VISIT_FLOOD_COUNTER)
#undef TCPTERM_VISIT_FLOOD_COUNTER
  }
  void add(const FloodCounters& o) {
#define TCPTERM_ADD_FLOOD_COUNTER(name) name += o.name;
    TCPTERM_FLOOD_COUNTERS(TCPTERM_ADD_FLOOD_COUNTER)
#undef TCPTERM_ADD_FLOOD_COUNTER
  }
};

template <class Host>
class SynFlood {
 public:
  SynFlood(Host& host, const FloodSettings& settings)
      : host_(host), settings_(settings), random_(settings.seed | 1) {}

  /// Sends as many SYNs as the rate allows since the last tick.
  void tick(uint64_t now_us) {
    if (last_tick_us_ == 0) last_tick_us_ = now_us;
    uint64_t budget = settings_.max_burst;
    if (settings_.rate_per_second != 0) {
      credit_ += static_cast<double>(now_us - last_tick_us_) *
                 static_cast<double>(settings_.rate_per_second) / 1e6;
      // Keep up to 10 ms of credit: a worker descheduled on a shared core
      // catches up instead of losing the time, max_burst SYNs per tick.
      credit_ = std::min(credit_, std::max(static_cast<double>(settings_.max_burst),
                                           static_cast<double>(settings_.rate_per_second) / 100));
      budget = std::min<uint64_t>(static_cast<uint64_t>(credit_), settings_.max_burst);
      credit_ -= static_cast<double>(budget);
    }
    last_tick_us_ = now_us;
    for (uint64_t i = 0; i < budget && !done(); ++i) send_one();
  }

  /// Counts and consumes frames for the spoofed addresses from the server.
  bool on_frame(const wire::ParseResult& r) {
    if (!is_spoofed(r.destination_ip) || r.source_ip != settings_.server_address) return false;
    constexpr uint8_t kSynAck = wire::tcp_flag::kSyn | wire::tcp_flag::kAck;
    if ((r.tcp_flags & kSynAck) == kSynAck) {
      ++counters_.syn_acks_received;
    } else if (r.tcp_flags & wire::tcp_flag::kRst) {
      ++counters_.rsts_received;
    } else {
      ++counters_.other_received;
    }
    return true;
  }

  bool done() const {
    return stopping_ || (settings_.total_syns != 0 && counters_.syns_sent >= settings_.total_syns);
  }
  void stop() { stopping_ = true; }
  const FloodCounters& counters() const { return counters_; }

 private:
  bool is_spoofed(const wire::IpAddress& a) const {
    if (!a.is_v4()) return false;
    uint32_t offset = a.v4_host_order() - settings_.first_source.v4_host_order();
    return offset < settings_.source_count;
  }

  uint64_t next_random() {  // xorshift64: cheap, no state shared between lcores
    random_ ^= random_ << 13;
    random_ ^= random_ >> 7;
    random_ ^= random_ << 17;
    return random_;
  }

  void send_one() {
    uint64_t r = next_random();
    table::FlowKey key;
    key.local_address = wire::IpAddress::v4(settings_.first_source.v4_host_order() +
                                            static_cast<uint32_t>(r % settings_.source_count));
    key.local_port = static_cast<uint16_t>(1024 + (r >> 32) % (65536 - 1024));
    key.remote_address = settings_.server_address;
    key.remote_port = settings_.server_port;
    tcp::OutSegment s;
    s.key = &key;
    s.seq = tcp::SeqNum(static_cast<uint32_t>(r >> 16));
    s.flags = wire::tcp_flag::kSyn;
    s.window = 65535;
    s.options.has_mss = true;
    s.options.mss = 1460;
    host_.emit_via(settings_.port_address, s);
    ++counters_.syns_sent;
  }

  Host& host_;
  FloodSettings settings_;
  FloodCounters counters_;
  uint64_t random_;
  uint64_t last_tick_us_ = 0;
  double credit_ = 0;
  bool stopping_ = false;
};

}  // namespace tcpterm::loadgen
