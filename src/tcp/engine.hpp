// Engine: one lcore's TCP endpoint, sans-IO (STYLE 2). It owns the TCBs, the
// compact TIME-WAIT records and their expiry queue, the connection table, the
// timer wheel and the buffer pool, all preallocated from EngineConfig. Frames
// never reach it: the caller hands in parsed Segments with the current time
// and the engine answers through its Host, a template parameter so nothing is
// a virtual call per packet.
//
// Host requirements (all called on the engine's lcore, never re-entrantly for
// the same connection except where noted):
//   void emit(const OutSegment& s);                       transmit a segment
//   void on_accept(ConnRef c, uint16_t app_id);           passive open reached ESTABLISHED
//   void on_connected(ConnRef c, uint16_t app_id);        active open reached ESTABLISHED
//   size_t on_data(ConnRef c, std::span<const uint8_t>);  in-order bytes; return how many the
//                                                         app consumed, the rest stays buffered
//                                                         and is offered again later
//   void on_send_space(ConnRef c);                        send buffer has room again
//   void on_peer_fin(ConnRef c);                          peer finished sending (FIN received)
//   void on_closed(ConnRef c, CloseReason r);             the connection is gone; c is invalid
// Inside any callback the application may call send/shutdown_write/close/abort
// on that connection; their segments leave when the callback returns, so a
// response and its FIN share one segment.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "table/flow_hash.hpp"
#include "table/flow_key.hpp"
#include "table/flow_table.hpp"
#include "table/object_pool.hpp"
#include "tcp/buffer_pool.hpp"
#include "tcp/conn_ref.hpp"
#include "tcp/engine_config.hpp"
#include "tcp/engine_counters.hpp"
#include "tcp/segment.hpp"
#include "tcp/seq.hpp"
#include "tcp/tcb.hpp"
#include "tcp/tcp_state.hpp"
#include "tcp/time_wait_queue.hpp"
#include "timer/tick_divider.hpp"
#include "timer/timer_wheel.hpp"
#include "wire/ip_address.hpp"

namespace tcpterm::tcp {

template <class Host>
class Engine {
 public:
  Engine(const EngineConfig& config, Host& host, uint64_t now_us);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // ---- dataplane side ----

  /// Processes one received segment (RFC 9293 3.10.7). `now_us` must not go backwards.
  void input(const Segment& segment, uint64_t now_us);
  /// Runs due timers. Cheap when nothing is due; call once per poll iteration.
  void advance(uint64_t now_us);

  // ---- listeners ----

  /// Passive open on local_address:port (an unspecified address, i.e. all
  /// zero bytes, matches any local address). One listener per port. False if
  /// the port is taken or max_listeners is reached.
  bool listen(const wire::IpAddress& local_address, uint16_t port, uint16_t app_id);
  /// Stops accepting on the port; existing connections are unaffected.
  bool unlisten(uint16_t port);

  /// Burst processing: starts loading the flow-table bucket that input() of
  /// a segment with this hash reads first. Call it for a whole RX burst, then
  /// input() each segment: the cache misses overlap instead of queueing.
  void prefetch(uint32_t hash) const { table_.prefetch(hash); }
  /// Burst processing, second stage: once prefetch(hash) has brought the
  /// bucket in, starts loading the TCB or TIME-WAIT record input() will read
  /// for this flow (its key first), so that miss overlaps too.
  void prefetch_connection(uint32_t hash) const;

  // ---- active open ----

  /// Sends a SYN for `key` (local/remote filled by the caller). Returns the
  /// connection, or kNoConn when the tuple is in use or no TCB is free.
  ConnRef connect(const table::FlowKey& key, uint16_t app_id, uint64_t now_us);

  // ---- per-connection calls (valid while the ConnRef is) ----

  /// Queues bytes for sending; returns how many fit in the send buffer.
  size_t send(ConnRef c, std::span<const uint8_t> data);
  /// Bytes send() would accept now.
  size_t send_space(ConnRef c) const;
  /// Half close: FIN after the queued data; the app still receives on_data.
  void shutdown_write(ConnRef c);
  /// Full close: FIN after the queued data, and the app is done reading.
  /// Unread or later-arriving data makes the engine reset the connection
  /// (RFC 1122 4.2.2.13). on_closed still follows.
  void close(ConnRef c);
  /// Sends RST and frees the connection now; on_closed(kAborted) follows at once.
  void abort(ConnRef c);

  TcpState state(ConnRef c) const { return tcbs_[c].state; }
  const table::FlowKey& key(ConnRef c) const { return tcbs_[c].key; }
  /// One word the application may use for its per-connection state.
  uint64_t& app_context(ConnRef c) { return tcbs_[c].app_context; }
  /// The receive-side and send-side variables, for tests and telemetry.
  const Tcb& tcb(ConnRef c) const { return tcbs_[c]; }

  const EngineCounters& counters() const { return counters_; }
  EngineOccupancy occupancy() const;
  const EngineConfig& config() const { return config_; }
  /// Bytes preallocated for tables, TCBs, timers and buffers.
  size_t memory_bytes() const;

 private:
  friend struct EngineTestAccess;
  struct Listener {
    wire::IpAddress address;
    uint16_t port = 0;
    uint16_t app_id = 0;
    bool active = false;
  };

  static constexpr uint16_t kMinSendMss = 64;  // floor against tiny-MSS resource attacks
  static constexpr uint32_t kPawsIdleLimitMs = 24u * 24 * 3600 * 1000;  // RFC 7323 5.5

  // engine_listen.hpp
  const Listener* find_listener(const table::FlowKey& key) const;
  void input_listen(const Segment& seg, const Listener& listener);
  void input_no_connection(const Segment& seg);
  void send_rst_for(const Segment& seg);
  ConnRef create_passive(const Segment& seg, const Listener& listener);
  void negotiate_syn_options(Tcb& tcb, const Segment& seg);
  bool should_use_cookies() const;
  void send_cookie_syn_ack(const Segment& seg);
  bool accept_cookie(const Segment& seg, const Listener& listener);
  // engine_input.hpp
  void input_syn_sent(Tcb& tcb, const Segment& seg);
  void input_synchronized(Tcb& tcb, const Segment& in);
  static bool segment_acceptable(SeqNum rcv_nxt, uint32_t rcv_wnd, const Segment& seg);
  bool check_paws(Tcb& tcb, const Segment& seg);
  void establish_passive(Tcb& tcb, const Segment& seg);
  bool process_ack(Tcb& tcb, const Segment& seg);
  void process_data(Tcb& tcb, std::span<const uint8_t> payload, SeqNum seq, bool fin);
  void deliver_buffered(Tcb& tcb);
  void process_fin(Tcb& tcb);
  void reset_unread(Tcb& tcb);
  // engine_time_wait.hpp
  void enter_time_wait(Tcb& tcb);
  Tcb time_wait_view(const TimeWait& tw, uint32_t hash) const;
  /// The flow-table index of TIME-WAIT record `tw_index`, and back: indices
  /// from max_connections up are records, those below are TCBs.
  uint32_t time_wait_id(uint32_t tw_index) const { return config_.max_connections + tw_index; }
  bool is_time_wait_id(uint32_t id) const { return id >= config_.max_connections; }
  uint32_t time_wait_index(uint32_t id) const { return id - config_.max_connections; }
  void input_time_wait(uint32_t tw_index, const Segment& seg);
  void free_time_wait(uint32_t tw_index, uint32_t hash);
  void release_time_wait(uint32_t tw_index);
  void restart_2msl(uint32_t tw_index);
  uint64_t time_wait_expiry_ms() const;
  void expire_time_waits();
  // engine_output.hpp
  uint32_t effective_mss(const Tcb& tcb) const;
  uint32_t sack_blocks_due(const Tcb& tcb) const;
  uint32_t payload_limit(const Tcb& tcb) const;
  uint32_t receive_window(const Tcb& tcb) const;
  uint16_t advertised_window(Tcb& tcb, bool syn);
  void fill_options(const Tcb& tcb, wire::TcpOptions& options, bool syn);
  void send_segment(Tcb& tcb, SeqNum seq, uint8_t seg_flags, uint32_t offset, uint32_t length);
  void send_ack(Tcb& tcb);
  void send_challenge_ack(Tcb& tcb);
  void send_rst(const table::FlowKey& key, uint32_t hash, SeqNum seq, SeqNum ack, uint8_t rst_flags);
  void output(Tcb& tcb);
  void retransmit_first(Tcb& tcb);
  // engine_timers.hpp
  uint64_t ticks_ceil(uint64_t us) const;
  /// The Tcb deadline (32-bit tick) `delay_us` from now; at most kMaxDeadlineTicks ahead.
  uint32_t deadline_in(uint64_t delay_us) const;
  /// True when a Tcb deadline is set and its tick has come.
  bool due(uint32_t deadline) const;
  static constexpr uint64_t kMaxDeadlineTicks = uint64_t{1} << 30;
  void arm_timer(Tcb& tcb);
  void on_timer(uint32_t id);
  void on_retransmit_timeout(Tcb& tcb);
  void on_idle_timeout(Tcb& tcb);
  void schedule_idle(Tcb& tcb);
  // engine_api.hpp
  void request_output(Tcb& tcb);
  // engine_lifecycle.hpp
  static EngineConfig checked(EngineConfig config);
  ConnRef allocate_tcb(const table::FlowKey& key, uint32_t hash);
  void free_tcb(Tcb& tcb, std::optional<CloseReason> reason, bool erase_entry = true);
  void finish_callbacks(Tcb& tcb);
  ConnRef index_of(const Tcb& tcb) const { return static_cast<ConnRef>(&tcb - &tcbs_[0]); }
  /// Moves the clock forward (never back) and derives the wheel tick and the
  /// millisecond clock once, not at every use (a burst shares one time).
  void set_now(uint64_t now_us);
  uint32_t now_ms() const { return now_ms_; }
  uint32_t lookup(const table::FlowKey& key, uint32_t hash) const;
  bool challenge_ack_allowed();

  EngineConfig config_;
  Host& host_;
  uint64_t now_us_;
  timer::TickDivider tick_divider_;  // microseconds -> timer ticks without a div
  uint64_t now_tick_;                // floor(now_us_ / tick)
  uint32_t now_ms_;                  // now_us_ / 1000 modulo 2^32 (timestamps, RTT, PAWS)
  Tcb fresh_tcb_;  // what allocate_tcb copies: one block copy, config defaults set
  EngineCounters counters_;
  table::ObjectPool<Tcb> tcbs_;
  table::ObjectPool<TimeWait> time_waits_;
  TimeWaitQueue time_wait_queue_;  // the records in 2*MSL expiry order
  table::FlowTable table_;
  timer::TimerWheel timers_;  // TCBs only: TIME-WAIT records expire from time_wait_queue_
  BufferPool buffers_;
  std::vector<Listener> listeners_;
  std::unique_ptr<uint8_t[]> listener_by_port_;  // port -> listener index + 1 (0 = none)
  uint32_t syn_received_count_ = 0;
  uint64_t challenge_window_start_us_ = 0;
  uint32_t challenge_acks_in_window_ = 0;
  uint32_t callback_depth_ = 0;
  ConnRef current_conn_ = kNoConn;          // the TCB input()/timers are working on
  std::optional<SeqNum> next_isn_;         // ISN for an RFC 6191 TIME-WAIT reuse
  std::optional<uint32_t> reopened_time_wait_;  // whose table slot the reusing TCB takes
};

}  // namespace tcpterm::tcp

#include "tcp/engine_impl.hpp"
