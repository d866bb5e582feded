// Test harness: MdnsConns on one in-memory "multicast LAN", driven in
// virtual time.
//
// It plays the driver of core/base/sans_io.h: deliver what is due, drain
// transmits and events, jump the clock to the earliest pending delivery or
// timeout. A multicast transmit reaches every attached conn owning an address
// of the group's family (the sender too when `loopback` is on, as with
// IP_MULTICAST_LOOP on real sockets); a unicast one reaches the conn owning
// the destination address. Loss is drawn per transmit from a seeded Rng, so
// a run is a pure function of the options.
#ifndef CORE_MDNS_TEST_LAN_H_
#define CORE_MDNS_TEST_LAN_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/base/datagram.h"
#include "core/base/rng.h"
#include "core/base/time.h"
#include "core/mdns/mdns_conn.h"

namespace simrtc::mdns::testing {

struct LanOptions {
  TimeDelta delay = TimeDelta::Millis(1);
  double loss = 0.0;  // probability each transmit is lost for everyone
  uint64_t seed = 1;
  bool loopback = true;
  Timestamp start = Timestamp::Zero();
};

struct SentPacket {
  Timestamp at;
  int from = 0;
  Transmit transmit;
  bool dropped = false;
};

struct TimedEvent {
  Timestamp at;
  Event event;
};

class Lan {
 public:
  explicit Lan(LanOptions options = {})
      : options_(options),
        rng_(Rng(options.seed).Fork("loss")),
        now_(options.start) {}

  // Returns the node index used by the other methods.
  int Add(MdnsConn* conn) {
    nodes_.push_back(Node{conn, true, {}});
    return static_cast<int>(nodes_.size()) - 1;
  }
  // The node leaves the LAN: nothing more reaches it or leaves it.
  void Detach(int node) { nodes_[node].attached = false; }

  Timestamp now() const { return now_; }
  const std::vector<SentPacket>& sent() const { return sent_; }
  std::vector<TimedEvent>& events(int node) { return nodes_[node].events; }

  // Return true to drop a transmit (on top of random loss).
  void set_filter(std::function<bool(const SentPacket&)> filter) {
    filter_ = std::move(filter);
  }

  // Hands `d` to `node` now, as if it had just arrived.
  void Inject(int node, const Datagram& d) {
    nodes_[node].conn->HandleDatagram(now_, d);
    Collect();
  }

  // Drains outputs produced by API calls made directly on the conns.
  void Collect() {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      Node& n = nodes_[i];
      while (auto t = n.conn->PollTransmit()) {
        SentPacket p{now_, static_cast<int>(i), std::move(*t), false};
        p.dropped = !n.attached || rng_.Bernoulli(options_.loss) ||
                    (filter_ && filter_(p));
        if (!p.dropped) Route(static_cast<int>(i), p.transmit);
        sent_.push_back(std::move(p));
      }
      while (auto e = n.conn->PollEvent()) {
        n.events.push_back(TimedEvent{now_, std::move(*e)});
      }
    }
  }

  // Advances virtual time until `done` holds or the clock would pass
  // `deadline` (where it then stops). Returns whether `done` holds.
  bool RunUntil(const std::function<bool()>& done, Timestamp deadline) {
    Collect();
    while (!done()) {
      std::optional<Timestamp> next;
      if (!in_flight_.empty()) next = in_flight_.begin()->first.first;
      for (const Node& n : nodes_) {
        if (!n.attached) continue;
        if (auto t = n.conn->NextTimeout(); t && (!next || *t < *next)) {
          next = t;
        }
      }
      if (!next || *next > deadline) {
        if (deadline > now_) now_ = deadline;
        return done();
      }
      if (*next > now_) now_ = *next;
      while (!in_flight_.empty() && in_flight_.begin()->first.first <= now_) {
        auto [to, d] = std::move(in_flight_.begin()->second);
        in_flight_.erase(in_flight_.begin());
        if (nodes_[to].attached) nodes_[to].conn->HandleDatagram(now_, d);
      }
      for (Node& n : nodes_) {
        if (!n.attached) continue;
        if (auto t = n.conn->NextTimeout(); t && *t <= now_) {
          n.conn->HandleTimeout(now_);
        }
      }
      Collect();
    }
    return true;
  }

  void RunFor(TimeDelta d) {
    RunUntil([] { return false; }, now_ + d);
  }

 private:
  struct Node {
    MdnsConn* conn;
    bool attached;
    std::vector<TimedEvent> events;
  };

  bool Owns(const Node& n, const IpAddress& ip) const {
    for (const IpAddress& a : n.conn->config().local_addresses) {
      if (a == ip) return true;
    }
    return false;
  }
  bool HasFamily(const Node& n, IpFamily family) const {
    for (const IpAddress& a : n.conn->config().local_addresses) {
      if (a.family() == family) return true;
    }
    return false;
  }

  void Route(int from, const Transmit& t) {
    for (size_t j = 0; j < nodes_.size(); ++j) {
      const Node& n = nodes_[j];
      if (!n.attached) continue;
      const bool multicast = t.remote.ip().IsMulticast();
      if (multicast) {
        if (static_cast<int>(j) == from && !options_.loopback) continue;
        if (!HasFamily(n, t.remote.family())) continue;
      } else if (!Owns(n, t.remote.ip())) {
        continue;
      }
      Datagram d;
      d.local = t.remote;
      d.remote = t.local;
      d.transport = t.transport;
      d.payload = t.payload;
      in_flight_.emplace(std::make_pair(now_ + options_.delay, next_seq_++),
                         std::make_pair(static_cast<int>(j), std::move(d)));
    }
  }

  LanOptions options_;
  Rng rng_;
  Timestamp now_;
  std::vector<Node> nodes_;
  std::vector<SentPacket> sent_;
  std::function<bool(const SentPacket&)> filter_;
  std::map<std::pair<Timestamp, uint64_t>, std::pair<int, Datagram>> in_flight_;
  uint64_t next_seq_ = 0;
};

}  // namespace simrtc::mdns::testing

#endif  // CORE_MDNS_TEST_LAN_H_
