// SendRing against a plain byte queue: random appends, peeks and consumes on
// buffers of awkward sizes, so that writes and reads wrap at every offset.
#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <vector>

#include "tcp/buffer_pool.hpp"

namespace tcpterm::tcp {
namespace {

TEST(SendRing, MatchesAByteQueueThroughEveryWrap) {
  for (const uint32_t size : {1u, 2u, 7u, 37u, 64u, 4096u}) {
    BufferPool pool(1, size);
    const uint32_t index = pool.allocate();
    ASSERT_NE(index, BufferPool::kNone);
    SendRing ring(pool, index);
    std::deque<uint8_t> model;
    std::mt19937 random(size);
    uint8_t next = 0;
    for (int step = 0; step < 20000; ++step) {
      switch (random() % 3) {
        case 0: {  // append up to 1.5 buffers' worth; only what fits is taken
          std::vector<uint8_t> data(random() % (size + size / 2 + 2));
          for (auto& byte : data) byte = next++;
          const uint32_t taken = ring.append(data);
          ASSERT_EQ(taken, std::min<size_t>(data.size(), size - model.size()));
          model.insert(model.end(), data.begin(), data.begin() + taken);
          break;
        }
        case 1: {  // consume some of what is held
          const uint32_t n = model.empty() ? 0 : random() % (model.size() + 1);
          ring.consume(n);
          model.erase(model.begin(), model.begin() + n);
          break;
        }
        default: {  // peek any range inside what is held
          const uint32_t offset = model.empty() ? 0 : random() % (model.size() + 1);
          const uint32_t n = random() % (model.size() - offset + 1);
          const auto spans = ring.peek(offset, n);
          std::vector<uint8_t> got(spans[0].begin(), spans[0].end());
          got.insert(got.end(), spans[1].begin(), spans[1].end());
          ASSERT_EQ(got, std::vector<uint8_t>(model.begin() + offset, model.begin() + offset + n))
              << "size " << size << " step " << step;
        }
      }
      ASSERT_EQ(ring.length(), model.size());
      ASSERT_EQ(ring.space(), size - model.size());
    }
  }
}

}  // namespace
}  // namespace tcpterm::tcp
