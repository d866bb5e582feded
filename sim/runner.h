// One run of a scenario: builds the simulator from a Scenario with a seed,
// runs it for the scenario's duration, evaluates the expectations and
// formats the report.
//
// Contract
//  * Create() adds routers, hosts and nodes in file order and schedules the
//    timeline; anything the network or node factory refuses is returned
//    with the offending object's "file:line:col" and name.
//  * Run() is called once. Expectations with `at` are snapshotted at that
//    virtual time; the others are evaluated at the end. A timeline step the
//    network refuses at run time (recorded by the simulator) fails the run.
//  * Metric names available per subject are listed in scenario.proto; a
//    node's metrics are its NodeReport's plus the driver's datagrams_in,
//    datagrams_out and send_errors. Missing metrics fail their expectation
//    with the list of what the subject does report.
//  * Reports are deterministic text: same scenario and seed, same bytes.
#ifndef SIM_RUNNER_H_
#define SIM_RUNNER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/scenario.h"
#include "sim/simulator.h"

namespace simrtc::sim {

struct ExpectationResult {
  const Expectation* spec = nullptr;
  bool passed = false;
  std::string subject;   // `node "pinger"`
  std::string check;     // `rtt_avg_ms` or `state "done"`
  std::string measured;  // `50.012` or `reached at 3.200000s`
  std::string bound;     // `[49, 51]`, `by 10.000000s`, `never`
  // "PASS node "pinger" rtt_avg_ms = 50.012, want [49, 51]".
  std::string Line() const;
};

class ScenarioRun {
 public:
  // `scenario` must outlive the run (steps and expectations point into it).
  static absl::StatusOr<std::unique_ptr<ScenarioRun>> Create(
      const Scenario& scenario, uint64_t seed);

  Simulator& simulator() { return *sim_; }
  const Simulator& simulator() const { return *sim_; }
  const Scenario& scenario() const { return scenario_; }
  uint64_t seed() const { return sim_->seed(); }
  Timestamp end_time() const {
    return Timestamp::Zero() + scenario_.duration();
  }

  void Run();
  bool finished() const { return finished_; }

  const std::vector<ExpectationResult>& results() const { return results_; }
  int failures() const;
  // All expectations hold and no timeline step failed.
  bool passed() const;

  // Current metrics of a subject (see the contract for what is included).
  std::map<std::string, double> Metrics(Expectation::Subject subject,
                                        const std::string& name) const;

  std::string FormatReport() const;
  // "seed 7: PASS (12/12 expectations)" or "... FAIL (2 of 12 failed)".
  std::string FormatSummary() const;

 private:
  ScenarioRun(const Scenario& scenario, uint64_t seed);
  absl::Status Build();
  absl::Status ScheduleStep(const TimelineStep& step);
  ExpectationResult Evaluate(const Expectation& e,
                             const std::optional<double>& snapshot) const;

  std::string FormatTopology() const;
  std::string FormatNodes() const;
  std::string FormatLinks() const;
  std::string FormatNats() const;

  const Scenario& scenario_;
  std::unique_ptr<Simulator> sim_;
  // Current link configuration per host / router, so a timeline change can
  // patch a few fields and hand the network a complete config.
  std::map<std::string, vnet::LinkConfig> host_links_;
  std::map<std::string, vnet::LinkConfig> router_links_;
  // Metric snapshots of expectations with `at`, by expectation index;
  // nullopt inside = the metric was missing at that time.
  std::map<size_t, std::optional<double>> snapshots_;
  std::vector<ExpectationResult> results_;
  bool finished_ = false;
};

// Formats a metric value compactly: integers without decimals, others with
// up to three decimals.
std::string FormatNumber(double v);

}  // namespace simrtc::sim

#endif  // SIM_RUNNER_H_
