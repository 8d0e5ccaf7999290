// AppTable: one worker's application instances, indexed by the app id the
// engine stores per listener and connection. Built-ins are dispatched by a
// switch on their kind (no virtual call per packet, STYLE 6); only custom
// applications go through the Application interface.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tcpterm/app.hpp>

#include "app/app_registry.hpp"
#include "app/discard.hpp"
#include "app/echo.hpp"
#include "app/http_responder.hpp"

namespace tcpterm::app {

class AppTable {
 public:
  explicit AppTable(const HttpSettings& http);
  AppTable(const AppTable&) = delete;
  AppTable& operator=(const AppTable&) = delete;

  /// App id for a listener's `app` name (creating this worker's instance of a
  /// custom application); nullopt when the name is unknown. Control path.
  std::optional<uint16_t> add(std::string_view name);
  /// Replaces the HTTP responses (config reload). A response that is only
  /// partly queued at that moment (send buffer full) is finished from the new
  /// text at the same offset, so its client may see a torn response.
  void set_http(const HttpSettings& http);

  void on_accept(uint16_t app_id, Stream& stream) {
    switch (slots_[app_id].kind) {
      case AppKind::kHttp:
        http_.on_accept(stream);
        break;
      case AppKind::kEcho:
      case AppKind::kDiscard:
        break;
      case AppKind::kCustom:
        slots_[app_id].custom->on_accept(stream);
        break;
    }
  }
  size_t on_data(uint16_t app_id, Stream& stream, std::span<const uint8_t> data) {
    switch (slots_[app_id].kind) {
      case AppKind::kHttp:
        return http_.on_data(stream, data);
      case AppKind::kEcho:
        return echo_.on_data(stream, data);
      case AppKind::kDiscard:
        return discard_.on_data(stream, data);
      case AppKind::kCustom:
        return slots_[app_id].custom->on_data(stream, data);
    }
    return 0;
  }
  void on_send_space(uint16_t app_id, Stream& stream) {
    switch (slots_[app_id].kind) {
      case AppKind::kHttp:
        http_.on_send_space(stream);
        break;
      case AppKind::kEcho:
      case AppKind::kDiscard:
        break;  // the engine offers the held bytes again
      case AppKind::kCustom:
        slots_[app_id].custom->on_send_space(stream);
        break;
    }
  }
  void on_peer_fin(uint16_t app_id, Stream& stream) {
    switch (slots_[app_id].kind) {
      case AppKind::kHttp:
        http_.on_peer_fin(stream);
        break;
      case AppKind::kEcho:
        echo_.on_peer_fin(stream);
        break;
      case AppKind::kDiscard:
        discard_.on_peer_fin(stream);
        break;
      case AppKind::kCustom:
        slots_[app_id].custom->on_peer_fin(stream);
        break;
    }
  }
  void on_close(uint16_t app_id, uint32_t connection, uint64_t context, CloseReason reason) {
    if (slots_[app_id].kind == AppKind::kCustom)
      slots_[app_id].custom->on_close(connection, context, reason);
  }

 private:
  struct Slot {
    AppKind kind;
    std::unique_ptr<Application> custom;  // kCustom only
    std::string name;
  };
  std::unique_ptr<HttpResponses> responses_;
  HttpResponder http_;
  Echo echo_;
  Discard discard_;
  std::vector<Slot> slots_;
};

}  // namespace tcpterm::app
