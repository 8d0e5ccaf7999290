// The application API: what a C++ author implements to serve a listener.
// tcpterm runs one instance of each application per worker lcore (nothing is
// shared between cores), and calls it on that lcore only, so no locking is
// needed. Received bytes are lent as a span straight from the packet or the
// receive buffer (zero copy): return how many you consumed and tcpterm keeps
// and offers the rest again with whatever arrives next.
//
// Register an application before tcpterm starts, then name it in a listener:
//   tcpterm::register_application("hello", [] { return std::make_unique<Hello>(); });
//   listeners: [{ port: 8080, app: hello }]
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "wire/ip_address.hpp"

namespace tcpterm {

namespace dataplane {
class Worker;
}

/// One end of a connection.
struct Endpoint {
  wire::IpAddress address;
  uint16_t port = 0;
};

/// Why a connection ended (mirrors tcp::CloseReason).
enum class CloseReason : uint8_t { kNormal, kReset, kAborted, kTimeout, kRefused };

/// Handle of one connection, valid from on_accept until on_close. Cheap to
/// copy; calls go straight to the lcore's TCP engine.
class Stream {
 public:
  /// Queues bytes for sending; returns how many fit. When fewer than offered
  /// fit, on_send_space follows once there is room again.
  size_t send(std::span<const uint8_t> data);
  /// Convenience for text.
  size_t send(std::string_view text) {
    return send(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  }
  /// Bytes send() would accept now.
  size_t send_space() const;
  /// Sends FIN after the queued bytes; receiving goes on (half close).
  void shutdown_write();
  /// FIN after the queued bytes and no more reading; on_close follows later.
  void close();
  /// Sends RST now; on_close follows at once.
  void abort();
  Endpoint local() const;
  Endpoint remote() const;
  /// One word for the application's per-connection state; 0 at on_accept.
  uint64_t& context();
  /// Connection id, unique on this lcore while the connection lives.
  uint32_t id() const { return connection_; }

  Stream(dataplane::Worker& worker, uint32_t connection)
      : worker_(&worker), connection_(connection) {}

 private:
  dataplane::Worker* worker_;
  uint32_t connection_;
};

/// A custom application. The built-ins (http, echo, discard) do not go
/// through this interface; they are dispatched without virtual calls.
class Application {
 public:
  virtual ~Application() = default;
  /// A connection to this application's listener is established.
  virtual void on_accept(Stream& stream) = 0;
  /// In-order bytes; return how many were consumed (the rest is offered again).
  virtual size_t on_data(Stream& stream, std::span<const uint8_t> data) = 0;
  /// send() refused bytes earlier and there is room now.
  virtual void on_send_space(Stream& stream) { (void)stream; }
  /// The peer will send nothing more. The default closes our side too.
  virtual void on_peer_fin(Stream& stream) { stream.close(); }
  /// The connection is gone; `context` is its last context word.
  virtual void on_close(uint32_t connection, uint64_t context, CloseReason reason) {
    (void)connection, (void)context, (void)reason;
  }
};

/// Makes one instance per worker lcore.
using ApplicationFactory = std::function<std::unique_ptr<Application>()>;

/// Makes `name` usable as a listener's `app`. Call before tcpterm starts;
/// returns false when the name is taken (including the built-in names).
bool register_application(std::string_view name, ApplicationFactory factory);

}  // namespace tcpterm
