// The application-facing calls: listeners, active open, send, close, abort
// (RFC 9293 3.10.1-3.10.5 user calls). Calls made inside a callback are
// flushed when the callback returns, so a response and its FIN share a segment.
#pragma once

#include "table/flow_hash.hpp"
#include "tcp/isn.hpp"

namespace tcpterm::tcp {

template <class Host>
bool Engine<Host>::listen(const wire::IpAddress& local_address, uint16_t port, uint16_t app_id) {
  if (listener_by_port_[port] != 0) return false;
  for (size_t i = 0; i < listeners_.size(); ++i) {
    if (!listeners_[i].active) {
      listeners_[i] = Listener{local_address, port, app_id, true};
      listener_by_port_[port] = static_cast<uint8_t>(i + 1);
      return true;
    }
  }
  return false;
}

template <class Host>
bool Engine<Host>::unlisten(uint16_t port) {
  uint8_t slot = listener_by_port_[port];
  if (slot == 0) return false;
  listeners_[slot - 1].active = false;
  listener_by_port_[port] = 0;
  return true;
}

/// RFC 9293 3.10.1 active OPEN: SYN-SENT with every option we support offered.
template <class Host>
ConnRef Engine<Host>::connect(const table::FlowKey& key, uint16_t app_id, uint64_t now_us) {
  set_now(now_us);
  uint32_t hash = table::flow_hash(key);
  if (lookup(key, hash) != table::FlowTable::kNotFound) return kNoConn;
  ConnRef c = allocate_tcb(key, hash);
  if (c == kNoConn) return kNoConn;
  Tcb& tcb = tcbs_[c];
  tcb.state = TcpState::kSynSent;
  tcb.app_id = app_id;
  tcb.set(tcb_flags::kAppAttached);
  if (config_.sack) tcb.set(tcb_flags::kSackOk);
  if (config_.timestamps) tcb.set(tcb_flags::kTimestamps);
  tcb.rcv_wscale = std::min<uint8_t>(config_.window_scale, 14);
  tcb.snd_una = tcb.iss;
  tcb.snd_nxt = tcb.snd_max = tcb.iss + 1;
  tcb.snd_mss = key.is_v4() ? config_.mss_v4 : config_.mss_v6;
  tcb.rtt_start_ms = now_ms();
  send_segment(tcb, tcb.iss, flags::kSyn, 0, 0);
  ++counters_.syn_out;
  tcb.rtx_deadline = deadline_in(tcb.rto_us);
  arm_timer(tcb);
  return c;
}

template <class Host>
size_t Engine<Host>::send_space(ConnRef c) const {
  const Tcb& tcb = tcbs_[c];
  if (tcb.has(tcb_flags::kFinQueued)) return 0;
  switch (tcb.state) {
    case TcpState::kSynSent:
    case TcpState::kSynReceived:
    case TcpState::kEstablished:
    case TcpState::kCloseWait:
      break;
    default:
      return 0;
  }
  if (tcb.send_buffer == BufferPool::kNone) return buffers_.in_use() < buffers_.count() ? buffers_.buffer_size() : 0;
  return buffers_.buffer_size() - buffers_.meta(tcb.send_buffer).length;
}

template <class Host>
size_t Engine<Host>::send(ConnRef c, std::span<const uint8_t> data) {
  Tcb& tcb = tcbs_[c];
  if (data.empty() || send_space(c) == 0) {
    if (!data.empty()) tcb.set(tcb_flags::kWantSendSpace);
    return 0;
  }
  if (tcb.send_buffer == BufferPool::kNone) {
    tcb.send_buffer = buffers_.allocate();
    if (tcb.send_buffer == BufferPool::kNone) {
      ++counters_.drop_no_buffer;
      tcb.set(tcb_flags::kWantSendSpace);
      return 0;
    }
  }
  size_t taken = SendRing(buffers_, tcb.send_buffer).append(data);
  if (taken < data.size()) tcb.set(tcb_flags::kWantSendSpace);
  request_output(tcb);
  return taken;
}

/// RFC 9293 3.10.4 CLOSE for our sending direction.
template <class Host>
void Engine<Host>::shutdown_write(ConnRef c) {
  Tcb& tcb = tcbs_[c];
  if (tcb.has(tcb_flags::kFinQueued)) return;
  switch (tcb.state) {
    case TcpState::kSynSent:  // nothing was sent: just forget it
      if (callback_depth_ > 0) {
        tcb.set(tcb_flags::kAbortPending);
      } else {
        free_tcb(tcb, CloseReason::kNormal);
      }
      return;
    case TcpState::kSynReceived:  // FIN once ESTABLISHED (RFC 9293 3.10.4)
      tcb.set(tcb_flags::kFinQueued);
      return;
    case TcpState::kEstablished:
      tcb.state = TcpState::kFinWait1;
      break;
    case TcpState::kCloseWait:
      tcb.state = TcpState::kLastAck;
      break;
    default:
      return;
  }
  tcb.set(tcb_flags::kFinQueued);
  request_output(tcb);
}

template <class Host>
void Engine<Host>::close(ConnRef c) {
  Tcb& tcb = tcbs_[c];
  if (tcb.state == TcpState::kClosed) return;
  // Inside on_data the bytes being delivered are not yet marked consumed:
  // the engine checks for unread data when the callback returns.
  bool in_delivery = callback_depth_ > 0 && c == current_conn_;
  bool unread = !in_delivery && tcb.receive_buffer != BufferPool::kNone &&
                buffers_.meta(tcb.receive_buffer).length > 0;
  tcb.set(tcb_flags::kAppClosed);
  if (unread) {  // RFC 2525 2.17: closing with unread data resets
    abort(c);
    return;
  }
  shutdown_write(c);
  if (tcb.state == TcpState::kFinWait2 && callback_depth_ == 0) {
    tcb.idle_deadline = deadline_in(config_.fin_wait2_timeout_us);
    arm_timer(tcb);
  }
}

template <class Host>
void Engine<Host>::abort(ConnRef c) {
  Tcb& tcb = tcbs_[c];
  if (tcb.state == TcpState::kClosed) return;
  tcb.set(tcb_flags::kAbortPending);
  if (callback_depth_ == 0) finish_callbacks(tcb);
}

template <class Host>
void Engine<Host>::request_output(Tcb& tcb) {
  if (callback_depth_ > 0 && index_of(tcb) == current_conn_) {
    tcb.set(tcb_flags::kOutputPending);  // flushed by input() when the callback returns
    return;
  }
  output(tcb);
  arm_timer(tcb);
}

}  // namespace tcpterm::tcp
