// The Prometheus exposition: one family per counter, one sample per lcore.
#include "control/prometheus_metrics.hpp"

#include <gtest/gtest.h>

namespace tcpterm::control {
namespace {

TEST(PrometheusMetrics, OneSamplePerLcore) {
  std::vector<dataplane::WorkerSnapshot> snapshots(2);
  snapshots[0].lcore = 1;
  snapshots[0].totals.dataplane.rx_packets = 10;
  snapshots[0].totals.dataplane.drops[static_cast<size_t>(wire::DropReason::kTcpBadChecksum)] = 3;
  snapshots[0].totals.engine.passive_opens = 4;
  snapshots[0].totals.occupancy.connections = 2;
  snapshots[1].lcore = 2;
  snapshots[1].totals.dataplane.rx_packets = 5;
  std::string text = render_prometheus_metrics(snapshots);
  EXPECT_NE(text.find("# TYPE tcpterm_rx_packets_total counter\n"
                      "tcpterm_rx_packets_total{lcore=\"1\"} 10\n"
                      "tcpterm_rx_packets_total{lcore=\"2\"} 5\n"),
            std::string::npos);
  EXPECT_NE(text.find("tcpterm_drop_tcp_bad_checksum_total{lcore=\"1\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("tcpterm_passive_opens_total{lcore=\"1\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE tcpterm_connections gauge\ntcpterm_connections{lcore=\"1\"} 2\n"),
            std::string::npos);
  EXPECT_EQ(text.find("# TYPE tcpterm_rx_packets_total counter", 10),
            std::string::npos);  // one TYPE line
}

TEST(PrometheusMetrics, NoWorkersNoSamples) {
  EXPECT_EQ(render_prometheus_metrics({}), "");
}

}  // namespace
}  // namespace tcpterm::control
