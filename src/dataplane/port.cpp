// Port bring-up and tear-down; see port.hpp.
#include "dataplane/port.hpp"

#include <net/if.h>

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "dataplane/mbuf_stash.hpp"
#include "table/flow_hash.hpp"

namespace tcpterm::dataplane {

namespace {

constexpr uint32_t kMempoolCache = 256;
constexpr uint16_t kFrameOverhead = RTE_ETHER_HDR_LEN + 4 /* VLAN */ + RTE_ETHER_CRC_LEN;

[[noreturn]] void fail(const std::string& device, const std::string& what, int error) {
  throw std::runtime_error("port " + device + ": " + what + ": " +
                           rte_strerror(error < 0 ? -error : error));
}

/// RSS over TCP flows with our key, when the PMD can.
void configure_rss(const rte_eth_dev_info& info, uint16_t queues, rte_eth_conf& conf,
                   PortInfo& port) {
  static uint8_t key[table::kDefaultRssKey.size()];
  std::copy(table::kDefaultRssKey.begin(), table::kDefaultRssKey.end(), key);
  uint64_t wanted = RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV6_TCP;
  uint64_t offered = info.flow_type_rss_offloads & wanted;
  if (queues < 2 || offered == 0) return;
  conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
  conf.rx_adv_conf.rss_conf.rss_hf = offered;
  if (info.hash_key_size == sizeof(key)) {
    conf.rx_adv_conf.rss_conf.rss_key = key;
    conf.rx_adv_conf.rss_conf.rss_key_len = sizeof(key);
  }
  if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_RSS_HASH)
    conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_RSS_HASH;
  port.rss = true;
}

void configure_offloads(const rte_eth_dev_info& info, rte_eth_conf& conf, PortInfo& port) {
  uint64_t rx = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
  if ((info.rx_offload_capa & rx) == rx) {
    conf.rxmode.offloads |= rx;
    port.rx_checksum_offload = true;
  }
  uint64_t tx = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
  if ((info.tx_offload_capa & tx) == tx) {
    conf.txmode.offloads |= tx;
    port.tx_checksum_offload = true;
  }
  if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
    conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
}

/// True when the device reports our key back, so its hash equals flow_hash.
bool rss_key_installed(uint16_t port_id) {
  uint8_t key[table::kDefaultRssKey.size()] = {};
  rte_eth_rss_conf conf{};
  conf.rss_key = key;
  conf.rss_key_len = sizeof(key);
  if (rte_eth_dev_rss_hash_conf_get(port_id, &conf) != 0 || conf.rss_key_len != sizeof(key))
    return false;
  return std::equal(std::begin(key), std::end(key), table::kDefaultRssKey.begin());
}

}  // namespace

PortInfo start_port(const control::PortConfig& config, const control::DataplaneConfig& dataplane,
                    uint16_t queues) {
  PortInfo port;
  port.device = config.device;
  port.addresses = config.addresses;
  port.gateways = config.gateways;
  port.mtu = config.mtu;
  port.vlan_id = config.vlan.value_or(0);
  const std::string& dev = config.device;

  if (rte_eth_dev_get_port_by_name(dev.c_str(), &port.port_id) != 0) {
    if (!config.device_env.empty())
      throw std::runtime_error(
          "port " + dev + " (from " + config.device_env +
          "): allow-listed, but no DPDK driver took it; is it bound to "
          "vfio-pci (dpdk-devbind.py --status) and visible in this container?");
    throw std::runtime_error(
        "port " + dev + ": no such DPDK device; give it to the EAL before `--`, e.g. " +
        (dev.rfind("net_", 0) == 0
             ? "--vdev=" + dev + (dev.rfind("net_tap", 0) == 0 ? ",iface=tcpterm0" : "")
             : "-a " + dev) +
        " (ports the EAL found: " + std::to_string(rte_eth_dev_count_avail()) + ")");
  }
  rte_eth_dev_info info;
  if (int rc = rte_eth_dev_info_get(port.port_id, &info); rc != 0)
    fail(dev, "cannot read device info", rc);
  // net_ring's far end is an lcore of this process: what we send, it frees.
  port.mbufs_cross_cpus = std::string_view(info.driver_name) == "net_ring";
  if (queues > info.max_rx_queues || queues > info.max_tx_queues) {
    throw std::runtime_error(
        "port " + dev + ": " + std::to_string(queues) +
        " workers need as many queue pairs, but the device has at most " +
        std::to_string(std::min(info.max_rx_queues, info.max_tx_queues)) +
        (dev.rfind("net_tap", 0) == 0
             ? " (net_tap makes as many as configured; is the kernel tap multi-queue capable?)"
             : "") +
        "; use fewer workers");
  }

  rte_eth_conf conf{};
  configure_rss(info, queues, conf, port);
  configure_offloads(info, conf, port);
  if (int rc = rte_eth_dev_configure(port.port_id, queues, queues, &conf); rc != 0)
    fail(dev, "rte_eth_dev_configure with " + std::to_string(queues) + " queue pairs failed", rc);
  if (int rc = rte_eth_dev_set_mtu(port.port_id, config.mtu); rc != 0 && rc != -ENOTSUP)
    fail(dev, "cannot set MTU " + std::to_string(config.mtu), rc);

  uint16_t rx_desc = dataplane.rx_descriptors, tx_desc = dataplane.tx_descriptors;
  if (int rc = rte_eth_dev_adjust_nb_rx_tx_desc(port.port_id, &rx_desc, &tx_desc); rc != 0)
    fail(dev, "cannot adjust descriptor counts", rc);
  int socket = rte_eth_dev_socket_id(port.port_id);
  if (socket < 0) socket = static_cast<int>(rte_socket_id());

  // Per queue pair: its rings, a burst each way held by the worker, the
  // lcore's mempool cache and, where mbufs cross CPUs, the worker's stash.
  const uint32_t stash = port.mbufs_cross_cpus ? kMbufStashCapacity : 0;
  uint32_t needed = queues * (rx_desc + tx_desc + dataplane.rx_burst + dataplane.tx_burst +
                              kMempoolCache + stash);
  if (dataplane.mbufs < needed) {
    throw std::runtime_error(
        "port " + dev + ": dataplane.mbufs is " + std::to_string(dataplane.mbufs) + " but " +
        std::to_string(queues) + " queue pairs of " + std::to_string(rx_desc) + "+" +
        std::to_string(tx_desc) + " descriptors" +
        (stash ? " and a worker's stash of " + std::to_string(stash) +
                     " each (mbufs on net_ring cross CPUs)"
               : "") +
        " need at least " + std::to_string(needed) +
        "; raise dataplane.mbufs or lower dataplane.rx_descriptors/tx_descriptors");
  }
  uint16_t data_room = static_cast<uint16_t>(std::max<uint32_t>(
      RTE_MBUF_DEFAULT_BUF_SIZE, config.mtu + kFrameOverhead + RTE_PKTMBUF_HEADROOM));
  std::string pool_name = "tcpterm_p" + std::to_string(port.port_id);
  port.pool = rte_pktmbuf_pool_create(pool_name.c_str(), dataplane.mbufs, kMempoolCache, 0,
                                      data_room, socket);
  if (!port.pool)
    fail(dev,
         "cannot create a pool of " + std::to_string(dataplane.mbufs) +
             " mbufs (with --no-huge, raise -m)",
         rte_errno);

  for (uint16_t q = 0; q < queues; ++q) {
    rte_eth_rxconf rxconf = info.default_rxconf;
    rxconf.offloads = conf.rxmode.offloads;
    if (int rc = rte_eth_rx_queue_setup(port.port_id, q, rx_desc, socket, &rxconf, port.pool);
        rc != 0)
      fail(dev, "cannot set up RX queue " + std::to_string(q), rc);
    rte_eth_txconf txconf = info.default_txconf;
    txconf.offloads = conf.txmode.offloads;
    if (int rc = rte_eth_tx_queue_setup(port.port_id, q, tx_desc, socket, &txconf); rc != 0)
      fail(dev, "cannot set up TX queue " + std::to_string(q), rc);
  }
  if (int rc = rte_eth_dev_start(port.port_id); rc != 0) fail(dev, "cannot start the device", rc);
  rte_eth_allmulticast_enable(port.port_id);  // IPv6 solicited-node multicast for ND; best effort

  rte_ether_addr mac;
  if (int rc = rte_eth_macaddr_get(port.port_id, &mac); rc != 0)
    fail(dev, "cannot read the MAC address", rc);
  port.mac = wire::MacAddress::from_bytes(mac.addr_bytes);
  port.rss_hash_is_flow_hash = port.rss && rss_key_installed(port.port_id);
  char name[IF_NAMESIZE] = {};
  if (info.if_index != 0 && if_indextoname(info.if_index, name)) port.kernel_interface = name;
  return port;
}

void stop_port(PortInfo& port) {
  rte_eth_dev_stop(port.port_id);
  rte_eth_dev_close(port.port_id);
  if (port.pool) rte_mempool_free(port.pool);
  port.pool = nullptr;
}

}  // namespace tcpterm::dataplane
