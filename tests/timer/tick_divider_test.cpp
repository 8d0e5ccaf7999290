// TickDivider against the `/` operator: every divisor the config allows at its
// edges, random and extreme dividends.
#include "timer/tick_divider.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace tcpterm::timer {
namespace {

void expect_exact(const TickDivider& divider, uint64_t x) {
  const uint64_t d = divider.divisor();
  ASSERT_EQ(divider.floor(x), x / d) << x << " / " << d;
  ASSERT_EQ(divider.ceil(x), x / d + (x % d != 0 ? 1 : 0)) << x << " / " << d;
}

TEST(TickDivider, MatchesDivisionForEdgeAndRandomValues) {
  std::mt19937_64 rng(7);
  std::vector<uint64_t> divisors = {1,
                                    2,
                                    3,
                                    7,
                                    10,
                                    64,
                                    100,
                                    999,
                                    1000,
                                    1024,
                                    4096,
                                    100'000,
                                    1'000'003,
                                    UINT32_MAX,
                                    uint64_t{1} << 40,
                                    UINT64_MAX / 3,
                                    UINT64_MAX};
  for (int i = 0; i < 200; ++i) divisors.push_back(1 + rng() % 1'000'000);
  for (uint64_t d : divisors) {
    TickDivider divider(d);
    for (uint64_t x :
         {uint64_t{0}, uint64_t{1}, d - 1, d, d + 1, 2 * d - 1, 2 * d, UINT64_MAX, UINT64_MAX - 1,
          UINT64_MAX - d, (UINT64_MAX / d) * d, (UINT64_MAX / d) * d - 1})
      expect_exact(divider, x);
    for (int k = 0; k < 2000; ++k) {
      expect_exact(divider, rng());
      expect_exact(divider, rng() >> (rng() % 64));
      uint64_t multiple = (rng() % (UINT64_MAX / d)) * d;
      expect_exact(divider, multiple);
      if (multiple > 0) expect_exact(divider, multiple - 1);
    }
  }
}

}  // namespace
}  // namespace tcpterm::timer
