// The hook through which the ICE agent publishes mDNS names for its host
// candidates and resolves the .local names in a peer's candidates
// (draft-ietf-mmusic-mdns-ice-candidates). MdnsResolver (mdns_resolver.h)
// backs it with core/mdns's MdnsConn; tests use an in-memory fake.
//
// Contract:
//  * Like RelayAllocator, a subordinate sans-IO endpoint driven by the
//    agent: the agent offers every received datagram to HandleDatagram
//    (true = consumed, e.g. mDNS traffic on port 5353), drains
//    PollTransmit, folds NextTimeout into its own and calls HandleTimeout.
//    The defaults suit a resolver with no I/O of its own.
//  * Resolve returns an id; exactly one NameResolution with that id follows
//    (possibly already available to the next PollResolution, e.g. from a
//    cache), unless Cancel(id) is called first. An empty `addresses` with a
//    non-OK status means the name could not be resolved.
//  * Publish makes `name` answer with `address` until Unpublish.
#ifndef CORE_ICE_RESOLVER_H_
#define CORE_ICE_RESOLVER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/datagram.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"

namespace simrtc::ice {

using ResolveId = uint64_t;

struct NameResolution {
  ResolveId id = 0;
  std::string name;
  std::vector<IpAddress> addresses;  // sorted; empty on failure
  absl::Status status;
};

class NameResolver {
 public:
  virtual ~NameResolver() = default;

  // family kNone: either family.
  virtual absl::StatusOr<ResolveId> Resolve(Timestamp now,
                                            std::string_view name,
                                            IpFamily family) = 0;
  virtual void Cancel(ResolveId id) = 0;
  virtual absl::Status Publish(Timestamp now, std::string_view name,
                               const IpAddress& address) = 0;
  virtual absl::Status Unpublish(Timestamp now, std::string_view name) = 0;
  virtual std::optional<NameResolution> PollResolution() = 0;

  virtual bool HandleDatagram(Timestamp /*now*/, const Datagram& /*d*/) {
    return false;
  }
  virtual void HandleTimeout(Timestamp /*now*/) {}
  virtual std::optional<Timestamp> NextTimeout() const { return std::nullopt; }
  virtual std::optional<Transmit> PollTransmit() { return std::nullopt; }
};

}  // namespace simrtc::ice

#endif  // CORE_ICE_RESOLVER_H_
