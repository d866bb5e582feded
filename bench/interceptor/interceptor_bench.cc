// Per-packet cost of running packets through interceptor chains.
#include <memory>

#include "benchmark/benchmark.h"
#include "core/interceptor/interceptor.h"
#include "core/interceptor/nack.h"
#include "core/interceptor/report.h"
#include "core/interceptor/stats.h"
#include "core/interceptor/twcc.h"
#include "core/rtp/rtp_packet.h"

namespace simrtc::interceptor {
namespace {

std::unique_ptr<Chain> NoOpChain(int n) {
  auto chain = std::make_unique<Chain>();
  for (int i = 0; i < n; ++i) chain->Add(std::make_unique<NoOpInterceptor>());
  return chain;
}

rtp::RtpPacket MakePacket() {
  rtp::RtpPacket p;
  p.set_ssrc(0x1234);
  p.set_payload_type(96);
  std::vector<uint8_t> payload(1000, 0xAB);
  p.set_payload(payload);
  return p;
}

// Outgoing RTP plus the owner's drain of emitted output, as a driver does
// after every packet.
void BM_NoOpChainOutgoing(benchmark::State& state) {
  auto chain = NoOpChain(static_cast<int>(state.range(0)));
  rtp::RtpPacket p = MakePacket();
  int64_t t = 0;
  uint16_t seq = 0;
  for (auto _ : state) {
    p.set_sequence_number(seq++);
    chain->OnOutgoingRtp(Timestamp::Micros(t += 10), p);
    benchmark::DoNotOptimize(chain->PollRtp());
    benchmark::DoNotOptimize(chain->PollRtcp());
    benchmark::DoNotOptimize(chain->NextTimeout());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NoOpChainOutgoing)->Arg(0)->Arg(1)->Arg(5);

void BM_NoOpChainIncoming(benchmark::State& state) {
  auto chain = NoOpChain(static_cast<int>(state.range(0)));
  auto bytes = MakePacket().Marshal();
  auto view = rtp::RtpPacketView::Parse(*bytes);
  int64_t t = 0;
  for (auto _ : state) {
    chain->OnIncomingRtp(Timestamp::Micros(t += 10), *view);
    benchmark::DoNotOptimize(chain->PollRtp());
    benchmark::DoNotOptimize(chain->PollRtcp());
    benchmark::DoNotOptimize(chain->NextTimeout());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NoOpChainIncoming)->Arg(0)->Arg(1)->Arg(5);

}  // namespace
}  // namespace simrtc::interceptor

namespace simrtc::interceptor {
namespace {

StreamInfo FullStream(uint32_t ssrc) {
  StreamInfo info;
  info.ssrc = ssrc;
  info.clock_rate = 90000;
  info.payload_type = 96;
  info.header_extensions = {
      {"http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-"
       "extensions-01",
       5}};
  info.rtcp_feedback = {{"nack", ""}, {"transport-cc", ""}};
  return info;
}

std::unique_ptr<Chain> FullChain() {
  Registry r;
  r.Add<StatsInterceptor>();
  r.Add<ReceiverReportInterceptor>();
  r.Add<SenderReportInterceptor>();
  r.Add<NackGenerator>();
  r.Add([]() -> absl::StatusOr<std::unique_ptr<Interceptor>> {
    auto n = NackResponder::Create();
    if (!n.ok()) return n.status();
    return std::unique_ptr<Interceptor>(std::move(*n));
  });
  r.Add<TwccSender>();
  r.Add<TwccReceiver>();
  auto chain = r.Build();
  return std::move(*chain);
}

// Sender side of the default chain: stats, SR counting, the NACK send
// buffer copy and TWCC stamping, plus timers every 1000 packets.
void BM_FullChainOutgoing(benchmark::State& state) {
  auto chain = FullChain();
  chain->BindLocalStream(FullStream(0x1234));
  rtp::RtpPacket p = MakePacket();
  int64_t t = 0;
  uint16_t seq = 0;
  for (auto _ : state) {
    p.set_sequence_number(seq++);
    p.ClearExtensions();
    chain->OnOutgoingRtp(Timestamp::Micros(t += 1000), p);
    if (seq % 1000 == 0) chain->HandleTimeout(Timestamp::Micros(t));
    while (chain->PollRtcp()) {
    }
    benchmark::DoNotOptimize(chain->NextTimeout());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FullChainOutgoing);

// Receiver side: reports, stats, NACK tracking and TWCC recording.
void BM_FullChainIncoming(benchmark::State& state) {
  auto chain = FullChain();
  chain->BindRemoteStream(FullStream(0x1234));
  std::vector<std::vector<uint8_t>> packets;
  for (int i = 0; i < 1024; ++i) {
    rtp::RtpPacket p = MakePacket();
    p.set_sequence_number(static_cast<uint16_t>(i));
    p.set_timestamp(static_cast<uint32_t>(i * 3000));
    uint8_t tsn[2] = {static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)};
    (void)p.SetExtension(5, tsn);
    packets.push_back(*p.Marshal());
  }
  int64_t t = 0;
  size_t i = 0;
  for (auto _ : state) {
    // Sequence numbers repeat every 1024 packets; that only exercises the
    // duplicate paths, which cost the same.
    auto view = rtp::RtpPacketView::Parse(packets[i++ % packets.size()]);
    chain->OnIncomingRtp(Timestamp::Micros(t += 1000), *view);
    if (i % 100 == 0) chain->HandleTimeout(Timestamp::Micros(t));
    while (chain->PollRtcp()) {
    }
    benchmark::DoNotOptimize(chain->NextTimeout());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FullChainIncoming);

}  // namespace
}  // namespace simrtc::interceptor
