// data_channels_flow_control: sending as fast as a data channel's flow
// control allows, in one process with two PeerConnections on loopback.
//
//   data_channels_flow_control                 # until Ctrl-C
//   data_channels_flow_control --duration 5    # five seconds of sending
//
// The requester opens channel "data" and sends 1024-byte binary messages
// while the channel's buffered amount is under 1 MiB; above it, it pauses
// until OnBufferedAmountLow (threshold 512 KiB) and fills the buffer again.
// Sending happens in those callbacks, on the runtime's loop thread; nothing
// polls. The responder counts what arrives and the program prints
// "Throughput: <x> Mbps" once per second.
//
// Each message carries a sequence number (its first 8 bytes, big-endian),
// and the channel is ordered and reliable (Pion's example uses an
// unordered channel without retransmissions; a reliable one lets the
// count prove nothing was lost), so the responder checks every message
// arrives exactly once, in order. At the end (after --duration or Ctrl-C)
// the requester stops, the program waits for the last message and prints
// one line: "Total: sent <n> messages, received <m> messages (<b> bytes),
// out of sequence <k>, lost <l>".
// Exit status 0 when bytes > 0 and every message arrived in sequence.
// ICE uses 127.0.0.1 only; signaling is direct (both peers in-process).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "core/base/byte_io.h"
#include "examples/common/console.h"
#include "examples/common/program.h"
#include "examples/common/runtime.h"
#include "examples/common/waiting.h"
#include "net/peer_connection.h"
#include "net/runtime.h"

ABSL_FLAG(double, duration, 0,
          "seconds to send for, counted from the channel's opening (0: until "
          "Ctrl-C)");
ABSL_FLAG(int, timeout, 30,
          "seconds to wait for the connection, and for the last messages at "
          "the end");

namespace simrtc::flow_control {
namespace {

using examples::Clock;
using examples::Fail;
using examples::Interrupted;
using examples::Say;
using examples::WaitUntil;

constexpr size_t kMessageSize = 1024;
constexpr size_t kBufferedAmountLowThreshold = 512 * 1024;
constexpr size_t kMaxBufferedAmount = 1024 * 1024;

// The requester's side: fills the channel up to kMaxBufferedAmount from the
// loop thread, in OnOpen and OnBufferedAmountLow.
class Requester {
 public:
  explicit Requester(std::shared_ptr<net::DataChannel> channel)
      : channel_(std::move(channel)), message_(kMessageSize) {
    for (size_t i = 8; i < message_.size(); ++i) {
      message_[i] = static_cast<uint8_t>(i);
    }
  }

  void Install() {
    (void)channel_->SetBufferedAmountLowThreshold(kBufferedAmountLowThreshold);
    channel_->OnOpen([this] {
      opened_.store(true);
      Fill();
    });
    channel_->OnBufferedAmountLow([this] { Fill(); });
  }

  void Stop() { stopped_.store(true); }
  bool opened() const { return opened_.load(); }
  uint64_t sent() const { return sent_.load(); }
  std::string error() const {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

 private:
  // Loop thread: the channel calls run at once there.
  void Fill() {
    while (!stopped_.load() &&
           channel_->BufferedAmount() < kMaxBufferedAmount) {
      StoreBE64(message_.data(), sent_.load());
      absl::Status s = channel_->SendBinary(ByteSpan(message_));
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(mu_);
        if (error_.empty()) error_ = std::string(s.message());
        return;
      }
      sent_.fetch_add(1);
    }
  }

  const std::shared_ptr<net::DataChannel> channel_;
  std::vector<uint8_t> message_;
  std::atomic<bool> opened_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<uint64_t> sent_{0};
  mutable std::mutex mu_;
  std::string error_;
};

// The responder's side: counts and checks what arrives (loop thread).
class Responder {
 public:
  void Install(net::PeerConnection& pc) {
    pc.OnDataChannel([this](std::shared_ptr<net::DataChannel> ch) {
      ch->OnMessage([this](const datachannel::Message& m) { Receive(m); });
      std::lock_guard<std::mutex> lock(mu_);
      channel_ = std::move(ch);
    });
  }

  uint64_t received() const { return received_.load(); }
  uint64_t bytes() const { return bytes_.load(); }
  uint64_t out_of_sequence() const { return out_of_sequence_.load(); }

 private:
  void Receive(const datachannel::Message& m) {
    bytes_.fetch_add(m.data.size());
    const uint64_t expected = received_.load();
    if (m.is_string || m.data.size() != kMessageSize ||
        LoadBE64(m.data.data()) != expected) {
      out_of_sequence_.fetch_add(1);
    }
    received_.fetch_add(1);
  }

  std::mutex mu_;
  std::shared_ptr<net::DataChannel> channel_;  // kept alive
  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> out_of_sequence_{0};
};

int Run() {
  const double duration = absl::GetFlag(FLAGS_duration);
  const auto timeout = std::chrono::seconds(absl::GetFlag(FLAGS_timeout));
  if (duration < 0) return Fail("--duration must be >= 0");

  auto runtime = examples::MakeRuntime(examples::IceAddresses::kLoopback);
  if (!runtime.ok()) return Fail(runtime.status());
  auto requester_pc = net::PeerConnection::Create(**runtime);
  if (!requester_pc.ok()) return Fail(requester_pc.status());
  auto responder_pc = net::PeerConnection::Create(**runtime);
  if (!responder_pc.ok()) return Fail(responder_pc.status());

  Responder responder;
  responder.Install(**responder_pc);
  auto channel = (*requester_pc)->CreateDataChannel("data");
  if (!channel.ok()) return Fail(channel.status());
  Requester requester(*channel);
  requester.Install();

  // Both peers live here, so the descriptions are handed over directly
  // (complete, after ICE gathering).
  const TimeDelta gather = TimeDelta::Seconds(absl::GetFlag(FLAGS_timeout));
  if (absl::Status s = (*requester_pc)->SetLocalDescription(); !s.ok()) {
    return Fail(s);
  }
  auto offer = (*requester_pc)->LocalDescriptionAfterGathering(gather);
  if (!offer.ok()) return Fail(offer.status());
  if (absl::Status s = (*responder_pc)->SetRemoteDescription(*offer); !s.ok()) {
    return Fail(s);
  }
  if (absl::Status s = (*responder_pc)->SetLocalDescription(); !s.ok()) {
    return Fail(s);
  }
  auto answer = (*responder_pc)->LocalDescriptionAfterGathering(gather);
  if (!answer.ok()) return Fail(answer.status());
  if (absl::Status s = (*requester_pc)->SetRemoteDescription(*answer);
      !s.ok()) {
    return Fail(s);
  }
  if (!WaitUntil([&] { return requester.opened(); }, Clock::now() + timeout)) {
    return Fail(absl::StrFormat(
        "the channel did not open (connection %s)",
        peer::PeerConnectionStateName((*requester_pc)->connection_state())));
  }
  Say("channel open; sending %d-byte messages%s", kMessageSize,
      duration > 0 ? absl::StrFormat(" for %g s", duration) : " until Ctrl-C");

  // Once per second: what arrived since the last report.
  const Clock::time_point start = Clock::now();
  Clock::time_point last = start;
  uint64_t last_bytes = 0;
  int ticks = 0;
  while (!Interrupted()) {
    const Clock::time_point next = start + std::chrono::seconds(ticks + 1);
    const Clock::time_point end =
        duration > 0 ? start + std::chrono::microseconds(
                                   static_cast<int64_t>(duration * 1e6))
                     : Clock::time_point::max();
    WaitUntil([&] { return Clock::now() >= std::min(next, end); });
    if (Interrupted()) break;
    const Clock::time_point now = Clock::now();
    if (now >= next) {
      const uint64_t bytes = responder.bytes();
      const double seconds = std::chrono::duration<double>(now - last).count();
      Say("Throughput: %.3f Mbps", (bytes - last_bytes) * 8.0 / seconds / 1e6);
      last = now;
      last_bytes = bytes;
      ++ticks;
    }
    if (now >= end) break;
  }
  requester.Stop();
  // The requester stops on the loop thread's next fill; read the count
  // once no fill is running any more.
  (void)(*runtime)->loop()->RunOnLoop([] {});
  const uint64_t sent = requester.sent();
  examples::ClearInterrupted();  // a second Ctrl-C cuts the wait short
  const bool complete = WaitUntil([&] { return responder.received() >= sent; },
                                  Clock::now() + timeout);
  const uint64_t received = responder.received();
  const uint64_t lost = received < sent ? sent - received : 0;
  Say("Total: sent %d messages, received %d messages (%d bytes), out of "
      "sequence %d, lost %d",
      sent, received, responder.bytes(), responder.out_of_sequence(), lost);
  (void)(*requester_pc)->Close();
  (void)(*responder_pc)->Close();

  if (!requester.error().empty()) {
    return Fail("sending failed: " + requester.error());
  }
  if (!complete) return Fail("not every message arrived");
  if (responder.out_of_sequence() != 0 || received != sent) {
    return Fail("messages arrived out of sequence");
  }
  if (responder.bytes() == 0) return Fail("nothing was received");
  return 0;
}

}  // namespace
}  // namespace simrtc::flow_control

int main(int argc, char** argv) {
  simrtc::examples::StartProgram(
      "data_channels_flow_control",
      "two loopback PeerConnections: the requester sends 1024-byte messages "
      "as fast as flow control allows, the responder prints the throughput. "
      "[--duration S] [--timeout S]",
      argc, argv);
  return simrtc::flow_control::Run();
}
