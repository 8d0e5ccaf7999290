// EngineCounters: one plain uint64 per event and per drop reason, owned by
// one lcore and summed by readers without locks (STYLE 7). The X-macro list
// gives telemetry, Prometheus and logs the names without repeating them.
#pragma once

#include <cstdint>

namespace tcpterm::tcp {

// One counter per line, comments aligned by hand:
// clang-format off
#define TCPTERM_ENGINE_COUNTERS(X)                                                  \
  X(segments_in)             /* TCP segments handed to the engine */              \
  X(segments_out)            /* TCP segments emitted */                           \
  X(payload_bytes_in)        /* in-order payload bytes delivered to applications */ \
  X(payload_bytes_out)       /* payload bytes emitted, retransmissions included */ \
  X(syn_in)                  /* SYNs received in LISTEN */                        \
  X(syn_ack_out)             /* SYN-ACKs sent (first transmissions) */            \
  X(syn_out)                 /* SYNs sent by active opens */                      \
  X(syn_cookies_sent)        /* SYN-ACKs carrying a cookie instead of state */    \
  X(syn_cookies_valid)       /* ACKs whose cookie validated: connection created */ \
  X(syn_cookies_invalid)     /* ACKs in LISTEN whose cookie failed */             \
  X(passive_opens)           /* connections that reached ESTABLISHED passively */ \
  X(active_opens)            /* connections that reached ESTABLISHED actively */  \
  X(closed_normal)                                                                \
  X(closed_reset)                                                                 \
  X(closed_aborted)                                                               \
  X(closed_timeout)                                                               \
  X(closed_refused)                                                               \
  X(syn_received_timeouts)   /* SYN-RECEIVED entries dropped after retries */     \
  X(rst_in)                  /* acceptable RSTs acted upon */                     \
  X(rst_out)                 /* RSTs sent */                                      \
  X(challenge_acks)          /* RFC 5961 challenge ACKs sent */                   \
  X(challenge_acks_limited)  /* challenge ACKs suppressed by the rate limit */     \
  X(dup_acks_out)            /* ACKs for unacceptable segments (RFC 9293 3.10.7.4) */ \
  X(retransmits)             /* segments retransmitted (any cause) */             \
  X(rto_expirations)                                                              \
  X(fast_retransmits)                                                             \
  X(syn_ack_retransmits)                                                          \
  X(zero_window_probes)                                                           \
  X(keepalive_probes)                                                             \
  X(delayed_acks)            /* ACKs sent by the delayed-ACK timer */             \
  X(time_wait_entered)                                                            \
  X(time_wait_expired)                                                            \
  X(time_wait_reused)        /* RFC 6191 SYNs that reopened a TIME-WAIT tuple */  \
  X(time_wait_hash_mismatch) /* expired record not under flow_hash(key): bad RSS */ \
  X(ooo_segments)            /* segments queued out of order */                   \
  X(drop_no_listener)        /* SYN/segment to a port nobody listens on: RST */   \
  X(drop_out_of_window)      /* RFC 9293 3.10.7.4 unacceptable segments */        \
  X(drop_paws)               /* RFC 7323 5 PAWS rejects */                        \
  X(drop_bad_ack)            /* ACK outside the acceptable range */               \
  X(drop_syn_fin)            /* SYN with FIN in LISTEN */                         \
  X(drop_syn_with_ack_listen)/* ACK to a listener that is not a valid cookie */   \
  X(drop_table_full)         /* no TCB or table slot; SYN dropped (cookies off) */ \
  X(drop_backlog_full)       /* SYN-RECEIVED backlog full and cookies off */      \
  X(drop_no_buffer)          /* buffer pool empty: payload not accepted */        \
  X(drop_ooo_full)           /* out-of-order queue full: segment not queued */    \
  X(drop_no_ack_flag)        /* segment without ACK in a synchronized state */    \
  X(drop_data_after_close)   /* data for a closed application: we reset */        \
  X(drop_rst_ignored)        /* RST that was neither exact nor in window */       \
  X(drop_time_wait_full)     /* no TIME-WAIT record free: closed without one */
// clang-format on

struct EngineCounters {
#define TCPTERM_DECLARE_COUNTER(name) uint64_t name = 0;
  TCPTERM_ENGINE_COUNTERS(TCPTERM_DECLARE_COUNTER)
#undef TCPTERM_DECLARE_COUNTER

  /// Calls f(name, value) for every counter, in declaration order.
  template <class F>
  void for_each(F&& f) const {
#define TCPTERM_VISIT_COUNTER(name) f(#name, name);
    TCPTERM_ENGINE_COUNTERS(TCPTERM_VISIT_COUNTER)
#undef TCPTERM_VISIT_COUNTER
  }
  /// Adds every counter of `other` into this one (for summing lcores).
  void add(const EngineCounters& other) {
#define TCPTERM_ADD_COUNTER(name) name += other.name;
    TCPTERM_ENGINE_COUNTERS(TCPTERM_ADD_COUNTER)
#undef TCPTERM_ADD_COUNTER
  }
};

/// Gauges: what the engine holds right now.
struct EngineOccupancy {
  uint32_t connections = 0;       // live TCBs
  uint32_t syn_received = 0;      // of which in SYN-RECEIVED
  uint32_t time_wait = 0;         // compact TIME-WAIT records
  uint32_t buffers_in_use = 0;
  uint32_t timers_pending = 0;
  uint32_t listeners = 0;
};

}  // namespace tcpterm::tcp
