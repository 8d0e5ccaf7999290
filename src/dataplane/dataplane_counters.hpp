// DataplaneCounters: what one worker lcore's packet loop counted, one plain
// uint64 per event and one per wire::DropReason (STYLE 7). Each worker owns a
// cache-line-aligned instance; readers sum them without locks.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <rte_common.h>

#include "wire/drop_reason.hpp"

namespace tcpterm::dataplane {

#define TCPTERM_DATAPLANE_COUNTERS(X)                                                \
  X(rx_packets)                                                                      \
  X(rx_bytes)                                                                        \
  X(tx_packets)                                                                      \
  X(tx_bytes)                                                                        \
  X(tx_ring_full)        /* frames the TX ring refused, dropped */                   \
  X(tx_deferred)         /* frames refused once and held for a later flush */        \
  X(tx_no_mbuf)          /* mbuf pool empty when building a frame */                 \
  X(tx_build_failed)     /* a frame did not fit an mbuf */                           \
  X(tx_no_neighbour)     /* TCP segment dropped: next hop's MAC unknown */           \
  X(tx_no_route)         /* no port owns the source address */                       \
  X(tx_reused_rx_frames) /* replies built in the received frame, not a new mbuf */   \
  X(arp_requests_in)                                                                 \
  X(arp_replies_in)                                                                  \
  X(arp_replies_out)                                                                 \
  X(arp_requests_out)                                                                \
  X(icmp_echo_in) /* ICMPv4 and ICMPv6 echo requests answered */                     \
  X(nd_solicitations_in)                                                             \
  X(nd_advertisements_in)                                                            \
  X(nd_advertisements_out)                                                           \
  X(nd_solicitations_out)                                                            \
  X(tcp_segments_in)       /* TCP segments for our addresses handed to the engine */ \
  X(not_our_address)       /* IP packets to an address that is not ours */           \
  X(drop_wrong_vlan)       /* frames of another 802.1Q VLAN than the port's */       \
  X(exception_to_kernel)   /* frames not for tcpterm passed to the exception tap */  \
  X(exception_from_kernel) /* frames from the exception tap sent out the port */     \
  X(rx_bursts)             /* loop iterations that received frames */                \
  X(idle_polls)            /* loop iterations that received nothing */               \
  X(poll_cycles)           /* TSC cycles in the poll loop */                         \
  X(busy_cycles)           /* of which in iterations that received or sent frames */

struct alignas(RTE_CACHE_LINE_SIZE) DataplaneCounters {
#define TCPTERM_DECLARE_COUNTER(name) uint64_t name = 0;
  TCPTERM_DATAPLANE_COUNTERS(TCPTERM_DECLARE_COUNTER)
#undef TCPTERM_DECLARE_COUNTER
  std::array<uint64_t, wire::kDropReasonCount> drops{};  // rx drops by reason

  /// Calls f(name, value) for every counter; drop reasons as "drop_<reason>".
  template <class F>
  void for_each(F&& f) const {
#define TCPTERM_VISIT_COUNTER(name) f(#name, name);
    TCPTERM_DATAPLANE_COUNTERS(TCPTERM_VISIT_COUNTER)
#undef TCPTERM_VISIT_COUNTER
    for (size_t i = 1; i < drops.size(); ++i) f(drop_names()[i], drops[i]);
  }
  /// Share of the poll loops' time spent in iterations that received or sent frames,
  /// in percent (busy_cycles / poll_cycles); 0 before any polling.
  double busy_percent() const {
    return poll_cycles == 0
               ? 0.0
               : 100.0 * static_cast<double>(busy_cycles) / static_cast<double>(poll_cycles);
  }
  /// Frames per iteration that received any, on average (rx_packets /
  /// rx_bursts): how well a loaded worker batches; 0 before any frame.
  double frames_per_burst() const {
    return rx_bursts == 0 ? 0.0 : static_cast<double>(rx_packets) / static_cast<double>(rx_bursts);
  }
  /// Adds every counter of `other` into this one (for summing lcores).
  void add(const DataplaneCounters& other) {
#define TCPTERM_ADD_COUNTER(name) name += other.name;
    TCPTERM_DATAPLANE_COUNTERS(TCPTERM_ADD_COUNTER)
#undef TCPTERM_ADD_COUNTER
    for (size_t i = 0; i < drops.size(); ++i) drops[i] += other.drops[i];
  }
  /// "drop_<reason>" for every wire::DropReason, built once.
  static const std::array<const char*, wire::kDropReasonCount>& drop_names() {
    static const std::array<std::string, wire::kDropReasonCount> storage = [] {
      std::array<std::string, wire::kDropReasonCount> names;
      for (size_t i = 0; i < names.size(); ++i)
        names[i] = std::string("drop_") + wire::to_string(static_cast<wire::DropReason>(i));
      return names;
    }();
    static const std::array<const char*, wire::kDropReasonCount> pointers = [] {
      std::array<const char*, wire::kDropReasonCount> p{};
      for (size_t i = 0; i < p.size(); ++i) p[i] = storage[i].c_str();
      return p;
    }();
    return pointers;
  }
};

}  // namespace tcpterm::dataplane
