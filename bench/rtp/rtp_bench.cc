// RTP parse/marshal cost for a typical 1200-byte video packet carrying
// abs-send-time and transport-wide sequence number extensions (what a
// WebRTC video sender emits). `allocs/iter` comes from the counting global
// operator new of //core/rtp:alloc_counter and should read 0 for the view parse
// and MarshalTo.
#include <vector>

#include "benchmark/benchmark.h"
#include "core/rtp/alloc_counter.h"
#include "core/rtp/rtp_header_extensions.h"
#include "core/rtp/rtp_packet.h"

namespace simrtc::rtp {
namespace {

constexpr uint8_t kAbsSendTimeId = 3;
constexpr uint8_t kTransportSeqId = 5;

RtpPacket VideoPacket() {
  RtpPacket p;
  p.set_marker(true);
  p.set_payload_type(96);
  p.set_sequence_number(27023);
  p.set_timestamp(3653407706u);
  p.set_ssrc(476325762u);
  (void)WriteExtension(p, kAbsSendTimeId, AbsSendTime{0x123456});
  (void)WriteExtension(p, kTransportSeqId, TransportSequenceNumber{4711});
  p.mutable_payload().assign(1200, 0x5A);
  return p;
}

void ReportAllocs(benchmark::State& state, size_t before) {
  state.counters["allocs/iter"] = benchmark::Counter(
      static_cast<double>(testing::AllocationCount() - before),
      benchmark::Counter::kAvgIterations);
}

void BM_RtpViewParse(benchmark::State& state) {
  const std::vector<uint8_t> raw = *VideoPacket().Marshal();
  const size_t before = testing::AllocationCount();
  for (auto _ : state) {
    auto v = RtpPacketView::Parse(raw);
    benchmark::DoNotOptimize(v);
  }
  ReportAllocs(state, before);
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * raw.size()));
}
BENCHMARK(BM_RtpViewParse);

// Parse plus what a receiver reads next: header fields and both extensions.
void BM_RtpViewParseAndReadExtensions(benchmark::State& state) {
  const std::vector<uint8_t> raw = *VideoPacket().Marshal();
  const size_t before = testing::AllocationCount();
  for (auto _ : state) {
    auto v = RtpPacketView::Parse(raw);
    uint64_t sum = v->sequence_number() + v->ssrc() + v->payload().size();
    sum += ReadExtension<AbsSendTime>(*v, kAbsSendTimeId)->value;
    sum += ReadExtension<TransportSequenceNumber>(*v, kTransportSeqId)
               ->sequence_number;
    benchmark::DoNotOptimize(sum);
  }
  ReportAllocs(state, before);
}
BENCHMARK(BM_RtpViewParseAndReadExtensions);

void BM_RtpMarshalTo(benchmark::State& state) {
  const RtpPacket p = VideoPacket();
  std::vector<uint8_t> buf(1500);
  const size_t before = testing::AllocationCount();
  for (auto _ : state) {
    auto n = p.MarshalTo(buf);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  ReportAllocs(state, before);
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * p.MarshalSize()));
}
BENCHMARK(BM_RtpMarshalTo);

// The owning copy (allocates the payload and extension storage).
void BM_RtpPacketParseOwning(benchmark::State& state) {
  const std::vector<uint8_t> raw = *VideoPacket().Marshal();
  const size_t before = testing::AllocationCount();
  for (auto _ : state) {
    auto p = RtpPacket::Parse(raw);
    benchmark::DoNotOptimize(p);
  }
  ReportAllocs(state, before);
}
BENCHMARK(BM_RtpPacketParseOwning);

}  // namespace
}  // namespace simrtc::rtp
