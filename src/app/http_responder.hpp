// HttpResponder: the built-in HTTP/1.1 application. Every request gets the
// same static response, prebuilt at start in its few variants (keep-alive,
// close, 400), so the fast path only parses heads and copies bytes.
// Pipelined requests are answered in order; while a response is only partly
// queued (send buffer full) later requests stay unread in the receive buffer
// and flow control holds the client back. A response that ends the connection
// is followed by close(), so tcpterm sends the first FIN and takes TIME-WAIT.
// Templated on the stream type so tests drive it with a fake stream.
#pragma once

#include <bit>
#include <cstdint>
#include <span>
#include <string>

#include "app/http_request.hpp"

namespace tcpterm::app {

/// What the responder answers with; filled from the config's `http` section.
struct HttpSettings {
  uint16_t status = 200;
  std::string content_type = "text/plain";
  std::string body = "Hello from tcpterm\n";
  uint32_t max_request_head = 8192;
};

/// The prebuilt responses.
class HttpResponses {
 public:
  enum Variant : uint8_t {
    kNone = 0,
    kKeepAlive,
    kKeepAlive10,
    kClose,
    kBadRequest,
    kVariantCount
  };

  explicit HttpResponses(const HttpSettings& settings);
  /// The whole response (head and body) of `v`.
  std::span<const uint8_t> bytes(Variant v) const { return as_bytes(text_[v]); }
  /// Length of the head alone, for HEAD requests.
  uint32_t head_length(Variant v) const { return head_length_[v]; }
  uint32_t max_request_head() const { return max_request_head_; }

 private:
  static std::span<const uint8_t> as_bytes(const std::string& s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
  }
  std::string text_[kVariantCount];
  uint32_t head_length_[kVariantCount] = {};
  uint32_t max_request_head_;
};

/// Per-connection state, kept in the stream's context word.
struct HttpConnectionState {
  uint32_t body_left = 0;           // request body bytes still to skip
  uint32_t response_sent : 24 = 0;  // bytes of `pending` already queued
  uint32_t pending : 3 = 0;         // HttpResponses::Variant being sent, kNone when idle
  uint32_t head_only : 1 = 0;       // pending answers a HEAD request
  uint32_t closing : 1 = 0;         // close() once pending is fully queued
  uint32_t closed : 1 = 0;          // close() was called: ignore everything
  uint32_t unused : 2 = 0;
};
static_assert(sizeof(HttpConnectionState) == sizeof(uint64_t));

class HttpResponder {
 public:
  explicit HttpResponder(const HttpResponses& responses) : responses_(&responses) {}

  template <class S>
  void on_accept(S& stream) {
    stream.context() = 0;
  }

  /// Answers every complete request in `data`; returns the bytes consumed.
  template <class S>
  size_t on_data(S& stream, std::span<const uint8_t> data) {
    HttpConnectionState state = load(stream);
    size_t consumed = 0;
    while (!state.closed && state.pending == HttpResponses::kNone && consumed < data.size()) {
      std::span<const uint8_t> rest = data.subspan(consumed);
      if (state.body_left > 0) {  // skip a request body (RFC 9112 6.3)
        size_t skip = std::min<size_t>(state.body_left, rest.size());
        state.body_left -= static_cast<uint32_t>(skip);
        consumed += skip;
        continue;
      }
      HttpRequestHead head = parse_http_request_head(rest);
      if (head.status == HttpRequestHead::Status::kIncomplete) {
        if (rest.size() < responses_->max_request_head()) break;  // wait for the rest of the head
        head.status = HttpRequestHead::Status::kMalformed;        // too large: 400
      }
      if (head.status == HttpRequestHead::Status::kMalformed) {
        state.pending = HttpResponses::kBadRequest;
        state.closing = 1;
        consumed = data.size();  // nothing after a bad request is read
      } else {
        consumed += head.head_length;
        state.body_left = head.body_length;
        state.pending = !head.keep_alive ? HttpResponses::kClose
                        : head.http10    ? HttpResponses::kKeepAlive10
                                         : HttpResponses::kKeepAlive;
        state.closing = head.keep_alive ? 0 : 1;
        state.head_only = head.head_method ? 1 : 0;
      }
      state.response_sent = 0;
      send_pending(stream, state);
    }
    if (state.closed) consumed = data.size();
    store(stream, state);
    return consumed;
  }

  /// Continues a response that did not fit the send buffer.
  template <class S>
  void on_send_space(S& stream) {
    HttpConnectionState state = load(stream);
    send_pending(stream, state);
    store(stream, state);
  }

  /// The client finished sending: finish the response in progress, then close.
  template <class S>
  void on_peer_fin(S& stream) {
    HttpConnectionState state = load(stream);
    state.closing = 1;
    if (state.pending == HttpResponses::kNone) finish(stream, state);
    store(stream, state);
  }

 private:
  static HttpConnectionState load(auto& stream) {
    return std::bit_cast<HttpConnectionState>(stream.context());
  }
  static void store(auto& stream, HttpConnectionState state) {
    stream.context() = std::bit_cast<uint64_t>(state);
  }

  template <class S>
  void send_pending(S& stream, HttpConnectionState& state) const {
    if (state.pending == HttpResponses::kNone || state.closed) return;
    auto variant = static_cast<HttpResponses::Variant>(state.pending);
    std::span<const uint8_t> response = responses_->bytes(variant);
    if (state.head_only) response = response.first(responses_->head_length(variant));
    size_t sent = stream.send(response.subspan(state.response_sent));
    state.response_sent += static_cast<uint32_t>(sent);
    if (state.response_sent < response.size()) return;  // on_send_space continues
    state.pending = HttpResponses::kNone;
    state.response_sent = 0;
    if (state.closing) finish(stream, state);
  }

  template <class S>
  static void finish(S& stream, HttpConnectionState& state) {
    state.closed = 1;
    stream.close();
  }

  const HttpResponses* responses_;
};

}  // namespace tcpterm::app
