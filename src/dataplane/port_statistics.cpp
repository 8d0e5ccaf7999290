// Port counters from the PMDs; see port_statistics.hpp.
#include "dataplane/port_statistics.hpp"

#include <rte_ethdev.h>

namespace tcpterm::dataplane {

std::vector<PortStatistics> read_port_statistics(const std::vector<PortInfo>& ports) {
  std::vector<PortStatistics> result;
  result.reserve(ports.size());
  for (const PortInfo& port : ports) {
    rte_eth_stats stats{};
    if (rte_eth_stats_get(port.port_id, &stats) != 0) continue;
    PortStatistics& s = result.emplace_back();
    s.port_id = port.port_id;
    s.device = port.device;
    s.rx_packets = stats.ipackets;
    s.tx_packets = stats.opackets;
    s.rx_bytes = stats.ibytes;
    s.tx_bytes = stats.obytes;
    s.rx_missed = stats.imissed;
    s.rx_errors = stats.ierrors;
    s.tx_errors = stats.oerrors;
    s.rx_no_mbuf = stats.rx_nombuf;
  }
  return result;
}

}  // namespace tcpterm::dataplane
