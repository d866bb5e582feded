// A NameResolver backed by core/mdns's MdnsConn, so an ICE agent can
// publish and resolve "<uuid>.local" names on a real or simulated LAN.
//
// Contract: owns the MdnsConn and forwards the agent's sans-IO calls to
// it. It claims every datagram received on local port 5353 (the mDNS
// socket), so the driver can hand the agent all traffic. Each name is
// published with one address; Publish of an existing name fails with
// AlreadyExists, as MdnsConn does.
#ifndef CORE_ICE_MDNS_RESOLVER_H_
#define CORE_ICE_MDNS_RESOLVER_H_

#include <optional>

#include "absl/status/statusor.h"
#include "core/ice/resolver.h"
#include "core/mdns/mdns_conn.h"

namespace simrtc::ice {

class MdnsResolver : public NameResolver {
 public:
  static absl::StatusOr<MdnsResolver> Create(mdns::Config config);

  absl::StatusOr<ResolveId> Resolve(Timestamp now, std::string_view name,
                                    IpFamily family) override;
  void Cancel(ResolveId id) override;
  absl::Status Publish(Timestamp now, std::string_view name,
                       const IpAddress& address) override;
  absl::Status Unpublish(Timestamp now, std::string_view name) override;
  std::optional<NameResolution> PollResolution() override;

  bool HandleDatagram(Timestamp now, const Datagram& d) override;
  void HandleTimeout(Timestamp now) override { conn_.HandleTimeout(now); }
  std::optional<Timestamp> NextTimeout() const override {
    return conn_.NextTimeout();
  }
  std::optional<Transmit> PollTransmit() override {
    return conn_.PollTransmit();
  }

  const mdns::MdnsConn& conn() const { return conn_; }

 private:
  explicit MdnsResolver(mdns::MdnsConn conn) : conn_(std::move(conn)) {}
  mdns::MdnsConn conn_;
};

}  // namespace simrtc::ice

#endif  // CORE_ICE_MDNS_RESOLVER_H_
