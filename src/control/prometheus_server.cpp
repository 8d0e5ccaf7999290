// The /metrics HTTP server; see prometheus_server.hpp.
#include "control/prometheus_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tcpterm::control {

namespace {

void set_non_blocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/// Best effort: a response larger than the socket buffer is cut short.
void write_all(int fd, const std::string& text) {
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::send(fd, text.data() + off, text.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

}  // namespace

PrometheusServer::PrometheusServer(const wire::IpAddress& address, uint16_t port) {
  sockaddr_storage storage{};
  socklen_t length;
  if (address.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    std::memcpy(&sin->sin_addr, address.v4_bytes(), 4);
    length = sizeof(sockaddr_in);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    std::memcpy(&sin6->sin6_addr, address.v6_bytes(), 16);
    length = sizeof(sockaddr_in6);
  }
  std::string where = "prometheus: " + address.to_string() + ":" + std::to_string(port);
  listen_fd_ = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0)
    throw std::runtime_error(where + ": cannot create a socket: " + std::strerror(errno));
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&storage), length) != 0 ||
      ::listen(listen_fd_, 16) != 0) {
    int error = errno;
    ::close(listen_fd_);
    throw std::runtime_error(
        where + ": cannot listen: " + std::strerror(error) +
        " (is the address local and the port free? see prometheus.address/port)");
  }
  set_non_blocking(listen_fd_);
}

PrometheusServer::~PrometheusServer() {
  for (Client& c : clients_) ::close(c.fd);
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

void PrometheusServer::wait(uint64_t timeout_us, const std::function<std::string()>& render) {
  std::vector<pollfd> fds;
  fds.push_back({listen_fd_, POLLIN, 0});
  for (const Client& c : clients_) fds.push_back({c.fd, POLLIN, 0});
  int ready = ::poll(fds.data(), fds.size(), static_cast<int>(timeout_us / 1000));
  if (ready <= 0) return;
  std::vector<Client> still_open;
  for (size_t i = 0; i < clients_.size(); ++i) {
    bool keep = !(fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR)) || serve(clients_[i], render);
    if (keep) {
      still_open.push_back(std::move(clients_[i]));
    } else {
      ::close(clients_[i].fd);
    }
  }
  clients_ = std::move(still_open);
  if (fds[0].revents & POLLIN) accept_clients();
}

void PrometheusServer::accept_clients() {
  while (true) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    if (clients_.size() >= kMaxClients) {
      ::close(fd);
      continue;
    }
    clients_.push_back({fd, {}});
  }
}

bool PrometheusServer::serve(Client& client, const std::function<std::string()>& render) {
  char buffer[1024];
  ssize_t n = ::recv(client.fd, buffer, sizeof(buffer), 0);
  if (n <= 0) return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  client.request.append(buffer, static_cast<size_t>(n));
  if (client.request.find("\r\n\r\n") == std::string::npos &&
      client.request.find("\n\n") == std::string::npos)
    return client.request.size() < kMaxRequest;
  bool metrics =
      client.request.rfind("GET /metrics ", 0) == 0 || client.request.rfind("GET / ", 0) == 0;
  std::string body = metrics ? render() : "not found: try /metrics\n";
  std::string head =
      std::string(metrics ? "HTTP/1.0 200 OK\r\n" : "HTTP/1.0 404 Not Found\r\n") +
      "Content-Type: text/plain; version=0.0.4\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n";
  write_all(client.fd, head + body);
  return false;
}

}  // namespace tcpterm::control
