// The worker's TX buffer against a ring that refuses frames: tcpterm's Worker
// on one end of a net_ring link whose rings hold 15 frames, the test on the
// other end sending SYNs and reading the SYN-ACKs with rte_eth_rx_burst and
// rte_eth_tx_burst. Frames the ring refuses wait for the next flush
// (tx_deferred) instead of being dropped; frames the ring takes none of for
// dataplane.tx_hold_us, a full buffer the ring takes nothing from, and what
// is left when the worker stops are dropped and counted (tx_ring_full).
// Needs root (DPDK), no NIC and no hugepages.
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "control/config.hpp"
#include "dataplane/dataplane.hpp"
#include "dataplane/ring_link.hpp"
#include "dataplane/worker.hpp"
#include "wire/packet_builder.hpp"
#include "wire/packet_parser.hpp"

namespace tcpterm::dataplane {
namespace {

// A 16-slot rte_ring holds 15 frames: one burst of SYNs fits, and the
// SYN-ACKs for a second burst do not while the first ones are unread.
constexpr unsigned kRingSize = 16;
constexpr uint16_t kRingFrames = kRingSize - 1;

// Both ends' configs; the peer's worker never runs (the test uses its port).
// rte_eth_from_rings' devices stay on the vdev bus after their ports close,
// names and all, until the process ends: each test names a new pair.
std::string ring_config(const std::string& device, const std::string& address,
                        uint32_t tx_hold_us) {
  const std::string port = "  - { device: " + device + ", addresses: [" + address + "/24] }\n";
  return "workers: [0]\nports:\n" + port +
         "listeners:\n  - { port: 80, app: discard }\n"
         "tcp: { max_connections: 1024, max_time_wait: 1024, buffer_count: 256 }\n"
         "dataplane: { rx_burst: 32, tx_burst: 32, mbufs: 4095, idle_sleep_us: 0, tx_hold_us: " +
         std::to_string(tx_hold_us) +
         " }\n"
         "log: { stats_interval_s: 0 }\n";
}

constexpr uint32_t kPeerIsn = 1000;

class WorkerTx : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::vector<std::string> args = {"worker_tx_test",     "--no-huge",   "-m", "256",
                                     "--no-pci",           "--no-shconf", "-l", "0",
                                     "--log-level=*:error"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    ASSERT_GE(rte_eal_init(static_cast<int>(argv.size()), argv.data()), 0)
        << "rte_eal_init failed (root needed)";
  }

  // The longest hold, so that a slow machine does not turn a wait into a drop.
  static constexpr uint32_t kLongHoldUs = 1'000'000;

  void start(uint32_t tx_hold_us = kLongHoldUs) {
    const std::string n = std::to_string(++links_made_);
    control::Config server_config = control::parse_config(
        ring_config("net_ring_txserver" + n, "10.9.0.2", tx_hold_us), "server");
    control::Config peer_config =
        control::parse_config(ring_config("net_ring_txpeer" + n, "10.9.0.1", tx_hold_us), "peer");
    link_ = std::make_unique<RingLink>(server_config.ports.front().device,
                                       peer_config.ports.front().device, 1, kRingSize);
    const std::vector<unsigned> lcores = {rte_lcore_id()};
    server_ = std::make_unique<Dataplane>(server_config, lcores);
    peer_ = std::make_unique<Dataplane>(peer_config, lcores);
  }

  void TearDown() override {
    if (!server_) return;
    server_->shutdown();
    peer_->shutdown();
    server_.reset();
    peer_.reset();
    link_.reset();
  }

  Worker& worker() { return *server_->workers().front(); }
  const PortInfo& peer_port() { return peer_->ports().front(); }

  // Sends SYNs from source ports first..first+count-1 to the server's port 80.
  void send_syns(uint16_t first, uint16_t count) {
    std::vector<rte_mbuf*> frames;
    for (uint16_t i = 0; i < count; ++i) {
      wire::TcpFrameSpec spec;
      spec.source_port = static_cast<uint16_t>(first + i);
      spec.destination_port = 80;
      spec.sequence_number = kPeerIsn + first + i;
      spec.flags = wire::tcp_flag::kSyn;
      spec.window = 65535;
      spec.source_mac = peer_port().mac;
      spec.destination_mac = server_->ports().front().mac;
      spec.source_ip = wire::IpAddress::v4(0x0a090001);
      spec.destination_ip = wire::IpAddress::v4(0x0a090002);
      rte_mbuf* m = rte_pktmbuf_alloc(peer_port().pool);
      ASSERT_NE(m, nullptr);
      std::span<uint8_t> room(rte_pktmbuf_mtod(m, uint8_t*), rte_pktmbuf_tailroom(m));
      size_t length = wire::build_tcp_frame(room, spec);
      ASSERT_GT(length, 0u);
      m->data_len = static_cast<uint16_t>(length);
      m->pkt_len = static_cast<uint32_t>(length);
      frames.push_back(m);
    }
    ASSERT_EQ(rte_eth_tx_burst(peer_port().port_id, 0, frames.data(), count), count);
  }

  // Reads what the server sent; each SYN-ACK must answer one of our SYNs.
  size_t read_syn_acks() {
    size_t read = 0;
    rte_mbuf* frames[64];
    while (uint16_t n = rte_eth_rx_burst(peer_port().port_id, 0, frames, 64)) {
      for (uint16_t i = 0; i < n; ++i) {
        std::span<const uint8_t> bytes(rte_pktmbuf_mtod(frames[i], const uint8_t*),
                                       frames[i]->data_len);
        wire::ParseResult r = wire::parse_frame(bytes, {});
        EXPECT_EQ(r.kind, wire::PacketKind::kTcp);
        EXPECT_EQ(r.tcp_flags, wire::tcp_flag::kSyn | wire::tcp_flag::kAck);
        EXPECT_EQ(r.source_port, 80);
        // RFC 9293 3.5: the SYN-ACK acknowledges ISN + 1.
        EXPECT_EQ(r.acknowledgment_number, kPeerIsn + r.destination_port + 1u);
        EXPECT_TRUE(answered_.insert(r.destination_port).second)
            << "a second SYN-ACK for port " << r.destination_port;
        rte_pktmbuf_free(frames[i]);
      }
      read += n;
    }
    return read;
  }

  // A received burst is handled in the poll after the one that took it in.
  void run_twice() {
    worker().run_once();
    worker().run_once();
  }

  static inline unsigned links_made_ = 0;
  std::unique_ptr<RingLink> link_;
  std::unique_ptr<Dataplane> server_;
  std::unique_ptr<Dataplane> peer_;
  std::set<uint16_t> answered_;
};

TEST_F(WorkerTx, FramesTheRingRefusesGoInTheNextFlush) {
  start();
  send_syns(1000, kRingFrames);
  run_twice();  // 15 SYN-ACKs fill the ring towards the peer
  send_syns(2000, kRingFrames);
  run_twice();  // 15 more: the ring refuses them
  EXPECT_EQ(worker().counters().tx_packets, kRingFrames);
  EXPECT_EQ(worker().counters().tx_deferred, kRingFrames);
  EXPECT_EQ(worker().counters().tx_ring_full, 0u);

  EXPECT_EQ(read_syn_acks(), kRingFrames);
  worker().run_once();  // nothing received: the flush sends what waited
  EXPECT_EQ(read_syn_acks(), kRingFrames);
  EXPECT_EQ(answered_.size(), 2u * kRingFrames);
  EXPECT_EQ(worker().counters().tx_packets, 2u * kRingFrames);
  EXPECT_EQ(worker().counters().tx_ring_full, 0u);
}

TEST_F(WorkerTx, AFullBufferTheRingTakesNothingFromIsDropped) {
  start();
  send_syns(1000, kRingFrames);
  run_twice();  // the ring towards the peer is full
  send_syns(2000, kRingFrames);
  run_twice();  // 15 wait in the buffer of 32 frames
  send_syns(3000, kRingFrames);
  run_twice();  // 30 wait
  EXPECT_EQ(worker().counters().tx_ring_full, 0u);
  send_syns(4000, kRingFrames);
  run_twice();  // 2 fit; the third finds a full buffer that cannot move
  EXPECT_EQ(worker().counters().tx_ring_full, 32u);
  EXPECT_EQ(worker().counters().tx_packets, kRingFrames);
  EXPECT_EQ(worker().counters().tx_deferred, 3u * kRingFrames) << "each frame counted once";

  EXPECT_EQ(read_syn_acks(), kRingFrames);
  worker().run_once();
  EXPECT_EQ(read_syn_acks(), kRingFrames - 2u) << "the 13 built after the drop";
  EXPECT_EQ(worker().counters().tx_packets + worker().counters().tx_ring_full, 4u * kRingFrames);
}

TEST_F(WorkerTx, WhatWaitsWhenTheWorkerStopsIsCounted) {
  start();
  send_syns(1000, kRingFrames);
  run_twice();
  send_syns(2000, kRingFrames);
  run_twice();
  EXPECT_EQ(worker().counters().tx_deferred, kRingFrames);
  worker().request_stop();
  worker().run();  // stops at once: the last flush is refused, and the rest dropped
  EXPECT_EQ(worker().counters().tx_ring_full, kRingFrames);
  EXPECT_EQ(read_syn_acks(), kRingFrames);
}

TEST_F(WorkerTx, FramesTheRingTakesNothingOfForTheHoldTimeAreDropped) {
  start(1000);
  send_syns(1000, kRingFrames);
  run_twice();
  send_syns(2000, kRingFrames);
  run_twice();  // 15 wait, and the ring stays full
  EXPECT_EQ(worker().counters().tx_deferred, kRingFrames);
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  worker().run_once();
  EXPECT_EQ(worker().counters().tx_ring_full, kRingFrames) << "held past tx_hold_us";
  EXPECT_EQ(read_syn_acks(), kRingFrames);
  worker().run_once();
  EXPECT_EQ(read_syn_acks(), 0u);
}

TEST_F(WorkerTx, NoHoldDropsWhatTheRingRefuses) {
  start(0);
  send_syns(1000, kRingFrames);
  run_twice();
  send_syns(2000, kRingFrames);
  run_twice();
  EXPECT_EQ(worker().counters().tx_ring_full, kRingFrames);
  EXPECT_EQ(worker().counters().tx_deferred, 0u);
  EXPECT_EQ(read_syn_acks(), kRingFrames);
  worker().run_once();
  EXPECT_EQ(read_syn_acks(), 0u);
}

}  // namespace
}  // namespace tcpterm::dataplane
