// HttpLoad: the load generator's client side, sans-IO. It opens connections
// (active open on tcp::Engine) at a target rate from a range of source
// addresses and ports, sends one HTTP request on each, checks the response
// (status 200, Content-Length, the whole body), closes, and records latency
// and errors by kind. The engine's Host forwards its callbacks here; the
// dataplane (or a test) calls tick() every poll iteration.
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/latency_histogram.hpp"
#include "loadgen/open_pacer.hpp"
#include "loadgen/tuple_walk.hpp"
#include "table/flow_hash.hpp"
#include "table/flow_key.hpp"
#include "tcp/conn_ref.hpp"
#include "tcp/tcp_state.hpp"

namespace tcpterm::loadgen {

struct LoadSettings {
  wire::IpAddress server_address;
  uint16_t server_port = 80;
  wire::IpAddress first_source;  // source addresses first_source .. + source_count - 1 (IPv4)
  uint32_t source_count = 1;
  uint16_t first_port = 1024;  // source ports first_port .. last_port
  uint16_t last_port = 65535;
  uint32_t start_offset = 0;        // where in the port range the walk starts (runs differ)
  uint64_t rate_per_second = 0;     // 0 = as fast as max_concurrency allows
  uint32_t max_concurrency = 1000;  // connections in flight
  uint64_t total_connections = 0;   // 0 = until stopped
  uint16_t app_id = 0;
  std::string request = "GET / HTTP/1.1\r\nHost: tcpterm\r\nConnection: close\r\n\r\n";
  uint32_t max_header_bytes = 4096;
};

#define TCPTERM_LOAD_COUNTERS(X)                                        \
  X(connections_opened) /* SYNs sent */                                 \
  X(requests_ok)        /* 200 with the whole body */                   \
  X(connect_failed)     /* engine had no TCB or the tuple was busy */   \
  X(refused)            /* RST to our SYN */                            \
  X(reset)              /* RST after the handshake */                   \
  X(timed_out)          /* retransmits ran out (--fast: timeout) */     \
  X(bad_status)         /* not 200 */                                   \
  X(bad_response)       /* unparsable head or no Content-Length */      \
  X(short_response)     /* closed before the whole body arrived */      \
  X(response_split)     /* --fast: response not whole in one segment */ \
  X(bad_ack)            /* --fast: acknowledges what we did not send */ \
  X(bad_segment)        /* --fast: fits no rule of the state it met */  \
  X(stray_segments)     /* --fast: for no connection (not an error) */  \
  X(response_bytes)

struct LoadCounters {
#define TCPTERM_DECLARE_LOAD_COUNTER(name) uint64_t name = 0;
  TCPTERM_LOAD_COUNTERS(TCPTERM_DECLARE_LOAD_COUNTER)
#undef TCPTERM_DECLARE_LOAD_COUNTER
  template <class F>
  void for_each(F&& f) const {
#define TCPTERM_VISIT_LOAD_COUNTER(name) f(#name, name);
    TCPTERM_LOAD_COUNTERS(TCPTERM_VISIT_LOAD_COUNTER)
#undef TCPTERM_VISIT_LOAD_COUNTER
  }
  void add(const LoadCounters& o) {
#define TCPTERM_ADD_LOAD_COUNTER(name) name += o.name;
    TCPTERM_LOAD_COUNTERS(TCPTERM_ADD_LOAD_COUNTER)
#undef TCPTERM_ADD_LOAD_COUNTER
  }
  uint64_t errors() const {
    return connect_failed + refused + reset + timed_out + bad_status + bad_response +
           short_response + response_split + bad_ack + bad_segment;
  }
};

/// Parses "HTTP/1.x 200 ...\r\n...Content-Length: N\r\n...\r\n\r\n".
/// Returns false while the head is incomplete; on completion sets
/// head_length, status and body_length (-1 when absent).
struct ResponseHead {
  uint32_t head_length = 0;
  int status = 0;
  int64_t body_length = -1;
};
bool parse_response_head(std::string_view bytes, ResponseHead& head);

/// parse_response_head behind a one-entry memo: a server answers every
/// request of a run with the same head, so a head byte-equal to the last one
/// parsed costs one comparison instead of a parse (the --fast client's
/// largest single cost). The result depends only on the head's bytes, so
/// it is the parse's, byte for byte; any other head is parsed and kept.
class ResponseHeadMemo {
 public:
  bool parse(std::string_view bytes, ResponseHead& head) {
    if (known_ && bytes.size() >= last_.head_length &&
        std::memcmp(bytes.data(), last_bytes_.data(), last_.head_length) == 0) {
      head = last_;
      return true;
    }
    if (!parse_response_head(bytes, head)) return false;
    known_ = head.head_length <= last_bytes_.size();
    if (known_) {
      std::memcpy(last_bytes_.data(), bytes.data(), head.head_length);
      last_ = head;
    }
    return true;
  }

 private:
  std::array<char, 512> last_bytes_{};  // heads up to this size are remembered
  ResponseHead last_;
  bool known_ = false;
};

template <class EngineT>
class HttpLoad {
 public:
  HttpLoad(EngineT& engine, const LoadSettings& settings, uint32_t max_connections)
      : engine_(engine),
        settings_(settings),
        conns_(max_connections),
        pacer_(settings.rate_per_second, settings.max_concurrency),
        walk_(settings.source_count, settings.first_port, settings.last_port,
              settings.start_offset) {
    completed_.reserve(max_connections);  // no allocation on the fast path
  }

  /// Opens as many connections as the rate and the concurrency cap allow.
  void tick(uint64_t now_us) {
    close_completed();
    uint64_t budget = pacer_.budget(now_us, active_);
    for (uint64_t i = 0; i < budget && !done_opening(); ++i) {
      if (!open_one(now_us)) break;
      pacer_.opened();
    }
  }

  bool done_opening() const {
    return stopping_ || (settings_.total_connections != 0 &&
                         counters_.connections_opened >= settings_.total_connections);
  }
  bool finished() const { return done_opening() && active_ == 0; }
  void stop() { stopping_ = true; }
  uint32_t active() const { return active_; }
  const LoadCounters& counters() const { return counters_; }
  const LatencyHistogram& latency() const { return latency_; }

  // ---- forwarded Host callbacks ----
  void on_connected(tcp::ConnRef c, uint64_t) {
    engine_.send(c, std::span(reinterpret_cast<const uint8_t*>(settings_.request.data()),
                              settings_.request.size()));
  }
  size_t on_data(tcp::ConnRef c, std::span<const uint8_t> data) {
    Conn& conn = conns_[c];
    std::string_view bytes(reinterpret_cast<const char*>(data.data()), data.size());
    size_t consumed = 0;
    if (!conn.head_done) {
      ResponseHead head;
      if (!parse_response_head(bytes, head)) {
        if (bytes.size() >= settings_.max_header_bytes)
          return fail(c, conn, &LoadCounters::bad_response, data.size());
        return 0;  // wait: the engine keeps the bytes and offers them again with more
      }
      if (head.status != 200) return fail(c, conn, &LoadCounters::bad_status, data.size());
      if (head.body_length < 0) return fail(c, conn, &LoadCounters::bad_response, data.size());
      conn.head_done = true;
      conn.body_left = static_cast<uint64_t>(head.body_length);
      consumed = head.head_length;
    }
    uint64_t body = std::min<uint64_t>(conn.body_left, data.size() - consumed);
    conn.body_left -= body;
    counters_.response_bytes += consumed + body;
    consumed += body;
    if (conn.body_left == 0 && !conn.complete) {
      conn.complete = true;
      ++counters_.requests_ok;
      latency_.record(now_us_ - conn.start_us);
      if (completed_.size() < completed_.capacity()) {
        completed_.push_back(c);  // closed by on_peer_fin, or by the next tick if no FIN came
      } else {
        conn.closing = true;
        engine_.close(c);
      }
      return data.size();  // anything after the body is ignored
    }
    return consumed;
  }
  void on_peer_fin(tcp::ConnRef c) {
    Conn& conn = conns_[c];
    if (!conn.complete && !conn.failed) {
      conn.failed = true;
      ++counters_.short_response;
    }
    conn.closing = true;
    engine_.close(c);
  }
  void on_closed(tcp::ConnRef c, tcp::CloseReason reason) {
    Conn& conn = conns_[c];
    if (!conn.complete && !conn.failed) {
      switch (reason) {
        case tcp::CloseReason::kRefused:
          ++counters_.refused;
          break;
        case tcp::CloseReason::kReset:
          ++counters_.reset;
          break;
        case tcp::CloseReason::kTimeout:
          ++counters_.timed_out;
          break;
        default:
          ++counters_.short_response;
          break;
      }
    }
    conn = Conn{};
    --active_;
  }
  /// The time the callbacks above see; the dataplane sets it per burst.
  void set_now(uint64_t now_us) { now_us_ = now_us; }

 private:
  struct Conn {
    uint64_t start_us = 0;
    uint64_t body_left = 0;
    bool head_done = false;
    bool complete = false;
    bool failed = false;
    bool closing = false;
  };

  // The response's FIN usually rides with its last bytes, and the engine
  // delivers the data before the FIN: closing inside on_data would make this
  // a simultaneous close with TIME-WAIT on our side too, holding the source
  // tuple for 2 MSL. Waiting until the next tick lets the server's FIN make
  // us the passive closer (LAST-ACK, no TIME-WAIT).
  void close_completed() {
    for (tcp::ConnRef c : completed_) {
      Conn& conn = conns_[c];
      if (!conn.complete || conn.closing) continue;  // closed, or the slot was reused
      conn.closing = true;
      engine_.close(c);
    }
    completed_.clear();
  }

  size_t fail(tcp::ConnRef c, Conn& conn, uint64_t LoadCounters::*counter, size_t consumed) {
    conn.failed = true;
    ++(counters_.*counter);
    engine_.abort(c);
    return consumed;
  }

  /// The flow the walk stands at: a source address and port to the server.
  table::FlowKey current_tuple() const {
    table::FlowKey key;
    key.remote_address = settings_.server_address;
    key.remote_port = settings_.server_port;
    key.local_address =
        wire::IpAddress::v4(settings_.first_source.v4_host_order() + walk_.source_index());
    key.local_port = walk_.port();
    return key;
  }

  bool open_one(uint64_t now_us) {
    // Walk the (source address, source port) space; a tuple still in use
    // (or in TIME-WAIT) is skipped by trying the next one, a bounded number of times.
    for (int attempt = 0; attempt < 64; ++attempt) {
      const table::FlowKey key = current_tuple();
      walk_.advance();
      // Start loading the next tuple's flow-table bucket: connect() looks the
      // tuple up first, and that miss, one open later, was most of connect()'s
      // time (the loadgen's top symbol end to end, bench/RESULTS.md).
      engine_.prefetch(table::flow_hash(current_tuple()));
      tcp::ConnRef c = engine_.connect(key, settings_.app_id, now_us);
      if (c != tcp::kNoConn) {
        conns_[c] = Conn{now_us, 0, false, false, false, false};
        ++active_;
        ++counters_.connections_opened;
        return true;
      }
    }
    ++counters_.connect_failed;
    return false;
  }

  EngineT& engine_;
  LoadSettings settings_;
  std::vector<Conn> conns_;
  std::vector<tcp::ConnRef> completed_;  // requests done since the last tick
  LoadCounters counters_;
  LatencyHistogram latency_;
  OpenPacer pacer_;
  TupleWalk walk_;
  uint32_t active_ = 0;
  uint64_t now_us_ = 0;
  bool stopping_ = false;
};

}  // namespace tcpterm::loadgen
