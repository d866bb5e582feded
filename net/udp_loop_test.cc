// UdpLoop on loopback: a BindingServer answers a request sent through the
// loop's own sockets; Stop() from another thread ends Run().
#include "net/udp_loop.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <thread>

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

}  // namespace
}  // namespace simrtc::net
