// Engine construction, TCB allocation and release, lookup, gauges.
// Table entries share one index space: [0, max_connections) are TCBs (also
// their timer ids), [max_connections, max_connections + max_time_wait) are
// TIME-WAIT records.
#pragma once

#include <algorithm>

#include "tcp/isn.hpp"
#include "tcp/new_reno.hpp"

namespace tcpterm::tcp {

template <class Host>
Engine<Host>::Engine(const EngineConfig& config, Host& host, uint64_t now_us)
    : config_(checked(config)),
      host_(host),
      now_us_(now_us),
      tick_divider_(config.timer_tick_us),
      now_tick_(tick_divider_.floor(now_us)),
      now_ms_(static_cast<uint32_t>(now_us / 1000)),
      tcbs_(config.max_connections),
      time_waits_(config_.max_time_wait),
      table_(config_.max_connections + config_.max_time_wait),
      timers_(config_.max_connections, now_us / config_.timer_tick_us),
      buffers_(config.buffer_count, config.buffer_size),
      listener_by_port_(new uint8_t[65536]()) {
  listeners_.resize(std::min<uint32_t>(config.max_listeners, 255));
  challenge_window_start_us_ = now_us;
  fresh_tcb_.rto_us = static_cast<uint32_t>(config_.rto_initial_us);
  fresh_tcb_.ssthresh = UINT32_MAX / 2;  // RFC 5681 3.1: arbitrarily high initial ssthresh
}

/// The config with the limits the engine's structures impose (the config
/// file's checks are stricter; this guards direct users).
template <class Host>
EngineConfig Engine<Host>::checked(EngineConfig config) {
  config.max_time_wait = std::min(config.max_time_wait, TimeWaitQueue::kMaxRecords);
  return config;
}

template <class Host>
void Engine<Host>::set_now(uint64_t now_us) {
  if (now_us <= now_us_) return;
  now_us_ = now_us;
  now_tick_ = tick_divider_.floor(now_us);
  now_ms_ = static_cast<uint32_t>(now_us / 1000);
}

template <class Host>
uint32_t Engine<Host>::lookup(const table::FlowKey& key, uint32_t hash) const {
  const uint32_t max_tcbs = config_.max_connections;
  return table_.find(key, hash, [this, max_tcbs](uint32_t index) -> const table::FlowKey& {
    return index < max_tcbs ? tcbs_[index].key : time_waits_[index - max_tcbs].key;
  });
}

template <class Host>
void Engine<Host>::prefetch_connection(uint32_t hash) const {
  const uint32_t max_tcbs = config_.max_connections;
  table_.for_each_candidate(hash, [this, max_tcbs](uint32_t index) {
    if (index >= max_tcbs) {
      // One line (64 B), written when a SYN reopens the record (its queue links).
      __builtin_prefetch(&time_waits_[index - max_tcbs], 1, 3);
      return;
    }
    // input() reads and writes the whole TCB: every line it spans.
    const char* first = reinterpret_cast<const char*>(&tcbs_[index]);
    for (size_t offset = 0; offset < sizeof(Tcb); offset += table::kCacheLineBytes)
      __builtin_prefetch(first + offset, 1, 3);
    __builtin_prefetch(first + sizeof(Tcb) - 1, 1, 3);
  });
}

template <class Host>
ConnRef Engine<Host>::allocate_tcb(const table::FlowKey& key, uint32_t hash) {
  uint32_t index = tcbs_.allocate();
  if (index == table::ObjectPool<Tcb>::kNone) return kNoConn;
  // A SYN reopening a TIME-WAIT tuple: the TCB takes the record's entry.
  const bool placed = reopened_time_wait_
                          ? table_.replace(hash, time_wait_id(*reopened_time_wait_), index)
                          : table_.insert(hash, index);
  if (!placed) {
    tcbs_.release(index);
    return kNoConn;
  }
  if (reopened_time_wait_) release_time_wait(*std::exchange(reopened_time_wait_, std::nullopt));
  Tcb& tcb = tcbs_[index];
  tcb = fresh_tcb_;
  tcb.key = key;
  tcb.hash = hash;
  TupleSecrets secrets = tuple_secrets(config_.secret, key);
  tcb.ts_offset = secrets.ts_offset;
  tcb.iss = initial_sequence_number(secrets, now_us_);  // callers may override (cookies, RFC 6191)
  tcb.last_activity_ms = now_ms();
  return index;
}

/// Releases everything the TCB holds. `reason` set: the app is told (once),
/// if it ever saw the connection. The table entry is erased unless the caller
/// has handed it over (`erase_entry` false: TIME-WAIT took the slot).
template <class Host>
void Engine<Host>::free_tcb(Tcb& tcb, std::optional<CloseReason> reason, bool erase_entry) {
  ConnRef index = index_of(tcb);
  if (tcb.state == TcpState::kClosed) return;
  if (erase_entry) table_.erase(tcb.hash, index);
  timers_.stop(index);
  if (tcb.send_buffer != BufferPool::kNone) buffers_.release(tcb.send_buffer);
  if (tcb.receive_buffer != BufferPool::kNone) buffers_.release(tcb.receive_buffer);
  tcb.send_buffer = tcb.receive_buffer = BufferPool::kNone;
  if (tcb.state == TcpState::kSynReceived && tcb.has(tcb_flags::kPassive)) --syn_received_count_;
  tcb.state = TcpState::kClosed;
  if (reason) {
    switch (*reason) {
      case CloseReason::kNormal: ++counters_.closed_normal; break;
      case CloseReason::kReset: ++counters_.closed_reset; break;
      case CloseReason::kAborted: ++counters_.closed_aborted; break;
      case CloseReason::kTimeout: ++counters_.closed_timeout; break;
      case CloseReason::kRefused: ++counters_.closed_refused; break;
    }
    if (tcb.has(tcb_flags::kAppAttached)) {
      tcb.clear(tcb_flags::kAppAttached);
      host_.on_closed(index, *reason);
    }
  }
  tcbs_.release(index);
}

/// Runs after every application callback: performs an abort the app asked
/// for inside it. False when the TCB is gone.
template <class Host>
void Engine<Host>::finish_callbacks(Tcb& tcb) {
  if (tcb.state != TcpState::kClosed && tcb.has(tcb_flags::kAbortPending)) {
    tcb.clear(tcb_flags::kAbortPending);
    if (tcb.state != TcpState::kSynSent) {
      send_rst(tcb.key, tcb.hash, tcb.snd_max, tcb.rcv_nxt, flags::kRst | flags::kAck);
    }
    free_tcb(tcb, CloseReason::kAborted);
  }
}

template <class Host>
bool Engine<Host>::challenge_ack_allowed() {
  // RFC 5961 7: at most challenge_ack_limit challenge ACKs per second.
  if (now_us_ - challenge_window_start_us_ >= 1'000'000) {
    challenge_window_start_us_ = now_us_;
    challenge_acks_in_window_ = 0;
  }
  if (challenge_acks_in_window_ >= config_.challenge_ack_limit) {
    ++counters_.challenge_acks_limited;
    return false;
  }
  ++challenge_acks_in_window_;
  return true;
}

template <class Host>
EngineOccupancy Engine<Host>::occupancy() const {
  EngineOccupancy o;
  o.connections = tcbs_.in_use();
  o.syn_received = syn_received_count_;
  o.time_wait = time_waits_.in_use();
  o.buffers_in_use = buffers_.in_use();
  o.timers_pending = timers_.pending_count();
  for (const auto& l : listeners_) o.listeners += l.active ? 1 : 0;
  return o;
}

template <class Host>
size_t Engine<Host>::memory_bytes() const {
  return tcbs_.memory_bytes() + time_waits_.memory_bytes() + table_.memory_bytes() +
         timers_.memory_bytes() + buffers_.memory_bytes() + 65536;
}

}  // namespace tcpterm::tcp
