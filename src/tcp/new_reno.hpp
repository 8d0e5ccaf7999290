// NewReno congestion control (RFC 5681 3.1-3.2 with RFC 6582 recovery) on a Tcb.
// The engine calls these at the events the RFCs name; they only move cwnd,
// ssthresh and recover, never send.
#pragma once

#include <algorithm>
#include <cstdint>

#include "tcp/tcb.hpp"

namespace tcpterm::tcp {

/// RFC 6928: IW = min(10*MSS, max(2*MSS, 14600)).
inline uint32_t initial_window(uint32_t mss) {
  return std::min(10 * mss, std::max(2 * mss, 14600u));
}

inline uint32_t flight_size(const Tcb& tcb) { return static_cast<uint32_t>(tcb.snd_max - tcb.snd_una); }

/// RFC 5681 3.1: new data acknowledged outside recovery.
inline void cc_on_ack(Tcb& tcb, uint32_t acked, uint32_t mss) {
  if (tcb.cwnd < tcb.ssthresh) {
    tcb.cwnd += std::min(acked, mss);  // slow start, L = 1*SMSS (RFC 3465)
  } else {
    tcb.cwnd += std::max(1u, mss * mss / std::max(tcb.cwnd, 1u));  // congestion avoidance
  }
}

/// RFC 6582 3.2 step 2: the third duplicate ACK starts fast recovery.
inline void cc_enter_recovery(Tcb& tcb, uint32_t mss) {
  tcb.ssthresh = std::max(flight_size(tcb) / 2, 2 * mss);
  tcb.recover = tcb.snd_max;
  tcb.cwnd = tcb.ssthresh + 3 * mss;
  tcb.set(tcb_flags::kInRecovery);
}

/// RFC 6582 3.2 step 3: inflate for each further duplicate ACK.
inline void cc_on_dup_ack_in_recovery(Tcb& tcb, uint32_t mss) { tcb.cwnd += mss; }

/// RFC 6582 3.2 step 5, partial ACK: deflate by the amount acked, add back one MSS.
inline void cc_on_partial_ack(Tcb& tcb, uint32_t acked, uint32_t mss) {
  tcb.cwnd = (tcb.cwnd > acked ? tcb.cwnd - acked : 0) + mss;
}

/// RFC 6582 3.2 step 5, full ACK: leave recovery.
inline void cc_on_full_ack(Tcb& tcb, uint32_t mss) {
  tcb.cwnd = std::min(tcb.ssthresh, std::max(flight_size(tcb), mss) + mss);
  tcb.clear(tcb_flags::kInRecovery);
}

/// RFC 5681 3.1 equation 4 and loss window: after a retransmission timeout.
inline void cc_on_timeout(Tcb& tcb, uint32_t mss) {
  tcb.ssthresh = std::max(flight_size(tcb) / 2, 2 * mss);
  tcb.cwnd = mss;
  tcb.clear(tcb_flags::kInRecovery);
}

}  // namespace tcpterm::tcp
