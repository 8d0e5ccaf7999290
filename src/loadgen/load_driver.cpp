// LoadDriver's poll step; see load_driver.hpp. Runs on the worker's lcore.
#include "loadgen/load_driver.hpp"

namespace tcpterm::loadgen {

LoadDriver::LoadDriver(dataplane::Worker& worker, const DriverSettings& settings)
    : worker_(worker), settings_(settings) {
  if (settings.http) {
    LoadSettings http = *settings.http;
    http.app_id = dataplane::kClientAppId;
    http_.emplace(worker.engine(), http, worker.engine().config().max_connections);
  }
  if (settings.fast) fast_.emplace(worker, *settings.fast);
  if (settings.flood) flood_.emplace(worker, *settings.flood);
}

bool LoadDriver::load_finished() const {
  return (!http_ || http_->finished()) && (!fast_ || fast_->finished());
}

bool LoadDriver::finished() const {
  return neighbour_failed_ || (load_finished() && (!flood_ || flood_->done()));
}

const wire::IpAddress& LoadDriver::server_address() const {
  return settings_.http   ? settings_.http->server_address
         : settings_.fast ? settings_.fast->load.server_address
                          : settings_.flood->server_address;
}

void LoadDriver::on_poll(uint64_t now_us) {
  if (end_us_ != 0) return;
  if (first_poll_us_ == 0) first_poll_us_ = now_us;
  last_poll_us_ = now_us;
  // --duration is enforced here too, on the worker's clock: a control thread
  // starved on a busy core must not stretch the run.
  if (settings_.duration_us != 0 && start_us_ != 0 && now_us - start_us_ >= settings_.duration_us)
    stop_requested_.store(true, std::memory_order_relaxed);
  if (stop_requested_.load(std::memory_order_relaxed)) {
    if (http_) http_->stop();
    if (fast_) fast_->stop();
    if (flood_) flood_->stop();
  }
  // The first SYNs would be lost (and wait a whole RTO) without the server's MAC.
  if (!neighbour_ready_ && now_us - last_neighbour_check_us_ >= kNeighbourCheckIntervalUs) {
    last_neighbour_check_us_ = now_us;
    neighbour_ready_ = worker_.neighbour_ready(settings_.local_address, server_address());
    if (!neighbour_ready_ && now_us - first_poll_us_ > settings_.wait_neighbour_us)
      neighbour_failed_ = true;
  }
  if (neighbour_ready_ && !stop_requested_.load(std::memory_order_relaxed)) {
    if (start_us_ == 0) start_us_ = now_us;
    if (http_) {
      http_->set_now(now_us);
      http_->tick(now_us);
    }
    if (fast_) {
      fast_->set_now(now_us);
      fast_->tick(now_us);
    }
    if (flood_) flood_->tick(now_us);
  } else {
    if (http_) http_->set_now(now_us);
    if (fast_) {  // draining: no engine times these out for us
      fast_->set_now(now_us);
      fast_->expire(now_us);
    }
  }
  if ((http_ || fast_) && flood_ && load_finished())
    flood_->stop();  // a background flood ends with the load
  if (finished()) end_us_ = now_us;
  publish();
}

void LoadDriver::publish() {
  constexpr auto kRelaxed = std::memory_order_relaxed;
  if (http_ || fast_) {
    const LoadCounters& c = http_ ? http_->counters() : fast_->counters();
    live_.connections_opened.store(c.connections_opened, kRelaxed);
    live_.requests_ok.store(c.requests_ok, kRelaxed);
    live_.errors.store(c.errors(), kRelaxed);
    live_.in_flight.store(in_flight(), kRelaxed);
  }
  if (flood_) {
    live_.syns_sent.store(flood_->counters().syns_sent, kRelaxed);
    live_.syn_acks_received.store(flood_->counters().syn_acks_received, kRelaxed);
  }
  live_.finished.store(end_us_ != 0, std::memory_order_release);
}

}  // namespace tcpterm::loadgen
