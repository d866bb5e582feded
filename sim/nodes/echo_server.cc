#include "sim/nodes/echo_server.h"

#include <algorithm>

namespace simrtc::sim {

EchoServer::EchoServer(const EchoServerConfig& config) : config_(config) {
  config_.replies_per_request = std::max(0, config_.replies_per_request);
}

std::vector<SocketAddress> EchoServer::Bindings() const {
  return {SocketAddress(IpAddress(), config_.port)};
}

void EchoServer::Start(Timestamp now) {
  Reach("started", now);
  if (config_.keepalive_target.has_value()) {
    next_keepalive_ = now;
    HandleTimeout(now);
  }
}

void EchoServer::HandleDatagram(Timestamp now, const Datagram& d) {
  ++requests_;
  Transmit reply;
  reply.local = d.local;
  reply.remote = d.remote;
  reply.transport = d.transport;
  reply.payload = d.payload;
  if (config_.reply_delay.IsZero() && config_.replies_per_request == 1) {
    ++replies_;
    bytes_echoed_ += static_cast<int64_t>(reply.payload.size());
    Send(std::move(reply));
    return;
  }
  for (int i = 0; i < config_.replies_per_request; ++i) {
    pending_.push(
        Pending{now + config_.reply_delay + config_.reply_interval * i,
                next_seq_++, reply});
  }
  HandleTimeout(now);
}

void EchoServer::HandleTimeout(Timestamp now) {
  while (!pending_.empty() && pending_.top().at <= now) {
    Transmit t = pending_.top().transmit;
    pending_.pop();
    ++replies_;
    bytes_echoed_ += static_cast<int64_t>(t.payload.size());
    Send(std::move(t));
  }
  if (next_keepalive_.has_value() && *next_keepalive_ <= now) {
    ++keepalives_;
    Send(SocketAddress(IpAddress(), config_.port), *config_.keepalive_target,
         std::vector<uint8_t>{'k', 'a'});
    next_keepalive_ =
        now + std::max(config_.keepalive_interval, TimeDelta::Millis(1));
  }
}

std::optional<Timestamp> EchoServer::NextTimeout() const {
  std::optional<Timestamp> next = next_keepalive_;
  if (!pending_.empty() && (!next || pending_.top().at < *next)) {
    next = pending_.top().at;
  }
  return next;
}

NodeReport EchoServer::Report() const {
  NodeReport r;
  r.metrics["requests"] = static_cast<double>(requests_);
  r.metrics["replies_sent"] = static_cast<double>(replies_);
  r.metrics["bytes_echoed"] = static_cast<double>(bytes_echoed_);
  r.metrics["keepalives_sent"] = static_cast<double>(keepalives_);
  r.states = states();
  return r;
}

}  // namespace simrtc::sim
