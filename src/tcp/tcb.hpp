// Tcb: the transmission control block of one live connection (RFC 9293 3.3.1),
// kept within 176 bytes (under three cache lines); buffers live apart in the BufferPool and are
// attached only while they hold bytes. TimeWait: the compact record a TCB
// shrinks to in TIME-WAIT (like Linux's inet_timewait_sock), one cache line.
#pragma once

#include <cstdint>

#include "table/flow_key.hpp"
#include "tcp/seq.hpp"
#include "tcp/tcp_state.hpp"

namespace tcpterm::tcp {

/// Per-connection flag bits (Tcb::flags).
namespace tcb_flags {
inline constexpr uint16_t kSackOk = 1 << 0;          // both sides offered SACK (RFC 2018)
inline constexpr uint16_t kTimestamps = 1 << 1;      // both sides offered timestamps (RFC 7323 3.2)
inline constexpr uint16_t kFinQueued = 1 << 2;       // app asked for FIN after queued data
inline constexpr uint16_t kFinSent = 1 << 3;         // FIN occupies snd_max - 1
inline constexpr uint16_t kAppClosed = 1 << 4;       // close(): app reads nothing more
inline constexpr uint16_t kAppAttached = 1 << 5;     // app saw on_accept/on_connected
inline constexpr uint16_t kAckNow = 1 << 6;          // an ACK must leave at the next output
inline constexpr uint16_t kPeerFin = 1 << 7;         // FIN received and acknowledged
inline constexpr uint16_t kInRecovery = 1 << 8;      // NewReno fast recovery (RFC 6582)
inline constexpr uint16_t kRttTiming = 1 << 9;       // timing rtt_seq (no timestamps, Karn)
inline constexpr uint16_t kWantSendSpace = 1 << 10;  // app was refused space: notify when free
inline constexpr uint16_t kPassive = 1 << 11;        // created by a listener
inline constexpr uint16_t kOutputPending = 1 << 12;  // output deferred until the callback returns
inline constexpr uint16_t kPersist = 1 << 13;        // rtx deadline is a zero-window probe
inline constexpr uint16_t kAbortPending = 1 << 14;   // abort() inside a callback: done after it
inline constexpr uint16_t kPeerFinNotified = 1 << 15;  // app saw on_peer_fin
}  // namespace tcb_flags

struct Tcb {
  table::FlowKey key;  // 36
  uint32_t hash = 0;   // 40
  TcpState state = TcpState::kClosed;
  uint8_t snd_wscale = 0;   // shift the peer applies to the windows it sends us
  uint8_t rcv_wscale = 0;   // shift we apply to the windows we send
  uint8_t retransmits = 0;  // consecutive timeouts (backoff exponent)
  uint16_t flags = 0;
  uint16_t app_id = 0;
  uint16_t snd_mss = 536;  // RFC 9293 3.7.1 default when no MSS option
  uint8_t dup_acks = 0;
  uint8_t keepalive_probes = 0;  // 56

  // Send sequence space (RFC 9293 3.3.1).
  SeqNum iss, snd_una, snd_nxt, snd_max;  // snd_max: highest sequence sent + 1
  SeqNum snd_wl1, snd_wl2;
  uint32_t snd_wnd = 0;      // scaled, in bytes
  uint32_t max_snd_wnd = 0;  // largest window seen (RFC 5961 5.2 MAX.SND.WND)
  // Receive sequence space.
  SeqNum irs, rcv_nxt;
  SeqNum rcv_adv;        // right edge of the window we advertised
  SeqNum last_ack_sent;  // RFC 7323 4.3 Last.ACK.sent  // 112

  // Timestamps (RFC 7323).
  uint32_t ts_recent = 0;
  uint32_t ts_recent_ms = 0;  // when ts_recent was taken (PAWS 24-day rule, 5.5)
  uint32_t ts_offset = 0;     // per-connection TSval offset (RFC 7323 5.4)
  // Congestion control: NewReno (RFC 5681, RFC 6582).
  uint32_t cwnd = 0;
  uint32_t ssthresh = 0;
  SeqNum recover;  // 136
  // RTT estimation (RFC 6298), microseconds.
  uint32_t srtt_us = 0;
  uint32_t rttvar_us = 0;
  uint32_t rto_us = 0;
  SeqNum rtt_seq;
  uint32_t rtt_start_ms = 0;  // 156

  uint32_t send_buffer = UINT32_MAX;     // BufferPool index, or none
  uint32_t receive_buffer = UINT32_MAX;  // 164
  uint64_t app_context = 0;              // 168 -> aligned 168..176

  // Deadlines in timer ticks modulo 2^32 (0 = off; see Engine::deadline_in);
  // the timer wheel holds their minimum. 32 bits keep the Tcb at 176 bytes.
  uint32_t rtx_deadline = 0;  // retransmission, SYN/SYN-ACK, persist
  uint32_t delack_deadline = 0;
  uint32_t idle_deadline = 0;  // keepalive, idle, FIN-WAIT-2 timeouts
  uint32_t last_activity_ms = 0;

  bool has(uint16_t f) const { return (flags & f) != 0; }
  void set(uint16_t f) { flags |= f; }
  void clear(uint16_t f) { flags &= static_cast<uint16_t>(~f); }
};
static_assert(sizeof(Tcb) <= 176,
              "Tcb: at most three cache lines (issue 3) and 176 bytes (10 M in 2 GiB)");

/// The flow's table hash is not kept: it is flow_hash(key), recomputed in the
/// rare paths that need it (expiry, RST) so that the TIME-WAIT queue's links
/// fit the line. Record indices are 24 bits: max_time_wait < 2^24.
struct TimeWait {
  table::FlowKey key;  // 36
  SeqNum snd_nxt;      // our sequence after our FIN
  SeqNum rcv_nxt;      // peer's sequence after its FIN
  uint32_t ts_recent = 0;
  uint32_t ts_offset = 0;  // 52
  // The 2*MSL expiry in milliseconds, low 24 bits (TimeWaitQueue widens it).
  uint32_t expiry_ms : 24 = 0;
  uint32_t rcv_wscale : 4 = 0;
  uint32_t timestamps : 1 = 0;
  uint32_t active : 1 = 0;  // 56
  // TimeWaitQueue's links (record indices, in 2*MSL expiry order).
  uint64_t prev : 24 = 0;
  uint64_t next : 24 = 0;
  uint64_t rcv_window : 16 = 0;  // the 16-bit window we last advertised
};
static_assert(sizeof(TimeWait) == 64, "TimeWait must fill one cache line and no more");

}  // namespace tcpterm::tcp
