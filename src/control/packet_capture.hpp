// PacketCapture: lets the stock `dpdk-dumpcap` / `dpdk-pdump` (DPDK secondary
// processes) capture a running tcpterm's ports through librte_pdump. The
// capture runs over the EAL's multi-process channel, which exists only in a
// primary process with a shared config, and the secondary maps tcpterm's
// memory from its hugepage files: with --no-shconf, --in-memory or --no-huge
// capture is unavailable, and the start-up log says which and why.
#pragma once

namespace tcpterm::control {

class PacketCapture {
 public:
  /// Call after rte_eal_init. Registers the pdump server when it can, else
  /// logs a notice saying why capture is unavailable; never throws.
  PacketCapture();
  /// Unregisters the pdump server; call before rte_eal_cleanup.
  ~PacketCapture();
  PacketCapture(const PacketCapture&) = delete;
  PacketCapture& operator=(const PacketCapture&) = delete;

  bool available() const { return available_; }

 private:
  bool available_ = false;
};

}  // namespace tcpterm::control
