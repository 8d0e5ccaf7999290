// PrometheusServer: a tiny HTTP/1.0 server on the control thread that answers
// GET /metrics. Non-blocking sockets driven by poll(), so it doubles as the
// control loop's sleep: wait() returns after the timeout or when a client
// needs service, and never blocks on one slow client. Not a general server:
// one request per connection, then close.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "wire/ip_address.hpp"

namespace tcpterm::control {

class PrometheusServer {
 public:
  /// Listens on address:port. Throws std::runtime_error naming the address
  /// when the socket cannot be bound.
  PrometheusServer(const wire::IpAddress& address, uint16_t port);
  ~PrometheusServer();
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;

  /// Serves clients for up to `timeout_us`; `render` makes the /metrics body.
  void wait(uint64_t timeout_us, const std::function<std::string()>& render);

 private:
  struct Client {
    int fd;
    std::string request;
  };
  void accept_clients();
  /// False when the client is finished (answered or gone).
  bool serve(Client& client, const std::function<std::string()>& render);

  static constexpr size_t kMaxClients = 16;
  static constexpr size_t kMaxRequest = 4096;
  int listen_fd_ = -1;
  std::vector<Client> clients_;
};

}  // namespace tcpterm::control
