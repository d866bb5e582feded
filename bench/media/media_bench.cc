// Per-frame payload/depacketize cost for VP8 and H.264 and per-packet
// SampleBuilder push+pop cost. Frames are synthetic (content does not
// matter to these formats beyond NAL boundaries).
#include <memory>
#include <vector>

#include "benchmark/benchmark.h"
#include "core/base/rng.h"
#include "core/media/h264.h"
#include "core/media/packetizer.h"
#include "core/media/sample_builder.h"
#include "core/media/vp8.h"

namespace simrtc::media {
namespace {

constexpr size_t kMtu = 1188;  // 1200 minus the RTP header

std::vector<uint8_t> Vp8Frame(size_t n) {
  std::vector<uint8_t> f(n);
  for (size_t i = 0; i < n; ++i) f[i] = static_cast<uint8_t>(i * 31 + 7);
  return f;
}

// SPS + PPS + one IDR slice, Annex-B, with no accidental start codes.
std::vector<uint8_t> H264Frame(size_t n) {
  std::vector<uint8_t> f = {0,    0, 0, 1, 0x67, 0x42, 0xC0, 0x1F,
                            0x8C, 0, 0, 0, 1,    0x68, 0xCE, 0x3C,
                            0x80, 0, 0, 0, 1,    0x65};
  for (size_t i = 0; i < n; ++i) f.push_back(static_cast<uint8_t>(i % 250 + 2));
  return f;
}

void BM_Vp8Payload(benchmark::State& state) {
  auto frame = Vp8Frame(state.range(0));
  Vp8Payloader p({.enable_picture_id = true});
  for (auto _ : state) {
    auto r = p.Payload(kMtu, frame);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * frame.size());
}
BENCHMARK(BM_Vp8Payload)->Arg(1000)->Arg(10000)->Arg(100000);

void BM_Vp8Depacketize(benchmark::State& state) {
  auto frame = Vp8Frame(state.range(0));
  Vp8Payloader p({.enable_picture_id = true});
  auto payloads = *p.Payload(kMtu, frame);
  Vp8Depacketizer d;
  for (auto _ : state) {
    for (const auto& pl : payloads) {
      auto r = d.Depacketize(pl);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetBytesProcessed(state.iterations() * frame.size());
}
BENCHMARK(BM_Vp8Depacketize)->Arg(1000)->Arg(10000)->Arg(100000);

void BM_H264Payload(benchmark::State& state) {
  auto frame = H264Frame(state.range(0));
  H264Payloader p;
  for (auto _ : state) {
    auto r = p.Payload(kMtu, frame);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * frame.size());
}
BENCHMARK(BM_H264Payload)->Arg(1000)->Arg(10000)->Arg(100000);

void BM_H264Depacketize(benchmark::State& state) {
  auto frame = H264Frame(state.range(0));
  H264Payloader p;
  auto payloads = *p.Payload(kMtu, frame);
  H264Depacketizer d;
  for (auto _ : state) {
    for (const auto& pl : payloads) {
      auto r = d.Depacketize(pl);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetBytesProcessed(state.iterations() * frame.size());
}
BENCHMARK(BM_H264Depacketize)->Arg(1000)->Arg(10000)->Arg(100000);

// 5000-byte VP8 frames, 5 packets each, in order; reports per packet.
void BM_SampleBuilderPushPop(benchmark::State& state) {
  Rng rng(1);
  Packetizer pk(
      {.mtu = 1200, .payload_type = 96, .ssrc = 1, .clock_rate = 90000},
      std::make_unique<Vp8Payloader>(), rng);
  auto frame = Vp8Frame(5000);
  std::vector<rtp::RtpPacket> packets;
  for (int i = 0; i < 64; ++i) {
    auto p = *pk.Packetize(Timestamp::Zero(), frame, 3000);
    packets.insert(packets.end(), p.begin(), p.end());
  }
  SampleBuilder sb(200, std::make_unique<Vp8Depacketizer>(), 90000);
  // Re-stamp so the stream never ends: sequence and timestamp keep going.
  uint16_t seq = 0;
  uint32_t ts = 0;
  size_t i = 0;
  for (auto _ : state) {
    rtp::RtpPacket& p = packets[i];
    if (i % 5 == 0) ts += 3000;
    p.set_sequence_number(seq++);
    p.set_timestamp(ts);
    sb.Push(p);
    while (auto s = sb.Pop()) benchmark::DoNotOptimize(s);
    i = (i + 1) % packets.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SampleBuilderPushPop);

}  // namespace
}  // namespace simrtc::media
