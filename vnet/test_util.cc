#include "vnet/test_util.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "core/base/absl_compat.h"
#include "gtest/gtest.h"

namespace simrtc::vnet::testing {

IpAddress Ip(std::string_view text) {
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(text);
  EXPECT_TRUE(ip.ok()) << text << ": " << ip.status();
  return ip.ok() ? *ip : IpAddress();
}

SocketAddress Addr(std::string_view text) {
  absl::StatusOr<SocketAddress> a = SocketAddress::Parse(text);
  EXPECT_TRUE(a.ok()) << text << ": " << a.status();
  return a.ok() ? *a : SocketAddress();
}

std::pair<IpAddress, int> Subnet(std::string_view text) {
  const size_t slash = text.find('/');
  EXPECT_NE(slash, std::string_view::npos) << text;
  int len = 0;
  EXPECT_TRUE(absl::SimpleAtoi(ToAbsl(text.substr(slash + 1)), &len)) << text;
  return {Ip(text.substr(0, slash)), len};
}

std::vector<uint8_t> Payload(size_t size, uint8_t fill) {
  return std::vector<uint8_t>(size, fill);
}

RouterConfig MakeRouter(std::string name, std::string parent,
                        std::vector<std::string_view> subnets,
                        std::optional<NatConfig> nat) {
  RouterConfig c;
  c.name = std::move(name);
  c.parent = std::move(parent);
  for (std::string_view s : subnets) c.subnets.push_back(Subnet(s));
  c.nat = std::move(nat);
  return c;
}

HostConfig MakeHost(std::string name, std::string router,
                    std::vector<std::string_view> addresses) {
  HostConfig c;
  c.name = std::move(name);
  c.router = std::move(router);
  for (std::string_view a : addresses) c.addresses.push_back(Ip(a));
  return c;
}

RouterId Driver::AddRouter(const RouterConfig& c) {
  absl::StatusOr<RouterId> id = net.AddRouter(c);
  EXPECT_TRUE(id.ok()) << id.status();
  return id.ok() ? *id : -1;
}

HostId Driver::AddHost(const HostConfig& c) {
  absl::StatusOr<HostId> id = net.AddHost(c);
  EXPECT_TRUE(id.ok()) << id.status();
  return id.ok() ? *id : -1;
}

HostId Driver::Host(std::string_view name) {
  std::optional<HostId> h = net.FindHost(name);
  EXPECT_TRUE(h.has_value()) << name;
  return h.value_or(-1);
}

IpAddress Driver::HostIp(std::string_view name, IpFamily family) {
  for (const IpAddress& a : net.HostAddresses(Host(name))) {
    if (a.family() == family) return a;
  }
  ADD_FAILURE() << "host " << name << " has no address of that family";
  return IpAddress();
}

uint64_t Driver::Send(std::string_view host, const SocketAddress& local,
                      const SocketAddress& remote, size_t size) {
  Transmit t;
  t.local = local;
  t.remote = remote;
  t.payload = Payload(size);
  absl::StatusOr<uint64_t> id = net.Send(now, Host(host), std::move(t));
  EXPECT_TRUE(id.ok()) << id.status();
  Drain();
  return id.ok() ? *id : 0;
}

uint64_t Driver::SendFrom(std::string_view host, uint16_t port,
                          const SocketAddress& remote, size_t size) {
  return Send(host, SocketAddress(HostIp(host, remote.family()), port), remote,
              size);
}

void Driver::Drain() {
  while (std::optional<Delivery> d = net.PollDelivery()) {
    deliveries.push_back(std::move(*d));
  }
}

void Driver::RunUntil(Timestamp t) {
  while (std::optional<Timestamp> next = net.NextTimeout()) {
    if (*next > t) break;
    now = std::max(now, *next);
    net.HandleTimeout(now);
    Drain();
  }
  now = std::max(now, t);
  net.HandleTimeout(now);
  Drain();
}

void Driver::RunUntilIdle(Timestamp limit) {
  while (std::optional<Timestamp> next = net.NextTimeout()) {
    if (*next > limit) break;
    now = std::max(now, *next);
    net.HandleTimeout(now);
    Drain();
  }
}

std::vector<Delivery> Driver::TakeAll() {
  std::vector<Delivery> out = std::move(deliveries);
  deliveries.clear();
  return out;
}

std::vector<Delivery> Driver::DeliveriesTo(std::string_view host) const {
  std::optional<HostId> h = net.FindHost(host);
  std::vector<Delivery> out;
  for (const Delivery& d : deliveries) {
    if (h && d.host == *h) out.push_back(d);
  }
  return out;
}

}  // namespace simrtc::vnet::testing
