#include "core/sctp/fuzz_harness.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <usrsctp.h>

#include <cstdlib>
#include <cstring>
#include <utility>

namespace simrtc::sctp::fuzzing {

void FixChecksum(std::vector<uint8_t>& packet) {
  if (packet.size() < 12) return;
  std::memset(packet.data() + 8, 0, 4);
  // usrsctp returns the value in the byte order it stores on the wire.
  uint32_t crc = usrsctp_crc32c(packet.data(), packet.size());
  std::memcpy(packet.data() + 8, &crc, 4);
}

FuzzPair::FuzzPair() { Start(); }
FuzzPair::~FuzzPair() = default;

void FuzzPair::Start() {
  // Tear down the old pair before building the new one.
  link_.reset();
  a_.reset();
  b_.reset();
  Config config;
  config.max_message_size = 64 * 1024;
  auto a = Association::Create(config);
  auto b = Association::Create(config);
  if (!a.ok() || !b.ok()) std::abort();
  a_ = std::move(*a);
  b_ = std::move(*b);
  testing::LinkConfig instant;
  instant.delay = TimeDelta::Millis(1);
  link_ = std::make_unique<testing::Link<Association, Association>>(
      a_.get(), b_.get(), instant, generation_++);
  link_->tap = [this](int from, ByteSpan packet) {
    if (from == 1 && packet.size() >= 8) target_vtag_ = LoadBE32(&packet[4]);
  };
  Timestamp now = link_->now();
  if (!a_->Connect(now).ok() || !b_->Connect(now).ok()) std::abort();
  link_->RunUntil(
      [&] {
        while (a_->PollEvent()) {
        }
        while (b_->PollEvent()) {
        }
        return a_->state() == State::kConnected &&
               b_->state() == State::kConnected;
      },
      TimeDelta::Seconds(10));
  if (a_->state() != State::kConnected) std::abort();
  // Some traffic in both directions so the streams have state.
  SendOptions unordered;
  unordered.unordered = true;
  (void)a_->Send(link_->now(), 1, 51, AsBytes("hello"));
  (void)b_->Send(link_->now(), 2, 53, AsBytes("world"), unordered);
  Pump(TimeDelta::Millis(50));
}

void FuzzPair::Pump(TimeDelta duration) {
  link_->RunUntil(
      [&] {
        while (a_->PollEvent()) {
        }
        while (b_->PollEvent()) {
        }
        return false;
      },
      duration);
}

void FuzzPair::FeedFuzzInput(ByteSpan input) {
  if (input.empty()) return;
  uint8_t mode = input[0];
  std::vector<uint8_t> packet(input.begin() + 1, input.end());
  if ((mode & kFixVtag) != 0 && packet.size() >= 8) {
    StoreBE32(&packet[4], target_vtag_);
  }
  if ((mode & kFixCrc) != 0) FixChecksum(packet);
  Feed(packet);
}

void FuzzPair::Feed(ByteSpan packet) {
  if (a_->state() == State::kClosed || b_->state() == State::kClosed) Start();
  link_->Inject(0, packet);
  Pump(TimeDelta::Millis(30));
}

}  // namespace simrtc::sctp::fuzzing
