// FastHttpLoad: tcpterm-loadgen's --fast client, sans-IO and without a TCP
// engine. It exists to measure a server's ceiling: HttpLoad's full engine
// per connection costs the loadgen as much as the server. Each connection is
// a fixed exchange against a server that closes first (Connection: close):
//
//   us   SYN (MSS only)                       ->
//        <-                                   SYN-ACK (ack = ISN + 1)
//   us   ACK|PSH + request                    ->
//        <-                                   response in ONE segment (+ FIN)
//   us   FIN|ACK (ack = FIN + 1)              ->
//        <-                                   ACK of our FIN: done
//
// A FIN in a later segment is answered when it comes (the response is ACKed
// first). Per tuple it keeps only a 28-byte Slot in a flat array indexed by
// (source address index, source port): no hash, no heap after construction.
// Deliberate limits, for lossless benchmark links (memif, net_ring) only:
// - no retransmission: a lost segment leaves the connection to the timeout,
//   which reclaims the slot, sends an RST so the server frees its side and
//   counts `timed_out`;
// - the response must arrive in one segment (else `response_split`), with
//   Content-Length equal to the body bytes present;
// - no timestamps, SACK or window scale; a fixed 65535-byte window.
// ISNs follow a clock like RFC 6528's M (1 per microsecond, from a wall-clock
// base per run, so later runs start higher) and always exceed the tuple's
// previous connection's final sequence: without timestamps, a server holding
// that tuple in TIME-WAIT reopens it only for a SYN above its RCV.NXT
// (RFC 1122 4.2.2.13, RFC 6191 2), as tcpterm's input_time_wait does.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "loadgen/http_load.hpp"
#include "loadgen/open_pacer.hpp"
#include "loadgen/tuple_walk.hpp"
#include "table/flow_key.hpp"
#include "tcp/segment.hpp"
#include "tcp/seq.hpp"
#include "wire/packet_parser.hpp"
#include "wire/tcp_header.hpp"

namespace tcpterm::loadgen {

struct FastLoadSettings {
  LoadSettings load;                 // server, sources, ports, rate, concurrency, bound, request
  uint32_t timeout_us = 1'000'000;   // a connection not done by then is reset and counted
  uint32_t isn_base = 0;             // ISN at the first tick (main: wall-clock microseconds)
  uint32_t max_opens_per_tick = 64;  // SYNs per tick at most: a start must not overrun TX
  uint16_t mss = 1460;               // our SYN's MSS option
};

template <class Host>
class FastHttpLoad {
 public:
  FastHttpLoad(Host& host, const FastLoadSettings& settings)
      : host_(host),
        settings_(settings),
        port_span_(static_cast<uint32_t>(settings.load.last_port - settings.load.first_port) + 1),
        request_length_(static_cast<uint32_t>(settings.load.request.size())),
        slots_(static_cast<size_t>(port_span_) * settings.load.source_count),
        pacer_(settings.load.rate_per_second, settings.load.max_concurrency),
        walk_(settings.load.source_count, settings.load.first_port, settings.load.last_port,
              settings.load.start_offset) {}

  /// Reclaims timed-out connections, then opens as many as the rate, the
  /// concurrency cap and the free tuples allow.
  void tick(uint64_t now_us) {
    expire(now_us);
    uint64_t budget =
        std::min<uint64_t>(pacer_.budget(now_us, active_), settings_.max_opens_per_tick);
    for (uint64_t i = 0; i < budget && !done_opening(); ++i) {
      if (!open_one(now_us)) break;  // every probed tuple busy: try again next tick
      pacer_.opened();
    }
  }

  /// Resets and counts connections older than the timeout (oldest first).
  void expire(uint64_t now_us) {
    uint32_t now = static_cast<uint32_t>(now_us);
    while (oldest_ != kNone && now - slots_[oldest_].start_us >= settings_.timeout_us) {
      uint32_t index = oldest_;
      table::FlowKey key = key_of(index / port_span_, index % port_span_);
      fail(index, key, &LoadCounters::timed_out);
    }
  }

  /// Takes every frame from the server's port to one of our tuples; false
  /// for anything else (the worker's own handling).
  bool on_frame(const wire::ParseResult& r) {
    const LoadSettings& load = settings_.load;
    if (r.source_port != load.server_port || r.source_ip != load.server_address) return false;
    if (!r.destination_ip.is_v4()) return false;
    uint32_t source_index = r.destination_ip.v4_host_order() - load.first_source.v4_host_order();
    uint32_t port_offset = static_cast<uint32_t>(r.destination_port - load.first_port);
    if (source_index >= load.source_count || port_offset >= port_span_) return false;
    uint32_t index = source_index * port_span_ + port_offset;
    table::FlowKey key;
    key.local_address = r.destination_ip;
    key.local_port = r.destination_port;
    key.remote_address = r.source_ip;
    key.remote_port = r.source_port;
    input(index, key, r);
    return true;
  }

  bool done_opening() const {
    return stopping_ || (settings_.load.total_connections != 0 &&
                         counters_.connections_opened >= settings_.load.total_connections);
  }
  bool finished() const { return done_opening() && active_ == 0; }
  void stop() { stopping_ = true; }
  uint32_t active() const { return active_; }
  const LoadCounters& counters() const { return counters_; }
  const LatencyHistogram& latency() const { return latency_; }
  /// The time on_frame's latencies see; the driver sets it per poll.
  void set_now(uint64_t now_us) { now_us_ = now_us; }

 private:
  enum class State : uint8_t {
    kFree,
    kSynSent,      // SYN out, waiting for the SYN-ACK
    kRequestSent,  // request out, waiting for the response
    kAwaitingFin,  // response taken and ACKed, waiting for the server's FIN
    kFinSent,      // our FIN|ACK out (LAST-ACK), waiting for its ACK
  };
  static constexpr uint32_t kNone = UINT32_MAX;

  struct Slot {
    uint32_t isn = 0;         // of the connection in flight, or of the tuple's last one
    uint32_t rcv_nxt = 0;     // next sequence number expected from the server
    uint32_t start_us = 0;    // SYN sent (low 32 bits of the clock)
    uint32_t latency_us = 0;  // SYN to response, kept until the close completes
    uint32_t older = kNone;   // busy list, oldest first: timeouts are found at its head
    uint32_t newer = kNone;
    State state = State::kFree;
    bool used = false;  // isn is a previous connection's on this tuple
  };
  static_assert(sizeof(Slot) == 28, "one slot per tuple: 1.7 MiB for one address's 64 k ports");

  tcp::SeqNum isn_of(const Slot& s) const { return tcp::SeqNum(s.isn); }
  /// Our next sequence number in the slot's state (what an RST must carry).
  tcp::SeqNum snd_nxt(const Slot& s) const {
    switch (s.state) {
      case State::kSynSent:
        return isn_of(s) + 1;
      case State::kFinSent:
        return isn_of(s) + 1 + request_length_ + 1;
      default:
        return isn_of(s) + 1 + request_length_;
    }
  }

  table::FlowKey key_of(uint32_t source_index, uint32_t port_offset) const {
    table::FlowKey key;
    key.local_address =
        wire::IpAddress::v4(settings_.load.first_source.v4_host_order() + source_index);
    key.local_port = static_cast<uint16_t>(settings_.load.first_port + port_offset);
    key.remote_address = settings_.load.server_address;
    key.remote_port = settings_.load.server_port;
    return key;
  }

  void emit(const table::FlowKey& key, tcp::SeqNum seq, tcp::SeqNum ack, uint8_t flags,
            std::span<const uint8_t> payload = {}) {
    tcp::OutSegment s;
    s.key = &key;
    s.seq = seq;
    s.ack = ack;
    s.flags = flags;
    s.window = 65535;
    s.payload[0] = payload;
    if (flags & wire::tcp_flag::kSyn) {
      s.options.has_mss = true;
      s.options.mss = settings_.mss;
    }
    host_.emit_via(settings_.load.first_source, s);
  }

  bool open_one(uint64_t now_us) {
    // Walk the (source address, source port) space, skipping tuples still busy.
    for (int attempt = 0; attempt < 64; ++attempt) {
      uint32_t source_index = walk_.source_index(), port_offset = walk_.port_offset();
      uint32_t index = source_index * port_span_ + port_offset;
      walk_.advance();
      Slot& s = slots_[index];
      if (s.state != State::kFree) continue;
      // RFC 1122 4.2.2.13: above the previous incarnation's FIN + 1 (the
      // server's RCV.NXT if it holds the tuple in TIME-WAIT).
      tcp::SeqNum isn(static_cast<uint32_t>(now_us) + isn_offset(now_us));
      tcp::SeqNum previous_end = isn_of(s) + 1 + request_length_ + 1;
      if (s.used && !tcp::seq_gt(isn, previous_end)) isn = previous_end + 1;
      s.isn = isn.raw();
      s.start_us = static_cast<uint32_t>(now_us);
      s.state = State::kSynSent;
      link_newest(index);
      ++active_;
      ++counters_.connections_opened;
      emit(key_of(source_index, port_offset), isn, tcp::SeqNum(0), wire::tcp_flag::kSyn);
      return true;
    }
    return false;
  }
  uint32_t isn_offset(uint64_t now_us) {
    if (!isn_offset_set_) {
      isn_offset_ = settings_.isn_base - static_cast<uint32_t>(now_us);
      isn_offset_set_ = true;
    }
    return isn_offset_;
  }

  void input(uint32_t index, const table::FlowKey& key, const wire::ParseResult& r) {
    namespace flag = wire::tcp_flag;
    Slot& s = slots_[index];
    const tcp::SeqNum seq(r.sequence_number), ack(r.acknowledgment_number);
    const uint8_t flags = r.tcp_flags;
    if (s.state == State::kFree) {
      ++counters_.stray_segments;  // e.g. late, after a timeout reset the connection
      return;
    }
    if (flags & flag::kRst) {  // nothing is answered to an RST
      ++(s.state == State::kSynSent ? counters_.refused : counters_.reset);
      release(index);
      return;
    }
    if (!(flags & flag::kAck)) return fail(index, key, &LoadCounters::bad_segment);
    switch (s.state) {
      case State::kSynSent: {
        if ((flags & (flag::kSyn | flag::kFin)) != flag::kSyn || !r.payload.empty())
          return fail(index, key, &LoadCounters::bad_segment);
        if (ack != isn_of(s) + 1) {
          // RFC 9293 3.10.7.3: SYN-SENT, unacceptable ACK: <SEQ=SEG.ACK><CTL=RST>.
          emit(key, ack, tcp::SeqNum(0), flag::kRst);
          ++counters_.bad_ack;
          return release(index);
        }
        s.rcv_nxt = (seq + 1).raw();
        s.state = State::kRequestSent;
        const std::string& request = settings_.load.request;
        emit(key, isn_of(s) + 1, tcp::SeqNum(s.rcv_nxt), flag::kAck | flag::kPsh,
             std::span(reinterpret_cast<const uint8_t*>(request.data()), request.size()));
        return;
      }
      case State::kRequestSent:
      case State::kAwaitingFin: {
        if (flags & flag::kSyn) return fail(index, key, &LoadCounters::bad_segment);
        if (ack != isn_of(s) + 1 + request_length_) return fail(index, key, &LoadCounters::bad_ack);
        if (seq != tcp::SeqNum(s.rcv_nxt)) return fail(index, key, &LoadCounters::bad_segment);
        if (!r.payload.empty()) {
          if (s.state == State::kAwaitingFin)  // more after a whole response
            return fail(index, key, &LoadCounters::bad_response);
          if (uint64_t LoadCounters::*error = check_response(r.payload))
            return fail(index, key, error);
          s.latency_us = static_cast<uint32_t>(now_us_) - s.start_us;
          s.rcv_nxt += static_cast<uint32_t>(r.payload.size());
          s.state = State::kAwaitingFin;
        } else if (s.state == State::kRequestSent && (flags & flag::kFin)) {
          return fail(index, key, &LoadCounters::short_response);  // closed without a response
        }
        if (flags & flag::kFin) {  // the server closes first; we answer with ours
          s.rcv_nxt += 1;
          emit(key, isn_of(s) + 1 + request_length_, tcp::SeqNum(s.rcv_nxt),
               flag::kFin | flag::kAck);
          s.state = State::kFinSent;
        } else if (!r.payload.empty()) {
          emit(key, isn_of(s) + 1 + request_length_, tcp::SeqNum(s.rcv_nxt), flag::kAck);
        }  // else a bare ACK of the request: the response is still to come
        return;
      }
      case State::kFinSent:
        if ((flags & (flag::kSyn | flag::kFin)) || !r.payload.empty())
          return fail(index, key, &LoadCounters::bad_segment);
        if (ack != snd_nxt(s)) return fail(index, key, &LoadCounters::bad_ack);
        ++counters_.requests_ok;
        latency_.record(s.latency_us);
        return release(index);
      case State::kFree:
        return;
    }
  }

  /// The response must be whole in this one segment: "HTTP/1.x 200", a
  /// Content-Length, and exactly that many body bytes. Returns the error, or null.
  uint64_t LoadCounters::*check_response(std::span<const uint8_t> payload) {
    counters_.response_bytes += payload.size();
    std::string_view bytes(reinterpret_cast<const char*>(payload.data()), payload.size());
    ResponseHead head;
    if (!response_heads_.parse(bytes, head)) return &LoadCounters::response_split;
    if (head.status != 200) return &LoadCounters::bad_status;
    if (head.body_length < 0) return &LoadCounters::bad_response;
    uint64_t body = payload.size() - head.head_length;
    if (body < static_cast<uint64_t>(head.body_length)) return &LoadCounters::response_split;
    if (body > static_cast<uint64_t>(head.body_length)) return &LoadCounters::bad_response;
    return nullptr;
  }

  /// Counts the error, resets the server's side of the connection, frees the slot.
  void fail(uint32_t index, const table::FlowKey& key, uint64_t LoadCounters::*counter) {
    ++(counters_.*counter);
    emit(key, snd_nxt(slots_[index]), tcp::SeqNum(0), wire::tcp_flag::kRst);
    release(index);
  }

  void release(uint32_t index) {
    Slot& s = slots_[index];
    (s.older == kNone ? oldest_ : slots_[s.older].newer) = s.newer;
    (s.newer == kNone ? newest_ : slots_[s.newer].older) = s.older;
    s.older = s.newer = kNone;
    s.state = State::kFree;
    s.used = true;
    --active_;
  }
  void link_newest(uint32_t index) {
    Slot& s = slots_[index];
    s.older = newest_;
    s.newer = kNone;
    (newest_ == kNone ? oldest_ : slots_[newest_].newer) = index;
    newest_ = index;
  }

  Host& host_;
  FastLoadSettings settings_;
  uint32_t port_span_;
  uint32_t request_length_;
  std::vector<Slot> slots_;
  uint32_t oldest_ = kNone, newest_ = kNone;
  LoadCounters counters_;
  ResponseHeadMemo response_heads_;
  LatencyHistogram latency_;
  OpenPacer pacer_;
  TupleWalk walk_;
  uint32_t active_ = 0;
  uint32_t isn_offset_ = 0;
  bool isn_offset_set_ = false;
  uint64_t now_us_ = 0;
  bool stopping_ = false;
};

}  // namespace tcpterm::loadgen
