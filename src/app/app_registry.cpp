// The registry of custom applications; see app_registry.hpp.
#include "app/app_registry.hpp"

#include <map>

namespace tcpterm::app {

namespace {

constexpr std::string_view kBuiltinNames[] = {"http", "echo", "discard"};

std::map<std::string, ApplicationFactory, std::less<>>& registry() {
  static std::map<std::string, ApplicationFactory, std::less<>> factories;
  return factories;
}

}  // namespace

std::optional<AppKind> builtin_kind(std::string_view name) {
  for (size_t i = 0; i < std::size(kBuiltinNames); ++i)
    if (kBuiltinNames[i] == name) return static_cast<AppKind>(i);
  return std::nullopt;
}

const ApplicationFactory* find_application(std::string_view name) {
  auto it = registry().find(name);
  return it == registry().end() ? nullptr : &it->second;
}

std::vector<std::string> application_names() {
  std::vector<std::string> names(std::begin(kBuiltinNames), std::end(kBuiltinNames));
  for (const auto& [name, factory] : registry()) names.push_back(name);
  return names;
}

}  // namespace tcpterm::app

namespace tcpterm {

bool register_application(std::string_view name, ApplicationFactory factory) {
  if (name.empty() || !factory || app::builtin_kind(name) || app::find_application(name))
    return false;
  app::registry().emplace(std::string(name), std::move(factory));
  return true;
}

}  // namespace tcpterm
