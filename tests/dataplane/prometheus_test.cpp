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

TEST(PrometheusMetrics, PortCountersOneSamplePerPort) {
  std::vector<dataplane::WorkerSnapshot> snapshots(1);
  snapshots[0].lcore = 1;
  std::vector<dataplane::PortStatistics> ports(2);
  ports[0].port_id = 0;
  ports[0].device = "0000:3b:00.0";
  ports[0].rx_packets = 100;
  ports[0].rx_missed = 7;
  ports[0].rx_no_mbuf = 2;
  ports[1].port_id = 1;
  ports[1].device = "net_tap0,iface=\"x\"\\";  // quote, backslash: escaped
  ports[1].tx_errors = 3;
  std::string text = render_prometheus_metrics(snapshots, ports);
  EXPECT_NE(
      text.find(
          "# TYPE tcpterm_port_rx_packets_total counter\n"
          "tcpterm_port_rx_packets_total{port=\"0\",device=\"0000:3b:00.0\"} 100\n"
          "tcpterm_port_rx_packets_total{port=\"1\",device=\"net_tap0,iface=\\\"x\\\"\\\\\"} 0\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("tcpterm_port_rx_missed_total{port=\"0\",device=\"0000:3b:00.0\"} 7\n"),
            std::string::npos);
  EXPECT_NE(text.find("tcpterm_port_rx_no_mbuf_total{port=\"0\",device=\"0000:3b:00.0\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("tcpterm_port_tx_errors_total{port=\"1\","), std::string::npos);
  for (const char* name : {"tx_packets", "rx_bytes", "tx_bytes", "rx_errors"})
    EXPECT_NE(text.find(std::string("# TYPE tcpterm_port_") + name + "_total counter\n"),
              std::string::npos)
        << name;
  // The workers' families come first, unchanged.
  EXPECT_LT(text.find("tcpterm_rx_packets_total{lcore=\"1\"} 0\n"), text.find("tcpterm_port_"));
}

TEST(PrometheusMetrics, NoWorkersNoSamples) {
  EXPECT_EQ(render_prometheus_metrics({}), "");
}

}  // namespace
}  // namespace tcpterm::control
