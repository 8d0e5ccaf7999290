// ConnRef: the handle applications and the dataplane hold for a connection.
#pragma once

#include <cstdint>

namespace tcpterm::tcp {

/// Handle of a live connection: valid from on_accept/on_connected (or the
/// return of connect) until on_closed.
using ConnRef = uint32_t;
inline constexpr ConnRef kNoConn = UINT32_MAX;

}  // namespace tcpterm::tcp
