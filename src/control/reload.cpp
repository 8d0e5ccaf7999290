// SIGHUP reload; see reload.hpp.
#include "control/reload.hpp"

#include <algorithm>

#include "control/log.hpp"

namespace tcpterm::control {

namespace {

bool contains(const std::vector<ListenerConfig>& list, const ListenerConfig& l) {
  return std::find(list.begin(), list.end(), l) != list.end();
}

void reload_listeners(Config& running, const Config& next, dataplane::Dataplane& dp,
                      ReloadReport& report) {
  size_t workers = dp.workers().size();
  std::vector<ListenerConfig> kept;
  for (const ListenerConfig& old : running.listeners) {
    if (contains(next.listeners, old)) {
      kept.push_back(old);
      continue;
    }
    size_t done = dp.run_on_workers([&](dataplane::WorkerCommand& c) {
      c.kind = dataplane::WorkerCommand::Kind::kUnlisten;
      c.port = old.port;
    });
    report.applied.push_back("listener " + old.to_string() + " removed" +
                             (done == workers ? "" : " (not on every worker!)"));
  }
  for (const ListenerConfig& l : next.listeners) {
    if (contains(kept, l)) continue;
    size_t done = dp.run_on_workers([&](dataplane::WorkerCommand& c) {
      c.kind = dataplane::WorkerCommand::Kind::kListen;
      c.address = l.address.value_or(wire::IpAddress{});
      c.port = l.port;
      c.app = l.app;
    });
    if (done == workers) {
      kept.push_back(l);
      report.applied.push_back("listener " + l.to_string() + " added");
    } else {
      report.not_applied.push_back("listener " + l.to_string() + " could not be opened on " +
                                   std::to_string(workers - done) + " of " +
                                   std::to_string(workers) +
                                   " workers (unknown app, or tcp.max_listeners reached)");
    }
  }
  running.listeners = kept;
}

}  // namespace

ReloadReport apply_reload(Config& running, const Config& next, dataplane::Dataplane& dp,
                          bool log_level_pinned) {
  ReloadReport report;
  for (const char* section : {"workers", "ports", "tcp", "dataplane", "prometheus"}) {
    auto text = [section](const Config& c) {
      auto it = c.section_texts.find(section);
      return it == c.section_texts.end() ? std::string() : it->second;
    };
    if (text(running) != text(next))
      report.not_applied.push_back(std::string(section) + " changed: restart tcpterm to apply it");
  }
  if (running.listeners != next.listeners) reload_listeners(running, next, dp, report);
  if (!(running.http == next.http)) {
    dp.run_on_workers([&](dataplane::WorkerCommand& c) {
      c.kind = dataplane::WorkerCommand::Kind::kSetHttp;
      c.http = {next.http.status, next.http.content_type, next.http.body,
                next.http.max_request_head};
    });
    running.http = next.http;
    report.applied.push_back("http response replaced");
  }
  if (running.log.level != next.log.level) {
    if (log_level_pinned) {
      report.not_applied.push_back("log level " + next.log.level +
                                   ": the EAL's --log-level set it; restart without that "
                                   "argument to take log.level from the config");
    } else {
      rte_log_set_level(log_type, log_level_from_name(next.log.level));
      report.applied.push_back("log level " + next.log.level);
    }
  }
  if (running.log.stats_interval_s != next.log.stats_interval_s)
    report.applied.push_back("stats interval " + std::to_string(next.log.stats_interval_s) + " s");
  running.log = next.log;
  for (const char* section : {"listeners", "http", "log"})
    running.section_texts[section] =
        next.section_texts.count(section) ? next.section_texts.at(section) : "";
  return report;
}

}  // namespace tcpterm::control
