// Back-to-back net_ring ethdevs; see ring_link.hpp.
#include "dataplane/ring_link.hpp"

#include <stdexcept>

#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

namespace tcpterm::dataplane {

namespace {

// rte_eth_from_rings(name) names its ethdev "net_ring_<name>".
constexpr std::string_view kRingPmdPrefix = "net_ring_";

void check_name(const std::string& device) {
  if (device.rfind(kRingPmdPrefix, 0) != 0 || device.size() == kRingPmdPrefix.size())
    throw std::runtime_error("port " + device +
                             ": a ring link's devices must be named net_ring_<name>, e.g. "
                             "net_ring_server and net_ring_client (the PMD's naming)");
  uint16_t port_id;
  if (rte_eth_dev_get_port_by_name(device.c_str(), &port_id) == 0)
    throw std::runtime_error("port " + device +
                             ": already exists (given with --vdev?); the ring link creates it");
}

}  // namespace

RingLink::RingLink(const std::string& first, const std::string& second, uint16_t queue_pairs,
                   unsigned ring_size) {
  check_name(first);
  check_name(second);
  if (first == second)
    throw std::runtime_error("port " + first + ": the two ends of a ring link need two names");
  int socket = static_cast<int>(rte_socket_id());
  try {
    for (uint16_t i = 0; i < 2 * queue_pairs; ++i) {
      // One producer (the sending worker) and one consumer (the receiving one) per ring.
      std::string name = "tt_link" + std::to_string(i);
      rte_ring* ring =
          rte_ring_create(name.c_str(), ring_size, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
      if (!ring)
        throw std::runtime_error("ring link " + first + " <-> " + second + ": cannot create ring " +
                                 name + " of " + std::to_string(ring_size) + " slots: " +
                                 rte_strerror(rte_errno) + " (with --no-huge, raise -m)");
      rings_.push_back(ring);
    }
    rte_ring* const* first_tx = rings_.data();
    rte_ring* const* second_tx = rings_.data() + queue_pairs;
    std::string first_name = first.substr(kRingPmdPrefix.size());
    std::string second_name = second.substr(kRingPmdPrefix.size());
    int first_port = rte_eth_from_rings(first_name.c_str(), second_tx, queue_pairs, first_tx,
                                        queue_pairs, static_cast<unsigned>(socket));
    int second_port =
        first_port < 0 ? -1
                       : rte_eth_from_rings(second_name.c_str(), first_tx, queue_pairs, second_tx,
                                            queue_pairs, static_cast<unsigned>(socket));
    if (second_port < 0) {
      int error = rte_errno;
      if (first_port >= 0) rte_eth_dev_close(static_cast<uint16_t>(first_port));  // off our rings
      throw std::runtime_error("ring link " + first + " <-> " + second +
                               ": rte_eth_from_rings failed: " + rte_strerror(error));
    }
  } catch (...) {
    for (rte_ring* ring : rings_) rte_ring_free(ring);
    throw;
  }
}

RingLink::~RingLink() {
  for (rte_ring* ring : rings_) rte_ring_free(ring);
}

}  // namespace tcpterm::dataplane
