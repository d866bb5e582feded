#include "net/runtime.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <ctime>
#include <random>
#include <utility>

#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"
#include "core/dtls/certificate.h"
#include "core/ice/mdns_resolver.h"
#include "core/mdns/mdns_conn.h"
#include "net/sockaddr.h"

namespace simrtc::net {
namespace {

// Datagrams read from one socket before the loop looks at the others.
constexpr int kReadBudget = 64;

int64_t SteadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// One epoch for every Runtime of the process: usrsctp's timer wheel is
// process-global, so all PeerConnections must hand it the same clock.
int64_t ProcessEpochMicros() {
  static const int64_t epoch = SteadyMicros();
  return epoch;
}

// Serialises every call into core across Runtimes (see runtime.h).
std::mutex& CoreMutex() {
  static std::mutex* mu = new std::mutex();
  return *mu;
}

// A bound socket not yet handed to the loop; closes itself unless released.
struct BoundSocket {
  int fd = -1;
  SocketAddress local;
  std::string interface_name;

  BoundSocket() = default;
  BoundSocket(BoundSocket&& o) noexcept
      : fd(std::exchange(o.fd, -1)),
        local(o.local),
        interface_name(std::move(o.interface_name)) {}
  BoundSocket& operator=(BoundSocket&&) = delete;
  ~BoundSocket() {
    if (fd >= 0) close(fd);
  }
};

absl::StatusOr<BoundSocket> BindOne(const IpAddress& ip, uint16_t wanted_port,
                                    const std::string& interface_name,
                                    const RuntimeOptions& o) {
  BoundSocket s;
  s.interface_name = interface_name;
  s.fd = socket(ip.is_v6() ? AF_INET6 : AF_INET,
                SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s.fd < 0) {
    return absl::InternalError(absl::StrFormat(
        "Runtime: socket() for %s: %s", ip.ToString(), std::strerror(errno)));
  }
  if (ip.is_v6()) {
    const int one = 1;
    setsockopt(s.fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  }
  if (o.socket_buffer_bytes > 0) {
    // Best effort: the kernel caps these at net.core.{r,w}mem_max.
    setsockopt(s.fd, SOL_SOCKET, SO_RCVBUF, &o.socket_buffer_bytes,
               sizeof(o.socket_buffer_bytes));
    setsockopt(s.fd, SOL_SOCKET, SO_SNDBUF, &o.socket_buffer_bytes,
               sizeof(o.socket_buffer_bytes));
  }
  // Ports to try: the one asked for, else the configured range, else 0.
  uint32_t first = wanted_port, last = wanted_port;
  if (wanted_port == 0 && (o.port_min != 0 || o.port_max != 0)) {
    first = o.port_min;
    last = o.port_max;
  }
  int err = 0;
  for (uint32_t port = first; port <= last; ++port) {
    sockaddr_storage ss;
    const socklen_t len =
        ToSockaddr(SocketAddress(ip, static_cast<uint16_t>(port)), ss);
    if (bind(s.fd, reinterpret_cast<sockaddr*>(&ss), len) == 0) {
      socklen_t got = sizeof(ss);
      if (getsockname(s.fd, reinterpret_cast<sockaddr*>(&ss), &got) != 0) {
        return absl::InternalError(
            absl::StrFormat("Runtime: getsockname() for %s: %s", ip.ToString(),
                            std::strerror(errno)));
      }
      s.local = FromSockaddr(ss);
      return s;
    }
    err = errno;
    if (err != EADDRINUSE) break;
  }
  if (err == EADDRNOTAVAIL) {
    return absl::NotFoundError(absl::StrFormat(
        "Runtime: bind(%s): %s", ip.ToString(), std::strerror(err)));
  }
  if (first == last) {
    return absl::UnavailableError(absl::StrFormat(
        "Runtime: bind(%s): %s",
        SocketAddress(ip, static_cast<uint16_t>(first)).ToString(),
        std::strerror(err)));
  }
  return absl::UnavailableError(absl::StrFormat(
      "Runtime: bind(%s, ports %d-%d): %s", ip.ToString(), first, last,
      err == EADDRINUSE ? "every port in the range is in use"
                        : std::strerror(err)));
}

// One mDNS socket per bound address whose interface can join the group.
std::vector<MulticastSocket> OpenMdnsSockets(
    const std::vector<BoundSocket>& bound, const Logger* logger) {
  std::vector<MulticastSocket> out;
  for (const BoundSocket& s : bound) {
    const IpAddress& ip = s.local.ip();
    // The interface is known when the runtime enumerated it; only
    // caller-given addresses need the (getifaddrs) lookup.
    const unsigned index =
        s.interface_name.empty() ? 0 : if_nametoindex(s.interface_name.c_str());
    absl::StatusOr<MulticastInterfaceId> itf =
        index != 0
            ? MulticastInterfaceId{static_cast<int>(index), s.interface_name}
            : ResolveMulticastInterface(ip, 0);
    absl::StatusOr<MulticastSocket> m =
        itf.ok() ? OpenMulticastSocket(mdns::MdnsGroup(ip.family()), ip, *itf)
                 : absl::StatusOr<MulticastSocket>(itf.status());
    if (!m.ok()) {
      SIMRTC_LOG(logger, kDebug)
          << "no mDNS on " << ip.ToString() << ": " << m.status().message();
      continue;
    }
    out.push_back(*std::move(m));
  }
  return out;
}

// The resolver answering from `sockets`' addresses; none (and the sockets
// closed) when there are none or it cannot be made.
std::unique_ptr<ice::MdnsResolver> MakeMdnsResolver(
    std::vector<MulticastSocket>& sockets, ice::MdnsMode mode,
    const Logger* logger) {
  if (sockets.empty()) return nullptr;
  mdns::Config c;
  c.mode = mode == ice::MdnsMode::kQueryAndGather
               ? mdns::MulticastDnsMode::kQueryAndGather
               : mdns::MulticastDnsMode::kQueryOnly;
  for (const MulticastSocket& m : sockets) {
    c.local_addresses.push_back(m.membership.local.ip());
  }
  absl::StatusOr<ice::MdnsResolver> r = ice::MdnsResolver::Create(c);
  if (!r.ok()) {
    SIMRTC_LOG(logger, kWarning) << "mDNS resolver: " << r.status().message();
    for (MulticastSocket& m : sockets) close(std::exchange(m.fd, -1));
    sockets.clear();
    return nullptr;
  }
  return std::make_unique<ice::MdnsResolver>(*std::move(r));
}

// Splits "scheme:host[:port][?query]" around the host; false when the URL
// has no host part.
bool SplitUrlHost(std::string_view url, std::string_view& prefix,
                  std::string_view& host, std::string_view& suffix) {
  const size_t colon = url.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view rest = url.substr(colon + 1);
  if (rest.empty() || rest.front() == '[') return false;  // IPv6 literal
  size_t end = rest.find_first_of(":?");
  if (end == std::string_view::npos) end = rest.size();
  prefix = url.substr(0, colon + 1);
  host = rest.substr(0, end);
  suffix = rest.substr(end);
  return !host.empty();
}

uint64_t SeedFromSystem() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

}  // namespace

// ---------------------------------------------------------------------------

absl::Status ResolveIceServerHosts(std::vector<peer::IceServer>& servers) {
  for (peer::IceServer& server : servers) {
    for (std::string& url : server.urls) {
      std::string_view prefix, host, suffix;
      if (!SplitUrlHost(url, prefix, host, suffix)) continue;
      if (IpAddress::Parse(host).ok()) continue;
      addrinfo hints{};
      hints.ai_family = AF_UNSPEC;
      hints.ai_socktype = SOCK_DGRAM;
      addrinfo* result = nullptr;
      const std::string name(host);
      const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &result);
      if (rc != 0) {
        return absl::NotFoundError(
            absl::StrFormat("ICE server URL \"%s\": resolving \"%s\": %s", url,
                            name, gai_strerror(rc)));
      }
      // IPv4 first: what most STUN/TURN deployments and NATs handle.
      std::optional<IpAddress> v4, v6;
      for (const addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
        sockaddr_storage ss{};
        std::memcpy(&ss, ai->ai_addr,
                    std::min<size_t>(ai->ai_addrlen, sizeof(ss)));
        if (ai->ai_family == AF_INET && !v4) v4 = FromSockaddr(ss).ip();
        if (ai->ai_family == AF_INET6 && !v6) v6 = FromSockaddr(ss).ip();
      }
      freeaddrinfo(result);
      if (!v4 && !v6) {
        return absl::NotFoundError(absl::StrFormat(
            "ICE server URL \"%s\": \"%s\" has no IPv4 or IPv6 address", url,
            name));
      }
      const std::string literal =
          v4 ? v4->ToString() : "[" + v6->ToString() + "]";
      url = std::string(prefix) + literal + std::string(suffix);
    }
  }
  return absl::OkStatus();
}

absl::Status RuntimeOptions::Validate() const {
  if ((port_min == 0) != (port_max == 0) || port_min > port_max) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "RuntimeOptions: port range %d-%d: expected both 0 or 1 <= port_min "
        "<= port_max",
        port_min, port_max));
  }
  if (!ipv4 && !ipv6) {
    return absl::InvalidArgumentError(
        "RuntimeOptions: ipv4 and ipv6 are both off");
  }
  if (socket_buffer_bytes < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("RuntimeOptions: socket_buffer_bytes %d is negative",
                        socket_buffer_bytes));
  }
  return absl::OkStatus();
}

std::vector<LocalAddress> SelectLocalAddresses(
    const std::vector<NetInterface>& interfaces, const RuntimeOptions& o) {
  std::vector<LocalAddress> out;
  for (const NetInterface& nif : interfaces) {
    if (!nif.up) continue;
    if (nif.loopback && !o.include_loopback) continue;
    if (o.interface_filter && !o.interface_filter(nif.name)) continue;
    for (const IpAddress& ip : nif.addresses) {
      if (ip.is_v4() ? !o.ipv4 : !o.ipv6) continue;
      if (ip.is_v6() && ip.IsLinkLocal()) continue;
      if (ip.IsUnspecified() || ip.IsMulticast()) continue;
      if (o.ip_filter && !o.ip_filter(ip)) continue;
      out.push_back(LocalAddress{ip, nif.name});
    }
  }
  return out;
}

// ---------------------------------------------------------------------------

struct RuntimeLoop::Completion {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  absl::Status status;

  void Finish(absl::Status s) {
    std::lock_guard<std::mutex> lock(mu);
    status = std::move(s);
    done = true;
    cv.notify_all();
  }
  absl::Status Wait() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [this] { return done; });
    return status;
  }
};

struct RuntimeLoop::Driven {
  PcId id = 0;
  // Declared before `pc`, which points at it, so it is destroyed after.
  std::unique_ptr<ice::MdnsResolver> mdns;
  std::unique_ptr<peer::PeerConnection> pc;
  std::shared_ptr<Observer> observer;
  std::map<SocketAddress, int> sockets;  // local address -> fd
  std::optional<Timestamp> next_timeout;
  bool dirty = true;
  bool removed = false;
};

RuntimeLoop::RuntimeLoop(RuntimeOptions options)
    : options_(std::move(options)) {
  ProcessEpochMicros();
}

RuntimeLoop::~RuntimeLoop() {
  if (thread_.joinable()) {
    // Only reachable when the last reference was dropped by the loop
    // thread itself (its own closure), after Run() returned.
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();
    } else {
      thread_.join();
    }
  }
  for (auto& [fd, info] : sockets_) close(fd);
  if (event_fd_ >= 0) close(event_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

absl::Status RuntimeLoop::Start() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) {
    return absl::InternalError(
        absl::StrFormat("Runtime: epoll_create1: %s", std::strerror(errno)));
  }
  event_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd_ < 0) {
    return absl::InternalError(
        absl::StrFormat("Runtime: eventfd: %s", std::strerror(errno)));
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = event_fd_;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, event_fd_, &ev) != 0) {
    return absl::InternalError(absl::StrFormat(
        "Runtime: epoll_ctl(ADD, eventfd): %s", std::strerror(errno)));
  }
  // The thread keeps the loop alive until Run() returns, so a Runtime
  // destroyed from one of its own callbacks does not pull the loop out from
  // under the thread.
  std::shared_ptr<RuntimeLoop> self = shared_from_this();
  thread_ = std::thread([self]() mutable {
    self->loop_thread_id_.store(std::this_thread::get_id());
    self->Run();
    // Thread ids are reused: a later thread must not pass for this one.
    self->loop_thread_id_.store(std::thread::id());
    self.reset();
  });
  return absl::OkStatus();
}

Timestamp RuntimeLoop::Now() const {
  return Timestamp::Micros(SteadyMicros() - ProcessEpochMicros());
}

bool RuntimeLoop::IsLoopThread() const {
  return loop_thread_id_.load() == std::this_thread::get_id();
}

bool RuntimeLoop::stopped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stopping_ || stop_requested_;
}

void RuntimeLoop::Wake() {
  const uint64_t one = 1;
  // A full counter already guarantees a wake-up.
  [[maybe_unused]] ssize_t n = write(event_fd_, &one, sizeof(one));
}

bool RuntimeLoop::Post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || stop_requested_) return false;
    tasks_.push_back(Task{std::move(fn), nullptr});
  }
  Wake();
  return true;
}

absl::Status RuntimeLoop::RunOnLoop(absl::FunctionRef<void()> fn) {
  if (IsLoopThread()) {
    fn();
    return absl::OkStatus();
  }
  auto completion = std::make_shared<Completion>();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || stop_requested_) {
      return absl::UnavailableError("Runtime: stopped");
    }
    // `fn` outlives the task: this thread waits below until it ran or was
    // cancelled.
    tasks_.push_back(Task{[fn] { fn(); }, completion});
  }
  Wake();
  return completion->Wait();
}

absl::Status RuntimeLoop::WithPeerConnection(
    PcId id, absl::FunctionRef<void(peer::PeerConnection&, Timestamp)> fn) {
  absl::Status result;
  absl::Status posted = RunOnLoop([&] {
    auto it = driven_.find(id);
    if (it == driven_.end() || it->second->removed) {
      result = absl::NotFoundError(absl::StrFormat(
          "Runtime: PeerConnection %d is closed and removed", id));
      return;
    }
    Driven& d = *it->second;
    std::lock_guard<std::mutex> core(CoreMutex());
    fn(*d.pc, Now());
    d.dirty = true;
  });
  if (!posted.ok()) return posted;
  return result;
}

absl::StatusOr<RuntimeLoop::PcId> RuntimeLoop::AddPeerConnection(
    peer::Configuration config, std::shared_ptr<Observer> observer) {
  if (stopped()) return absl::UnavailableError("Runtime: stopped");
  SIMRTC_RETURN_IF_ERROR(ResolveIceServerHosts(config.ice_servers));
  if (!config.certificate.has_value()) {
    dtls::CertificateOptions co;
    co.key_type = dtls::KeyType::kEcdsaP256;
    // A day of slack for peers whose clocks run behind.
    co.not_before_unix_seconds =
        static_cast<int64_t>(std::time(nullptr)) - int64_t{24} * 3600;
    absl::StatusOr<dtls::Certificate> cert = dtls::Certificate::Generate(co);
    if (!cert.ok()) {
      return absl::Status(
          cert.status().code(),
          absl::StrFormat("Runtime: certificate: %s", cert.status().message()));
    }
    config.certificate = *std::move(cert);
  }

  // Which addresses: the caller's, or the selected interface addresses.
  std::vector<std::pair<SocketAddress, std::string>> wanted;
  if (!config.interfaces.empty()) {
    for (const ice::LocalInterface& itf : config.interfaces) {
      wanted.emplace_back(itf.address, itf.name);
    }
  } else {
    SIMRTC_ASSIGN_OR_RETURN(std::vector<NetInterface> all, ListInterfaces());
    for (const LocalAddress& a : SelectLocalAddresses(all, options_)) {
      wanted.emplace_back(SocketAddress(a.ip, 0), a.interface_name);
    }
    if (wanted.empty()) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "Runtime: no usable local address (%d interfaces; loopback %s, "
          "filters %s)",
          all.size(), options_.include_loopback ? "included" : "excluded",
          options_.interface_filter || options_.ip_filter ? "set" : "unset"));
    }
  }
  const bool chosen_by_caller = !config.interfaces.empty();
  std::vector<BoundSocket> bound;
  absl::Status skipped;
  for (const auto& [address, name] : wanted) {
    absl::StatusOr<BoundSocket> s =
        BindOne(address.ip(), address.port(), name, options_);
    if (!s.ok()) {
      // An enumerated address may be unusable for a while (an IPv6 address
      // still in duplicate address detection): skip it, but never an
      // address the caller asked for, nor a busy port.
      if (!chosen_by_caller &&
          s.status().code() == absl::StatusCode::kNotFound) {
        skipped = s.status();
        continue;
      }
      return s.status();
    }
    bound.push_back(*std::move(s));
  }
  if (bound.empty()) return skipped;
  config.interfaces.clear();
  for (const BoundSocket& s : bound) {
    ice::LocalInterface itf;
    itf.address = s.local;
    itf.name = s.interface_name;
    config.interfaces.push_back(std::move(itf));
  }

  std::vector<MulticastSocket> mdns_sockets;
  std::unique_ptr<ice::MdnsResolver> mdns;
  if (config.ice.resolver == nullptr) {
    config.ice.mdns_mode = options_.mdns_mode;
    if (options_.mdns_mode != ice::MdnsMode::kDisabled) {
      mdns_sockets = OpenMdnsSockets(bound, options_.logger);
      mdns =
          MakeMdnsResolver(mdns_sockets, options_.mdns_mode, options_.logger);
      config.ice.resolver = mdns.get();
      if (mdns == nullptr) config.ice.mdns_mode = ice::MdnsMode::kDisabled;
    }
  }

  const PcId id = next_id_.fetch_add(1);
  const Rng rng(SeedFromSystem());
  absl::Status result;
  absl::Status posted = RunOnLoop([&] {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) {
        result = absl::UnavailableError("Runtime: stopped");
        return;
      }
    }
    auto d = std::make_unique<Driven>();
    d->id = id;
    d->observer = std::move(observer);
    d->mdns = std::move(mdns);
    {
      std::lock_guard<std::mutex> core(CoreMutex());
      absl::StatusOr<std::unique_ptr<peer::PeerConnection>> pc =
          peer::PeerConnection::Create(std::move(config), rng, Now(),
                                       options_.logger);
      if (!pc.ok()) {
        result = pc.status();
        return;
      }
      d->pc = *std::move(pc);
    }
    for (BoundSocket& s : bound) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.fd = s.fd;
      if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, s.fd, &ev) != 0) {
        result = absl::InternalError(
            absl::StrFormat("Runtime: epoll_ctl(ADD, %s): %s",
                            s.local.ToString(), std::strerror(errno)));
        CloseSockets(*d);
        std::lock_guard<std::mutex> core(CoreMutex());
        d->pc.reset();
        return;
      }
      const int fd = std::exchange(s.fd, -1);
      d->sockets[s.local] = fd;
      sockets_[fd] = SocketInfo{id, s.local, std::nullopt};
    }
    for (MulticastSocket& m : mdns_sockets) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.fd = m.fd;
      if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, m.fd, &ev) != 0) {
        // The PeerConnection still works; .local names go unresolved.
        SIMRTC_LOG(options_.logger, kWarning)
            << "mDNS socket " << m.membership.local.ToString()
            << ": epoll_ctl: " << std::strerror(errno);
        close(std::exchange(m.fd, -1));
        continue;
      }
      const int fd = std::exchange(m.fd, -1);
      d->sockets[m.membership.local] = fd;
      sockets_[fd] = SocketInfo{id, m.membership.local, m.membership};
    }
    mdns_sockets.clear();
    driven_[id] = std::move(d);
  });
  for (MulticastSocket& m : mdns_sockets) {
    if (m.fd >= 0) close(m.fd);
  }
  if (!posted.ok()) return posted;
  if (!result.ok()) return result;
  return id;
}

void RuntimeLoop::RemovePeerConnection(PcId id) {
  auto mark = [this, id] {
    auto it = driven_.find(id);
    if (it != driven_.end()) it->second->removed = true;
  };
  // On the loop thread it is torn down once the current callback returns;
  // elsewhere this waits until it is marked, so no callback of it starts
  // after this returns unless its observer still wants events.
  (void)RunOnLoop(mark);
}

void RuntimeLoop::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_requested_ = true;
  }
  if (event_fd_ >= 0) Wake();
  if (IsLoopThread()) return;
  std::lock_guard<std::mutex> lock(join_mu_);
  if (thread_.joinable()) thread_.join();
}

void RuntimeLoop::CloseSockets(Driven& d) {
  for (const auto& [local, fd] : d.sockets) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    close(fd);
    sockets_.erase(fd);
  }
  d.sockets.clear();
}

int RuntimeLoop::TimeoutMs() const {
  std::optional<Timestamp> next;
  for (const auto& [id, d] : driven_) {
    if (d->dirty || d->removed) return 0;
    if (d->next_timeout && (!next || *d->next_timeout < *next)) {
      next = d->next_timeout;
    }
  }
  if (!next) return 1000;
  const int64_t wait_us = (*next - Now()).us();
  return static_cast<int>(std::clamp<int64_t>((wait_us + 999) / 1000, 0, 1000));
}

void RuntimeLoop::ReadSockets(int fd, std::vector<uint8_t>& buf,
                              std::vector<std::pair<PcId, Datagram>>& inputs) {
  for (int k = 0; k < kReadBudget; ++k) {
    auto it = sockets_.find(fd);
    if (it == sockets_.end()) return;
    if (it->second.multicast) {
      Datagram d;
      if (!ReceiveOnMembership(fd, *it->second.multicast, buf, d)) return;
      inputs.emplace_back(it->second.pc, std::move(d));
      continue;
    }
    sockaddr_storage from;
    socklen_t from_len = sizeof(from);
    const ssize_t got = recvfrom(fd, buf.data(), buf.size(), 0,
                                 reinterpret_cast<sockaddr*>(&from), &from_len);
    if (got < 0) return;  // EAGAIN, or an error the next read repeats
    Datagram d;
    d.local = it->second.local;
    d.remote = FromSockaddr(from);
    d.transport = Transport::kUdp;
    d.payload.assign(buf.begin(), buf.begin() + got);
    inputs.emplace_back(it->second.pc, std::move(d));
  }
}

void RuntimeLoop::Send(int fd, const Transmit& t) {
  if (auto it = sockets_.find(fd);
      it != sockets_.end() && it->second.multicast) {
    if (!SendFromMembership(fd, *it->second.multicast, t.remote,
                            ByteSpan(t.payload))
             .ok()) {
      send_errors_.fetch_add(1);
    }
    return;
  }
  sockaddr_storage to;
  const socklen_t len = ToSockaddr(t.remote, to);
  if (sendto(fd, t.payload.data(), t.payload.size(), 0,
             reinterpret_cast<sockaddr*>(&to), len) < 0) {
    send_errors_.fetch_add(1);
  }
}

void RuntimeLoop::RunTasks() {
  std::deque<Task> tasks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks.swap(tasks_);
  }
  for (Task& t : tasks) {
    t.run();
    if (t.completion) t.completion->Finish(absl::OkStatus());
    // Each task's output is flushed before the next one runs, so events
    // keep the order of the calls that caused them.
    FlushAndDispatch();
  }
}

void RuntimeLoop::FlushAndDispatch() {
  struct Batch {
    PcId id;
    std::shared_ptr<Observer> observer;
    std::vector<peer::Event> events;
  };
  for (;;) {
    std::vector<Batch> batches;
    std::vector<std::pair<int, Transmit>> out;
    std::vector<PcId> closed;
    std::vector<PcId> removed;
    {
      std::lock_guard<std::mutex> core(CoreMutex());
      const Timestamp now = Now();
      for (auto& [id, dp] : driven_) {
        Driven& d = *dp;
        if (d.removed) {
          // Closing first sends close_notify / ABORT and yields the final
          // events; a no-op when already closed.
          d.pc->Close(now);
          d.dirty = true;
          removed.push_back(id);
        }
        if (!d.dirty) continue;
        d.dirty = false;
        while (std::optional<Transmit> t = d.pc->PollTransmit()) {
          int fd = -1;
          if (auto s = d.sockets.find(t->local); s != d.sockets.end()) {
            fd = s->second;
          } else {
            for (const auto& [local, sfd] : d.sockets) {
              if (local.family() == t->remote.family() &&
                  !sockets_.at(sfd).multicast) {
                fd = sfd;
                break;
              }
            }
          }
          if (fd < 0) {
            send_errors_.fetch_add(1);
            continue;
          }
          out.emplace_back(fd, std::move(*t));
        }
        std::vector<peer::Event> events;
        while (std::optional<peer::Event> e = d.pc->PollEvent()) {
          events.push_back(std::move(*e));
        }
        d.next_timeout = d.pc->NextTimeout();
        if (!events.empty()) {
          batches.push_back(Batch{id, d.observer, std::move(events)});
        }
        if (d.pc->connection_state() == peer::PeerConnectionState::kClosed &&
            !d.sockets.empty()) {
          closed.push_back(id);
        }
      }
    }
    for (const auto& [fd, t] : out) Send(fd, t);
    for (PcId id : closed) {
      // Closed for good: the sockets go now, the object when removed.
      if (auto it = driven_.find(id); it != driven_.end()) {
        CloseSockets(*it->second);
      }
    }
    // No lock is held while observers (and through them application
    // callbacks) run; they may call back in, which only marks work.
    for (Batch& b : batches) {
      if (b.observer) b.observer->OnEvents(b.id, b.events);
    }
    for (PcId id : removed) TearDown(id);
    bool more = false;
    for (const auto& [id, d] : driven_) more = more || d->dirty || d->removed;
    if (!more) return;
  }
}

void RuntimeLoop::TearDown(PcId id) {
  auto it = driven_.find(id);
  if (it == driven_.end()) return;
  std::unique_ptr<Driven> d = std::move(it->second);
  driven_.erase(it);
  CloseSockets(*d);
  if (d->observer) d->observer->OnRemoved(id);
  std::lock_guard<std::mutex> core(CoreMutex());
  d->pc.reset();
}

void RuntimeLoop::Run() {
  std::vector<uint8_t> buf(65536);
  std::array<epoll_event, 64> ready;
  std::vector<std::pair<PcId, Datagram>> inputs;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_requested_) break;
    }
    const int n = epoll_wait(epoll_fd_, ready.data(),
                             static_cast<int>(ready.size()), TimeoutMs());
    if (n < 0 && errno != EINTR) break;  // epoll itself is broken
    inputs.clear();
    for (int i = 0; i < n; ++i) {
      const int fd = ready[i].data.fd;
      if (fd == event_fd_) {
        uint64_t v;
        [[maybe_unused]] ssize_t r = read(event_fd_, &v, sizeof(v));
        continue;
      }
      ReadSockets(fd, buf, inputs);
    }
    {
      std::lock_guard<std::mutex> core(CoreMutex());
      const Timestamp now = Now();
      for (auto& [id, datagram] : inputs) {
        auto it = driven_.find(id);
        if (it == driven_.end() || it->second->removed) continue;
        it->second->pc->HandleDatagram(now, datagram);
        it->second->dirty = true;
      }
      for (auto& [id, d] : driven_) {
        if (d->removed || !d->next_timeout || *d->next_timeout > now) {
          continue;
        }
        d->pc->HandleTimeout(now);
        d->dirty = true;
      }
    }
    FlushAndDispatch();
    RunTasks();
  }
  Shutdown();
}

void RuntimeLoop::Shutdown() {
  std::deque<Task> cancelled;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cancelled.swap(tasks_);
  }
  for (Task& t : cancelled) {
    if (t.completion) {
      t.completion->Finish(absl::UnavailableError("Runtime: stopped"));
    }
  }
  for (auto& [id, d] : driven_) d->removed = true;
  // Closes, delivers the final events and tears every PeerConnection down;
  // observers cannot add new ones any more.
  FlushAndDispatch();
}

// ---------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(
    RuntimeOptions options) {
  SIMRTC_RETURN_IF_ERROR(options.Validate());
  std::shared_ptr<RuntimeLoop> loop(new RuntimeLoop(std::move(options)));
  SIMRTC_RETURN_IF_ERROR(loop->Start());
  return std::unique_ptr<Runtime>(new Runtime(std::move(loop)));
}

Runtime::~Runtime() {
  loop_->Stop();
  // On the loop thread Stop() cannot join; the thread owns a reference and
  // finishes on its own.
}

}  // namespace simrtc::net
