// Segment dispatch, LISTEN and CLOSED processing (RFC 9293 3.10.7.1-2),
// passive opens and SYN cookies (RFC 4987).
#pragma once

#include "tcp/isn.hpp"
#include "tcp/syn_cookie.hpp"

namespace tcpterm::tcp {

template <class Host>
void Engine<Host>::input(const Segment& seg, uint64_t now_us) {
  set_now(now_us);
  ++counters_.segments_in;
  uint32_t index = lookup(seg.key, seg.hash);
  if (index == table::FlowTable::kNotFound) {
    const Listener* listener = find_listener(seg.key);
    if (listener != nullptr) {
      input_listen(seg, *listener);
    } else {
      input_no_connection(seg);
    }
    return;
  }
  if (is_time_wait_id(index)) {
    input_time_wait(time_wait_index(index), seg);
    return;
  }
  Tcb& tcb = tcbs_[index];
  current_conn_ = index;
  tcb.last_activity_ms = now_ms();
  tcb.keepalive_probes = 0;
  if (tcb.state == TcpState::kSynSent) {
    input_syn_sent(tcb, seg);
  } else {
    input_synchronized(tcb, seg);
  }
  if (tcb.state != TcpState::kClosed) {
    output(tcb);
    arm_timer(tcb);
  }
}

template <class Host>
const typename Engine<Host>::Listener* Engine<Host>::find_listener(const table::FlowKey& key) const {
  uint8_t slot = listener_by_port_[key.local_port];
  if (slot == 0) return nullptr;
  const Listener& l = listeners_[slot - 1];
  if (l.address == wire::IpAddress{} || l.address == key.local_address) return &l;
  return nullptr;
}

/// RFC 9293 3.10.7.1: no TCB and no listener. Never answer a RST.
template <class Host>
void Engine<Host>::input_no_connection(const Segment& seg) {
  ++counters_.drop_no_listener;
  if (seg.has(flags::kRst)) return;
  send_rst_for(seg);
}

/// The reset RFC 9293 3.10.7.1 prescribes for a segment that has no connection.
template <class Host>
void Engine<Host>::send_rst_for(const Segment& seg) {
  if (seg.has(flags::kAck)) {
    send_rst(seg.key, seg.hash, seg.ack, SeqNum(0), flags::kRst);
  } else {
    send_rst(seg.key, seg.hash, SeqNum(0), seg.seq + seg.seq_length(), flags::kRst | flags::kAck);
  }
}

template <class Host>
bool Engine<Host>::should_use_cookies() const {
  switch (config_.syn_cookies) {
    case SynCookieMode::kOff: return false;
    case SynCookieMode::kAlways: return true;
    case SynCookieMode::kAuto:
      return syn_received_count_ >= config_.max_syn_backlog || tcbs_.in_use() >= tcbs_.capacity() ||
             table_.size() >= table_.capacity();
  }
  return false;
}

/// RFC 9293 3.10.7.2: LISTEN.
template <class Host>
void Engine<Host>::input_listen(const Segment& seg, const Listener& listener) {
  if (seg.has(flags::kRst)) return;  // first: an incoming RST is ignored
  if (seg.has(flags::kAck)) {        // second: any ACK is bad, unless it returns our cookie
    if (!seg.has(flags::kSyn) && config_.syn_cookies != SynCookieMode::kOff &&
        accept_cookie(seg, listener)) {
      return;
    }
    ++counters_.drop_syn_with_ack_listen;
    send_rst(seg.key, seg.hash, seg.ack, SeqNum(0), flags::kRst);
    return;
  }
  if (!seg.has(flags::kSyn)) return;  // fourth: anything else is dropped
  if (seg.has(flags::kFin)) {         // SYN+FIN is never a valid open (as Linux and FreeBSD)
    ++counters_.drop_syn_fin;
    return;
  }
  ++counters_.syn_in;
  if (should_use_cookies()) {
    send_cookie_syn_ack(seg);
    return;
  }
  if (syn_received_count_ >= config_.max_syn_backlog) {
    ++counters_.drop_backlog_full;
    return;
  }
  ConnRef c = create_passive(seg, listener);
  if (c == kNoConn) {
    ++counters_.drop_table_full;
    return;
  }
  Tcb& tcb = tcbs_[c];
  ++syn_received_count_;
  send_segment(tcb, tcb.iss, flags::kSyn | flags::kAck, 0, 0);
  ++counters_.syn_ack_out;
  tcb.rtx_deadline = deadline_in(tcb.rto_us);
  arm_timer(tcb);
}

/// Options from a SYN (RFC 9293 3.7.1 MSS, RFC 7323 1.3/3.2, RFC 2018 2).
/// `tcb` already holds what we offer (or, for a passive open, may offer).
template <class Host>
void Engine<Host>::negotiate_syn_options(Tcb& tcb, const Segment& seg) {
  const wire::TcpOptions& o = seg.options;
  uint16_t our_mss = tcb.key.is_v4() ? config_.mss_v4 : config_.mss_v6;
  uint16_t peer_mss = o.has_mss ? o.mss : (tcb.key.is_v4() ? 536 : 1220);
  tcb.snd_mss = std::clamp<uint16_t>(peer_mss, kMinSendMss, our_mss);
  if (o.has_window_scale && config_.window_scale > 0) {
    tcb.snd_wscale = std::min<uint8_t>(o.window_scale, 14);  // RFC 7323 2.3: clamp to 14
    tcb.rcv_wscale = std::min<uint8_t>(config_.window_scale, 14);
  } else {
    tcb.snd_wscale = tcb.rcv_wscale = 0;
  }
  if (config_.sack && o.sack_permitted) tcb.set(tcb_flags::kSackOk); else tcb.clear(tcb_flags::kSackOk);
  if (config_.timestamps && o.has_timestamps) {
    tcb.set(tcb_flags::kTimestamps);
    tcb.ts_recent = o.ts_val;
    tcb.ts_recent_ms = now_ms();
  } else {
    tcb.clear(tcb_flags::kTimestamps);
  }
  tcb.irs = seg.seq;
  tcb.rcv_nxt = seg.seq + 1;
  tcb.rcv_adv = tcb.rcv_nxt;
  tcb.last_ack_sent = tcb.rcv_nxt;
  tcb.snd_wnd = seg.window;  // RFC 7323 2.2: the window in a SYN is never scaled
  tcb.max_snd_wnd = tcb.snd_wnd;
  tcb.snd_wl1 = seg.seq;
  tcb.cwnd = initial_window(effective_mss(tcb));
}

template <class Host>
ConnRef Engine<Host>::create_passive(const Segment& seg, const Listener& listener) {
  ConnRef c = allocate_tcb(seg.key, seg.hash);
  if (c == kNoConn) return kNoConn;
  Tcb& tcb = tcbs_[c];
  tcb.state = TcpState::kSynReceived;
  tcb.app_id = listener.app_id;
  tcb.set(tcb_flags::kPassive);
  negotiate_syn_options(tcb, seg);
  if (next_isn_) {
    tcb.iss = *next_isn_;
    next_isn_.reset();
  }
  tcb.snd_una = tcb.iss;
  tcb.snd_nxt = tcb.snd_max = tcb.iss + 1;
  tcb.snd_wl2 = tcb.iss;
  return c;
}

/// A SYN-ACK whose ISN is a cookie; nothing is stored (RFC 4987 3.6).
template <class Host>
void Engine<Host>::send_cookie_syn_ack(const Segment& seg) {
  Segment syn = seg;
  if (!seg.options.has_timestamps) {
    // Without timestamps the cookie cannot remember window scale or SACK,
    // so do not offer them (Linux tcp_conn_request does the same).
    syn.options.has_window_scale = false;
    syn.options.sack_permitted = false;
  }
  Tcb scratch{};
  scratch.key = seg.key;
  scratch.hash = seg.hash;
  negotiate_syn_options(scratch, syn);
  CookieOptions carried{scratch.rcv_wscale > 0 || syn.options.has_window_scale
                            ? static_cast<uint8_t>(std::min<uint8_t>(syn.options.window_scale, 14))
                            : kCookieNoWindowScale,
                        scratch.has(tcb_flags::kSackOk)};
  if (!syn.options.has_window_scale || config_.window_scale == 0) carried.window_scale = kCookieNoWindowScale;
  // Shift this SYN-ACK's TSval so it carries the options in its low bits.
  TupleSecrets secrets = tuple_secrets(config_.secret, seg.key);
  uint32_t ts_now = now_ms() + secrets.ts_offset;
  scratch.ts_offset = syn_cookie_timestamp(ts_now, carried) - now_ms();
  uint32_t mss_index = cookie_mss_index(seg.options.has_mss ? seg.options.mss : 536);
  scratch.iss = syn_cookie_make(config_.secret, seg.key, secrets.isn_offset, seg.seq, mss_index, now_us_);
  scratch.snd_nxt = scratch.iss + 1;
  send_segment(scratch, scratch.iss, flags::kSyn | flags::kAck, 0, 0);
  ++counters_.syn_cookies_sent;
  ++counters_.syn_ack_out;
}

/// The third ACK of a cookie handshake: validate and create the TCB directly
/// in ESTABLISHED. True when the segment was consumed.
template <class Host>
bool Engine<Host>::accept_cookie(const Segment& seg, const Listener& listener) {
  SeqNum peer_isn = seg.seq - 1;
  uint32_t h1 = tuple_secrets(config_.secret, seg.key).isn_offset;
  auto mss_index = syn_cookie_check(config_.secret, seg.key, h1, seg.ack - 1, peer_isn, now_us_);
  if (!mss_index) {
    ++counters_.syn_cookies_invalid;
    return false;
  }
  ++counters_.syn_cookies_valid;
  // Rebuild the SYN the cookie stands for.
  Segment syn{};
  syn.key = seg.key;
  syn.hash = seg.hash;
  syn.seq = peer_isn;
  syn.window = seg.window;
  syn.options.has_mss = true;
  syn.options.mss = kCookieMssTable[*mss_index];
  if (seg.options.has_timestamps && seg.options.ts_ecr != 0) {
    CookieOptions o = syn_cookie_decode_timestamp(seg.options.ts_ecr);
    syn.options.has_timestamps = true;
    syn.options.ts_val = seg.options.ts_val;
    syn.options.sack_permitted = o.sack_permitted;
    syn.options.has_window_scale = o.window_scale != kCookieNoWindowScale;
    syn.options.window_scale = o.window_scale;
  }
  ConnRef c = create_passive(syn, listener);
  if (c == kNoConn) {
    ++counters_.drop_table_full;
    return true;
  }
  Tcb& tcb = tcbs_[c];
  tcb.iss = seg.ack - 1;
  tcb.snd_una = tcb.iss;
  tcb.snd_nxt = tcb.snd_max = seg.ack;
  tcb.snd_wl2 = tcb.iss;
  // The window the cookie SYN-ACK advertised (unscaled, as in any SYN).
  tcb.rcv_adv = tcb.rcv_nxt + std::min<uint32_t>(buffers_.buffer_size(), 65535);
  ++syn_received_count_;  // it passes through SYN-RECEIVED in input_synchronized
  current_conn_ = c;
  input_synchronized(tcb, seg);
  if (tcb.state != TcpState::kClosed) {
    output(tcb);
    arm_timer(tcb);
  }
  return true;
}

}  // namespace tcpterm::tcp
