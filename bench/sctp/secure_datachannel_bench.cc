// Data channel goodput and per-message cost over the full secure stack:
// data channel -> SCTP (usrsctp) -> DTLS (BoringSSL, AES-GCM records) ->
// UDP datagrams through a vnet::Network, between two SecurePeers driven in
// virtual time by tests/transport's TwoPeerDriver. The links have no delay,
// loss, jitter or bandwidth limit, so virtual time barely moves and the
// wall-clock figures are pure CPU cost of every layer, both endpoints and
// the virtual network included. datachannel_bench.cc is the same workload
// without DTLS and vnet; the difference between the two is the price of
// encryption and of the simulated network.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <variant>
#include <vector>

#include "core/base/time.h"
#include "core/datachannel/data_channel_manager.h"
#include "tests/transport/two_peer_driver.h"

namespace {

using simrtc::Timestamp;
using simrtc::datachannel::ChannelMessage;
using simrtc::datachannel::ChannelPtr;
using simrtc::datachannel::ChannelState;
using simrtc::datachannel::IncomingChannel;
using simrtc::transport_test::MakeWorld;
using simrtc::transport_test::World;
using simrtc::transport_test::WorldOptions;

[[noreturn]] void Fail(const char* what) {
  std::cerr << "secure_datachannel_bench: " << what << std::endl;
  std::abort();
}

// One world: DTLS handshake done, SCTP up, one open channel a -> b whose
// receiving end is detached, so messages are pulled with Read() instead of
// being copied into per-message events (as in datachannel_bench.cc).
struct Session {
  Session() {
    WorldOptions o;  // default links: no delay, loss or bandwidth limit
    o.seed = 7;
    auto made = MakeWorld(o);
    if (!made.ok()) Fail("MakeWorld failed");
    w = std::move(*made);
    auto ch = w.a->manager().CreateChannel(w.driver->now(), "bench");
    if (!ch.ok()) Fail("CreateChannel failed");
    sender = *ch;
    w.b->on_event = [this](Timestamp, const simrtc::datachannel::Event& e) {
      if (auto* in = std::get_if<IncomingChannel>(&e)) {
        receiver = in->channel;
        receiver->Detach();
      } else if (auto* m = std::get_if<ChannelMessage>(&e)) {
        // Only possible before Detach(); counted all the same.
        ++received;
        benchmark::DoNotOptimize(m->message.data.data());
      }
    };
    w.driver->on_step = [this](Timestamp now) { Step(now); };
    bool open = w.driver->RunUntil(
        [&] {
          return receiver != nullptr && sender->state() == ChannelState::kOpen;
        },
        Timestamp::Seconds(60));
    if (!open) Fail("channel did not open");
  }

  // Runs after every driver flush: the application on both ends. The
  // driver keeps events for inspection; nobody reads them here.
  void Step(Timestamp now) {
    w.a->events().clear();
    w.b->events().clear();
    if (receiver != nullptr) {
      while (auto m = receiver->Read()) {
        benchmark::DoNotOptimize(m->data.data());
        ++received;
      }
    }
    while (sent < target && sender->buffered_amount() < window) {
      if (!sender->SendBinary(now, msg).ok()) Fail("SendBinary failed");
      ++sent;
    }
  }

  // Sends `count` messages of `size` bytes, keeping up to `window_bytes`
  // buffered, and returns once all of them were read at b.
  void Transfer(size_t size, uint64_t count, size_t window_bytes) {
    msg.assign(size, 0xab);
    window = window_bytes;
    target = sent + count;
    const uint64_t want = received + count;
    // Virtual time only moves for delayed-SACK and retransmission timers;
    // the deadline is a safety net, not a measurement.
    bool done = w.driver->RunUntil(
        [&] { return received >= want; },
        w.driver->now() + simrtc::TimeDelta::Seconds(100000));
    if (!done) Fail("transfer did not complete");
  }

  World w;
  ChannelPtr sender, receiver;
  std::vector<uint8_t> msg;
  size_t window = 0;
  uint64_t sent = 0, target = 0, received = 0;
};

void BM_SecureDataChannelGoodput(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  const uint64_t count = (16u << 20) / size;  // 16 MiB per iteration
  Session s;
  const uint64_t datagrams_before = s.w.a->dtls().stats().datagrams_sent;
  for (auto _ : state) s.Transfer(size, count, 1 << 20);
  if (s.w.a->dtls_send_failures() != 0 || s.w.b->dtls_send_failures() != 0) {
    Fail("an SCTP packet did not fit a DTLS record");
  }
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * count * size));
  state.counters["MB/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * count * size) / 1e6,
      benchmark::Counter::kIsRate);
  state.counters["datagrams/s"] = benchmark::Counter(
      static_cast<double>(s.w.a->dtls().stats().datagrams_sent -
                          datagrams_before),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SecureDataChannelGoodput)
    ->Arg(1024)
    ->Arg(16 * 1024)
    ->Arg(64 * 1024)
    ->Arg(256 * 1024)
    ->Unit(benchmark::kMillisecond);

void BM_SecureDataChannelMessageCost1KiB(benchmark::State& state) {
  constexpr uint64_t kBatch = 1000;
  Session s;
  for (auto _ : state) s.Transfer(1024, kBatch, 256 * 1024);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  state.counters["us/msg"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kBatch) / 1e6,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_SecureDataChannelMessageCost1KiB)->Unit(benchmark::kMicrosecond);

}  // namespace
