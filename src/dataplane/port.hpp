// Port: one DPDK ethdev as tcpterm uses it: configured with one RX/TX queue
// pair per worker, RSS over TCP/IPv4 and TCP/IPv6 with table::kDefaultRssKey
// (so the NIC's hash equals table::flow_hash), checksum offloads where the
// PMD offers them, an mbuf pool sized from the config. Control path only;
// the workers read the resulting PortInfo.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <rte_mempool.h>

#include "control/config.hpp"
#include "wire/mac_address.hpp"

namespace tcpterm::dataplane {

/// The port facts a worker needs on its fast path; immutable once started.
struct PortInfo {
  uint16_t port_id = 0;
  std::string device;
  wire::MacAddress mac;
  std::vector<control::InterfaceAddress> addresses;
  std::vector<wire::IpAddress> gateways;
  uint16_t mtu = 1500;
  uint16_t vlan_id = 0;  // 802.1Q VLAN of all the port's traffic; 0: untagged
  rte_mempool* pool = nullptr;
  bool rx_checksum_offload = false;     // RX IPv4/TCP checksum flags are trustworthy
  bool tx_checksum_offload = false;     // NIC fills IPv4 and TCP checksums
  bool rss = false;                     // queues spread by RSS
  bool rss_hash_is_flow_hash = false;   // mbuf RSS hash == table::flow_hash (our key read back)
  bool mbufs_cross_cpus = false;        // net_ring: the far end is an lcore that frees what we send
  std::string kernel_interface;         // net_tap: the kernel's interface name
  const PortInfo* exception = nullptr;  // exception path tap for this port, if any
};

/// Finds, configures and starts `config`'s device with `queues` queue pairs.
/// Throws std::runtime_error with a sentence naming the device on failure.
PortInfo start_port(const control::PortConfig& config, const control::DataplaneConfig& dataplane,
                    uint16_t queues);
/// Stops and closes the port (a net_tap interface disappears) and frees its pool.
void stop_port(PortInfo& port);

}  // namespace tcpterm::dataplane
