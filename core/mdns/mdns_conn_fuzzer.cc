// Arbitrary datagrams against a publishing conn and a querying conn. Nothing
// may crash, and whatever the input, every transmit must be a well-formed
// DNS message within the size limit, sent from one of our addresses on port
// 5353, and every response we send must be authoritative. The same bytes
// arrive as multicast from a peer on 5353, as a direct unicast and from a
// legacy resolver port, so all reply paths run.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "core/base/datagram.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "core/mdns/dns_message.h"
#include "core/mdns/mdns_conn.h"

namespace {

using simrtc::Datagram;
using simrtc::IpAddress;
using simrtc::IpFamily;
using simrtc::SocketAddress;
using simrtc::TimeDelta;
using simrtc::Timestamp;
using namespace simrtc::mdns;

// The name the seed corpus (copied from testdata/dns_corpus) talks about.
constexpr char kCorpusName[] = "1f0e7d3a-5b2c-4c8e-9a6f-0123456789ab.local";

MdnsConn MakeConn(std::vector<IpAddress> addresses) {
  Config config;
  config.local_addresses = std::move(addresses);
  auto conn = MdnsConn::Create(config);
  if (!conn.ok()) std::abort();
  return std::move(*conn);
}

void Drain(MdnsConn& conn) {
  while (auto t = conn.PollTransmit()) {
    if (t->local.port() != kMdnsPort) std::abort();
    bool own = false;
    for (const IpAddress& a : conn.config().local_addresses) {
      own |= t->local.ip() == a;
    }
    if (!own || !t->remote.is_set()) std::abort();
    if (t->payload.size() > conn.config().max_message_size) std::abort();
    auto msg = ParseMessage(t->payload);
    if (!msg.ok()) std::abort();
    if (msg->header.response && !msg->header.authoritative) std::abort();
  }
  while (conn.PollEvent()) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const IpAddress v4 = IpAddress::V4(192, 168, 1, 5);
  const IpAddress peer4 = IpAddress::V4(192, 168, 1, 7);
  const IpAddress v6 = *IpAddress::Parse("fd00::5");
  const IpAddress peer6 = *IpAddress::Parse("fd00::7");

  MdnsConn responder = MakeConn({v4, v6});
  MdnsConn querier = MakeConn({peer4, peer6});
  Timestamp now = Timestamp::Zero();
  if (!responder.Publish(now, kCorpusName, {v4, v6}).ok()) std::abort();
  if (!responder.Query(now, "peer.local", IpFamily::kNone).ok()) std::abort();
  if (!querier.Query(now, kCorpusName, IpFamily::kIPv4).ok()) std::abort();
  if (!querier.Query(now, kCorpusName, IpFamily::kIPv6).ok()) std::abort();
  Drain(responder);
  Drain(querier);

  const std::vector<uint8_t> payload(data, data + size);
  const Datagram inputs[] = {
      {MdnsGroupV4(), SocketAddress(peer4, kMdnsPort), simrtc::Transport::kUdp,
       payload},
      {SocketAddress(v6, kMdnsPort), SocketAddress(peer6, kMdnsPort),
       simrtc::Transport::kUdp, payload},
      {MdnsGroupV4(), SocketAddress(peer4, 40000), simrtc::Transport::kUdp,
       payload},
  };
  for (const Datagram& d : inputs) {
    now += TimeDelta::Millis(300);
    responder.HandleDatagram(now, d);
    Datagram to_querier = d;
    to_querier.remote = SocketAddress(v4, kMdnsPort);
    querier.HandleDatagram(now, to_querier);
    Drain(responder);
    Drain(querier);
  }
  // Run every timer out, so retransmission and expiry paths see the state
  // the input left behind.
  for (MdnsConn* conn : {&responder, &querier}) {
    Timestamp t = now;
    for (int i = 0; i < 20; ++i) {
      auto next = conn->NextTimeout();
      if (!next) break;
      // A timer may be already due, but one HandleTimeout must serve it.
      if (*next < t && i > 0) std::abort();
      if (*next > t) t = *next;
      conn->HandleTimeout(t);
      Drain(*conn);
    }
  }
  return 0;
}
