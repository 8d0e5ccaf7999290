// Segment arrival in SYN-SENT and the synchronized states (RFC 9293 3.10.7.3-4),
// hardened by RFC 5961 (RST, SYN and ACK checks) and RFC 7323 (PAWS).
#pragma once

#include "tcp/new_reno.hpp"
#include "tcp/rtt_estimator.hpp"

namespace tcpterm::tcp {

/// RFC 9293 3.10.7.3: SYN-SENT.
template <class Host>
void Engine<Host>::input_syn_sent(Tcb& tcb, const Segment& seg) {
  bool ack_acceptable = false;
  if (seg.has(flags::kAck)) {
    // first: an ACK that does not cover our SYN is answered with a reset
    if (seq_leq(seg.ack, tcb.iss) || seq_gt(seg.ack, tcb.snd_max)) {
      if (!seg.has(flags::kRst)) send_rst(tcb.key, tcb.hash, seg.ack, SeqNum(0), flags::kRst);
      ++counters_.drop_bad_ack;
      return;
    }
    ack_acceptable = seq_leq(tcb.snd_una, seg.ack);
  }
  if (seg.has(flags::kRst)) {  // second: RFC 5961 3.2, a RST counts only if it acks our SYN
    if (ack_acceptable) {
      ++counters_.rst_in;
      free_tcb(tcb, CloseReason::kRefused);
    } else {
      ++counters_.drop_rst_ignored;
    }
    return;
  }
  if (!seg.has(flags::kSyn)) return;  // fifth: neither SYN nor RST: drop
  // fourth: SYN. Options were offered in our SYN; keep what the peer echoes.
  bool offered_ws = tcb.rcv_wscale > 0;
  negotiate_syn_options(tcb, seg);
  if (!offered_ws) tcb.snd_wscale = tcb.rcv_wscale = 0;
  if (ack_acceptable) {
    tcb.snd_una = seg.ack;
    tcb.rtx_deadline = 0;
    if (tcb.retransmits == 0 && !tcb.has(tcb_flags::kTimestamps)) {
      rtt_sample(tcb, (now_ms() - tcb.rtt_start_ms) * 1000, config_);
    }
    if (tcb.has(tcb_flags::kTimestamps) && seg.options.ts_ecr != 0) {
      rtt_sample(tcb, (now_ms() + tcb.ts_offset - seg.options.ts_ecr) * 1000, config_);
    }
    tcb.retransmits = 0;
    tcb.snd_wl2 = seg.ack;
    tcb.state = TcpState::kEstablished;
    schedule_idle(tcb);
    ++counters_.active_opens;
    tcb.set(tcb_flags::kAckNow);
    ++callback_depth_;
    host_.on_connected(index_of(tcb), tcb.app_id);
    --callback_depth_;
    finish_callbacks(tcb);
    if (tcb.state == TcpState::kClosed) return;
    // Data or FIN on the SYN-ACK: RFC 9293 "continue processing at the sixth step".
    std::span<const uint8_t> payload = seg.payload;
    if (!payload.empty() || seg.has(flags::kFin)) {
      process_data(tcb, payload, seg.seq + 1, seg.has(flags::kFin));
    }
    return;
  }
  // Simultaneous open: SYN without ACK (RFC 9293 3.5 figure 7).
  tcb.state = TcpState::kSynReceived;
  send_segment(tcb, tcb.iss, flags::kSyn | flags::kAck, 0, 0);
  tcb.rtx_deadline = deadline_in(tcb.rto_us);
}

/// RFC 7323 5.3 R1-R3: PAWS. False when the segment must be dropped.
template <class Host>
bool Engine<Host>::check_paws(Tcb& tcb, const Segment& seg) {
  if (!tcb.has(tcb_flags::kTimestamps) || !seg.options.has_timestamps || seg.has(flags::kRst)) {
    return true;
  }
  if (seq_lt(SeqNum(seg.options.ts_val), SeqNum(tcb.ts_recent))) {
    // RFC 7323 5.5: a TS.Recent idle for more than 24 days is invalid.
    if (now_ms() - tcb.ts_recent_ms > kPawsIdleLimitMs) return true;
    ++counters_.drop_paws;
    tcb.set(tcb_flags::kAckNow);
    return false;
  }
  return true;
}

template <class Host>
bool Engine<Host>::segment_acceptable(SeqNum rcv_nxt, uint32_t rcv_wnd, const Segment& seg) {
  // RFC 9293 3.10.7.4, the four cases of the acceptability test.
  uint32_t len = seg.seq_length();
  if (len == 0) {
    return rcv_wnd == 0 ? seg.seq == rcv_nxt : seq_in_window(seg.seq, rcv_nxt, rcv_wnd);
  }
  if (rcv_wnd == 0) return false;
  return seq_in_window(seg.seq, rcv_nxt, rcv_wnd) ||
         seq_in_window(seg.seq + (len - 1), rcv_nxt, rcv_wnd);
}

/// RFC 9293 3.10.7.4: SYN-RECEIVED through LAST-ACK (TIME-WAIT has its own record).
template <class Host>
void Engine<Host>::input_synchronized(Tcb& tcb, const Segment& in) {
  // Simultaneous open (RFC 9293 3.5 figure 7): the peer's SYN-ACK repeats
  // its SYN, which lies below RCV.NXT. Trim the old SYN (as BSD tcp_input
  // does) so the ACK it carries completes the open, and acknowledge it. The
  // copy is made only here: a Segment is over 100 bytes.
  if (tcb.state == TcpState::kSynReceived && !tcb.has(tcb_flags::kPassive) && in.has(flags::kSyn) &&
      in.has(flags::kAck) && !in.has(flags::kRst) && in.seq == tcb.irs) [[unlikely]] {
    Segment trimmed = in;
    trimmed.flags = static_cast<uint8_t>(trimmed.flags & ~flags::kSyn);
    trimmed.seq = in.seq + 1;
    tcb.set(tcb_flags::kAckNow);
    return input_synchronized(tcb, trimmed);  // no SYN now: this branch is not taken again
  }
  const Segment& seg = in;
  if (!check_paws(tcb, seg)) return;

  // first: sequence number acceptability
  uint32_t rcv_wnd = static_cast<uint32_t>(tcb.rcv_adv - tcb.rcv_nxt);
  if (static_cast<int32_t>(rcv_wnd) < 0) rcv_wnd = 0;
  if (!segment_acceptable(tcb.rcv_nxt, rcv_wnd, seg)) {
    if (tcb.state == TcpState::kSynReceived && seg.has(flags::kSyn) && !seg.has(flags::kAck) &&
        seg.seq == tcb.irs) {
      // The peer lost our SYN-ACK and repeats its SYN: answer it again.
      send_segment(tcb, tcb.iss, flags::kSyn | flags::kAck, 0, 0);
      ++counters_.syn_ack_retransmits;
      return;
    }
    ++counters_.drop_out_of_window;
    if (!seg.has(flags::kRst)) {
      ++counters_.dup_acks_out;
      tcb.set(tcb_flags::kAckNow);
    }
    return;
  }

  // second: RST (RFC 5961 3.2)
  if (seg.has(flags::kRst)) {
    if (seg.seq != tcb.rcv_nxt) {
      send_challenge_ack(tcb);
      return;
    }
    ++counters_.rst_in;
    // RFC 9293: a passive SYN-RECEIVED returns to LISTEN (nobody was told of
    // it); an active one was refused.
    bool refused = tcb.state == TcpState::kSynReceived && !tcb.has(tcb_flags::kPassive);
    free_tcb(tcb, refused ? CloseReason::kRefused : CloseReason::kReset);
    return;
  }

  // fourth: SYN
  if (seg.has(flags::kSyn)) {
    if (tcb.state == TcpState::kSynReceived && tcb.has(tcb_flags::kPassive)) {
      // RFC 9293: a passive SYN-RECEIVED returns to LISTEN.
      free_tcb(tcb, std::nullopt);
      return;
    }
    send_challenge_ack(tcb);  // RFC 5961 4.2
    return;
  }

  // fifth: ACK
  if (!seg.has(flags::kAck)) {
    ++counters_.drop_no_ack_flag;
    return;
  }
  if (tcb.state == TcpState::kSynReceived) {
    if (!(seq_lt(tcb.snd_una, seg.ack) && seq_leq(seg.ack, tcb.snd_max))) {
      send_rst(tcb.key, tcb.hash, seg.ack, SeqNum(0), flags::kRst);
      ++counters_.drop_bad_ack;
      return;
    }
    establish_passive(tcb, seg);
    if (tcb.state == TcpState::kClosed) return;
  }
  if (!process_ack(tcb, seg)) return;

  // sixth (URG) is ignored: RFC 6093 advises against urgent data.
  // seventh: segment text; eighth: FIN.
  std::span<const uint8_t> payload = seg.payload;
  SeqNum seq = seg.seq;
  bool fin = seg.has(flags::kFin);
  if (seq_lt(seq, tcb.rcv_nxt)) {  // trim what we already have
    uint32_t skip = static_cast<uint32_t>(tcb.rcv_nxt - seq);
    payload = payload.subspan(std::min<size_t>(skip, payload.size()));
    seq = tcb.rcv_nxt;
  }
  uint32_t room = static_cast<uint32_t>(tcb.rcv_adv - seq);
  if (static_cast<int32_t>(room) < 0) room = 0;
  if (payload.size() > room) {  // trim what lies beyond the window, and a FIN with it
    payload = payload.first(room);
    fin = false;
  }
  switch (tcb.state) {
    case TcpState::kEstablished:
    case TcpState::kFinWait1:
    case TcpState::kFinWait2:
      if (!payload.empty() || fin) process_data(tcb, payload, seq, fin);
      break;
    default:
      // CLOSE-WAIT, CLOSING, LAST-ACK: the peer already sent its FIN, so
      // there is no more text; an in-window FIN repeat is just acknowledged.
      if (fin || !payload.empty()) tcb.set(tcb_flags::kAckNow);
      break;
  }
}

/// SYN-RECEIVED -> ESTABLISHED on the ACK of our SYN (RFC 9293 3.10.7.4 fifth).
template <class Host>
void Engine<Host>::establish_passive(Tcb& tcb, const Segment& seg) {
  if (tcb.has(tcb_flags::kPassive)) --syn_received_count_;
  tcb.state = TcpState::kEstablished;
  if (tcb.has(tcb_flags::kFinQueued)) tcb.state = TcpState::kFinWait1;
  tcb.snd_wnd = static_cast<uint32_t>(seg.window) << tcb.snd_wscale;
  tcb.max_snd_wnd = std::max(tcb.max_snd_wnd, tcb.snd_wnd);
  tcb.snd_wl1 = seg.seq;
  tcb.snd_wl2 = seg.ack;
  if (tcb.retransmits == 0 && tcb.has(tcb_flags::kTimestamps) && seg.options.ts_ecr != 0) {
    rtt_sample(tcb, (now_ms() + tcb.ts_offset - seg.options.ts_ecr) * 1000, config_);
  }
  tcb.snd_una = tcb.iss + 1;
  tcb.rtx_deadline = 0;
  tcb.retransmits = 0;
  schedule_idle(tcb);
  if (tcb.has(tcb_flags::kPassive)) {
    ++counters_.passive_opens;
    tcb.set(tcb_flags::kAppAttached);
    ++callback_depth_;
    host_.on_accept(index_of(tcb), tcb.app_id);
    --callback_depth_;
  } else {
    ++counters_.active_opens;
    ++callback_depth_;
    host_.on_connected(index_of(tcb), tcb.app_id);
    --callback_depth_;
  }
  finish_callbacks(tcb);
}

/// RFC 9293 3.10.7.4 fifth step for ESTABLISHED and later, with RFC 5961 5.2,
/// RFC 6298 RTT sampling and NewReno. False when the TCB is gone.
template <class Host>
bool Engine<Host>::process_ack(Tcb& tcb, const Segment& seg) {
  // RFC 5961 5.2: acceptable ACKs lie in [SND.UNA - MAX.SND.WND, SND.NXT].
  if (seq_gt(seg.ack, tcb.snd_max)) {
    ++counters_.drop_bad_ack;
    tcb.set(tcb_flags::kAckNow);  // RFC 9293: ACK for something not yet sent
    return false;
  }
  if (seq_lt(seg.ack, tcb.snd_una - tcb.max_snd_wnd)) {
    ++counters_.drop_bad_ack;
    send_challenge_ack(tcb);
    return false;
  }
  uint32_t mss = effective_mss(tcb);
  uint32_t old_wnd = tcb.snd_wnd;
  // Window update (RFC 9293 3.10.7.4: SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)).
  int32_t acked = seg.ack - tcb.snd_una;
  if (seq_lt(tcb.snd_wl1, seg.seq) || (tcb.snd_wl1 == seg.seq && seq_leq(tcb.snd_wl2, seg.ack))) {
    tcb.snd_wnd = static_cast<uint32_t>(seg.window) << tcb.snd_wscale;
    tcb.max_snd_wnd = std::max(tcb.max_snd_wnd, tcb.snd_wnd);
    tcb.snd_wl1 = seg.seq;
    tcb.snd_wl2 = seg.ack;
  } else if (acked > 0) {
    // SND.UNA moves without a window update (e.g. a reordered retransmission
    // carrying a newer ACK): keep the peer's right edge where it was, or
    // SND.UNA + SND.WND would run past what the peer offered.
    tcb.snd_wnd = tcb.snd_wnd > static_cast<uint32_t>(acked) ? tcb.snd_wnd - static_cast<uint32_t>(acked) : 0;
  }
  if (tcb.has(tcb_flags::kTimestamps) && seg.options.has_timestamps &&
      seq_geq(SeqNum(seg.options.ts_val), SeqNum(tcb.ts_recent)) &&
      seq_leq(seg.seq, tcb.last_ack_sent)) {
    tcb.ts_recent = seg.options.ts_val;  // RFC 7323 4.3
    tcb.ts_recent_ms = now_ms();
  }

  if (acked > 0) {
    // RFC 6298: one sample per window; timestamps give one per ACK (RFC 7323 4.1).
    if (tcb.has(tcb_flags::kTimestamps) && seg.options.has_timestamps && seg.options.ts_ecr != 0) {
      rtt_sample(tcb, (now_ms() + tcb.ts_offset - seg.options.ts_ecr) * 1000, config_);
    } else if (tcb.has(tcb_flags::kRttTiming) && seq_gt(seg.ack, tcb.rtt_seq)) {
      rtt_sample(tcb, (now_ms() - tcb.rtt_start_ms) * 1000, config_);
      tcb.clear(tcb_flags::kRttTiming);
    }
    bool fin_acked = tcb.has(tcb_flags::kFinSent) && seg.ack == tcb.snd_max;
    uint32_t data_acked = static_cast<uint32_t>(acked) - (fin_acked ? 1 : 0);
    if (tcb.send_buffer != BufferPool::kNone) {
      SendRing ring(buffers_, tcb.send_buffer);
      ring.consume(std::min(data_acked, ring.length()));
      if (ring.length() == 0) {
        buffers_.release(tcb.send_buffer);
        tcb.send_buffer = BufferPool::kNone;
      }
    }
    tcb.snd_una = seg.ack;
    if (seq_lt(tcb.snd_nxt, tcb.snd_una)) tcb.snd_nxt = tcb.snd_una;
    tcb.retransmits = 0;
    tcb.clear(tcb_flags::kPersist);
    if (tcb.has(tcb_flags::kInRecovery)) {
      if (seq_geq(seg.ack, tcb.recover)) {
        cc_on_full_ack(tcb, mss);
      } else {
        cc_on_partial_ack(tcb, static_cast<uint32_t>(acked), mss);
        retransmit_first(tcb);  // RFC 6582 3.2 step 5
      }
    } else {
      cc_on_ack(tcb, static_cast<uint32_t>(acked), mss);
    }
    tcb.dup_acks = 0;
    // RFC 6298 5.2/5.3: stop when all is acknowledged, else restart.
    tcb.rtx_deadline = tcb.snd_una == tcb.snd_max ? 0 : deadline_in(tcb.rto_us);

    if (fin_acked) {
      switch (tcb.state) {
        case TcpState::kFinWait1:
          tcb.state = TcpState::kFinWait2;
          if (tcb.has(tcb_flags::kAppClosed)) {
            tcb.idle_deadline = deadline_in(config_.fin_wait2_timeout_us);
          }
          break;
        case TcpState::kClosing:
          enter_time_wait(tcb);
          return false;
        case TcpState::kLastAck:
          free_tcb(tcb, CloseReason::kNormal);
          return false;
        default:
          break;
      }
    }
    if (tcb.has(tcb_flags::kWantSendSpace) && send_space(index_of(tcb)) > 0) {
      tcb.clear(tcb_flags::kWantSendSpace);
      ++callback_depth_;
      host_.on_send_space(index_of(tcb));
      --callback_depth_;
      finish_callbacks(tcb);
      if (tcb.state == TcpState::kClosed) return false;
      deliver_buffered(tcb);  // the app may now take what it left before
      if (tcb.state == TcpState::kClosed) return false;
    }
  } else if (acked == 0 && seg.payload.empty() && !seg.has(flags::kFin) &&
             tcb.snd_wnd == old_wnd && tcb.snd_una != tcb.snd_max) {
    // RFC 5681 2: a duplicate ACK.
    ++tcb.dup_acks;
    if (tcb.has(tcb_flags::kInRecovery)) {
      cc_on_dup_ack_in_recovery(tcb, mss);
    } else if (tcb.dup_acks == 3 && seq_gt(seg.ack - 1, tcb.recover)) {
      cc_enter_recovery(tcb, mss);  // RFC 6582 3.2 step 2
      ++counters_.fast_retransmits;
      retransmit_first(tcb);
    }
  }
  return true;
}

/// In-window text (RFC 9293 3.10.7.4 seventh) and FIN (eighth).
/// `seq` is at or after RCV.NXT and the payload fits the window.
template <class Host>
void Engine<Host>::process_data(Tcb& tcb, std::span<const uint8_t> payload, SeqNum seq, bool fin) {
  if (!payload.empty() && tcb.has(tcb_flags::kAppClosed)) {
    // RFC 1122 4.2.2.13 / RFC 2525 2.17: nobody will read this: reset.
    reset_unread(tcb);
    return;
  }
  uint32_t offset = static_cast<uint32_t>(seq - tcb.rcv_nxt);
  bool had_holes = false;
  if (!payload.empty()) {
    bool buffered = tcb.receive_buffer != BufferPool::kNone;
    if (offset == 0 && !buffered) {
      // Fast path: in order and nothing waiting, so the app reads straight
      // from the packet; only what it leaves is copied.
      ++callback_depth_;
      size_t consumed = tcb.has(tcb_flags::kAppAttached) ? host_.on_data(index_of(tcb), payload) : 0;
      --callback_depth_;
      consumed = std::min(consumed, payload.size());
      counters_.payload_bytes_in += consumed;
      tcb.rcv_nxt += static_cast<uint32_t>(consumed);
      finish_callbacks(tcb);
      if (tcb.state == TcpState::kClosed) return;
      auto rest = payload.subspan(consumed);
      if (!rest.empty() && tcb.has(tcb_flags::kAppClosed)) {
        reset_unread(tcb);  // the app closed without reading it all
        return;
      }
      if (!rest.empty()) {
        tcb.receive_buffer = buffers_.allocate();
        if (tcb.receive_buffer == BufferPool::kNone) {
          // Not acknowledged: the peer retransmits it.
          ++counters_.drop_no_buffer;
          tcb.set(tcb_flags::kAckNow);
          return;
        }
        ReceiveBuffer(buffers_, tcb.receive_buffer).store(0, rest);
        tcb.rcv_nxt += static_cast<uint32_t>(rest.size());
      }
    } else {
      if (!buffered) {
        tcb.receive_buffer = buffers_.allocate();
        if (tcb.receive_buffer == BufferPool::kNone) {
          ++counters_.drop_no_buffer;
          tcb.set(tcb_flags::kAckNow);
          return;
        }
      }
      ReceiveBuffer rb(buffers_, tcb.receive_buffer);
      had_holes = rb.has_out_of_order();
      uint32_t before = rb.length();
      if (!rb.store(before + offset, payload)) {
        ++counters_.drop_ooo_full;
        tcb.set(tcb_flags::kAckNow);
        return;
      }
      tcb.rcv_nxt += rb.length() - before;
      if (offset != 0) {
        ++counters_.ooo_segments;
        tcb.set(tcb_flags::kAckNow);  // RFC 5681 4.2: out-of-order data is acknowledged at once
        return;  // a FIN beyond a hole waits for the peer's retransmission
      }
      deliver_buffered(tcb);
      if (tcb.state == TcpState::kClosed) return;
    }
  }
  if (fin && seq + static_cast<uint32_t>(payload.size()) == tcb.rcv_nxt) {
    process_fin(tcb);
    return;
  }
  if (fin) tcb.set(tcb_flags::kAckNow);  // FIN beyond held data: ask again
  // RFC 9293 3.8.6.3 / RFC 5681 4.2: ACK at least every second full segment,
  // at once when a hole was filled, otherwise within the delayed-ACK time.
  uint32_t unacked = static_cast<uint32_t>(tcb.rcv_nxt - tcb.last_ack_sent);
  if (had_holes || unacked >= 2u * tcb.snd_mss) {
    tcb.set(tcb_flags::kAckNow);
  } else if (tcb.delack_deadline == 0 && unacked > 0) {
    tcb.delack_deadline = deadline_in(config_.delayed_ack_us);
  }
}

/// Offers buffered in-order bytes to the app; frees the buffer once empty;
/// signals a pending FIN once everything before it was read.
template <class Host>
void Engine<Host>::deliver_buffered(Tcb& tcb) {
  if (tcb.receive_buffer != BufferPool::kNone && tcb.has(tcb_flags::kAppAttached) &&
      !tcb.has(tcb_flags::kAppClosed)) {
    ReceiveBuffer rb(buffers_, tcb.receive_buffer);
    uint32_t window_before = static_cast<uint32_t>(tcb.rcv_adv - tcb.rcv_nxt);
    while (rb.length() > 0 && !tcb.has(tcb_flags::kAppClosed)) {
      ++callback_depth_;
      size_t consumed = host_.on_data(index_of(tcb), rb.readable());
      --callback_depth_;
      finish_callbacks(tcb);
      if (tcb.state == TcpState::kClosed) return;
      consumed = std::min<size_t>(consumed, rb.length());
      counters_.payload_bytes_in += consumed;
      rb.consume(static_cast<uint32_t>(consumed));
      if (consumed == 0) break;
    }
    if (rb.length() > 0 && tcb.has(tcb_flags::kAppClosed)) {
      reset_unread(tcb);  // closed inside on_data, leaving bytes unread
      return;
    }
    if (rb.length() == 0 && !rb.has_out_of_order()) {
      buffers_.release(tcb.receive_buffer);
      tcb.receive_buffer = BufferPool::kNone;
    }
    // Window update once the window grew by two segments (RFC 9293 3.8.6.2.2 SWS avoidance).
    if (receive_window(tcb) >= window_before + 2u * tcb.snd_mss) tcb.set(tcb_flags::kAckNow);
  }
  if (tcb.has(tcb_flags::kPeerFin) && !tcb.has(tcb_flags::kPeerFinNotified) &&
      tcb.receive_buffer == BufferPool::kNone && tcb.has(tcb_flags::kAppAttached) &&
      !tcb.has(tcb_flags::kAppClosed)) {
    tcb.set(tcb_flags::kPeerFinNotified);
    ++callback_depth_;
    host_.on_peer_fin(index_of(tcb));
    --callback_depth_;
    finish_callbacks(tcb);
  }
}

/// The app closed with received bytes it never read: RFC 2525 2.17 (and
/// Linux) answer with a reset so the peer learns the data was not consumed.
template <class Host>
void Engine<Host>::reset_unread(Tcb& tcb) {
  ++counters_.drop_data_after_close;
  send_rst(tcb.key, tcb.hash, tcb.snd_max, tcb.rcv_nxt, flags::kRst | flags::kAck);
  free_tcb(tcb, CloseReason::kAborted);
}

/// RFC 9293 3.10.7.4 eighth: the FIN is in order.
template <class Host>
void Engine<Host>::process_fin(Tcb& tcb) {
  tcb.rcv_nxt += 1;
  tcb.set(tcb_flags::kPeerFin | tcb_flags::kAckNow);
  switch (tcb.state) {
    case TcpState::kSynReceived:
    case TcpState::kEstablished:
      tcb.state = TcpState::kCloseWait;
      break;
    case TcpState::kFinWait1:
      // Our FIN is not yet acknowledged (else we would be in FIN-WAIT-2).
      tcb.state = TcpState::kClosing;
      break;
    case TcpState::kFinWait2:
      enter_time_wait(tcb);
      return;
    default:
      break;
  }
  deliver_buffered(tcb);
}

}  // namespace tcpterm::tcp
