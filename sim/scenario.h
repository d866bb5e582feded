// Loading scenario files (scenarios/scenario.proto, protobuf text format)
// into vnet configurations, node specifications, a timeline and
// expectations.
//
// Contract
//  * Parse() checks everything that can be checked without building the
//    network: syntax (TextFormat errors with line and column), required
//    fields, value syntax (durations, addresses, prefixes, probabilities,
//    ports), and every reference by name (router parents, a host's router,
//    a node's host, endpoint names, timeline and expectation subjects).
//    Every error starts with "file:line:column: " and names the field path
//    and the object ("topology.host[1].router: host \"alice\": unknown
//    router \"homeX\""). Errors the network itself finds later (overlapping
//    subnets, ...) are reported by ScenarioRun with the object's location.
//  * A Scenario is immutable once parsed; one Scenario can be run many
//    times with different seeds (seed sweeps).
//  * Pure: no file access except Load(), which only reads the named file.
#ifndef SIM_SCENARIO_H_
#define SIM_SCENARIO_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "scenarios/scenario.pb.h"
#include "vnet/config.h"

namespace simrtc::sim {

// Parses "20ms", "1.5s", "250us", "2m", "0" into a TimeDelta.
absl::StatusOr<TimeDelta> ParseDuration(std::string_view text);

// Applies the fields a scenarios::Link sets onto `config` (both, then up /
// down). Values must have been validated (Scenario::Parse does).
absl::Status ApplyLinkPatch(const scenarios::Link& patch,
                            vnet::LinkConfig& config);

struct RouterSpec {
  vnet::RouterConfig config;
  std::string location;  // "file:line:col"
};

struct HostSpec {
  vnet::HostConfig config;
  std::string location;
};

struct NodeSpec {
  scenarios::Node proto;
  Timestamp start_at;
  std::string location;
};

struct TimelineStep {
  Timestamp at;
  scenarios::Step proto;
  std::string location;
  std::string label;  // "set_link host \"alice\"", for reports and errors
  // Parsed addresses of change_address (old unset = the host's first).
  std::optional<IpAddress> old_address;
  IpAddress new_address;
};

struct Expectation {
  enum class Subject { kNode, kRouter, kHost };
  Subject subject = Subject::kNode;
  std::string name;
  // Metric bound.
  std::string metric;
  std::optional<double> min;
  std::optional<double> max;
  std::optional<Timestamp> at;
  // State check.
  std::string state;
  std::optional<Timestamp> by;
  bool never = false;
  // Detail check: report().details[detail] == equals at the end.
  std::string detail;
  std::string equals;
  // Sequence check: states first reached in this order.
  std::vector<std::string> sequence;
  std::string description;
  std::string location;
};

class Scenario {
 public:
  // `filename` is only used in messages.
  static absl::StatusOr<Scenario> Parse(std::string_view filename,
                                        std::string_view text);
  static absl::StatusOr<Scenario> Load(const std::string& path);

  const std::string& filename() const { return filename_; }
  const scenarios::Scenario& proto() const { return *proto_; }
  const std::string& name() const { return proto_->name(); }
  uint64_t seed() const { return proto_->seed(); }
  TimeDelta duration() const { return duration_; }

  const std::vector<RouterSpec>& routers() const { return routers_; }
  const std::vector<HostSpec>& hosts() const { return hosts_; }
  const std::vector<NodeSpec>& nodes() const { return nodes_; }
  const std::vector<TimelineStep>& timeline() const { return timeline_; }
  const std::vector<Expectation>& expectations() const { return expectations_; }

 private:
  class Validator;

  std::string filename_;
  std::shared_ptr<const scenarios::Scenario> proto_;
  TimeDelta duration_;
  std::vector<RouterSpec> routers_;
  std::vector<HostSpec> hosts_;
  std::vector<NodeSpec> nodes_;
  std::vector<TimelineStep> timeline_;
  std::vector<Expectation> expectations_;
};

// An endpoint string split into its parts: a literal address, or a name
// (host or router) with an optional address index and a port.
struct EndpointRef {
  std::optional<SocketAddress> literal;
  std::string name;
  int index = 0;
  uint16_t port = 0;
};
absl::StatusOr<EndpointRef> ParseEndpoint(std::string_view text);

}  // namespace simrtc::sim

#endif  // SIM_SCENARIO_H_
