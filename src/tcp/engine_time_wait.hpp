// TIME-WAIT (RFC 9293 3.6.1, 3.10.7.4) on compact records: the TCB is freed
// and a 64-byte TimeWait takes its table slot for 2*MSL, queued in expiry
// order (TimeWaitQueue). A new SYN may reopen the tuple early under RFC 6191
// (timestamps) or RFC 1122 4.2.2.13 (a higher sequence number).
#pragma once

namespace tcpterm::tcp {

template <class Host>
void Engine<Host>::enter_time_wait(Tcb& tcb) {
  if (tcb.has(tcb_flags::kAckNow)) send_ack(tcb);  // the ACK of the peer's FIN
  uint32_t tw_index = time_waits_.allocate();
  if (tw_index == table::ObjectPool<TimeWait>::kNone) {
    ++counters_.drop_time_wait_full;  // closed without TIME-WAIT protection
    free_tcb(tcb, CloseReason::kNormal);
    return;
  }
  TimeWait& tw = time_waits_[tw_index];
  tw = TimeWait{};
  tw.key = tcb.key;
  tw.snd_nxt = tcb.snd_max;
  tw.rcv_nxt = tcb.rcv_nxt;
  tw.ts_recent = tcb.ts_recent;
  tw.ts_offset = tcb.ts_offset;
  tw.rcv_wscale = tcb.rcv_wscale;
  tw.rcv_window =
      std::min<uint32_t>(static_cast<uint32_t>(tcb.rcv_adv - tcb.rcv_nxt) >> tcb.rcv_wscale, 65535);
  tw.timestamps = tcb.has(tcb_flags::kTimestamps);
  tw.active = true;
  ++counters_.time_wait_entered;
  // The record takes over the TCB's table slot in place: an erase followed
  // by an insert could fail under the table's probe bound (colliding flows).
  table_.replace(tcb.hash, index_of(tcb), time_wait_id(tw_index));
  free_tcb(tcb, CloseReason::kNormal, /*erase_entry=*/false);  // the entry is the record's now
  time_wait_queue_.push_back(time_waits_, tw_index, time_wait_expiry_ms());
}

/// When a record entering or restarting TIME-WAIT now expires: 2*MSL ahead
/// (RFC 9293 3.6.1), rounded up to the millisecond.
template <class Host>
uint64_t Engine<Host>::time_wait_expiry_ms() const {
  return (now_us_ + 2 * config_.msl_us + 999) / 1000;
}

/// Restarts record `tw_index`'s 2*MSL timeout: to the queue's tail.
template <class Host>
void Engine<Host>::restart_2msl(uint32_t tw_index) {
  time_wait_queue_.remove(time_waits_, tw_index);
  time_wait_queue_.push_back(time_waits_, tw_index, time_wait_expiry_ms());
}

/// Frees record `tw_index` and its table entry (`hash`: its flow's).
template <class Host>
void Engine<Host>::free_time_wait(uint32_t tw_index, uint32_t hash) {
  TimeWait& tw = time_waits_[tw_index];
  if (!tw.active) return;
  table_.erase(hash, time_wait_id(tw_index));
  release_time_wait(tw_index);
}

/// Frees the record once its table entry is gone or handed over.
template <class Host>
void Engine<Host>::release_time_wait(uint32_t tw_index) {
  time_wait_queue_.remove(time_waits_, tw_index);
  time_waits_[tw_index].active = false;
  time_waits_.release(tw_index);
}

/// Frees the records whose 2*MSL has elapsed (RFC 9293 3.6.1). Their flow
/// hash is recomputed: the record has no room for it.
template <class Host>
void Engine<Host>::expire_time_waits() {
  time_wait_queue_.expire(time_waits_, now_us_ / 1000, [this](uint32_t tw_index) {
    ++counters_.time_wait_expired;
    TimeWait& tw = time_waits_[tw_index];
    // Segment hashes are flow_hash(key) (the NIC's only when it was checked
    // to be equal): a miss means a NIC hashed differently and is counted.
    if (!table_.erase(table::flow_hash(tw.key), time_wait_id(tw_index)))
      ++counters_.time_wait_hash_mismatch;
    tw.active = false;
    time_waits_.release(tw_index);
  });
}

/// Builds a throwaway TCB that speaks for the TIME-WAIT record.
template <class Host>
Tcb Engine<Host>::time_wait_view(const TimeWait& tw, uint32_t hash) const {
  Tcb tcb{};
  tcb.key = tw.key;
  tcb.hash = hash;
  tcb.state = TcpState::kTimeWait;
  tcb.snd_una = tcb.snd_nxt = tcb.snd_max = tw.snd_nxt;
  tcb.rcv_nxt = tw.rcv_nxt;
  tcb.rcv_wscale = tw.rcv_wscale;
  tcb.rcv_adv = tw.rcv_nxt + (static_cast<uint32_t>(tw.rcv_window) << tw.rcv_wscale);
  tcb.ts_recent = tw.ts_recent;
  tcb.ts_offset = tw.ts_offset;
  if (tw.timestamps) tcb.set(tcb_flags::kTimestamps);
  return tcb;
}

template <class Host>
void Engine<Host>::input_time_wait(uint32_t tw_index, const Segment& seg) {
  TimeWait& tw = time_waits_[tw_index];
  // The view (a whole TCB, zeroed then filled) is built only for an ACK:
  // the common case here, a SYN reopening the tuple, never needs it.
  auto ack_from_view = [&] {
    Tcb view = time_wait_view(tw, seg.hash);
    send_ack(view);
  };

  // Only a plain SYN may reopen the tuple (RFC 1122 4.2.2.13 "a new SYN");
  // SYN+FIN and the like meet the checks below and get a challenge ACK.
  if (seg.has(flags::kSyn) && !seg.has(flags::kAck) && !seg.has(flags::kRst) && !seg.has(flags::kFin)) {
    // RFC 6191 2: with timestamps, a SYN whose TSval is newer may reopen;
    // without them, RFC 1122 4.2.2.13: a SYN above RCV.NXT may.
    bool newer = tw.timestamps && seg.options.has_timestamps
                     ? seq_gt(SeqNum(seg.options.ts_val), SeqNum(tw.ts_recent))
                     : !tw.timestamps && seq_gt(seg.seq, tw.rcv_nxt);
    const Listener* listener = find_listener(seg.key);
    if (newer && listener != nullptr) {
      ++counters_.time_wait_reused;
      next_isn_ = tw.snd_nxt + 65535 + 2;  // above anything the old incarnation used
      // The new TCB takes over the record's table slot in place (allocate_tcb)
      // instead of an erase and an insert; a SYN answered without a TCB (a
      // cookie, no room) leaves the record to be freed here.
      reopened_time_wait_ = tw_index;
      input_listen(seg, *listener);
      next_isn_.reset();
      if (reopened_time_wait_)
        free_time_wait(*std::exchange(reopened_time_wait_, std::nullopt), seg.hash);
      return;
    }
    if (challenge_ack_allowed()) {  // RFC 5961 4.2
      ++counters_.challenge_acks;
      ack_from_view();
    }
    return;
  }
  if (tw.timestamps && seg.options.has_timestamps && !seg.has(flags::kRst) &&
      seq_lt(SeqNum(seg.options.ts_val), SeqNum(tw.ts_recent))) {
    ++counters_.drop_paws;  // RFC 7323 5.3
    ack_from_view();
    return;
  }
  uint32_t rcv_wnd = static_cast<uint32_t>(tw.rcv_window) << tw.rcv_wscale;
  if (!segment_acceptable(tw.rcv_nxt, rcv_wnd, seg)) {
    ++counters_.drop_out_of_window;
    if (!seg.has(flags::kRst)) {
      ++counters_.dup_acks_out;
      ack_from_view();
      // RFC 9293 3.10.7.4 eighth: a retransmitted FIN restarts the 2 MSL timeout.
      if (seg.has(flags::kFin)) restart_2msl(tw_index);
    }
    return;
  }
  if (seg.has(flags::kRst)) {
    if (seg.seq == tw.rcv_nxt) {  // RFC 9293: TIME-WAIT + RST -> CLOSED
      ++counters_.rst_in;
      free_time_wait(tw_index, seg.hash);
    } else if (challenge_ack_allowed()) {  // RFC 5961 3.2
      ++counters_.challenge_acks;
      ack_from_view();
    }
    return;
  }
  if (seg.has(flags::kSyn)) {
    if (challenge_ack_allowed()) {
      ++counters_.challenge_acks;
      ack_from_view();
    }
    return;
  }
  if (!seg.has(flags::kAck)) return;
  if (seg.has(flags::kFin) || !seg.payload.empty()) {
    // Nothing new can follow the peer's FIN: acknowledge and restart 2 MSL.
    ack_from_view();
    if (seg.has(flags::kFin)) restart_2msl(tw_index);
  }
}

}  // namespace tcpterm::tcp
