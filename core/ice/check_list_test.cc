#include "core/ice/check_list.h"

#include <gtest/gtest.h>

#include "core/ice/priority.h"

namespace simrtc::ice {
namespace {

SocketAddress Addr(const char* s) { return SocketAddress::Parse(s).value(); }

CandidatePair MakePair(const char* base, const char* remote,
                       std::string foundation, uint32_t lp, uint32_t rp) {
  CandidatePair p;
  p.local_base = Addr(base);
  p.remote_address = Addr(remote);
  p.foundation = std::move(foundation);
  p.local_priority = lp;
  p.remote_priority = rp;
  return p;
}

const uint32_t kHost = CandidatePriority(CandidateType::kHost, 65535, 1);
const uint32_t kSrflx =
    CandidatePriority(CandidateType::kServerReflexive, 65535, 1);
const uint32_t kRelay = CandidatePriority(CandidateType::kRelay, 65535, 1);

TEST(CheckListTest, OrdersByPairPriorityThenId) {
  CheckList list;
  PairId relay =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:1", "a", kRelay, kHost)).id;
  PairId host =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:2", "b", kHost, kHost)).id;
  PairId srflx =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:3", "c", kHost, kSrflx)).id;
  std::vector<const CandidatePair*> sorted = list.Sorted();
  ASSERT_EQ(sorted.size(), 3u);
  EXPECT_EQ(sorted[0]->id, host);
  EXPECT_EQ(sorted[1]->id, srflx);
  EXPECT_EQ(sorted[2]->id, relay);
  EXPECT_EQ(sorted[0]->priority, PairPriority(kHost, kHost));
}

TEST(CheckListTest, RoleChangeRecomputesPriorities) {
  CheckList list;
  PairId id =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:1", "a", kHost, kSrflx)).id;
  EXPECT_EQ(list.Find(id)->priority, PairPriority(kHost, kSrflx));
  list.SetRole(Role::kControlled);
  EXPECT_EQ(list.Find(id)->priority, PairPriority(kSrflx, kHost));
}

TEST(CheckListTest, OnePairPerFiveTupleKeepsHigherPriority) {
  CheckList list;
  CheckList::AddResult first =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:1", "a", kSrflx, kHost));
  EXPECT_TRUE(first.added);
  CheckList::AddResult dup =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:1", "b", kRelay, kHost));
  EXPECT_FALSE(dup.added);
  EXPECT_EQ(dup.id, first.id);
  EXPECT_EQ(list.Find(first.id)->foundation, "a");  // lower one dropped
  CheckList::AddResult better =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:1", "c", kHost, kHost));
  EXPECT_FALSE(better.added);
  EXPECT_EQ(better.id, first.id);
  EXPECT_EQ(list.Find(first.id)->foundation, "c");  // higher one wins
  EXPECT_EQ(list.size(), 1u);
}

TEST(CheckListTest, InitialStatesOnePerFoundationWaiting) {
  CheckList list;
  PairId a1 =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:1", "f1", kHost, kHost)).id;
  PairId a2 =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:2", "f1", kHost, kSrflx)).id;
  PairId b1 =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:3", "f2", kHost, kRelay)).id;
  EXPECT_EQ(list.Find(a1)->state, PairState::kWaiting);
  EXPECT_EQ(list.Find(a2)->state, PairState::kFrozen);
  EXPECT_EQ(list.Find(b1)->state, PairState::kWaiting);
}

TEST(CheckListTest, NextCheckWalksWaitingThenUnfreezes) {
  CheckList list;
  PairId a1 =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:1", "f1", kHost, kHost)).id;
  PairId a2 =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:2", "f1", kHost, kSrflx)).id;
  ASSERT_EQ(list.NextCheck(), a1);
  list.Find(a1)->state = PairState::kInProgress;
  // a2's foundation is busy: nothing to do yet, and HasWork agrees.
  EXPECT_FALSE(list.HasWork());
  EXPECT_EQ(list.NextCheck(), std::nullopt);
  // The check failed: the foundation is free again, a2 wakes up.
  list.Find(a1)->state = PairState::kFailed;
  EXPECT_TRUE(list.HasWork());
  EXPECT_EQ(list.NextCheck(), a2);
  EXPECT_EQ(list.Find(a2)->state, PairState::kWaiting);
}

TEST(CheckListTest, SuccessUnfreezesFoundation) {
  CheckList list;
  PairId a1 =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:1", "f1", kHost, kHost)).id;
  PairId a2 =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:2", "f1", kHost, kSrflx)).id;
  list.Find(a1)->state = PairState::kSucceeded;
  list.UnfreezeFoundation("f1");
  EXPECT_EQ(list.Find(a2)->state, PairState::kWaiting);
  // A later pair of a foundation that already succeeded starts Waiting.
  PairId a3 =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:3", "f1", kHost, kRelay)).id;
  EXPECT_EQ(list.Find(a3)->state, PairState::kWaiting);
}

TEST(CheckListTest, TriggeredChecksGoFirstAndSurviveStop) {
  CheckList list;
  PairId hi =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:1", "f1", kHost, kHost)).id;
  PairId lo =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:2", "f2", kRelay, kRelay)).id;
  list.Find(lo)->state = PairState::kFailed;
  list.EnqueueTriggered(lo);
  list.EnqueueTriggered(lo);  // queued once
  EXPECT_EQ(list.Find(lo)->state, PairState::kWaiting);
  EXPECT_EQ(list.NextCheck(), lo);
  EXPECT_EQ(list.NextCheck(), hi);
  list.Find(hi)->state = PairState::kSucceeded;
  list.EnqueueTriggered(hi);
  EXPECT_EQ(list.Find(hi)->state, PairState::kSucceeded);  // stays valid
  list.StopOrdinaryChecks();
  list.Find(lo)->state = PairState::kWaiting;
  EXPECT_EQ(list.NextCheck(), hi);            // triggered still runs
  EXPECT_EQ(list.NextCheck(), std::nullopt);  // ordinary ones do not
  EXPECT_FALSE(list.HasWork());
}

TEST(CheckListTest, EvictsLowestPriorityWaitingPairsOverTheLimit) {
  CheckList list(2);
  PairId busy =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:1", "a", kRelay, kRelay)).id;
  list.Find(busy)->state = PairState::kInProgress;
  PairId mid =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:2", "b", kSrflx, kSrflx)).id;
  CheckList::AddResult r =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:3", "c", kHost, kHost));
  ASSERT_EQ(r.evicted.size(), 1u);
  EXPECT_EQ(r.evicted[0], mid);  // the busy one is never evicted
  EXPECT_NE(list.Find(busy), nullptr);
  EXPECT_EQ(list.size(), 2u);
}

TEST(CheckListTest, RemoveAndLookup) {
  CheckList list;
  PairId id =
      list.Add(MakePair("10.0.0.1:1", "1.1.1.1:1", "a", kHost, kHost)).id;
  EXPECT_EQ(list.FindByTuple(Addr("10.0.0.1:1"), Addr("1.1.1.1:1"))->id, id);
  list.EnqueueTriggered(id);
  list.Remove(id);
  EXPECT_EQ(list.FindByTuple(Addr("10.0.0.1:1"), Addr("1.1.1.1:1")), nullptr);
  EXPECT_EQ(list.NextCheck(), std::nullopt);
  EXPECT_TRUE(list.AllDone());
}

}  // namespace
}  // namespace simrtc::ice
