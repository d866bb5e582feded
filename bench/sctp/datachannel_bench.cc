// Data channel goodput and per-message cost between two endpoints in one
// process, over a zero-delay in-memory link on virtual time (CPU-bound).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "core/datachannel/data_channel_manager.h"
#include "core/sctp/association.h"
#include "core/sctp/test_link.h"

namespace {

using simrtc::ByteSpan;
using simrtc::TimeDelta;
using simrtc::datachannel::ChannelPtr;
using simrtc::datachannel::DataChannelManager;
using simrtc::datachannel::DtlsRole;
using simrtc::datachannel::IncomingChannel;
using simrtc::datachannel::ManagerConfig;
using Link =
    simrtc::sctp::testing::Link<DataChannelManager, DataChannelManager>;

struct Session {
  Session() {
    ManagerConfig ca;
    ca.role = DtlsRole::kClient;
    ManagerConfig cb;
    cb.role = DtlsRole::kServer;
    cb.detach_channels = true;  // read raw: no per-message event objects
    a = std::move(*DataChannelManager::Create(ca));
    b = std::move(*DataChannelManager::Create(cb));
    simrtc::sctp::testing::LinkConfig unconstrained;
    unconstrained.delay = TimeDelta::Zero();
    link = std::make_unique<Link>(a.get(), b.get(), unconstrained, 1);
    (void)a->Connect(link->now());
    (void)b->Connect(link->now());
    sender = *a->CreateChannel(link->now(), "bench");
    link->RunUntil(
        [&] {
          while (a->PollEvent()) {
          }
          while (auto e = b->PollEvent()) {
            if (auto* in = std::get_if<IncomingChannel>(&*e)) {
              receiver = in->channel;
            }
          }
          return receiver != nullptr;
        },
        TimeDelta::Seconds(10));
    if (receiver == nullptr) std::abort();
  }

  // Sends `count` messages of `size` bytes, keeping up to `window` bytes
  // buffered, and returns once all arrived.
  void Transfer(size_t size, uint64_t count, size_t window) {
    std::vector<uint8_t> msg(size, 0xab);
    uint64_t sent = 0, received = 0;
    link->RunUntil(
        [&] {
          while (sent < count && sender->buffered_amount() < window) {
            if (!sender->SendBinary(link->now(), msg).ok()) std::abort();
            ++sent;
          }
          while (auto m = receiver->Read()) {
            benchmark::DoNotOptimize(m->data.data());
            ++received;
          }
          while (a->PollEvent()) {
          }
          while (b->PollEvent()) {
          }
          return received == count;
        },
        TimeDelta::Seconds(100000));
    if (received != count) std::abort();
  }

  std::unique_ptr<DataChannelManager> a, b;
  std::unique_ptr<Link> link;
  ChannelPtr sender, receiver;
};

void BM_DataChannelGoodput(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  const uint64_t count = (16u << 20) / size;  // 16 MiB per iteration
  Session s;
  for (auto _ : state) s.Transfer(size, count, 1 << 20);
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * count * size));
  state.counters["MB/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * count * size) / 1e6,
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DataChannelGoodput)
    ->Arg(1024)
    ->Arg(16 * 1024)
    ->Arg(64 * 1024)
    ->Arg(256 * 1024)
    ->Unit(benchmark::kMillisecond);

void BM_DataChannelMessageCost1KiB(benchmark::State& state) {
  constexpr uint64_t kBatch = 1000;
  Session s;
  for (auto _ : state) s.Transfer(1024, kBatch, 256 * 1024);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  state.counters["us/msg"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kBatch) / 1e6,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_DataChannelMessageCost1KiB)->Unit(benchmark::kMicrosecond);

// The association alone, to separate usrsctp's cost from the channel layer.
void BM_SctpAssociationGoodput(benchmark::State& state) {
  using simrtc::sctp::Association;
  using ALink = simrtc::sctp::testing::Link<Association, Association>;
  const size_t size = static_cast<size_t>(state.range(0));
  const uint64_t count = (16u << 20) / size;
  auto a = std::move(*Association::Create({}));
  auto b = std::move(*Association::Create({}));
  simrtc::sctp::testing::LinkConfig unconstrained;
  unconstrained.delay = TimeDelta::Zero();
  ALink link(a.get(), b.get(), unconstrained, 1);
  (void)a->Connect(link.now());
  (void)b->Connect(link.now());
  link.RunUntil(
      [&] {
        return a->state() == simrtc::sctp::State::kConnected &&
               b->state() == simrtc::sctp::State::kConnected;
      },
      TimeDelta::Seconds(10));
  std::vector<uint8_t> msg(size, 0xcd);
  for (auto _ : state) {
    uint64_t sent = 0, received = 0;
    link.RunUntil(
        [&] {
          while (sent < count && a->buffered_amount() < (1u << 20)) {
            if (!a->Send(link.now(), 1, 53, msg).ok()) std::abort();
            ++sent;
          }
          while (a->PollEvent()) {
          }
          while (auto e = b->PollEvent()) {
            if (std::holds_alternative<simrtc::sctp::MessageReceived>(*e)) {
              ++received;
            }
          }
          return received == count;
        },
        TimeDelta::Seconds(100000));
  }
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * count * size));
  state.counters["MB/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * count * size) / 1e6,
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SctpAssociationGoodput)
    ->Arg(64 * 1024)
    ->Unit(benchmark::kMillisecond);

}  // namespace
