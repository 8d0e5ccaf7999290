// Checked<View>: what a wire view's check() returns — the view, or the reason
// the bytes were rejected. A view is only ever built by check(), so holding one
// means its lengths were validated (the smoltcp check_len() discipline).
#pragma once

#include "wire/drop_reason.hpp"

namespace tcpterm::wire {

template <class View>
struct Checked {
  View view{};
  DropReason reason = DropReason::kNone;

  /// True when the bytes passed validation and `view` may be used.
  bool ok() const { return reason == DropReason::kNone; }
  /// A rejection carrying `why`.
  static Checked rejected(DropReason why) { return Checked{View{}, why}; }
};

}  // namespace tcpterm::wire
