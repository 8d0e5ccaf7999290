// epoll_http_server: the Linux kernel baseline for issue 5. One thread, one
// level-triggered epoll set, non-blocking accept; every request head gets the
// same 6-byte response. "Connection: close" (or HTTP/1.0 without keep-alive,
// RFC 9112 9.3) makes the server close first after the response, as tcpterm
// does; otherwise the connection is kept alive and pipelined requests are
// answered in order.
// Usage: epoll_http_server [address] [port]   (default 127.0.0.1 8080)
// On SIGINT/SIGTERM it prints its counters to stderr and exits.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "app/http_request.hpp"

namespace {

constexpr std::string_view kResponseKeepAlive =
    "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nContent-Type: text/plain\r\n\r\nhello\n";
// RFC 9112 9.6: a server that closes after this response says so.
constexpr std::string_view kResponseClose =
    "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nhello\n";
constexpr size_t kMaxHead = 8192;  // a longer head is dropped with the connection
constexpr int kMaxEvents = 256;

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

struct Counters {
  uint64_t accepted = 0;
  uint64_t requests = 0;
  uint64_t closed_after_response = 0;
  uint64_t closed_by_peer = 0;
  uint64_t errors = 0;  // read/write errors and oversized heads
};

/// Per-descriptor state, indexed by fd.
struct Connection {
  std::vector<char> input;   // bytes of the head(s) not yet answered
  std::string_view pending;  // response bytes the socket did not take yet
  bool close_after_pending = false;
};

class Server {
 public:
  Server(int listen_fd, int epoll_fd) : listen_fd_(listen_fd), epoll_fd_(epoll_fd) {}

  void run() {
    epoll_event events[kMaxEvents];
    while (!g_stop) {
      int n = epoll_wait(epoll_fd_, events, kMaxEvents, 200);
      for (int i = 0; i < n; ++i) {
        int fd = events[i].data.fd;
        if (fd == listen_fd_) accept_all();
        else if (events[i].events & EPOLLOUT) on_writable(fd);
        else on_readable(fd);
      }
    }
  }

  const Counters& counters() const { return counters_; }

 private:
  void accept_all() {
    for (;;) {
      int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ++counters_.errors;
        return;
      }
      ++counters_.accepted;
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (static_cast<size_t>(fd) >= connections_.size()) connections_.resize(static_cast<size_t>(fd) * 2 + 1);
      Connection& c = connections_[static_cast<size_t>(fd)];
      c.input.clear();
      c.pending = {};
      c.close_after_pending = false;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.fd = fd;
      if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) close_connection(fd, counters_.errors);
    }
  }

  void on_readable(int fd) {
    Connection& c = connections_[static_cast<size_t>(fd)];
    char buffer[4096];
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n == 0) return close_connection(fd, counters_.closed_by_peer);
    if (n < 0) {
      if (errno != EAGAIN && errno != EINTR) close_connection(fd, counters_.errors);
      return;
    }
    c.input.insert(c.input.end(), buffer, buffer + n);
    answer_complete_requests(fd, c);
  }

  /// Answers every complete request in c.input, in order, while the socket
  /// takes the bytes. Heads are parsed by tcpterm's own parser, so both sides
  /// of the comparison pay for the same parsing.
  void answer_complete_requests(int fd, Connection& c) {
    size_t consumed = 0;
    while (c.pending.empty()) {
      auto rest = std::span(reinterpret_cast<const uint8_t*>(c.input.data()) + consumed, c.input.size() - consumed);
      tcpterm::app::HttpRequestHead head = tcpterm::app::parse_http_request_head(rest);
      if (head.status == tcpterm::app::HttpRequestHead::Status::kMalformed) return close_connection(fd, counters_.errors);
      if (head.status == tcpterm::app::HttpRequestHead::Status::kIncomplete) break;
      size_t request_length = size_t{head.head_length} + head.body_length;
      if (request_length > rest.size()) break;  // body still arriving
      ++counters_.requests;
      consumed += request_length;
      if (!send_response(fd, c, head.keep_alive ? kResponseKeepAlive : kResponseClose, !head.keep_alive)) return;
      if (!head.keep_alive) return;
    }
    c.input.erase(c.input.begin(), c.input.begin() + static_cast<std::ptrdiff_t>(consumed));
    if (c.input.size() > kMaxHead) close_connection(fd, counters_.errors);
  }

  /// Writes `response`; returns false when the connection was closed.
  bool send_response(int fd, Connection& c, std::string_view response, bool close_after) {
    ssize_t n = write(fd, response.data(), response.size());
    if (n < 0 && errno != EAGAIN) {
      close_connection(fd, counters_.errors);
      return false;
    }
    size_t written = n < 0 ? 0 : static_cast<size_t>(n);
    if (written == response.size()) {
      if (!close_after) return true;
      close_connection(fd, counters_.closed_after_response);
      return false;
    }
    c.pending = response.substr(written);
    c.close_after_pending = close_after;
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.fd = fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
    return true;
  }

  void on_writable(int fd) {
    Connection& c = connections_[static_cast<size_t>(fd)];
    std::string_view pending = c.pending;
    c.pending = {};
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
    if (send_response(fd, c, pending, c.close_after_pending) && c.pending.empty()) answer_complete_requests(fd, c);
  }

  void close_connection(int fd, uint64_t& reason) {
    ++reason;
    close(fd);  // also removes fd from the epoll set
  }

  int listen_fd_;
  int epoll_fd_;
  Counters counters_;
  std::vector<Connection> connections_;
};

int open_listener(const char* address, uint16_t port) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  if (inet_pton(AF_INET, address, &sin.sin_addr) != 1) {
    std::fprintf(stderr, "epoll_http_server: '%s' is not an IPv4 address; pass one like 127.0.0.1.\n", address);
    return -1;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0 || listen(fd, SOMAXCONN) != 0) {
    std::fprintf(stderr, "epoll_http_server: cannot listen on %s:%u: %s; pick a free port.\n", address, port,
                 std::strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  const char* address = argc > 1 ? argv[1] : "127.0.0.1";
  long port = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 8080;
  if (port <= 0 || port > 65535) {
    std::fprintf(stderr, "usage: %s [ipv4-address] [port 1-65535]\n", argv[0]);
    return 2;
  }
  int listen_fd = open_listener(address, static_cast<uint16_t>(port));
  if (listen_fd < 0) return 1;
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listen_fd;
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev);

  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  Server server(listen_fd, epoll_fd);
  std::fprintf(stderr, "epoll_http_server: listening on %s:%ld\n", address, port);
  server.run();
  const Counters& c = server.counters();
  std::fprintf(stderr,
               "epoll_http_server: accepted=%llu requests=%llu closed_after_response=%llu closed_by_peer=%llu "
               "errors=%llu\n",
               static_cast<unsigned long long>(c.accepted), static_cast<unsigned long long>(c.requests),
               static_cast<unsigned long long>(c.closed_after_response),
               static_cast<unsigned long long>(c.closed_by_peer), static_cast<unsigned long long>(c.errors));
  return 0;
}
