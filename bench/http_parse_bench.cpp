// HTTP head parsing microbenchmarks: the request head tcpterm's HTTP
// responder parses for every connection (app/http_request.cpp), and the
// response head tcpterm-loadgen checks for every connection
// (loadgen/response_head.cpp), each exactly as the two send them in
// bench/run-e2e.sh's runs.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <string_view>

#include "app/http_request.hpp"
#include "loadgen/http_load.hpp"

namespace tcpterm {
namespace {

constexpr std::string_view kRequest = "GET / HTTP/1.1\r\nHost: tcpterm\r\nConnection: close\r\n\r\n";
constexpr std::string_view kResponse =
    "HTTP/1.1 200 OK\r\nServer: tcpterm\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n"
    "Connection: close\r\n\r\nhello\n";

void BM_ParseHttpRequestHead(benchmark::State& state) {
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(kRequest.data()),
                                       kRequest.size());
  for (auto _ : state) {
    benchmark::DoNotOptimize(bytes.data());
    benchmark::DoNotOptimize(app::parse_http_request_head(bytes));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseHttpRequestHead);

void BM_ParseResponseHead(benchmark::State& state) {
  loadgen::ResponseHead head;
  for (auto _ : state) {
    benchmark::DoNotOptimize(kResponse.data());
    benchmark::DoNotOptimize(loadgen::parse_response_head(kResponse, head));
    benchmark::DoNotOptimize(head);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseResponseHead);

}  // namespace
}  // namespace tcpterm
BENCHMARK_MAIN();
