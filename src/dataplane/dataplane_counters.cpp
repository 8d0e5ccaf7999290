// Names of the per-reason drop counters; see dataplane_counters.hpp.
#include "dataplane/dataplane_counters.hpp"

#include <string>

namespace tcpterm::dataplane {

const std::array<const char*, wire::kDropReasonCount>& DataplaneCounters::drop_names() {
  static const auto names = [] {
    static std::array<std::string, wire::kDropReasonCount> storage;
    std::array<const char*, wire::kDropReasonCount> result{};
    for (size_t i = 0; i < wire::kDropReasonCount; ++i) {
      storage[i] = std::string("drop_") + wire::to_string(static_cast<wire::DropReason>(i));
      result[i] = storage[i].c_str();
    }
    return result;
  }();
  return names;
}

}  // namespace tcpterm::dataplane
