// rte_pdump registration; see packet_capture.hpp.
#include "control/packet_capture.hpp"

#include <sys/stat.h>

#include <string>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pdump.h>

#include "control/log.hpp"

namespace tcpterm::control {

namespace {

/// The EAL's multi-process socket: absent when --no-shconf or --in-memory
/// turned the channel off (rte_pdump_init still succeeds then, uselessly).
bool multi_process_channel_up() {
  std::string socket = std::string(rte_eal_get_runtime_dir()) + "/mp_socket";
  struct stat st;
  return stat(socket.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

}  // namespace

PacketCapture::PacketCapture() {
  if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
    TCPTERM_LOG(NOTICE, "packet capture: unavailable, tcpterm is not a primary DPDK process\n");
    return;
  }
  if (!multi_process_channel_up()) {
    TCPTERM_LOG(NOTICE,
                "packet capture: unavailable, the EAL runs without a shared config (--no-shconf "
                "or --in-memory), which turns off the multi-process channel dpdk-dumpcap uses; "
                "start tcpterm with hugepages and a --file-prefix, without those options, to "
                "capture\n");
    return;
  }
  // A secondary maps the primary's memory from its hugepage files; --no-huge
  // memory has none ("EAL: Cannot get hugepage information" in dumpcap).
  if (!rte_eal_has_hugepages()) {
    TCPTERM_LOG(NOTICE,
                "packet capture: unavailable, tcpterm runs with --no-huge and dpdk-dumpcap can "
                "only attach to hugepage memory; reserve hugepages and drop --no-huge to "
                "capture\n");
    return;
  }
  if (rte_pdump_init() != 0) {
    TCPTERM_LOG(WARNING,
                "packet capture: rte_pdump_init failed (%s); dpdk-dumpcap is unavailable\n",
                rte_strerror(rte_errno));
    return;
  }
  available_ = true;
  std::string runtime_dir = rte_eal_get_runtime_dir();  // /var/run/dpdk/<file prefix>
  TCPTERM_LOG(INFO, "packet capture: ready for dpdk-dumpcap --file-prefix=%s\n",
              runtime_dir.substr(runtime_dir.rfind('/') + 1).c_str());
}

PacketCapture::~PacketCapture() {
  if (available_) rte_pdump_uninit();
}

}  // namespace tcpterm::control
