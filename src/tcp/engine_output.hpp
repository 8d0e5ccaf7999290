// Segment emission: what to send (RFC 9293 3.8.6, RFC 5681 windows), the
// window we advertise (RFC 9293 3.8.6.2.2, RFC 7323 2.3) and the options
// each segment carries. Every segment leaves through Host::emit.
#pragma once

namespace tcpterm::tcp {

template <class Host>
uint32_t Engine<Host>::effective_mss(const Tcb& tcb) const {
  // RFC 9293 3.7.1: options in every segment shrink the payload.
  return tcb.snd_mss - (tcb.has(tcb_flags::kTimestamps) ? 12u : 0u);
}

/// How many SACK blocks the next non-SYN segment carries: some while
/// out-of-order data is held (RFC 2018 4), at most 3 beside timestamps and 4
/// without (40 option bytes).
template <class Host>
uint32_t Engine<Host>::sack_blocks_due(const Tcb& tcb) const {
  if (!tcb.has(tcb_flags::kSackOk) || tcb.receive_buffer == BufferPool::kNone) return 0;
  uint32_t held = buffers_.meta(tcb.receive_buffer).range_count;
  return std::min(held, tcb.has(tcb_flags::kTimestamps) ? 3u : 4u);
}

/// The data the next segment may carry: the MSS less all of its options
/// (RFC 9293 3.7.1, RFC 6691), SACK blocks (nop, nop, 2 + 8 per block)
/// included, so that the frame stays within the path's MTU.
template <class Host>
uint32_t Engine<Host>::payload_limit(const Tcb& tcb) const {
  uint32_t blocks = sack_blocks_due(tcb);
  return effective_mss(tcb) - (blocks > 0 ? 4 + 8 * blocks : 0);
}

template <class Host>
uint32_t Engine<Host>::receive_window(const Tcb& tcb) const {
  uint32_t held = tcb.receive_buffer == BufferPool::kNone ? 0 : buffers_.meta(tcb.receive_buffer).length;
  return buffers_.buffer_size() - held;
}

/// The 16-bit window field for the next segment. Never promises more room
/// than the receive buffer has (the scaled value is rounded down), never
/// moves the right edge left (RFC 9293 3.8.6.2.2: shrinking SHOULD NOT), and
/// moves it right only by at least min(MSS, buffer/2) (receiver SWS avoidance).
/// Because data the peer sends up to RCV.ADV always fits, RCV.ADV <=
/// RCV.NXT + free space holds, and a zero window means RCV.ADV == RCV.NXT.
template <class Host>
uint16_t Engine<Host>::advertised_window(Tcb& tcb, bool syn) {
  uint32_t room = receive_window(tcb);
  if (syn) {  // RFC 7323 2.2: never scaled in a SYN
    uint16_t w = static_cast<uint16_t>(std::min<uint32_t>(room, 65535));
    tcb.rcv_adv = tcb.rcv_nxt + w;
    return w;
  }
  uint32_t wire = std::min<uint32_t>(room >> tcb.rcv_wscale, 65535);
  SeqNum edge = tcb.rcv_nxt + (wire << tcb.rcv_wscale);
  uint32_t sws_threshold = std::min<uint32_t>(buffers_.buffer_size() / 2, tcb.snd_mss);
  if (seq_leq(edge, tcb.rcv_adv) || static_cast<uint32_t>(edge - tcb.rcv_adv) < sws_threshold) {
    // Keep the old edge; its scaled value may read a little short (RFC 7323 2.4).
    SeqNum old_edge = seq_max(tcb.rcv_adv, tcb.rcv_nxt);
    wire = std::min<uint32_t>(static_cast<uint32_t>(old_edge - tcb.rcv_nxt) >> tcb.rcv_wscale, 65535);
    return static_cast<uint16_t>(wire);
  }
  tcb.rcv_adv = edge;
  return static_cast<uint16_t>(wire);
}

template <class Host>
void Engine<Host>::fill_options(const Tcb& tcb, wire::TcpOptions& o, bool syn) {
  bool timestamps = tcb.has(tcb_flags::kTimestamps);
  if (syn) {
    o.has_mss = true;
    o.mss = tcb.key.is_v4() ? config_.mss_v4 : config_.mss_v6;
    o.sack_permitted = tcb.has(tcb_flags::kSackOk);
    o.has_window_scale = tcb.rcv_wscale > 0;
    o.window_scale = tcb.rcv_wscale;
  }
  if (timestamps) {
    o.has_timestamps = true;
    o.ts_val = now_ms() + tcb.ts_offset;
    o.ts_ecr = tcb.ts_recent;
  }
  // RFC 2018 4: SACK blocks while out-of-order data is held, newest first.
  uint32_t blocks = syn ? 0 : sack_blocks_due(tcb);
  if (blocks > 0) {
    const BufferMeta& m = buffers_.meta(tcb.receive_buffer);
    auto to_block = [&](const ByteRange& r) {
      SeqNum base = tcb.rcv_nxt - m.length;
      return wire::SackBlock{(base + r.begin).raw(), (base + r.end).raw()};
    };
    o.sack_blocks[o.sack_block_count++] = to_block(m.ranges[m.newest_range]);
    for (uint32_t i = 0; i < m.range_count && o.sack_block_count < blocks; ++i) {
      if (i != m.newest_range) o.sack_blocks[o.sack_block_count++] = to_block(m.ranges[i]);
    }
  }
}

/// Emits one segment of the connection. `offset`/`length` select payload
/// from the send ring, counted from SND.UNA's first data byte.
template <class Host>
void Engine<Host>::send_segment(Tcb& tcb, SeqNum seq, uint8_t seg_flags, uint32_t offset,
                                uint32_t length) {
  OutSegment out;
  out.key = &tcb.key;
  out.hash = tcb.hash;
  out.seq = seq;
  out.flags = seg_flags;
  bool syn = (seg_flags & flags::kSyn) != 0;
  if (seg_flags & flags::kAck) out.ack = tcb.rcv_nxt;
  out.window = advertised_window(tcb, syn);
  fill_options(tcb, out.options, syn);
  if (length > 0) out.payload = SendRing(buffers_, tcb.send_buffer).peek(offset, length);
  host_.emit(out);
  ++counters_.segments_out;
  counters_.payload_bytes_out += length;
  if (seg_flags & flags::kAck) {
    tcb.last_ack_sent = tcb.rcv_nxt;
    tcb.clear(tcb_flags::kAckNow);
    tcb.delack_deadline = 0;
  }
}

/// An ACK-only segment carries SND.MAX, not a SND.NXT rewound for
/// retransmission: the peer may already hold those bytes and would find an
/// older sequence unacceptable, ignoring the ACK (as BSD's tcp_output notes).
template <class Host>
void Engine<Host>::send_ack(Tcb& tcb) {
  send_segment(tcb, tcb.snd_max, flags::kAck, 0, 0);
}

template <class Host>
void Engine<Host>::send_challenge_ack(Tcb& tcb) {
  if (!challenge_ack_allowed()) return;
  ++counters_.challenge_acks;
  send_ack(tcb);
}

template <class Host>
void Engine<Host>::send_rst(const table::FlowKey& key, uint32_t hash, SeqNum seq, SeqNum ack,
                            uint8_t rst_flags) {
  OutSegment out;
  out.key = &key;
  out.hash = hash;
  out.seq = seq;
  out.ack = (rst_flags & flags::kAck) ? ack : SeqNum(0);
  out.flags = rst_flags;
  host_.emit(out);
  ++counters_.segments_out;
  ++counters_.rst_out;
}

/// Sends what the windows allow: new data in MSS-sized segments, the FIN
/// once all data is out, or a bare ACK if one is owed.
template <class Host>
void Engine<Host>::output(Tcb& tcb) {
  tcb.clear(tcb_flags::kOutputPending);
  bool synchronized = tcb.state != TcpState::kSynSent && tcb.state != TcpState::kSynReceived &&
                      tcb.state != TcpState::kClosed;
  if (synchronized) {
    uint32_t queued = tcb.send_buffer == BufferPool::kNone ? 0 : SendRing(buffers_, tcb.send_buffer).length();
    uint32_t mss = payload_limit(tcb);  // the receive side does not change in this loop
    uint32_t window = std::min(tcb.snd_wnd, tcb.cwnd);
    for (;;) {
      uint32_t sent = static_cast<uint32_t>(tcb.snd_nxt - tcb.snd_una);  // offset of snd_nxt
      if (sent > queued) break;  // only the FIN is beyond the data, and it is out
      uint32_t unsent = queued - sent;
      uint32_t usable = window > sent ? window - sent : 0;
      uint32_t length = std::min({unsent, usable, mss});
      // The FIN goes once, after the last byte, and again only when
      // retransmitting (SND.NXT rewound below SND.MAX).
      bool fin_due = tcb.has(tcb_flags::kFinQueued) &&
                     (!tcb.has(tcb_flags::kFinSent) || seq_lt(tcb.snd_nxt, tcb.snd_max));
      bool fin = fin_due && sent + length == queued;
      if (length == 0 && !fin) break;
      if (length < unsent && length < mss && sent > 0) break;  // sender SWS avoidance (RFC 9293 3.8.6.2.1)
      uint8_t seg_flags = flags::kAck;
      if (length > 0 && length == unsent) seg_flags |= flags::kPsh;
      if (fin) seg_flags |= flags::kFin;
      if (seq_lt(tcb.snd_nxt, tcb.snd_max)) ++counters_.retransmits;
      if (!tcb.has(tcb_flags::kTimestamps) && !tcb.has(tcb_flags::kRttTiming) && length > 0 &&
          tcb.snd_nxt == tcb.snd_max) {
        tcb.set(tcb_flags::kRttTiming);  // Karn: time only new data
        tcb.rtt_seq = tcb.snd_nxt;
        tcb.rtt_start_ms = now_ms();
      }
      send_segment(tcb, tcb.snd_nxt, seg_flags, sent, length);
      tcb.snd_nxt += length + (fin ? 1 : 0);
      if (fin) tcb.set(tcb_flags::kFinSent);
      tcb.snd_max = seq_max(tcb.snd_max, tcb.snd_nxt);
      if (tcb.rtx_deadline == 0 || tcb.has(tcb_flags::kPersist)) {
        if (tcb.has(tcb_flags::kPersist)) tcb.retransmits = 0;  // the window reopened
        tcb.clear(tcb_flags::kPersist);
        tcb.rtx_deadline = deadline_in(tcb.rto_us);
      }
      if (fin) break;
    }
    // RFC 9293 3.8.6.1: a zero window with data waiting starts the persist timer.
    if (tcb.snd_wnd == 0 && tcb.snd_una == tcb.snd_max && queued > 0 && tcb.rtx_deadline == 0) {
      tcb.set(tcb_flags::kPersist);
      tcb.rtx_deadline = deadline_in(tcb.rto_us);
    }
  }
  if (tcb.has(tcb_flags::kAckNow)) send_ack(tcb);
}

/// Resends the first unacknowledged segment (fast retransmit, partial ACK).
template <class Host>
void Engine<Host>::retransmit_first(Tcb& tcb) {
  uint32_t queued = tcb.send_buffer == BufferPool::kNone ? 0 : SendRing(buffers_, tcb.send_buffer).length();
  uint32_t length = std::min(queued, payload_limit(tcb));
  bool fin = tcb.has(tcb_flags::kFinSent) && length == queued;
  if (length == 0 && !fin) return;
  ++counters_.retransmits;
  send_segment(tcb, tcb.snd_una, flags::kAck | (fin ? flags::kFin : 0), 0, length);
  tcb.rtx_deadline = deadline_in(tcb.rto_us);
}

}  // namespace tcpterm::tcp
