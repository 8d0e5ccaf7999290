// TcpState: the connection states of RFC 9293 3.3.2, and why a connection ended.
#pragma once

#include <cstdint>

namespace tcpterm::tcp {

enum class TcpState : uint8_t {
  kClosed,
  kListen,
  kSynSent,
  kSynReceived,
  kEstablished,
  kFinWait1,
  kFinWait2,
  kClosing,
  kTimeWait,
  kCloseWait,
  kLastAck,
};
inline constexpr int kTcpStateCount = 11;

constexpr const char* to_string(TcpState s) {
  constexpr const char* kNames[] = {"CLOSED",     "LISTEN",     "SYN-SENT",   "SYN-RECEIVED",
                                    "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSING",
                                    "TIME-WAIT",  "CLOSE-WAIT", "LAST-ACK"};
  return kNames[static_cast<int>(s)];
}

/// Why a connection left the engine; passed to Host::on_closed exactly once.
enum class CloseReason : uint8_t {
  kNormal,    // both FINs exchanged and acknowledged (or TIME-WAIT entered)
  kReset,     // the peer sent an acceptable RST
  kAborted,   // the application aborted, or data arrived after close(): we sent RST
  kTimeout,   // retransmissions, keepalives or an idle/FIN-WAIT-2 timeout ran out
  kRefused,   // active open answered with RST
};

constexpr const char* to_string(CloseReason r) {
  constexpr const char* kNames[] = {"normal", "reset", "aborted", "timeout", "refused"};
  return kNames[static_cast<int>(r)];
}

}  // namespace tcpterm::tcp
