// TupleWalk: every source address at one port, then the next port, wrapping
// at the end of the range, from start_offset ports in.
#include "loadgen/tuple_walk.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace tcpterm::loadgen {
namespace {

TEST(TupleWalk, SourcesFirstThenPortsWrappingFromTheOffset) {
  TupleWalk walk(2, 1000, 1002, 4);  // 3 ports: offset 4 starts at 1001
  std::vector<std::pair<uint32_t, uint16_t>> seen;
  for (int i = 0; i < 7; ++i) {
    seen.emplace_back(walk.source_index(), walk.port());
    EXPECT_EQ(walk.port(), 1000 + walk.port_offset());
    walk.advance();
  }
  EXPECT_EQ(seen,
            (std::vector<std::pair<uint32_t, uint16_t>>{
                {0, 1001}, {1, 1001}, {0, 1002}, {1, 1002}, {0, 1000}, {1, 1000}, {0, 1001}}));
  EXPECT_EQ(walk.port_span(), 3u);
}

TEST(TupleWalk, TheWholePortRangeWrapsAt65535) {
  TupleWalk walk(1, 65534, 65535, 0);
  EXPECT_EQ(walk.port(), 65534);
  walk.advance();
  EXPECT_EQ(walk.port(), 65535);
  walk.advance();
  EXPECT_EQ(walk.port(), 65534);
}

}  // namespace
}  // namespace tcpterm::loadgen
