// tcpterm::Stream (include/tcpterm/app.hpp): each call goes straight to the
// worker's engine; nothing is virtual and nothing is queued.
#include <tcpterm/app.hpp>

#include "dataplane/worker.hpp"

namespace tcpterm {

size_t Stream::send(std::span<const uint8_t> data) {
  return worker_->engine().send(connection_, data);
}

size_t Stream::send_space() const {
  return worker_->engine().send_space(connection_);
}

void Stream::shutdown_write() {
  worker_->engine().shutdown_write(connection_);
}

void Stream::close() {
  worker_->engine().close(connection_);
}

void Stream::abort() {
  worker_->engine().abort(connection_);
}

Endpoint Stream::local() const {
  const table::FlowKey& key = worker_->engine().key(connection_);
  return {key.local_address, key.local_port};
}

Endpoint Stream::remote() const {
  const table::FlowKey& key = worker_->engine().key(connection_);
  return {key.remote_address, key.remote_port};
}

uint64_t& Stream::context() {
  return worker_->engine().app_context(connection_);
}

}  // namespace tcpterm
