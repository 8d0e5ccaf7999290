// The worker's poll loop, its ARP/ICMP/ND responders and its engine Host
// callbacks; see worker.hpp. Everything here runs per packet: no locks, no
// syscalls, no heap, no exceptions (STYLE 6).
#include "dataplane/worker.hpp"

#include <array>
#include <optional>
#include <utility>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include "dataplane/mbuf_stash.hpp"
#include "table/flow_hash.hpp"
#include "wire/arp.hpp"
#include "wire/byte_order.hpp"
#include "wire/ethernet.hpp"
#include "wire/icmp_echo.hpp"
#include "wire/ip_protocol.hpp"
#include "wire/ipv6.hpp"
#include "wire/neighbour_discovery.hpp"
#include "wire/packet_builder.hpp"

namespace tcpterm::dataplane {

/// What the first stage of poll() learned of one received frame.
struct Worker::Received {
  bool parsed = false;  // one segment, our VLAN: `frame` holds its parse
  wire::ParseResult frame;
  bool hashed = false;     // kTcp: flow_hash is set
  uint32_t flow_hash = 0;  // the flow's table hash (the NIC's or flow_hash)
};

namespace {

/// MbufStash's pool: a port's DPDK mempool. Its objects are raw mbufs, reset
/// by allocate_frame as rte_pktmbuf_alloc would.
struct MempoolSource {
  using Item = rte_mbuf;
  rte_mempool* pool = nullptr;
  bool get_bulk(rte_mbuf** out, unsigned n) {
    return rte_mempool_get_bulk(pool, reinterpret_cast<void**>(out), n) == 0;
  }
  void put(rte_mbuf* m) { rte_mempool_put(pool, m); }
  // Read prefetches: PREFETCHW, which fetches the lines owned, made net_ring
  // runs and worker_bench slower here (bench/RESULTS.md).
  static void prefetch(const rte_mbuf* m) {
    rte_prefetch0(m);
    rte_prefetch0(&m->cacheline1);
  }
};

}  // namespace

/// One port as this worker sees it: the shared facts, its own TX buffer and
/// its two RX slots: the burst being parsed and the one held for handling.
struct Worker::PortQueue {
  const PortInfo* info = nullptr;
  std::vector<rte_mbuf*> tx;  // frames waiting for the end of the burst
  size_t tx_count = 0;
  size_t tx_waiting = 0;           // of which at the head: refused by an earlier flush
  uint64_t tx_progress_us = 0;     // the last flush that sent a frame or found none waiting
  PortQueue* exception = nullptr;  // main port: where frames not for tcpterm go
  PortQueue* uplink = nullptr;     // exception port: the main port its frames leave by
  std::array<std::vector<rte_mbuf*>, 2> rx;
  std::array<std::unique_ptr<Received[]>, 2> received;  // the parse of each rx slot's frames
  uint16_t held = 0;  // frames in rx[held_slot] parsed but not yet handled
  uint8_t held_slot = 0;
  // The frames built on a port whose mbufs cross CPUs; null elsewhere (see
  // allocate_frame). Out of line: PortQueue's hot fields stay together.
  std::unique_ptr<MbufStash<MempoolSource>> stash;
};

namespace {

std::span<uint8_t> mbuf_bytes(rte_mbuf* m) {
  return {rte_pktmbuf_mtod(m, uint8_t*), m->data_len};
}

/// All-nodes multicast ff02::1 (RFC 4291 2.7.1).
wire::IpAddress all_nodes() {
  wire::IpAddress a;
  a.bytes[0] = 0xff;
  a.bytes[1] = 0x02;
  a.bytes[15] = 1;
  return a;
}

/// 802.1Q: the VLAN id a frame is tagged with; 0 when untagged or
/// priority-tagged (a short tag is left to parse_frame to reject).
uint16_t frame_vlan(std::span<const uint8_t> frame) {
  if (frame.size() < wire::kEthernetHeaderSize + wire::kVlanTagSize ||
      wire::load_be16(frame.data() + 12) != wire::ethertype::kVlan)
    return 0;
  return wire::load_be16(frame.data() + 14) & 0x0fff;
}

/// The tag for frames sent on `port`, if it has a VLAN.
std::optional<uint16_t> vlan_tag(const PortInfo& port) {
  return port.vlan_id ? std::optional<uint16_t>(port.vlan_id) : std::nullopt;
}

CloseReason public_reason(tcp::CloseReason r) {
  return static_cast<CloseReason>(r);
}

}  // namespace

Worker::Worker(unsigned lcore, uint16_t queue, std::span<const PortInfo> ports,
               const WorkerSettings& settings, DataplaneCounters& counters)
    : lcore_(lcore),
      queue_(queue),
      settings_(settings),
      counters_(counters),
      neighbours_(settings.neighbour_entries, settings.neighbour_reachable_us),
      apps_(settings.http),
      us_per_tsc_q32_((uint64_t{1'000'000} << 32) / rte_get_tsc_hz()),
      load_(rte_rdtsc()) {
  ports_.reserve(ports.size() * 2);  // PortQueues point at each other
  for (const PortInfo& info : ports) {
    PortQueue& p = ports_.emplace_back();
    p.info = &info;
    if (info.mbufs_cross_cpus)
      p.stash = std::make_unique<MbufStash<MempoolSource>>(MempoolSource{info.pool});
    p.tx.resize(settings.tx_burst);
    for (size_t slot = 0; slot < 2; ++slot) {
      p.rx[slot].resize(settings.rx_burst);
      p.received[slot].reset(new Received[settings.rx_burst]);
    }
  }
  for (size_t i = 0, main_ports = ports_.size(); i < main_ports; ++i) {
    if (!ports_[i].info->exception) continue;
    PortQueue& e = ports_.emplace_back();
    e.info = ports_[i].info->exception;
    e.tx.resize(settings.tx_burst);
    e.rx[0].resize(settings.rx_burst);  // forwarded at once: one slot
    e.uplink = &ports_[i];
    ports_[i].exception = &e;
  }
  now_us_ = read_clock_us();
  engine_ = std::make_unique<Engine>(settings.engine, *this, now_us_);
}

Worker::~Worker() {
  for (PortQueue& p : ports_) {
    for (size_t i = 0; i < p.tx_count; ++i) rte_pktmbuf_free(p.tx[i]);
    for (uint16_t i = 0; i < p.held; ++i) rte_pktmbuf_free(p.rx[p.held_slot][i]);
  }
}

bool Worker::listen(const wire::IpAddress& address, uint16_t port, std::string_view app_name) {
  std::optional<uint16_t> app_id = apps_.add(app_name);
  return app_id && engine_->listen(address, port, *app_id);
}

void Worker::set_client_driver(ClientDriver* driver) {
  client_ = driver;
  client_wants_frames_ = driver && driver->wants_frames();
}

bool Worker::neighbour_ready(const wire::IpAddress& local, const wire::IpAddress& remote) {
  PortQueue* port = port_owning(local);
  return port && resolve(*port, remote) != nullptr;
}

// Microseconds from the TSC by a 32.32 fixed-point multiply: no division
// in the loop. Rounding the factor costs about 1 ppm at GHz TSC rates.
uint64_t Worker::read_clock_us() const {
  return tsc_to_us(rte_rdtsc());
}

uint64_t Worker::tsc_to_us(uint64_t tsc) const {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(tsc) * us_per_tsc_q32_) >> 32);
}

void Worker::run() {
  load_ = PollLoad(rte_rdtsc());
  while (!stop_.load(std::memory_order_relaxed)) run_once();
  for (PortQueue& port : ports_) {
    handle_held(port);
    flush(port);
    drop_unsent(port);  // no next poll to retry them in
  }
}

bool Worker::run_once() {
  // One TSC read per iteration gives the clock and the load.
  uint64_t tsc = rte_rdtsc();
  now_us_ = tsc_to_us(tsc);
  load_.iteration_starts(tsc, counters_.poll_cycles, counters_.busy_cycles);
  if (client_) client_->on_poll(now_us_);
  const uint64_t sent_before = counters_.tx_packets;
  bool received = false;
  for (PortQueue& port : ports_) received |= poll(port);
  engine_->advance(now_us_);
  for (PortQueue& port : ports_) flush(port);
  serve_commands();
  load_.iteration_ends(received, counters_.tx_packets != sent_before);
  ++(received ? counters_.rx_bursts : counters_.idle_polls);
  if (received || client_ != nullptr) {
    idle_streak_ = 0;
    backoff_us_ = 1;
  } else {
    idle_backoff();
  }
  return received;
}

// Idle backoff: busy-poll through short gaps, then sleep 1, 2, 4 ... up to
// idle_sleep_us per empty poll, so an idle worker stops burning its core
// while the first packet after a pause waits at most idle_sleep_us.
void Worker::idle_backoff() {
  if (settings_.idle_sleep_us == 0 || ++idle_streak_ < kIdlePollsBeforeSleep) return;
  rte_delay_us_sleep(backoff_us_);
  backoff_us_ = std::min<uint32_t>(backoff_us_ * 2, settings_.idle_sleep_us);
}

// Three stages per frame, so that the cache misses of different flows
// overlap instead of queueing one after another: parse every frame of a burst
// and start loading its flow-table bucket (one bucket per frame handled in
// handle_held, below); then, with the buckets in, start
// loading the TCBs and TIME-WAIT records they point at; then process the
// frames in order. Without this, the bucket and TCB loads of each segment
// stalled the worker in turn (bench/RESULTS.md, end to end: Engine::input's
// samples sat on the bucket load). A burst is handled in the poll after the
// one that received it, once the next burst has been parsed: the new burst's
// bucket loads then overlap the handling of the held one instead of stalling
// a loop that does nothing else (the held frames wait one loop iteration).
bool Worker::poll(PortQueue& port) {
  if (port.uplink) {
    uint16_t n =
        rte_eth_rx_burst(port.info->port_id, queue_, port.rx[0].data(), settings_.rx_burst);
    for (uint16_t i = 0; i < n; ++i) forward_from_kernel(port, port.rx[0][i]);
    return n > 0;
  }
  prefetch_held(port);
  const uint8_t slot = port.held_slot ^ 1;
  rte_mbuf** const mbufs = port.rx[slot].data();
  Received* const received = port.received[slot].get();
  uint16_t n = rte_eth_rx_burst(port.info->port_id, queue_, mbufs, settings_.rx_burst);
  // Every frame's first line requested before any frame is parsed, in a loop
  // of its own so that the out-of-order core overlaps the mbuf header loads
  // it needs: over a link that hands mbufs across CPUs (net_ring) each header
  // is a miss to the other CPU, and taken one per parsed frame they held the
  // worker a third of its time (perf). Where the PMD wrote them on this CPU
  // (memif's copies) they are hits.
  for (uint16_t i = 0; i < n; ++i) rte_prefetch0(rte_pktmbuf_mtod(mbufs[i], void*));
  for (uint16_t i = 0; i < n; ++i) parse_received(port, mbufs[i], received[i]);
  const bool handled = handle_held(port, received, n);
  port.held_slot = slot;
  port.held = n;
  return n > 0 || handled;
}

// Stage two for the frames the previous poll of `port` parsed, whose buckets
// have had that poll's handling to arrive; issued before this poll receives
// and parses, so that the TCB and TIME-WAIT loads overlap that work too.
void Worker::prefetch_held(const PortQueue& port) const {
  const Received* const received = port.received[port.held_slot].get();
  for (uint16_t i = 0; i < port.held; ++i) {
    if (received[i].hashed) engine_->prefetch_connection(received[i].flow_hash);
  }
}

// Stage three for the frames the previous poll of `port` parsed, with stage
// one's bucket requests for the `next` burst, just parsed, spread over it: one
// per frame handled. Issued 32 in a row in the parse loop, they had 62 % of
// worker_entry's samples right after the prefetch instruction; spread, the
// worker is faster, though each request still collects samples (perf, and
// bench/RESULTS.md "2026-12-04, morning"). Stage two's
// lines do not all stay in L1 through a whole burst (what 32 frames touch in
// the PMD, the parse and the handling is about the size of L1), and the
// bucket and key compares of handle_frame were where its time went (perf);
// so each frame's bucket is read again, and its TCB lines requested again,
// kRefetchDistance frames before it is handled, from L2 at worst.
bool Worker::handle_held(PortQueue& port, const Received* next, uint16_t next_count) {
  const uint16_t n = port.held;
  rte_mbuf** const mbufs = port.rx[port.held_slot].data();
  const Received* const received = port.received[port.held_slot].get();
  for (uint16_t i = 0; i < n; ++i) {
    if (i < next_count && next[i].hashed) engine_->prefetch(next[i].flow_hash);
    const uint16_t ahead = i + kRefetchDistance;
    if (ahead < n && received[ahead].hashed)
      engine_->prefetch_connection(received[ahead].flow_hash);
    handle_frame(port, mbufs[i], received[i]);
  }
  for (uint16_t i = n; i < next_count; ++i)
    if (next[i].hashed) engine_->prefetch(next[i].flow_hash);
  port.held = 0;
  return n != 0;
}

// Stage one: parse. Frames that the checks in handle_frame turn away
// (chained, another VLAN's) are left unparsed.
void Worker::parse_received(const PortQueue& port, rte_mbuf* m, Received& rx) const {
  rx.parsed = rx.hashed = false;
  if (m->nb_segs != 1) return;
  std::span<const uint8_t> frame = mbuf_bytes(m);
  if (frame_vlan(frame) != port.info->vlan_id) return;
  wire::ParseOptions options;
  options.local_mac = port.info->mac;
  if (port.info->rx_checksum_offload) {
    options.ipv4_checksum_verified =
        (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_GOOD;
    options.l4_checksum_verified =
        (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD;
  }
  wire::parse_frame(frame, options, rx.frame);
  rx.parsed = true;
  // A client driver that takes frames (the SYN flood, --fast) consumes its
  // own before the engine sees them: hash those only when they reach it.
  if (rx.frame.kind != wire::PacketKind::kTcp || client_wants_frames_) return;
  rx.flow_hash = segment_hash(port, rx.frame, m);
  rx.hashed = true;
}

uint32_t Worker::segment_hash(const PortQueue& port, const wire::ParseResult& r,
                              const rte_mbuf* m) {
  // The NIC's Toeplitz hash with our key equals flow_hash; use it when present.
  if (port.info->rss_hash_is_flow_hash && (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH))
    return m->hash.rss;
  return table::flow_hash(r.source_ip, r.destination_ip, r.source_port, r.destination_port);
}

void Worker::handle_frame(PortQueue& port, rte_mbuf* m, const Received& rx) {
  ++counters_.rx_packets;
  counters_.rx_bytes += m->pkt_len;
  if (m->nb_segs != 1) {  // no scatter is configured, so a chain is a misconfigured MTU
    ++counters_.drops[static_cast<size_t>(wire::DropReason::kFrameTooShort)];
    rte_pktmbuf_free(m);
    return;
  }
  std::span<const uint8_t> frame = mbuf_bytes(m);
  if (!rx.parsed) {  // another VLAN's (or untagged) frame
    if (port.exception) return pass_to_kernel(port, m);
    ++counters_.drop_wrong_vlan;
    rte_pktmbuf_free(m);
    return;
  }
  const wire::ParseResult& r = rx.frame;
  bool for_kernel = false;  // not tcpterm's: the exception path may take it
  switch (r.kind) {
    case wire::PacketKind::kDrop:
      for_kernel = is_for_kernel(r.drop_reason);
      if (!for_kernel || !port.exception) ++counters_.drops[static_cast<size_t>(r.drop_reason)];
      break;
    case wire::PacketKind::kArp:
      for_kernel = handle_arp(port, r, frame);
      break;
    case wire::PacketKind::kIcmpv4Echo:
    case wire::PacketKind::kIcmpv6Echo:
      if (!is_ours(port, r.destination_ip)) {
        for_kernel = true;
        break;
      }
      neighbours_.learn(r.source_ip, r.source_mac, now_us_);
      reply_echo_in_place(port, r, m);
      return;  // the mbuf went back out
    case wire::PacketKind::kIcmpv6NeighbourSolicitation:
      for_kernel = handle_solicitation(port, r);
      break;
    case wire::PacketKind::kIcmpv6NeighbourAdvertisement:
      ++counters_.nd_advertisements_in;
      if (r.has_link_layer_address)
        neighbours_.learn(r.neighbour_target, r.link_layer_address, now_us_);
      for_kernel = !is_ours(port, r.destination_ip);
      break;
    case wire::PacketKind::kTcp:
      if (client_wants_frames_ && client_->on_frame(r)) break;
      for_kernel = !is_ours(port, r.destination_ip);
      if (!for_kernel &&
          handle_tcp(port, r, rx.hashed ? rx.flow_hash : segment_hash(port, r, m), m))
        return;  // a reply was built in the mbuf
      break;
  }
  if (for_kernel && port.exception) return pass_to_kernel(port, m);
  if (for_kernel && r.kind != wire::PacketKind::kDrop) ++counters_.not_our_address;
  rte_pktmbuf_free(m);
}

// What the host's own stack may want: other protocols and addresses. Damaged
// frames (bad lengths or checksums) are dropped, not passed on.
bool Worker::is_for_kernel(wire::DropReason reason) {
  switch (reason) {
    case wire::DropReason::kNotForUs:
    case wire::DropReason::kUnknownEthertype:
    case wire::DropReason::kArpUnsupported:
    case wire::DropReason::kIpv4Fragment:
    case wire::DropReason::kIpv6ExtensionHeader:
    case wire::DropReason::kUnsupportedL4Protocol:
    case wire::DropReason::kIcmpUnsupportedType:
      return true;
    default:
      return false;
  }
}

void Worker::pass_to_kernel(PortQueue& port, rte_mbuf* m) {
  ++counters_.exception_to_kernel;
  m->ol_flags = 0;
  send_frame(*port.exception, m, m->data_len);
}

// The exception path's way back: what the kernel sends leaves unchanged.
void Worker::forward_from_kernel(PortQueue& exception, rte_mbuf* m) {
  ++counters_.exception_from_kernel;
  m->ol_flags = 0;
  send_frame(*exception.uplink, m, m->data_len);
}

// RFC 826 "Packet Reception": merge the sender, then answer requests for us.
// Returns true when the packet is about an address that is not ours.
bool Worker::handle_arp(PortQueue& port, const wire::ParseResult& r,
                        std::span<const uint8_t> frame) {
  if (r.source_ip != wire::IpAddress::v4(0))
    neighbours_.learn(r.source_ip, r.arp_sender_mac, now_us_);
  bool ours = is_ours(port, r.destination_ip);
  if (r.arp_operation == wire::ArpOperation::kReply) {
    ++counters_.arp_replies_in;
    return !ours;
  }
  ++counters_.arp_requests_in;
  if (!ours) return true;
  wire::Checked<wire::ArpView> request = wire::ArpView::check(frame.subspan(r.l3_offset));
  rte_mbuf* out = request.ok() ? allocate_frame(port) : nullptr;
  if (!out) return false;
  size_t length = wire::build_arp_reply(mbuf_bytes(out), port.info->mac, r.destination_ip,
                                        request.view, vlan_tag(*port.info));
  send_frame(port, out, length);
  if (length) ++counters_.arp_replies_out;
  return false;
}

// RFC 792 / RFC 4443 4.2: the reply is the request with addresses swapped.
void Worker::reply_echo_in_place(PortQueue& port, const wire::ParseResult& r, rte_mbuf* m) {
  ++counters_.icmp_echo_in;
  uint8_t* frame = rte_pktmbuf_mtod(m, uint8_t*);
  r.source_mac.store(frame);        // destination MAC
  port.info->mac.store(frame + 6);  // source MAC
  uint8_t* l3 = frame + r.l3_offset;
  if (r.kind == wire::PacketKind::kIcmpv4Echo) {
    // Swapping the addresses leaves the IPv4 header checksum unchanged.
    std::memcpy(l3 + 12, r.destination_ip.v4_bytes(), 4);
    std::memcpy(l3 + 16, r.source_ip.v4_bytes(), 4);
  } else {
    std::memcpy(l3 + 8, r.destination_ip.v6_bytes(), 16);
    std::memcpy(l3 + 24, r.source_ip.v6_bytes(), 16);
    l3[7] = 64;  // hop limit
  }
  uint8_t* message = frame + r.l4_offset;
  wire::turn_echo_request_into_reply(std::span(message, r.payload.size()));
  m->ol_flags = 0;
  send_frame(port, m, m->data_len);
}

// RFC 4861 7.2.3/7.2.4: learn the solicitor, advertise our address.
// Returns true when the target is not ours.
bool Worker::handle_solicitation(PortQueue& port, const wire::ParseResult& r) {
  ++counters_.nd_solicitations_in;
  bool from_unspecified = wire::is_ipv6_unspecified(r.source_ip);
  if (r.has_link_layer_address && !from_unspecified)
    neighbours_.learn(r.source_ip, r.link_layer_address, now_us_);
  if (!is_ours(port, r.neighbour_target)) return true;
  rte_mbuf* out = allocate_frame(port);
  if (!out) return false;
  // A DAD probe (unspecified source) is answered to all-nodes, unsolicited (7.2.4).
  wire::IpAddress destination = from_unspecified ? all_nodes() : r.source_ip;
  wire::EthernetHeaderSpec eth;
  eth.source = port.info->mac;
  eth.destination = from_unspecified           ? wire::ipv6_multicast_mac(destination)
                    : r.has_link_layer_address ? r.link_layer_address
                                               : r.source_mac;
  eth.ethertype = wire::ethertype::kIpv6;
  eth.has_vlan = port.info->vlan_id != 0;
  eth.vlan_id = port.info->vlan_id;
  std::span<uint8_t> bytes = mbuf_bytes(out);
  size_t l2 = wire::build_ethernet_header(bytes, eth);
  uint8_t flags =
      wire::neighbour_flag::kOverride | (from_unspecified ? 0 : wire::neighbour_flag::kSolicited);
  size_t l4 = wire::build_neighbour_advertisement(bytes.subspan(l2 + wire::kIpv6HeaderSize),
                                                  r.neighbour_target, destination,
                                                  r.neighbour_target, port.info->mac, flags);
  wire::Ipv6HeaderSpec ip{r.neighbour_target, destination, wire::ip_protocol::kIcmpv6,
                          static_cast<uint16_t>(l4), wire::kNeighbourDiscoveryHopLimit};
  size_t l3 = wire::build_ipv6_header(bytes.subspan(l2), ip);
  send_frame(port, out, l2 && l3 && l4 ? l2 + l3 + l4 : 0);
  if (l4) ++counters_.nd_advertisements_out;
  return false;
}

// Returns true when a reply took the received frame `m` (it then leaves
// with the reply); false when the caller still owns it.
bool Worker::handle_tcp(PortQueue& port, const wire::ParseResult& r, uint32_t flow_hash,
                        rte_mbuf* m) {
  ++counters_.tcp_segments_in;
  neighbours_.learn(r.source_ip, r.source_mac, now_us_);
  tcp::Segment seg;
  seg.key.remote_address = r.source_ip;
  seg.key.local_address = r.destination_ip;
  seg.key.remote_port = r.source_port;
  seg.key.local_port = r.destination_port;
  seg.hash = flow_hash;
  seg.seq = tcp::SeqNum(r.sequence_number);
  seg.ack = tcp::SeqNum(r.acknowledgment_number);
  seg.flags = r.tcp_flags;
  seg.window = r.window;
  seg.urgent_pointer = r.urgent_pointer;
  seg.options = r.options;
  seg.payload = r.payload;
  // Field by field: the aggregate form went through a stack temporary whose
  // 16-byte reload missed store forwarding (perf: ~3 % of the worker's time).
  reply_.key = &seg.key;
  reply_.port = &port;
  reply_.mac = r.source_mac;
  // A segment without data is not read again once the engine has its fields
  // (a payload is, by the application, until input returns), so its frame
  // may carry the first reply: one mbuf allocation and one free fewer for
  // the SYN-ACK and for the ACK of a FIN.
  rte_mbuf* const offered = r.payload.empty() && reusable(m) ? m : nullptr;
  reply_.frame = offered;
  engine_->input(seg, now_us_);
  reply_.key = nullptr;
  const bool taken = offered != nullptr && reply_.frame == nullptr;
  reply_.frame = nullptr;
  return taken;
}

// ---- control channel ----

void Worker::serve_commands() {
  while (WorkerCommand* c = channel_.next_command()) {
    switch (c->kind) {
      case WorkerCommand::Kind::kSnapshot:
        take_snapshot(*c);
        break;
      case WorkerCommand::Kind::kListen:
        c->ok = listen(c->address, c->port, c->app);
        break;
      case WorkerCommand::Kind::kUnlisten:
        c->ok = engine_->unlisten(c->port);
        break;
      case WorkerCommand::Kind::kSetHttp:
        apps_.set_http(c->http);
        break;
    }
    channel_.reply(c);
  }
}

void Worker::take_snapshot(WorkerCommand& command) const {
  command.engine = engine_->counters();
  command.occupancy = engine_->occupancy();
  command.dataplane = counters_;
  command.connections.clear();  // capacity was reserved by the control thread
  uint32_t live = command.occupancy.connections;
  for (tcp::ConnRef c = 0; c < engine_->config().max_connections && live > 0; ++c) {
    if (command.connections.size() >= command.max_connections) break;
    const tcp::Tcb& tcb = engine_->tcb(c);
    if (tcb.state == tcp::TcpState::kClosed) continue;
    --live;
    command.connections.push_back(
        {tcb.key, tcb.state, tcb.app_id, tcb.srtt_us, tcb.cwnd, tcb.snd_wnd});
  }
}

// ---- engine Host ----

void Worker::emit(const tcp::OutSegment& s) {
  // A reply to the segment being handled leaves by the port that segment
  // came in on, to the MAC it came from: the neighbour entry handle_tcp has
  // just learned, so resolve() would find the same (bench/RESULTS.md: two
  // lookups per frame saved).
  if (reply_.key != nullptr && *s.key == *reply_.key)
    return emit_to(*reply_.port, s, reply_.mac, std::exchange(reply_.frame, nullptr));
  PortQueue* port = port_owning(s.key->local_address);
  if (!port) {
    ++counters_.tx_no_route;
    return;
  }
  emit_on(*port, s);
}

void Worker::emit_via(const wire::IpAddress& port_address, const tcp::OutSegment& s) {
  PortQueue* port = port_owning(port_address);
  if (!port) {
    ++counters_.tx_no_route;
    return;
  }
  emit_on(*port, s);
}

void Worker::emit_on(PortQueue& port, const tcp::OutSegment& s) {
  const wire::MacAddress* mac = resolve(port, s.key->remote_address);
  if (!mac) return;
  emit_to(port, s, *mac, nullptr);
}

// Builds the segment in `m` (a received frame handed over by the reply path)
// or, when it is null, in a newly allocated one.
void Worker::emit_to(PortQueue& port, const tcp::OutSegment& s, const wire::MacAddress& mac,
                     rte_mbuf* m) {
  m = m ? recycle_frame(m) : allocate_frame(port);
  if (!m) return;
  wire::TcpFrameSpec spec;
  spec.source_mac = port.info->mac;
  spec.destination_mac = mac;
  spec.vlan_id = vlan_tag(*port.info);
  spec.source_ip = s.key->local_address;
  spec.destination_ip = s.key->remote_address;
  spec.source_port = s.key->local_port;
  spec.destination_port = s.key->remote_port;
  spec.sequence_number = s.seq.raw();
  spec.acknowledgment_number = s.ack.raw();
  spec.flags = s.flags;
  spec.window = s.window;
  spec.options = &s.options;
  spec.payload = s.payload;
  spec.checksum_mode =
      port.info->tx_checksum_offload ? wire::ChecksumMode::kOffload : wire::ChecksumMode::kSoftware;
  size_t length = wire::build_tcp_frame(mbuf_bytes(m), spec);
  if (length && port.info->tx_checksum_offload) {
    wire::TcpFrameLayout layout = wire::tcp_frame_layout(spec);
    m->l2_len = layout.l2_length;
    m->l3_len = layout.l3_length;
    m->l4_len = layout.l4_header_length;
    m->ol_flags =
        RTE_MBUF_F_TX_TCP_CKSUM |
        (spec.source_ip.is_v4() ? RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM : RTE_MBUF_F_TX_IPV6);
  }
  send_frame(port, m, length);
}

void Worker::on_accept(tcp::ConnRef c, uint16_t app_id) {
  if (app_id == kClientAppId) {
    client_->on_connected(c);
    return;
  }
  Stream stream(*this, c);
  apps_.on_accept(app_id, stream);
}

void Worker::on_connected(tcp::ConnRef c, uint16_t app_id) {
  on_accept(c, app_id);
}

size_t Worker::on_data(tcp::ConnRef c, std::span<const uint8_t> data) {
  uint16_t app_id = engine_->tcb(c).app_id;
  if (app_id == kClientAppId) return client_->on_data(c, data);
  Stream stream(*this, c);
  return apps_.on_data(app_id, stream, data);
}

void Worker::on_send_space(tcp::ConnRef c) {
  uint16_t app_id = engine_->tcb(c).app_id;
  if (app_id == kClientAppId) return client_->on_send_space(c);
  Stream stream(*this, c);
  apps_.on_send_space(app_id, stream);
}

void Worker::on_peer_fin(tcp::ConnRef c) {
  uint16_t app_id = engine_->tcb(c).app_id;
  if (app_id == kClientAppId) return client_->on_peer_fin(c);
  Stream stream(*this, c);
  apps_.on_peer_fin(app_id, stream);
}

void Worker::on_closed(tcp::ConnRef c, tcp::CloseReason reason) {
  const tcp::Tcb& tcb = engine_->tcb(c);
  if (tcb.app_id == kClientAppId) return client_->on_closed(c, reason);
  apps_.on_close(tcb.app_id, c, tcb.app_context, public_reason(reason));
}

// ---- addressing ----

bool Worker::is_ours(const PortQueue& port, const wire::IpAddress& ip) const {
  for (const control::InterfaceAddress& a : port.info->addresses)
    if (a.address == ip) return true;
  return false;
}

Worker::PortQueue* Worker::port_owning(const wire::IpAddress& local) {
  for (PortQueue& port : ports_)
    if (!port.uplink && is_ours(port, local)) return &port;
  return nullptr;
}

// The destination's own entry (learned from its packets, even off-link,
// where it holds the gateway's MAC) while fresh; else the next hop's. A
// stale MAC is still used while its re-resolution is on the way (RFC 4861
// 7.3.3); an unknown or expired one loses the segment until the answer.
const wire::MacAddress* Worker::resolve(PortQueue& port, const wire::IpAddress& destination) {
  NeighbourCache::Lookup direct = neighbours_.find(destination, now_us_);
  if (direct.mac && !direct.stale) return direct.mac;
  const wire::IpAddress* next_hop = nullptr;
  for (const control::InterfaceAddress& a : port.info->addresses)
    if (a.on_link(destination)) next_hop = &destination;
  for (const wire::IpAddress& gw : port.info->gateways)
    if (!next_hop && gw.is_v4() == destination.is_v4()) next_hop = &gw;
  if (!next_hop) {
    ++counters_.tx_no_route;
    return nullptr;
  }
  NeighbourCache::Lookup hop =
      next_hop == &destination ? direct : neighbours_.find(*next_hop, now_us_);
  if (hop.mac && !hop.stale) return hop.mac;
  if (neighbours_.should_request(*next_hop, now_us_, kNeighbourRequestIntervalUs))
    request_neighbour(port, *next_hop);
  if (hop.mac) return hop.mac;
  if (direct.mac) return direct.mac;
  ++counters_.tx_no_neighbour;  // the segment is lost; TCP retransmits once the MAC is known
  return nullptr;
}

// RFC 826 request, or RFC 4861 7.2.2 solicitation to the solicited-node group.
void Worker::request_neighbour(PortQueue& port, const wire::IpAddress& next_hop) {
  const wire::IpAddress* source = nullptr;
  for (const control::InterfaceAddress& a : port.info->addresses)
    if (!source && a.on_link(next_hop)) source = &a.address;
  for (const control::InterfaceAddress& a : port.info->addresses)
    if (!source && a.address.is_v4() == next_hop.is_v4()) source = &a.address;
  rte_mbuf* m = source ? allocate_frame(port) : nullptr;
  if (!m) return;
  std::span<uint8_t> bytes = mbuf_bytes(m);
  if (next_hop.is_v4()) {
    size_t length =
        wire::build_arp_request(bytes, port.info->mac, *source, next_hop, vlan_tag(*port.info));
    send_frame(port, m, length);
    if (length) ++counters_.arp_requests_out;
    return;
  }
  wire::IpAddress group = wire::solicited_node_multicast(next_hop);
  wire::EthernetHeaderSpec eth;
  eth.source = port.info->mac;
  eth.destination = wire::ipv6_multicast_mac(group);
  eth.ethertype = wire::ethertype::kIpv6;
  eth.has_vlan = port.info->vlan_id != 0;
  eth.vlan_id = port.info->vlan_id;
  size_t l2 = wire::build_ethernet_header(bytes, eth);
  size_t l4 = wire::build_neighbour_solicitation(bytes.subspan(l2 + wire::kIpv6HeaderSize), *source,
                                                 group, next_hop, port.info->mac);
  wire::Ipv6HeaderSpec ip{*source, group, wire::ip_protocol::kIcmpv6, static_cast<uint16_t>(l4),
                          wire::kNeighbourDiscoveryHopLimit};
  size_t l3 = wire::build_ipv6_header(bytes.subspan(l2), ip);
  send_frame(port, m, l2 && l3 && l4 ? l2 + l3 + l4 : 0);
  if (l4) ++counters_.nd_solicitations_out;
}

// ---- TX ----

// Over a link whose far end is another lcore (net_ring), from the stash,
// whose headers were prefetched a bulk ago (mbuf_stash.hpp). Elsewhere the
// pool's most recently freed mbuf, which this CPU has just written, is the
// warmest there is: over memif a stash cost ~3 % (bench/RESULTS.md).
rte_mbuf* Worker::allocate_frame(PortQueue& port) {
  rte_mbuf* m = port.stash ? port.stash->take() : nullptr;
  if (m) {
    rte_pktmbuf_reset(m);
  } else {
    m = rte_pktmbuf_alloc(port.info->pool);
  }
  if (!m) {
    ++counters_.tx_no_mbuf;
    return nullptr;
  }
  // Expose the whole data room; send_frame trims to the frame length.
  m->data_len = static_cast<uint16_t>(rte_pktmbuf_tailroom(m));
  return m;
}

// A received mbuf that a reply may be built in: the worker is its only
// holder and its data is in its own buffer, in one segment.
bool Worker::reusable(const rte_mbuf* m) {
  return m->nb_segs == 1 && RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1;
}

// A received mbuf made like a newly allocated one: RX offload flags, lengths
// and offsets cleared, the whole data room exposed as in allocate_frame.
rte_mbuf* Worker::recycle_frame(rte_mbuf* m) {
  ++counters_.tx_reused_rx_frames;
  rte_pktmbuf_reset(m);
  m->data_len = static_cast<uint16_t>(rte_pktmbuf_tailroom(m));
  return m;
}

void Worker::send_frame(PortQueue& port, rte_mbuf* m, size_t length) {
  if (length == 0) {
    ++counters_.tx_build_failed;
    rte_pktmbuf_free(m);
    return;
  }
  m->data_len = static_cast<uint16_t>(length);
  m->pkt_len = static_cast<uint32_t>(length);
  if (port.tx_count == port.tx.size()) {
    flush(port);
    // The ring took nothing from a whole burst: it is not draining, and
    // what waits for it is dropped rather than this frame refused.
    if (port.tx_count == port.tx.size()) drop_unsent(port);
  }
  port.tx[port.tx_count++] = m;
}

// Frames the TX ring refuses stay at the head of the buffer, in order, and
// go first in the next flush: a ring full for a moment (a tap whose kernel
// side is busy) then delays them by a poll instead of losing them to a
// retransmission timeout. They are dropped when the ring has taken none of
// them for dataplane.tx_hold_us (a PMD that refuses one frame for good, as
// net_tap does a frame longer than its MTU, must not hold up the frames
// behind it), when a full buffer cannot move at all (send_frame), or when
// the worker stops.
void Worker::flush(PortQueue& port) {
  if (port.tx_count == 0) return;
  uint64_t bytes = 0;  // summed first: the PMD may free sent mbufs at once
  for (size_t i = 0; i < port.tx_count; ++i) bytes += port.tx[i]->pkt_len;
  uint16_t sent = rte_eth_tx_burst(port.info->port_id, queue_, port.tx.data(),
                                   static_cast<uint16_t>(port.tx_count));
  const size_t unsent = port.tx_count - sent;
  for (size_t i = 0; i < unsent; ++i) {
    bytes -= port.tx[sent + i]->pkt_len;
    port.tx[i] = port.tx[sent + i];
  }
  counters_.tx_packets += sent;
  counters_.tx_bytes += bytes;
  if (unsent == 0) [[likely]] {
    port.tx_count = port.tx_waiting = 0;
    return;
  }
  if (sent > 0 || port.tx_waiting == 0) port.tx_progress_us = now_us_;
  if (now_us_ - port.tx_progress_us >= settings_.tx_hold_us) {
    port.tx_count = unsent;
    drop_unsent(port);
    return;
  }
  // Each frame counts once: the ones refused before are at the head.
  counters_.tx_deferred += std::min(unsent, port.tx_count - port.tx_waiting);
  port.tx_count = port.tx_waiting = unsent;
}

void Worker::drop_unsent(PortQueue& port) {
  counters_.tx_ring_full += port.tx_count;
  for (size_t i = 0; i < port.tx_count; ++i) rte_pktmbuf_free(port.tx[i]);
  port.tx_count = 0;
  port.tx_waiting = 0;
}

}  // namespace tcpterm::dataplane
