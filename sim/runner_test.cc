#include "sim/runner.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace simrtc::sim {
namespace {

using ::testing::HasSubstr;

constexpr char kScenario[] = R"scenario(
name: "r"
duration: "5s"
topology {
  router { name: "internet" subnet: "198.51.100.0/24" }
  host { name: "a" router: "internet" address: "198.51.100.1" link { both { delay: "10ms" } } }
  host { name: "b" router: "internet" address: "198.51.100.2" link { both { delay: "10ms" } } }
}
node { name: "echo" host: "b" echo_server {} }
node { name: "ping" host: "a" ping { target: "b:7" count: 20 interval: "100ms" } }
timeline { at: "1s" set_link { host: "a" link { both { delay: "20ms" } } } }
expect { node: "ping" metric: "rtt_min_ms" min: 40 max: 40 }
expect { node: "ping" metric: "rtt_max_ms" at: "0.95s" max: 40 }
expect { node: "ping" metric: "rtt_max_ms" min: 100 }
expect { node: "ping" metric: "no_such_metric" min: 0 }
expect { node: "ping" state: "done" by: "3s" }
expect { node: "ping" state: "first_reply" never: true }
expect { host: "a" metric: "link_up_packets_sent" min: 20 max: 20 }
expect { router: "internet" metric: "dropped" max: 0 }
)scenario";

TEST(RunnerTest, EvaluatesExpectations) {
  absl::StatusOr<Scenario> s = Scenario::Parse("r.textproto", kScenario);
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<std::unique_ptr<ScenarioRun>> run = ScenarioRun::Create(*s, 3);
  ASSERT_TRUE(run.ok()) << run.status();
  (*run)->Run();
  const auto& r = (*run)->results();
  ASSERT_EQ(r.size(), 8u);
  EXPECT_TRUE(r[0].passed) << r[0].Line();
  EXPECT_TRUE(r[1].passed) << r[1].Line();   // snapshot before the change
  EXPECT_FALSE(r[2].passed) << r[2].Line();  // 60 ms after the change
  EXPECT_EQ(r[2].Line(),
            "FAIL node \"ping\" rtt_max_ms = 60, want [100, +inf]  "
            "(r.textproto:14:1)");
  EXPECT_FALSE(r[3].passed);
  EXPECT_THAT(r[3].measured, HasSubstr("missing (reports: "));
  EXPECT_THAT(r[3].measured, HasSubstr("rtt_avg_ms"));
  EXPECT_THAT(r[3].measured, HasSubstr("datagrams_in"));
  EXPECT_TRUE(r[4].passed) << r[4].Line();
  EXPECT_FALSE(r[5].passed) << r[5].Line();
  EXPECT_THAT(r[5].Line(), HasSubstr("reached at 0.040000s, want never"));
  EXPECT_TRUE(r[6].passed) << r[6].Line();
  EXPECT_TRUE(r[7].passed) << r[7].Line();
  EXPECT_EQ((*run)->failures(), 3);
  EXPECT_FALSE((*run)->passed());
  EXPECT_EQ((*run)->FormatSummary(),
            "seed 3: FAIL (3 of 8 expectations failed)");
  const std::string report = (*run)->FormatReport();
  EXPECT_THAT(report, HasSubstr("Topology\n"));
  EXPECT_THAT(report, HasSubstr("ping (ping on a)"));
  EXPECT_THAT(report, HasSubstr("1.000000s set_link host \"a\""));
  EXPECT_THAT(report, HasSubstr("a/up"));
}

TEST(RunnerTest, ReportsAreReproducible) {
  absl::StatusOr<Scenario> s = Scenario::Parse("r.textproto", kScenario);
  ASSERT_TRUE(s.ok());
  auto one = ScenarioRun::Create(*s, 9);
  auto two = ScenarioRun::Create(*s, 9);
  ASSERT_TRUE(one.ok() && two.ok());
  (*one)->Run();
  (*two)->Run();
  EXPECT_EQ((*one)->FormatReport(), (*two)->FormatReport());
}

TEST(RunnerTest, NetworkErrorsCarryTheObjectsLocation) {
  std::string text = kScenario;
  text.replace(text.find("198.51.100.2"), 12, "198.51.100.1");
  absl::StatusOr<Scenario> s = Scenario::Parse("r.textproto", text);
  ASSERT_TRUE(s.ok()) << s.status();
  auto run = ScenarioRun::Create(*s, 1);
  ASSERT_FALSE(run.ok());
  EXPECT_THAT(std::string(run.status().message()),
              HasSubstr("r.textproto:7:3: host \"b\": "));
}

TEST(RunnerTest, FailingTimelineStepFailsTheRun) {
  std::string text = kScenario;
  text += R"scenario(
timeline {
  at: "2s"
  change_address { host: "a" old_address: "198.51.100.99" new_address: "198.51.100.3" }
}
)scenario";
  absl::StatusOr<Scenario> s = Scenario::Parse("r.textproto", text);
  ASSERT_TRUE(s.ok()) << s.status();
  auto run = ScenarioRun::Create(*s, 1);
  ASSERT_TRUE(run.ok()) << run.status();
  (*run)->Run();
  ASSERT_EQ((*run)->simulator().errors().size(), 1u);
  EXPECT_THAT((*run)->simulator().errors()[0],
              HasSubstr("timeline change_address \"a\" -> 198.51.100.3"));
  EXPECT_FALSE((*run)->passed());
}

TEST(RunnerTest, EndpointsResolveToRouterPublicAddresses) {
  constexpr char kNat[] = R"scenario(
duration: "2s"
topology {
  router { name: "internet" subnet: "198.51.100.0/24" }
  router { name: "home" parent: "internet" subnet: "10.0.0.0/24" nat { public_ip: "198.51.100.50" } }
  host { name: "h" router: "home" }
  host { name: "s" router: "internet" }
}
node { name: "p" host: "s" ping { target: "home:7" count: 1 } }
node { name: "q" host: "s" ping { target: "h#3:7" count: 1 local_port: 5001 } }
)scenario";
  absl::StatusOr<Scenario> s = Scenario::Parse("n.textproto", kNat);
  ASSERT_TRUE(s.ok()) << s.status();
  auto run = ScenarioRun::Create(*s, 1);
  ASSERT_FALSE(run.ok());
  EXPECT_THAT(std::string(run.status().message()),
              HasSubstr("node \"q\": endpoint \"h#3:7\": host \"h\" has 1 "
                        "address(es), no #3"));
}

}  // namespace
}  // namespace simrtc::sim
