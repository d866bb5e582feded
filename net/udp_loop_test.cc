// UdpLoop on loopback: a BindingServer answers a request sent through the
// loop's own sockets; Stop() from another thread ends Run(). Multicast
// sockets on lo: a group datagram reaches another loop and comes back to
// the sender, with the interface address as its source.
#include "net/udp_loop.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <thread>
#include <vector>

#include "core/base/rng.h"
#include "core/stun/binding_server.h"
#include "core/stun/builder.h"
#include "core/stun/message.h"
#include "gtest/gtest.h"

namespace simrtc::net {
namespace {

TEST(UdpLoopTest, BindingServerAnswersOnLoopback) {
  UdpLoop loop;
  auto bound = loop.Bind(SocketAddress(IpAddress::V4(127, 0, 0, 1), 0));
  ASSERT_TRUE(bound.ok()) << bound.status();
  EXPECT_NE(bound->port(), 0);
  stun::BindingServer server;
  UdpLoop::Adapter<stun::BindingServer> adapter(server);
  std::thread runner([&] { ASSERT_TRUE(loop.Run(adapter).ok()); });

  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(bound->port());
  to.sin_addr.s_addr = htonl(0x7f000001);
  Rng rng(1);
  auto req =
      stun::MessageBuilder(stun::Method::kBinding, stun::Class::kRequest, rng)
          .Build()
          .value();
  ASSERT_EQ(sendto(fd, req.data(), req.size(), 0,
                   reinterpret_cast<sockaddr*>(&to), sizeof(to)),
            static_cast<ssize_t>(req.size()));
  std::vector<uint8_t> buf(2048);
  const ssize_t got = recv(fd, buf.data(), buf.size(), 0);
  ASSERT_GT(got, 0);
  buf.resize(got);
  auto m = stun::Message::Parse(buf);
  ASSERT_TRUE(m.ok());
  sockaddr_in mine{};
  socklen_t len = sizeof(mine);
  getsockname(fd, reinterpret_cast<sockaddr*>(&mine), &len);
  EXPECT_EQ(m->GetXorMappedAddress().value(),
            SocketAddress(IpAddress::V4(127, 0, 0, 1), ntohs(mine.sin_port)));
  close(fd);
  loop.Stop();
  runner.join();
  EXPECT_EQ(server.requests_answered(), 1u);
}

// Records what arrives and sends what it is given; stops its loop once it
// has received `stop_after` datagrams.
class Recorder {
 public:
  Recorder(UdpLoop& loop, size_t stop_after)
      : loop_(loop), stop_after_(stop_after) {}
  void Send(Transmit t) { out_.push_back(std::move(t)); }
  void HandleDatagram(Timestamp, const Datagram& d) {
    received.push_back(d);
    if (received.size() >= stop_after_) loop_.Stop();
  }
  void HandleTimeout(Timestamp) {}
  std::optional<Transmit> PollTransmit() {
    if (out_.empty()) return std::nullopt;
    Transmit t = std::move(out_.front());
    out_.pop_front();
    return t;
  }
  std::optional<Timestamp> NextTimeout() const { return std::nullopt; }

  std::vector<Datagram> received;

 private:
  UdpLoop& loop_;
  size_t stop_after_;
  std::deque<Transmit> out_;
};

const IpAddress kLoopback1 = IpAddress::V4(127, 0, 0, 1);
const IpAddress kLoopback2 = IpAddress::V4(127, 0, 0, 2);

TEST(UdpLoopMulticastTest, GroupDatagramReachesOtherLoopFromInterfaceAddress) {
  // Port 0 keeps the test off 5353: the first socket picks a free port and
  // the second shares it (SO_REUSEPORT), as mDNS processes share 5353.
  const SocketAddress group(IpAddress::V4(224, 0, 0, 251), 0);
  UdpLoop sender_loop;
  auto sender = sender_loop.BindMulticast(group, {kLoopback1, 0});
  ASSERT_TRUE(sender.ok()) << sender.status();
  ASSERT_NE(sender->port(), 0);
  EXPECT_EQ(sender->ip(), kLoopback1);
  const SocketAddress joined_group(group.ip(), sender->port());

  UdpLoop receiver_loop;
  auto receiver = receiver_loop.BindMulticast(joined_group, {kLoopback2, 0});
  ASSERT_TRUE(receiver.ok()) << receiver.status();
  EXPECT_EQ(*receiver, SocketAddress(kLoopback2, sender->port()));
  EXPECT_TRUE(receiver_loop.IsBound(*receiver));

  Recorder a(sender_loop, 1);  // its own datagram, looped back
  Recorder b(receiver_loop, 1);
  a.Send(Transmit{*sender, joined_group, Transport::kUdp, {'h', 'i'}});
  UdpLoop::Adapter<Recorder> a_adapter(a);
  UdpLoop::Adapter<Recorder> b_adapter(b);
  std::thread b_runner([&] { EXPECT_TRUE(receiver_loop.Run(b_adapter).ok()); });
  std::thread a_runner([&] { EXPECT_TRUE(sender_loop.Run(a_adapter).ok()); });
  a_runner.join();
  b_runner.join();

  ASSERT_EQ(b.received.size(), 1u);
  // Sent from 127.0.0.1 (IP_PKTINFO), not whatever address the kernel
  // would pick for lo; reported as received on the group.
  EXPECT_EQ(b.received[0].remote, *sender);
  EXPECT_EQ(b.received[0].local, joined_group);
  EXPECT_EQ(b.received[0].payload, (std::vector<uint8_t>{'h', 'i'}));
  ASSERT_EQ(a.received.size(), 1u);
  EXPECT_EQ(a.received[0].remote, *sender);
  EXPECT_EQ(a.received[0].local, joined_group);
  EXPECT_EQ(sender_loop.send_errors(), 0u) << sender_loop.last_send_error();
}

TEST(UdpLoopMulticastTest, TransmitToGroupFromUnknownLocalUsesGroupSocket) {
  const SocketAddress group(IpAddress::V4(224, 0, 0, 251), 0);
  UdpLoop loop;
  // A plain socket first, so "first socket of the family" would be wrong.
  ASSERT_TRUE(loop.Bind(SocketAddress(kLoopback1, 0)).ok());
  auto m = loop.BindMulticast(group, {kLoopback2, 0});
  ASSERT_TRUE(m.ok()) << m.status();
  const SocketAddress joined_group(group.ip(), m->port());
  Recorder r(loop, 1);
  r.Send(Transmit{SocketAddress(), joined_group, Transport::kUdp, {'x'}});
  UdpLoop::Adapter<Recorder> adapter(r);
  std::thread runner([&] { EXPECT_TRUE(loop.Run(adapter).ok()); });
  runner.join();
  ASSERT_EQ(r.received.size(), 1u);
  EXPECT_EQ(r.received[0].remote, *m);
  EXPECT_EQ(r.received[0].local, joined_group);
}

TEST(UdpLoopMulticastTest, ErrorsNameWhatIsWrong) {
  UdpLoop loop;
  const SocketAddress group(IpAddress::V4(224, 0, 0, 251), 0);
  auto not_group =
      loop.BindMulticast(SocketAddress(kLoopback1, 0), {kLoopback1, 0});
  EXPECT_EQ(not_group.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(not_group.status().message().find("not a multicast address"),
            std::string::npos);
  auto family = loop.BindMulticast(group, {IpAddress::Parse("::1").value(), 0});
  EXPECT_EQ(family.status().code(), absl::StatusCode::kInvalidArgument);
  auto foreign = loop.BindMulticast(group, {IpAddress::V4(203, 0, 113, 77), 0});
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(foreign.status().message().find("203.0.113.77"), std::string::npos);
  auto bad_index = loop.BindMulticast(group, {kLoopback1, 1 << 30});
  EXPECT_EQ(bad_index.status().code(), absl::StatusCode::kNotFound);

  auto first = loop.BindMulticast(group, {kLoopback1, 0});
  ASSERT_TRUE(first.ok()) << first.status();
  auto again = loop.BindMulticast(SocketAddress(group.ip(), first->port()),
                                  {kLoopback2, 0});
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find("already joined"), std::string::npos)
      << again.status();
  loop.Unbind(*first);
  EXPECT_FALSE(loop.IsBound(*first));
  EXPECT_TRUE(loop.BindMulticast(SocketAddress(group.ip(), first->port()),
                                 {kLoopback2, 0})
                  .ok());
}

}  // namespace
}  // namespace simrtc::net
