// ClientDriver: an optional per-lcore hook that lets a client (the load
// generator) run inside a Worker's poll loop on the Worker's own engine.
// The worker calls on_poll once per iteration, hands it the engine callbacks
// of connections opened with kClientAppId, and, if it asks, every TCP frame
// before the worker's own handling (the SYN flood counts SYN-ACKs there
// without keeping state). A server-only worker has no driver and pays one
// predictable branch; the virtual calls are on client connections only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "tcp/conn_ref.hpp"
#include "tcp/tcp_state.hpp"
#include "wire/packet_parser.hpp"

namespace tcpterm::dataplane {

/// App id the engine stores for connections a ClientDriver opens; the
/// worker routes their callbacks to the driver instead of the AppTable.
inline constexpr uint16_t kClientAppId = 0xffff;

class ClientDriver {
 public:
  virtual ~ClientDriver() = default;
  /// Once per poll iteration, before RX, with the iteration's time.
  virtual void on_poll(uint64_t now_us) = 0;
  /// True when on_frame wants every TCP frame (fixed at set_client_driver).
  virtual bool wants_frames() const { return false; }
  /// A parsed TCP frame, before the address check; true means "consumed":
  /// the worker frees it and does nothing else.
  virtual bool on_frame(const wire::ParseResult&) { return false; }

  // Engine callbacks for connections with app id kClientAppId.
  virtual void on_connected(tcp::ConnRef c) = 0;
  virtual size_t on_data(tcp::ConnRef c, std::span<const uint8_t> data) = 0;
  virtual void on_send_space(tcp::ConnRef) {}
  virtual void on_peer_fin(tcp::ConnRef c) = 0;
  virtual void on_closed(tcp::ConnRef c, tcp::CloseReason reason) = 0;
};

}  // namespace tcpterm::dataplane
