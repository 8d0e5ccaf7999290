// Every DropReason has a distinct snake_case counter name.
#include "wire/drop_reason.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace tcpterm::wire {
namespace {

TEST(DropReason, EveryReasonHasAUniqueSnakeCaseName) {
  std::set<std::string> names;
  for (size_t i = 0; i < kDropReasonCount; ++i) {
    const std::string name = to_string(static_cast<DropReason>(i));
    EXPECT_NE(name, "unknown") << i;
    EXPECT_FALSE(name.empty());
    for (char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << name;
    EXPECT_TRUE(names.insert(name).second) << "duplicate " << name;
  }
  EXPECT_STREQ(to_string(DropReason::kIpv4BadChecksum), "ipv4_bad_checksum");
  EXPECT_STREQ(to_string(DropReason::kTcpBadPort), "tcp_bad_port");
  EXPECT_STREQ(to_string(static_cast<DropReason>(kDropReasonCount)), "unknown");
}

}  // namespace
}  // namespace tcpterm::wire
