// Timers. Each TCB has one wheel entry armed at the earliest of its three
// deadlines (retransmission/persist, delayed ACK, idle: keepalive, idle and
// FIN-WAIT-2 timeouts). One entry per connection keeps the wheel small and
// start/stop O(1). TIME-WAIT records are not in the wheel: they all wait the
// same 2*MSL, so they expire in order from TimeWaitQueue.
#pragma once

namespace tcpterm::tcp {

template <class Host>
uint64_t Engine<Host>::ticks_ceil(uint64_t us) const {
  return tick_divider_.ceil(us);
}

template <class Host>
uint32_t Engine<Host>::deadline_in(uint64_t delay_us) const {
  // A Tcb deadline is the wheel tick at which it fires, modulo 2^32, 0 = off.
  // Delays beyond kMaxDeadlineTicks are cut short: only idle timers get that
  // long (24 h keepalive at a 10 us tick) and on_idle_timeout re-checks the
  // real idle time and re-arms.
  uint64_t tick = std::min(ticks_ceil(now_us_ + delay_us), now_tick_ + kMaxDeadlineTicks);
  uint32_t deadline = static_cast<uint32_t>(tick);
  return deadline != 0 ? deadline : 1;  // 0 means off: one tick late once per 2^32 ticks
}

template <class Host>
bool Engine<Host>::due(uint32_t deadline) const {
  return deadline != 0 && static_cast<int32_t>(static_cast<uint32_t>(now_tick_) - deadline) >= 0;
}

template <class Host>
void Engine<Host>::arm_timer(Tcb& tcb) {
  // Deadlines are at most kMaxDeadlineTicks ahead (or overdue): the signed
  // 32-bit distance from now orders them.
  const uint64_t now_tick = now_tick_;
  int64_t nearest = INT64_MAX;
  for (uint32_t d : {tcb.rtx_deadline, tcb.delack_deadline, tcb.idle_deadline}) {
    if (d != 0)
      nearest =
          std::min<int64_t>(nearest, static_cast<int32_t>(d - static_cast<uint32_t>(now_tick)));
  }
  ConnRef id = index_of(tcb);
  if (nearest == INT64_MAX) {
    timers_.stop(id);
    return;
  }
  uint64_t expiry = nearest <= 0 ? now_tick : now_tick + static_cast<uint64_t>(nearest);
  if (!timers_.pending(id) || timers_.expiry(id) != expiry) timers_.start(id, expiry);
}

template <class Host>
void Engine<Host>::advance(uint64_t now_us) {
  set_now(now_us);
  timers_.advance(now_tick_, [this](uint32_t id) { on_timer(id); });
  expire_time_waits();
}

template <class Host>
void Engine<Host>::on_timer(uint32_t id) {
  Tcb& tcb = tcbs_[id];
  if (tcb.state == TcpState::kClosed) return;
  current_conn_ = id;
  if (due(tcb.delack_deadline)) {
    tcb.delack_deadline = 0;
    ++counters_.delayed_acks;
    send_ack(tcb);
  }
  if (due(tcb.rtx_deadline)) {
    tcb.rtx_deadline = 0;
    on_retransmit_timeout(tcb);
    if (tcb.state == TcpState::kClosed) return;
  }
  if (due(tcb.idle_deadline)) {
    tcb.idle_deadline = 0;
    on_idle_timeout(tcb);
    if (tcb.state == TcpState::kClosed) return;
  }
  arm_timer(tcb);
}

template <class Host>
void Engine<Host>::on_retransmit_timeout(Tcb& tcb) {
  if (tcb.has(tcb_flags::kPersist)) {
    // RFC 9293 3.8.6.1 / RFC 1122 4.2.2.17: probe a zero window, backing off;
    // a peer that keeps answering keeps the connection. The probe is an
    // old sequence number without data (as Linux does): the peer answers it
    // with its window, and nothing is ever sent beyond the offered window.
    uint32_t queued =
        tcb.send_buffer == BufferPool::kNone ? 0 : SendRing(buffers_, tcb.send_buffer).length();
    if (queued > 0 && tcb.snd_wnd == 0 && tcb.snd_una == tcb.snd_max) {
      ++counters_.zero_window_probes;
      send_segment(tcb, tcb.snd_una - 1, flags::kAck, 0, 0);
      if (tcb.retransmits < 30) ++tcb.retransmits;
      uint64_t backoff = std::min<uint64_t>(
          uint64_t{tcb.rto_us} << std::min<uint32_t>(tcb.retransmits, 16), config_.rto_max_us);
      tcb.rtx_deadline = deadline_in(backoff);
      return;
    }
    tcb.clear(tcb_flags::kPersist);
  }
  ++tcb.retransmits;
  uint32_t limit = tcb.state == TcpState::kSynReceived ? config_.syn_ack_retries
                   : tcb.state == TcpState::kSynSent   ? config_.syn_retries
                                                       : config_.max_retransmits;
  if (tcb.retransmits > limit) {
    if (tcb.state == TcpState::kSynReceived && tcb.has(tcb_flags::kPassive)) {
      ++counters_.syn_received_timeouts;
      free_tcb(tcb, std::nullopt);
    } else {
      free_tcb(tcb, CloseReason::kTimeout);
    }
    return;
  }
  ++counters_.rto_expirations;
  rto_backoff(tcb, config_);  // RFC 6298 5.5
  switch (tcb.state) {
    case TcpState::kSynReceived:
      ++counters_.syn_ack_retransmits;
      send_segment(tcb, tcb.iss, flags::kSyn | flags::kAck, 0, 0);
      break;
    case TcpState::kSynSent:
      ++counters_.retransmits;
      send_segment(tcb, tcb.iss, flags::kSyn, 0, 0);
      break;
    default:
      // RFC 5681 3.1 / RFC 6298 5.4: shrink to the loss window and resend from SND.UNA.
      cc_on_timeout(tcb, effective_mss(tcb));
      tcb.dup_acks = 0;
      tcb.clear(tcb_flags::kRttTiming);  // Karn's algorithm
      tcb.recover = tcb.snd_max;
      tcb.snd_nxt = tcb.snd_una;
      tcb.rtx_deadline = 0;
      output(tcb);
      break;
  }
  tcb.rtx_deadline = deadline_in(tcb.rto_us);
}

template <class Host>
void Engine<Host>::on_idle_timeout(Tcb& tcb) {
  uint64_t idle_us = (now_ms() - tcb.last_activity_ms) * 1000ull;
  if (tcb.state == TcpState::kFinWait2 && tcb.has(tcb_flags::kAppClosed)) {
    // Orphaned FIN-WAIT-2 (Linux tcp_fin_timeout): the peer never closes.
    if (idle_us + 1000 >= config_.fin_wait2_timeout_us) {
      free_tcb(tcb, CloseReason::kTimeout);
      return;
    }
    tcb.idle_deadline = deadline_in(config_.fin_wait2_timeout_us - idle_us);
    return;
  }
  if (config_.idle_timeout_us != 0 && idle_us + 1000 >= config_.idle_timeout_us) {
    send_rst(tcb.key, tcb.hash, tcb.snd_max, tcb.rcv_nxt, flags::kRst | flags::kAck);
    free_tcb(tcb, CloseReason::kTimeout);
    return;
  }
  if (config_.keepalive_idle_us != 0 && idle_us + 1000 >= config_.keepalive_idle_us) {
    // RFC 9293 3.8.4 / RFC 1122 4.2.3.6: probe with SEG.SEQ = SND.NXT - 1.
    if (tcb.keepalive_probes >= config_.keepalive_probes) {
      send_rst(tcb.key, tcb.hash, tcb.snd_max, tcb.rcv_nxt, flags::kRst | flags::kAck);
      free_tcb(tcb, CloseReason::kTimeout);
      return;
    }
    ++tcb.keepalive_probes;
    ++counters_.keepalive_probes;
    send_segment(tcb, tcb.snd_nxt - 1, flags::kAck, 0, 0);
    tcb.idle_deadline = deadline_in(config_.keepalive_interval_us);
    return;
  }
  schedule_idle(tcb);
}

/// Sets the idle deadline from the configured keepalive/idle timeouts.
template <class Host>
void Engine<Host>::schedule_idle(Tcb& tcb) {
  uint64_t wait = 0;
  if (config_.keepalive_idle_us != 0) wait = config_.keepalive_idle_us;
  if (config_.idle_timeout_us != 0 && (wait == 0 || config_.idle_timeout_us < wait)) {
    wait = config_.idle_timeout_us;
  }
  uint64_t idle_us = (now_ms() - tcb.last_activity_ms) * 1000ull;
  tcb.idle_deadline = wait == 0 ? 0 : deadline_in(wait > idle_us ? wait - idle_us : 1000);
}

}  // namespace tcpterm::tcp
