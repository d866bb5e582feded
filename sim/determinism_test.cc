// Determinism proof: the same scenario and seed give the same packet trace
// event for event; different seeds give different traces exactly where the
// scenario uses randomness.
#include <string>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/trace.h"

namespace simrtc::sim {
namespace {

struct Outcome {
  TraceHasher trace{/*keep_lines=*/true};
  std::string report;
};

Outcome RunScenario(const Scenario& scenario, uint64_t seed) {
  Outcome out;
  absl::StatusOr<std::unique_ptr<ScenarioRun>> run =
      ScenarioRun::Create(scenario, seed);
  EXPECT_TRUE(run.ok()) << run.status();
  if (!run.ok()) return out;
  (*run)->simulator().AddTraceSink(
      [&out](const vnet::TraceRecord& r) { out.trace.Add(r); });
  (*run)->Run();
  out.report = (*run)->FormatReport();
  return out;
}

Scenario Load(const std::string& path) {
  absl::StatusOr<Scenario> s = Scenario::Load(path);
  EXPECT_TRUE(s.ok()) << s.status();
  return *std::move(s);
}

// Names the first event where two traces part ways.
std::string Divergence(const TraceHasher& a, const TraceHasher& b) {
  const std::optional<size_t> i = FirstDivergence(a, b);
  if (!i.has_value()) return "";
  const auto line = [](const TraceHasher& t, size_t i) {
    return i < t.lines().size() ? t.lines()[i] : std::string("(end of trace)");
  };
  return absl::StrFormat(
      "traces diverge at event %d of %d/%d:\n  first:  %s\n  second: %s", *i,
      a.size(), b.size(), line(a, *i), line(b, *i));
}

class SameSeedTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SameSeedTest, IdenticalTraceAndReport) {
  const Scenario scenario = Load(GetParam());
  const Outcome first = RunScenario(scenario, 42);
  const Outcome second = RunScenario(scenario, 42);
  ASSERT_GT(first.trace.size(), 1000u) << "scenario too small to prove much";
  EXPECT_EQ(Divergence(first.trace, second.trace), "");
  EXPECT_EQ(first.trace.hash(), second.trace.hash());
  EXPECT_EQ(first.report, second.report);
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, SameSeedTest,
    ::testing::Values("scenarios/default.textproto",
                      "scenarios/ping_loss.textproto",
                      "scenarios/bulk_rate_limited.textproto",
                      // ICE: credentials, tie-breakers, transaction ids and
                      // consent jitter all come from the seed.
                      "scenarios/ice_matrix_turn.textproto",
                      "scenarios/ice_loss_20.textproto",
                      "scenarios/ice_binding_expiry_restart.textproto",
                      // PeerConnections: DTLS (RSA, fixed-size flights),
                      // SCTP on the virtual clock, restarts.
                      "scenarios/peer_ice_restart_transfer.textproto",
                      "scenarios/peer_matrix_turn.textproto"));

TEST(DeterminismTest, DifferentSeedsDifferWhereRandomnessIsUsed) {
  // Loss and jitter draw from the seed: traces and results change.
  const Scenario lossy = Load("scenarios/ping_loss.textproto");
  const Outcome a = RunScenario(lossy, 1);
  const Outcome b = RunScenario(lossy, 2);
  const std::optional<size_t> at = FirstDivergence(a.trace, b.trace);
  ASSERT_TRUE(at.has_value());
  EXPECT_LT(*at, 100u) << "jitter should differ within the first probes";
  EXPECT_NE(a.report, b.report);
}

TEST(DeterminismTest, SeedDoesNotMatterWithoutRandomness) {
  // No loss, jitter or random port allocation: the seed must not leak in.
  const Scenario exact = Load("scenarios/ping_rtt.textproto");
  const Outcome a = RunScenario(exact, 1);
  const Outcome b = RunScenario(exact, 2);
  EXPECT_EQ(Divergence(a.trace, b.trace), "");
}

TEST(DeterminismTest, DivergenceIsLocated) {
  TraceHasher a(true), b(true);
  for (const char* l : {"1 send 1 a x y 10 -", "2 deliver 1 b x y 10 -"}) {
    a.AddLine(l);
    b.AddLine(l);
  }
  // Equal so far: no divergence.
  EXPECT_EQ(FirstDivergence(a, b), std::nullopt);
  EXPECT_EQ(Divergence(a, b), "");

  a.AddLine("3 send 2 a x y 10 -");
  b.AddLine("3 send 2 a x y 11 -");
  EXPECT_EQ(FirstDivergence(a, b), 2u);
  EXPECT_EQ(FirstDivergence(b, a), 2u);
  EXPECT_EQ(Divergence(a, b),
            "traces diverge at event 2 of 3/3:\n  first:  3 send 2 a x y 10 "
            "-\n  second: 3 send 2 a x y 11 -");

  // Identical events after the divergence do not move it: the hash log is
  // rolling, so every later entry differs too.
  a.AddLine("4 drop 2 a x y 11 loss");
  b.AddLine("4 drop 2 a x y 11 loss");
  EXPECT_EQ(FirstDivergence(a, b), 2u);
  EXPECT_EQ(Divergence(a, b),
            "traces diverge at event 2 of 4/4:\n  first:  3 send 2 a x y 10 "
            "-\n  second: 3 send 2 a x y 11 -");

  // A trace that is a strict prefix of another diverges where it ends.
  TraceHasher prefix(true);
  prefix.AddLine("1 send 1 a x y 10 -");
  prefix.AddLine("2 deliver 1 b x y 10 -");
  prefix.AddLine("3 send 2 a x y 10 -");
  EXPECT_EQ(FirstDivergence(prefix, a), 3u);
  EXPECT_EQ(FirstDivergence(a, prefix), 3u);
  EXPECT_EQ(Divergence(a, prefix),
            "traces diverge at event 3 of 4/3:\n  first:  4 drop 2 a x y 11 "
            "loss\n  second: (end of trace)");
  prefix.AddLine("4 drop 2 a x y 11 loss");
  EXPECT_EQ(FirstDivergence(prefix, a), std::nullopt);
  EXPECT_EQ(prefix.hash(), a.hash());
}

}  // namespace
}  // namespace simrtc::sim
