// Test harness: two DTLS endpoints joined by an in-memory link with a fixed
// one-way delay and deterministic seeded loss, driven in virtual time.
//
// It plays the driver of core/base/sans_io.h: deliver what is due, drain
// transmits and events, jump the clock to the earliest pending delivery or
// timeout. No real time passes, so a 30 s retransmission schedule runs in
// microseconds.
#ifndef CORE_DTLS_TEST_LINK_H_
#define CORE_DTLS_TEST_LINK_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/base/rng.h"
#include "core/base/time.h"
#include "core/dtls/endpoint.h"

namespace simrtc::dtls::testing {

struct LinkOptions {
  TimeDelta one_way_delay = TimeDelta::Millis(10);
  double loss = 0.0;  // probability each datagram is dropped
  uint64_t seed = 1;
};

// One datagram as it left an endpoint.
struct SentDatagram {
  Timestamp at;
  int from = 0;  // 0 = a, 1 = b
  std::vector<uint8_t> payload;
  bool dropped = false;
};

class Link {
 public:
  Link(Endpoint* a, Endpoint* b, LinkOptions options = {})
      : ends_{a, b}, options_(options), rng_(Rng(options.seed).Fork("loss")) {}

  Timestamp now() const { return now_; }
  const std::vector<SentDatagram>& sent() const { return sent_; }
  std::vector<Event>& events(int side) { return events_[side]; }

  // Lets a test drop or inspect datagrams: return true to drop.
  void set_filter(std::function<bool(const SentDatagram&)> filter) {
    filter_ = std::move(filter);
  }

  // Collects outputs produced by API calls made directly on the endpoints.
  void Collect() {
    for (int side = 0; side < 2; ++side) {
      while (auto t = ends_[side]->PollTransmit()) {
        SentDatagram d{now_, side, std::move(t->payload), false};
        d.dropped = rng_.Bernoulli(options_.loss) || (filter_ && filter_(d));
        if (!d.dropped) {
          in_flight_.emplace(
              std::make_pair(now_ + options_.one_way_delay, next_seq_++),
              std::make_pair(1 - side, d.payload));
        }
        sent_.push_back(std::move(d));
      }
      while (auto e = ends_[side]->PollEvent()) {
        events_[side].push_back(std::move(*e));
      }
    }
  }

  // Advances virtual time until `done` holds, nothing is pending, or the
  // clock would pass `deadline`. Returns whether `done` holds.
  bool RunUntil(const std::function<bool()>& done, Timestamp deadline) {
    Collect();
    while (!done()) {
      std::optional<Timestamp> next;
      if (!in_flight_.empty()) next = in_flight_.begin()->first.first;
      for (Endpoint* ep : ends_) {
        if (auto t = ep->NextTimeout(); t && (!next || *t < *next)) next = t;
      }
      if (!next || *next > deadline) return false;
      now_ = std::max(now_, *next);
      while (!in_flight_.empty() && in_flight_.begin()->first.first <= now_) {
        auto [to, payload] = std::move(in_flight_.begin()->second);
        in_flight_.erase(in_flight_.begin());
        ends_[to]->HandleDatagram(now_, payload);
        Collect();
      }
      for (Endpoint* ep : ends_) {
        if (auto t = ep->NextTimeout(); t && *t <= now_) {
          ep->HandleTimeout(now_);
          Collect();
        }
      }
    }
    return true;
  }

  // Runs until both endpoints have left kNew/kConnecting.
  bool RunHandshake(Timestamp deadline) {
    return RunUntil(
        [&] {
          return ends_[0]->state() != State::kConnecting &&
                 ends_[1]->state() != State::kConnecting &&
                 ends_[0]->state() != State::kNew &&
                 ends_[1]->state() != State::kNew;
        },
        deadline);
  }

  // Delivers everything in flight (and fires timers) up to `until`.
  void RunFor(TimeDelta d) {
    const Timestamp until = now_ + d;
    RunUntil([] { return false; }, until);
    now_ = std::max(now_, until);
  }

 private:
  Endpoint* ends_[2];
  LinkOptions options_;
  Rng rng_;
  Timestamp now_ = Timestamp::Zero();
  uint64_t next_seq_ = 0;
  // (delivery time, sequence) -> (destination side, payload)
  std::map<std::pair<Timestamp, uint64_t>, std::pair<int, std::vector<uint8_t>>>
      in_flight_;
  std::vector<SentDatagram> sent_;
  std::vector<Event> events_[2];
  std::function<bool(const SentDatagram&)> filter_;
};

}  // namespace simrtc::dtls::testing

#endif  // CORE_DTLS_TEST_LINK_H_
