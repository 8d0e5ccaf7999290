// The application names a listener may use: the built-ins, and the custom
// applications registered through <tcpterm/app.hpp>. Control path only: the
// registry is read when workers are set up, never per packet.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tcpterm/app.hpp>

namespace tcpterm::app {

/// How a listener's application is dispatched: built-ins by a switch, custom
/// applications through the Application interface.
enum class AppKind : uint8_t { kHttp, kEcho, kDiscard, kCustom };

/// The kind of a built-in name ("http", "echo", "discard"), else nullopt.
std::optional<AppKind> builtin_kind(std::string_view name);
/// The factory registered under `name`, or nullptr.
const ApplicationFactory* find_application(std::string_view name);
/// Every usable name, built-ins first, for error messages.
std::vector<std::string> application_names();

}  // namespace tcpterm::app
