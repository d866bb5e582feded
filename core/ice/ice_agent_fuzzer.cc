// Feeds one arbitrary datagram to an ICE agent that is checking (see
// testing::MakeFuzzAgent), then lets its timers run while a scripted peer
// answers its checks, so the paths behind a successful check (nomination,
// selection, consent, data) are reached too.
//
// Input: byte 0 picks the role (bit 0), the source address (bits 1-2:
// the peer, a stranger, the peer's IPv6 twin, ourselves), whether the peer
// answers our checks (bit 3) and whether the datagram is delivered a second
// time later (bit 4); the rest is the datagram.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/ice/agent.h"
#include "core/ice/connectivity_check.h"
#include "core/ice/test_util.h"
#include "core/stun/message.h"

using simrtc::ByteSpan;
using simrtc::Datagram;
using simrtc::SocketAddress;
using simrtc::TimeDelta;
using simrtc::Timestamp;
using simrtc::Transmit;
using simrtc::Transport;
namespace ice = simrtc::ice;
namespace testing = simrtc::ice::testing;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t control = data[0];
  const ice::Role role =
      (control & 1) ? ice::Role::kControlled : ice::Role::kControlling;
  Timestamp now;
  std::vector<uint8_t> first_check;
  std::unique_ptr<ice::Agent> agent =
      testing::MakeFuzzAgent(role, &now, &first_check);
  const SocketAddress sources[4] = {
      testing::FuzzPeerAddress(),
      SocketAddress(simrtc::IpAddress::V4(198, 51, 100, 7), 40000),
      SocketAddress(simrtc::IpAddress::Parse("fd00::2").value(), 6000),
      testing::FuzzLocalAddress(),
  };
  const SocketAddress& from = sources[(control >> 1) & 3];
  const SocketAddress to =
      from.ip().is_v6()
          ? SocketAddress(simrtc::IpAddress::Parse("fd00::1").value(), 5000)
          : testing::FuzzLocalAddress();
  const bool answer = control & 0x08;
  Datagram d{to, from, Transport::kUdp,
             std::vector<uint8_t>(data + 1, data + size)};
  agent->HandleDatagram(now, d);

  const ice::Credentials peer{std::string(testing::kFuzzPeerUfrag),
                              std::string(testing::kFuzzPeerPwd)};
  for (int step = 0; step < 40; ++step) {
    std::vector<Datagram> replies;
    while (std::optional<Transmit> t = agent->PollTransmit()) {
      if (!answer || t->remote != testing::FuzzPeerAddress()) continue;
      absl::StatusOr<simrtc::stun::Message> m =
          simrtc::stun::Message::Parse(ByteSpan(t->payload));
      if (!m.ok() || m->message_class() != simrtc::stun::Class::kRequest) {
        continue;
      }
      absl::StatusOr<std::vector<uint8_t>> ok =
          ice::BuildCheckSuccess(m->transaction_id(), t->local, peer.pwd);
      if (ok.ok()) {
        replies.push_back(
            Datagram{t->local, t->remote, Transport::kUdp, std::move(*ok)});
      }
    }
    while (agent->PollEvent()) {
    }
    for (const Datagram& r : replies) agent->HandleDatagram(now, r);
    if (step == 20 && (control & 0x10)) agent->HandleDatagram(now, d);
    if (step == 25) {
      const uint8_t app[] = {23, 254, 253, 0, 1};
      (void)agent->Send(now, app);
    }
    std::optional<Timestamp> next = agent->NextTimeout();
    if (!next) break;
    // Never let time stand still or leap beyond a few seconds per step.
    now = std::min(std::max(*next, now + TimeDelta::Millis(1)),
                   now + TimeDelta::Seconds(3));
    agent->HandleTimeout(now);
  }
  (void)agent->PairStats();
  (void)agent->LocalCandidateStats();
  agent->Close(now);
  return 0;
}
