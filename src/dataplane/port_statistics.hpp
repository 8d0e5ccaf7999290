// PortStatistics: a port's own counters as its PMD keeps them
// (rte_eth_stats_get), beside the workers' software counters. Only the port
// sees some losses: frames it dropped because the RX ring was full (a worker
// that fell behind), or because no mbuf was free to receive into.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/port.hpp"

namespace tcpterm::dataplane {

struct PortStatistics {
  uint16_t port_id = 0;
  std::string device;
  uint64_t rx_packets = 0;
  uint64_t tx_packets = 0;
  uint64_t rx_bytes = 0;
  uint64_t tx_bytes = 0;
  uint64_t rx_missed = 0;   // imissed: dropped by the port, the RX ring full
  uint64_t rx_errors = 0;   // ierrors: bad frames the port discarded
  uint64_t tx_errors = 0;   // oerrors: frames the port failed to send
  uint64_t rx_no_mbuf = 0;  // rx_nombuf: no mbuf to receive into

  /// Calls f(name, value) for each counter, in a fixed order.
  template <class F>
  void for_each(F&& f) const {
    f("rx_packets", rx_packets);
    f("tx_packets", tx_packets);
    f("rx_bytes", rx_bytes);
    f("tx_bytes", tx_bytes);
    f("rx_missed", rx_missed);
    f("rx_errors", rx_errors);
    f("tx_errors", tx_errors);
    f("rx_no_mbuf", rx_no_mbuf);
  }
};

/// Reads each started port's counters (control thread; the PMDs' counters
/// are read while the workers run, as DPDK's own /ethdev/stats does). A port
/// whose PMD fails the read is left out.
std::vector<PortStatistics> read_port_statistics(const std::vector<PortInfo>& ports);

}  // namespace tcpterm::dataplane
