// Cost of the bounds-checked byte reader/writer every parser is built on.
#include <benchmark/benchmark.h>

#include <array>
#include <vector>

#include "core/base/byte_io.h"

namespace simrtc {
namespace {

void BM_ByteReaderHeader(benchmark::State& state) {
  std::array<uint8_t, 20> data{};
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i);
  for (auto _ : state) {
    ByteReader r(data);
    uint16_t a, b;
    uint32_t c, d, e;
    benchmark::DoNotOptimize(r.ReadU16(a));
    benchmark::DoNotOptimize(r.ReadU16(b));
    benchmark::DoNotOptimize(r.ReadU32(c));
    benchmark::DoNotOptimize(r.ReadU32(d));
    benchmark::DoNotOptimize(r.ReadU32(e));
    benchmark::DoNotOptimize(a + b + c + d + e);
  }
}
BENCHMARK(BM_ByteReaderHeader);

void BM_ByteWriterFixed(benchmark::State& state) {
  std::array<uint8_t, 64> buf{};
  for (auto _ : state) {
    ByteWriter w{MutableByteSpan(buf)};
    benchmark::DoNotOptimize(w.WriteU16(1));
    benchmark::DoNotOptimize(w.WriteU16(2));
    benchmark::DoNotOptimize(w.WriteU32(3));
    benchmark::DoNotOptimize(w.WriteU64(4));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_ByteWriterFixed);

}  // namespace
}  // namespace simrtc
