#include "sim/node.h"

#include <cmath>

namespace simrtc::sim {

std::optional<Transmit> QueueingNode::PollTransmit() {
  if (out_.empty()) return std::nullopt;
  Transmit t = std::move(out_.front());
  out_.pop_front();
  return t;
}

std::optional<Node::Signal> QueueingNode::PollSignal() {
  if (signals_.empty()) return std::nullopt;
  Signal s = std::move(signals_.front());
  signals_.pop_front();
  return s;
}

void QueueingNode::Send(const SocketAddress& local, const SocketAddress& remote,
                        std::vector<uint8_t> payload) {
  Transmit t;
  t.local = local;
  t.remote = remote;
  t.payload = std::move(payload);
  out_.push_back(std::move(t));
}

void QueueingNode::Reach(std::string_view state, Timestamp now) {
  states_.try_emplace(std::string(state), now);
}

bool QueueingNode::Reached(std::string_view state) const {
  return states_.find(std::string(state)) != states_.end();
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0.0;
  if (p <= 0) return sorted.front();
  // Nearest rank: the smallest value with at least p% of the sample <= it.
  const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
  size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  if (index >= sorted.size()) index = sorted.size() - 1;
  return sorted[index];
}

}  // namespace simrtc::sim
