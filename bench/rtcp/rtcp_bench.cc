// RTCP compound parse/marshal cost for the two compounds a WebRTC endpoint
// sends most: SR + SDES + REMB (sender side) and RR + NACK + transport-cc
// (receiver side). The compounds are in compounds.h; bench/pion_compare.sh
// times Pion's rtcp.Unmarshal on the same bytes (//bench/rtcp:write_compounds).
#include <vector>

#include "bench/rtcp/compounds.h"
#include "benchmark/benchmark.h"
#include "core/rtcp/packet.h"

namespace simrtc::rtcp {
namespace {

void BM_RtcpParseSrSdesRemb(benchmark::State& state) {
  const std::vector<uint8_t> wire = *MarshalCompound(SrSdesRemb());
  for (auto _ : state) {
    auto packets = ParseCompound(wire);
    benchmark::DoNotOptimize(packets);
  }
  state.counters["bytes"] = static_cast<double>(wire.size());
}
BENCHMARK(BM_RtcpParseSrSdesRemb);

void BM_RtcpParseRrNackTwcc(benchmark::State& state) {
  const std::vector<uint8_t> wire = *MarshalCompound(RrNackTwcc());
  for (auto _ : state) {
    auto packets = ParseCompound(wire);
    benchmark::DoNotOptimize(packets);
  }
  state.counters["bytes"] = static_cast<double>(wire.size());
}
BENCHMARK(BM_RtcpParseRrNackTwcc);

void BM_RtcpMarshalSrSdesRemb(benchmark::State& state) {
  const std::vector<Packet> packets = SrSdesRemb();
  std::vector<uint8_t> buf(1500);
  for (auto _ : state) {
    auto n = MarshalCompoundTo(packets, buf);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_RtcpMarshalSrSdesRemb);

void BM_RtcpMarshalRrNackTwcc(benchmark::State& state) {
  const std::vector<Packet> packets = RrNackTwcc();
  std::vector<uint8_t> buf(1500);
  for (auto _ : state) {
    auto n = MarshalCompoundTo(packets, buf);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_RtcpMarshalRrNackTwcc);

}  // namespace
}  // namespace simrtc::rtcp
