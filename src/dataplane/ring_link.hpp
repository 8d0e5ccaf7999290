// RingLink: two ethdevs in this process joined back to back by rte_rings
// (DPDK's net_ring PMD, rte_eth_from_rings): what one sends on its TX queue q
// arrives on the other's RX queue q. tcpterm-loadgen's one-process mode
// (--ring-server) runs tcpterm's server on one end and the load on the
// other. Control path only; the workers then use the two as ordinary ports.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <rte_ring.h>

namespace tcpterm::dataplane {

class RingLink {
 public:
  /// Slots per ring: a whole burst window of 1000+ connections per queue
  /// fits; a full ring is a counted tx_ring_full on the sender.
  static constexpr unsigned kDefaultRingSize = 4096;

  /// Creates ethdevs `first` and `second` (each named "net_ring_<name>", as
  /// the PMD names what it creates) with `queue_pairs` queue pairs, one
  /// single-producer single-consumer ring per direction and queue. Call after
  /// the EAL started and before the ports are configured. Throws
  /// std::runtime_error with a sentence naming the device on failure.
  RingLink(const std::string& first, const std::string& second, uint16_t queue_pairs,
           unsigned ring_size = kDefaultRingSize);
  /// Frees the rings; the ports on them must be closed by then.
  ~RingLink();
  RingLink(const RingLink&) = delete;
  RingLink& operator=(const RingLink&) = delete;

 private:
  std::vector<rte_ring*> rings_;  // first's TX (= second's RX) rings, then second's TX rings
};

}  // namespace tcpterm::dataplane
