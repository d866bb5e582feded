// The check list of one ICE data stream/component (RFC 8445 section 6.1.2)
// with its triggered-check queue and the scheduling rules of section
// 6.1.4.2, extended for trickle ICE (RFC 8838 section 10).
//
// Contract:
//  * Owns the pairs; at most one pair per 5-tuple (local base, remote
//    address): adding a second one keeps the higher-priority pair (the
//    RFC 8445 section 6.1.2.4 pruning, which is what makes a srflx local
//    candidate redundant with its host base).
//  * A pair added is Waiting when no pair of its foundation is Waiting or
//    In-Progress, Frozen otherwise (the initial-state rule applied
//    incrementally, as trickle ICE requires). A success unfreezes its
//    foundation (UnfreezeFoundation).
//  * NextCheck() is called once per Ta tick: the head of the triggered
//    queue first, else the highest-priority Waiting pair, else, for each
//    foundation with no Waiting/In-Progress pair, its best Frozen pair is
//    made Waiting and the best of those is returned. After
//    StopOrdinaryChecks() (a pair was nominated) only triggered checks
//    remain.
//  * Over max_pairs, the lowest-priority Frozen/Waiting pairs are evicted
//    (RFC 8445 section 6.1.2.5 limit). Iteration order is deterministic:
//    priority descending, then pair id.
#ifndef CORE_ICE_CHECK_LIST_H_
#define CORE_ICE_CHECK_LIST_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/base/socket_address.h"
#include "core/ice/candidate_pair.h"
#include "core/ice/types.h"

namespace simrtc::ice {

class CheckList {
 public:
  explicit CheckList(size_t max_pairs = 100) : max_pairs_(max_pairs) {}

  Role role() const { return role_; }
  // Recomputes every pair priority (and valid-pair priority) for the new
  // role; used on a role conflict.
  void SetRole(Role role);
  // Recomputes one pair's priorities after its candidates changed.
  void RecomputePriority(PairId id);

  struct AddResult {
    PairId id = 0;
    bool added = false;           // false: an equal 5-tuple already existed
    std::vector<PairId> evicted;  // removed to respect max_pairs
  };
  // `pair.id`, `priority` and `state` are assigned here. When a pair with
  // the same 5-tuple exists, the higher-priority one is kept (its id is
  // returned); the lower one loses its place even if it was the old one.
  AddResult Add(CandidatePair pair);

  CandidatePair* Find(PairId id);
  const CandidatePair* Find(PairId id) const;
  CandidatePair* FindByTuple(const SocketAddress& local_base,
                             const SocketAddress& remote);
  const CandidatePair* FindByTuple(const SocketAddress& local_base,
                                   const SocketAddress& remote) const;
  void Remove(PairId id);
  // Removes every pair the predicate selects; returns their ids.
  std::vector<PairId> RemoveIf(
      const std::function<bool(const CandidatePair&)>& pred);
  void Clear();
  size_t size() const { return pairs_.size(); }
  bool empty() const { return pairs_.empty(); }

  // Puts the pair in the triggered-check queue (once). A Frozen or Failed
  // pair becomes Waiting; a Succeeded one stays Succeeded (a nomination or
  // re-check of a valid pair).
  void EnqueueTriggered(PairId id);
  bool IsTriggered(PairId id) const;
  std::optional<PairId> NextCheck();
  // True when NextCheck() would return a pair.
  bool HasWork() const;
  void UnfreezeFoundation(const std::string& foundation);
  void StopOrdinaryChecks() { ordinary_checks_ = false; }
  void ResumeOrdinaryChecks() { ordinary_checks_ = true; }
  bool ordinary_checks() const { return ordinary_checks_; }

  size_t CountInState(PairState state) const;
  // True when every pair is Succeeded or Failed (or the list is empty).
  bool AllDone() const;
  // Frozen/Waiting/In-Progress pairs with priority above `priority`.
  bool HasPendingAbove(uint64_t priority) const;

  // Deterministic order: priority descending, then id.
  std::vector<const CandidatePair*> Sorted() const;
  std::vector<CandidatePair*> SortedMutable();
  const std::map<PairId, CandidatePair>& pairs() const { return pairs_; }

 private:
  using Tuple = std::pair<SocketAddress, SocketAddress>;
  void ComputePriority(CandidatePair& p) const;
  bool FoundationActive(const std::string& foundation, PairId except) const;
  void EvictIfNeeded(std::vector<PairId>* evicted);

  size_t max_pairs_;
  Role role_ = Role::kControlling;
  bool ordinary_checks_ = true;
  PairId next_id_ = 1;
  std::map<PairId, CandidatePair> pairs_;
  std::map<Tuple, PairId> by_tuple_;
  std::deque<PairId> triggered_;
};

}  // namespace simrtc::ice

#endif  // CORE_ICE_CHECK_LIST_H_
