#include "examples/common/stats.h"

#include <gtest/gtest.h>

#include <string>

namespace simrtc::examples {
namespace {

peer::StatsEntry Entry(std::string id, std::string type,
                       std::map<std::string, peer::StatsValue> members) {
  peer::StatsEntry e;
  e.id = std::move(id);
  e.type = std::move(type);
  e.members = std::move(members);
  return e;
}

TEST(FindSelectedCandidatesTest, FollowsTheTransportToBothCandidates) {
  peer::StatsReport stats;
  stats.Add(Entry("T01", "transport",
                  {{"selectedCandidatePairId", std::string("CP1")}}));
  stats.Add(Entry("CP1", "candidate-pair",
                  {{"localCandidateId", std::string("L1")},
                   {"remoteCandidateId", std::string("R1")}}));
  stats.Add(Entry("L1", "local-candidate", {{"port", int64_t{5000}}}));
  stats.Add(Entry("R1", "remote-candidate", {{"port", int64_t{6000}}}));
  std::optional<SelectedCandidates> c = FindSelectedCandidates(stats);
  ASSERT_TRUE(c.has_value());
  ASSERT_NE(c->local, nullptr);
  ASSERT_NE(c->remote, nullptr);
  EXPECT_EQ(c->local->id, "L1");
  EXPECT_EQ(c->remote->id, "R1");
}

TEST(FindSelectedCandidatesTest, MissingPiecesAreNoneOrNull) {
  peer::StatsReport empty;
  EXPECT_FALSE(FindSelectedCandidates(empty).has_value());

  peer::StatsReport unselected;
  unselected.Add(Entry("T01", "transport", {}));
  EXPECT_FALSE(FindSelectedCandidates(unselected).has_value());

  peer::StatsReport dangling;
  dangling.Add(Entry("T01", "transport",
                     {{"selectedCandidatePairId", std::string("CP9")}}));
  EXPECT_FALSE(FindSelectedCandidates(dangling).has_value());

  peer::StatsReport half;
  half.Add(Entry("T01", "transport",
                 {{"selectedCandidatePairId", std::string("CP1")}}));
  half.Add(Entry("CP1", "candidate-pair",
                 {{"remoteCandidateId", std::string("R1")}}));
  half.Add(Entry("R1", "remote-candidate", {}));
  std::optional<SelectedCandidates> c = FindSelectedCandidates(half);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->local, nullptr);
  ASSERT_NE(c->remote, nullptr);
  EXPECT_EQ(c->remote->id, "R1");
}

}  // namespace
}  // namespace simrtc::examples
