// STUN codec hot paths: decoding and building a typical ICE connectivity
// check (USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE,
// MESSAGE-INTEGRITY, FINGERPRINT; 96 bytes) and checking its hashes.
// Each benchmark reports heap allocations per iteration ("allocs"), counted
// by the replaced global operator new below; parsing must show 0.
#include <benchmark/benchmark.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "core/stun/builder.h"
#include "core/stun/channel_data.h"
#include "core/stun/integrity.h"
#include "core/stun/message.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// None of these are inlined: GCC would otherwise pair malloc/free with
// new/delete at call sites and flag a mismatch (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new[](std::size_t n) {
  return operator new(n);
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace simrtc::stun {
namespace {

constexpr std::string_view kPassword = "0123456789abcdefghijkl";  // 22 chars

TransactionId Txid() {
  TransactionId id;
  for (size_t i = 0; i < id.bytes.size(); ++i) {
    id.bytes[i] = static_cast<uint8_t>(0xa0 + i);
  }
  return id;
}

MessageBuilder& AddIceAttributes(MessageBuilder& b) {
  return b.AddUsername("abcd:efgh")
      .AddPriority(0x6e7f1eff)
      .AddIceControlling(0x1122334455667788ULL)
      .AddUseCandidate();
}

const std::vector<uint8_t>& IceRequest() {
  static const std::vector<uint8_t> wire = [] {
    MessageBuilder b(Method::kBinding, Class::kRequest, Txid());
    return AddIceAttributes(b)
        .AddMessageIntegrity(kPassword)
        .AddFingerprint()
        .Build()
        .value();
  }();
  return wire;
}

// Reports allocations per iteration since `start`.
void ReportAllocs(benchmark::State& state, long start) {
  state.counters["allocs"] =
      benchmark::Counter(static_cast<double>(g_allocations.load() - start),
                         benchmark::Counter::kAvgIterations);
}

void BM_IsStunMessage(benchmark::State& state) {
  const auto& wire = IceRequest();
  for (auto _ : state) {
    benchmark::DoNotOptimize(IsStunMessage(wire));
  }
}
BENCHMARK(BM_IsStunMessage);

void BM_Decode(benchmark::State& state) {
  const auto& wire = IceRequest();
  state.SetLabel(std::to_string(wire.size()) + " bytes");
  const long start = g_allocations.load();
  for (auto _ : state) {
    auto msg = Message::Parse(wire);
    benchmark::DoNotOptimize(msg);
  }
  ReportAllocs(state, start);
  state.SetBytesProcessed(state.iterations() * wire.size());
}
BENCHMARK(BM_Decode);

void BM_DecodeAndRead(benchmark::State& state) {
  const auto& wire = IceRequest();
  const long start = g_allocations.load();
  for (auto _ : state) {
    auto msg = Message::Parse(wire);
    benchmark::DoNotOptimize(msg->GetUsername());
    benchmark::DoNotOptimize(msg->GetPriority());
    benchmark::DoNotOptimize(msg->GetIceControlling());
    benchmark::DoNotOptimize(msg->HasUseCandidate());
  }
  ReportAllocs(state, start);
}
BENCHMARK(BM_DecodeAndRead);

void BM_BuildNoIntegrity(benchmark::State& state) {
  const TransactionId txid = Txid();
  const long start = g_allocations.load();
  for (auto _ : state) {
    MessageBuilder b(Method::kBinding, Class::kRequest, txid);
    auto wire = AddIceAttributes(b).Build();
    benchmark::DoNotOptimize(wire);
  }
  ReportAllocs(state, start);
}
BENCHMARK(BM_BuildNoIntegrity);

void BM_BuildWithIntegrityAndFingerprint(benchmark::State& state) {
  const TransactionId txid = Txid();
  const long start = g_allocations.load();
  for (auto _ : state) {
    MessageBuilder b(Method::kBinding, Class::kRequest, txid);
    auto wire = AddIceAttributes(b)
                    .AddMessageIntegrity(kPassword)
                    .AddFingerprint()
                    .Build();
    benchmark::DoNotOptimize(wire);
  }
  ReportAllocs(state, start);
}
BENCHMARK(BM_BuildWithIntegrityAndFingerprint);

void BM_BuildWithIntegrityAndFingerprintCallerBuffer(benchmark::State& state) {
  const TransactionId txid = Txid();
  std::array<uint8_t, 256> buf;
  const long start = g_allocations.load();
  for (auto _ : state) {
    MessageBuilder b(Method::kBinding, Class::kRequest, txid, buf);
    auto wire = AddIceAttributes(b)
                    .AddMessageIntegrity(kPassword)
                    .AddFingerprint()
                    .Finish();
    benchmark::DoNotOptimize(wire);
  }
  ReportAllocs(state, start);
}
BENCHMARK(BM_BuildWithIntegrityAndFingerprintCallerBuffer);

// The HMAC alone over the 64-byte prefix a connectivity check signs: the
// cost of "adding MESSAGE-INTEGRITY".
void BM_ComputeMessageIntegrity(benchmark::State& state) {
  const auto& wire = IceRequest();
  const ByteSpan prefix = ByteSpan(wire).first(wire.size() - 32);
  const long start = g_allocations.load();
  for (auto _ : state) {
    benchmark::DoNotOptimize(ComputeMessageIntegrity(
        AsBytes(kPassword), prefix, static_cast<uint16_t>(prefix.size() + 4)));
  }
  ReportAllocs(state, start);
}
BENCHMARK(BM_ComputeMessageIntegrity);

void BM_VerifyMessageIntegrity(benchmark::State& state) {
  const auto& wire = IceRequest();
  auto msg = Message::Parse(wire).value();
  const long start = g_allocations.load();
  for (auto _ : state) {
    benchmark::DoNotOptimize(msg.VerifyMessageIntegrity(kPassword));
  }
  ReportAllocs(state, start);
}
BENCHMARK(BM_VerifyMessageIntegrity);

void BM_VerifyFingerprint(benchmark::State& state) {
  const auto& wire = IceRequest();
  auto msg = Message::Parse(wire).value();
  const long start = g_allocations.load();
  for (auto _ : state) {
    benchmark::DoNotOptimize(msg.VerifyFingerprint());
  }
  ReportAllocs(state, start);
}
BENCHMARK(BM_VerifyFingerprint);

// What an ICE agent does per received check: parse, verify both hashes.
void BM_DecodeAndVerify(benchmark::State& state) {
  const auto& wire = IceRequest();
  const long start = g_allocations.load();
  for (auto _ : state) {
    auto msg = Message::Parse(wire);
    benchmark::DoNotOptimize(msg->VerifyFingerprint());
    benchmark::DoNotOptimize(msg->VerifyMessageIntegrity(kPassword));
  }
  ReportAllocs(state, start);
}
BENCHMARK(BM_DecodeAndVerify);

void BM_ParseChannelData(benchmark::State& state) {
  const auto frame =
      BuildChannelData(0x4001, std::vector<uint8_t>(160, 1)).value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseChannelData(frame));
  }
}
BENCHMARK(BM_ParseChannelData);

}  // namespace
}  // namespace simrtc::stun
