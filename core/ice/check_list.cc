#include "core/ice/check_list.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "absl/strings/str_format.h"
#include "core/ice/priority.h"

namespace simrtc::ice {

std::string PairStatsId(const CandidatePair& p) {
  return absl::StrFormat("CP%u_%u", p.local, p.remote);
}

namespace {

// Priority descending, id ascending: a total order, so every walk over the
// pairs is reproducible.
bool Before(const CandidatePair& a, const CandidatePair& b) {
  if (a.priority != b.priority) return a.priority > b.priority;
  return a.id < b.id;
}

}  // namespace

void CheckList::ComputePriority(CandidatePair& p) const {
  p.priority = PairPriority(role_, p.local_priority, p.remote_priority);
  if (p.valid_local) {
    p.valid_priority =
        PairPriority(role_, p.valid_local_priority, p.remote_priority);
  }
}

void CheckList::RecomputePriority(PairId id) {
  if (CandidatePair* p = Find(id)) ComputePriority(*p);
}

void CheckList::SetRole(Role role) {
  role_ = role;
  for (auto& [id, p] : pairs_) ComputePriority(p);
}

bool CheckList::FoundationActive(const std::string& foundation,
                                 PairId except) const {
  for (const auto& [id, p] : pairs_) {
    if (id == except || p.foundation != foundation) continue;
    if (p.state == PairState::kWaiting || p.state == PairState::kInProgress) {
      return true;
    }
  }
  return false;
}

CheckList::AddResult CheckList::Add(CandidatePair pair) {
  AddResult result;
  ComputePriority(pair);
  const Tuple tuple(pair.local_base, pair.remote_address);
  auto it = by_tuple_.find(tuple);
  if (it != by_tuple_.end()) {
    CandidatePair& existing = pairs_.at(it->second);
    if (existing.priority >= pair.priority) {
      result.id = existing.id;
      return result;
    }
    // The newcomer's candidates win the 5-tuple, but the record keeps its
    // state and counters: the checks already run were on these very
    // sockets.
    existing.local = pair.local;
    existing.remote = pair.remote;
    existing.local_priority = pair.local_priority;
    existing.remote_priority = pair.remote_priority;
    existing.foundation = std::move(pair.foundation);
    ComputePriority(existing);
    result.id = existing.id;
    return result;
  }
  pair.id = next_id_++;
  pair.state = FoundationActive(pair.foundation, 0) ? PairState::kFrozen
                                                    : PairState::kWaiting;
  // A foundation that already produced a success needs no freezing.
  for (const auto& [id, p] : pairs_) {
    if (p.foundation == pair.foundation && p.state == PairState::kSucceeded) {
      pair.state = PairState::kWaiting;
      break;
    }
  }
  const PairId id = pair.id;
  by_tuple_[tuple] = id;
  pairs_.emplace(id, std::move(pair));
  result.id = id;
  result.added = true;
  EvictIfNeeded(&result.evicted);
  return result;
}

void CheckList::EvictIfNeeded(std::vector<PairId>* evicted) {
  while (pairs_.size() > max_pairs_) {
    const CandidatePair* victim = nullptr;
    for (const auto& [id, p] : pairs_) {
      if (p.state != PairState::kFrozen && p.state != PairState::kWaiting) {
        continue;
      }
      if (victim == nullptr || Before(*victim, p)) victim = &p;
    }
    if (victim == nullptr) return;  // everything is busy or done
    const PairId id = victim->id;
    Remove(id);
    evicted->push_back(id);
  }
}

CandidatePair* CheckList::Find(PairId id) {
  auto it = pairs_.find(id);
  return it == pairs_.end() ? nullptr : &it->second;
}

const CandidatePair* CheckList::Find(PairId id) const {
  auto it = pairs_.find(id);
  return it == pairs_.end() ? nullptr : &it->second;
}

CandidatePair* CheckList::FindByTuple(const SocketAddress& local_base,
                                      const SocketAddress& remote) {
  auto it = by_tuple_.find(Tuple(local_base, remote));
  return it == by_tuple_.end() ? nullptr : Find(it->second);
}

const CandidatePair* CheckList::FindByTuple(const SocketAddress& local_base,
                                            const SocketAddress& remote) const {
  auto it = by_tuple_.find(Tuple(local_base, remote));
  return it == by_tuple_.end() ? nullptr : Find(it->second);
}

void CheckList::Remove(PairId id) {
  auto it = pairs_.find(id);
  if (it == pairs_.end()) return;
  by_tuple_.erase(Tuple(it->second.local_base, it->second.remote_address));
  pairs_.erase(it);
  triggered_.erase(std::remove(triggered_.begin(), triggered_.end(), id),
                   triggered_.end());
}

std::vector<PairId> CheckList::RemoveIf(
    const std::function<bool(const CandidatePair&)>& pred) {
  std::vector<PairId> ids;
  for (const auto& [id, p] : pairs_) {
    if (pred(p)) ids.push_back(id);
  }
  for (PairId id : ids) Remove(id);
  return ids;
}

void CheckList::Clear() {
  pairs_.clear();
  by_tuple_.clear();
  triggered_.clear();
  ordinary_checks_ = true;
}

void CheckList::EnqueueTriggered(PairId id) {
  CandidatePair* p = Find(id);
  if (p == nullptr) return;
  if (p->state == PairState::kFrozen || p->state == PairState::kFailed) {
    p->state = PairState::kWaiting;
  }
  if (!IsTriggered(id)) triggered_.push_back(id);
}

bool CheckList::IsTriggered(PairId id) const {
  return std::find(triggered_.begin(), triggered_.end(), id) !=
         triggered_.end();
}

std::optional<PairId> CheckList::NextCheck() {
  while (!triggered_.empty()) {
    const PairId id = triggered_.front();
    triggered_.pop_front();
    if (Find(id) != nullptr) return id;
  }
  if (!ordinary_checks_) return std::nullopt;
  const CandidatePair* best = nullptr;
  for (const auto& [id, p] : pairs_) {
    if (p.state == PairState::kWaiting && (best == nullptr || Before(p, *best)))
      best = &p;
  }
  if (best != nullptr) return best->id;
  // RFC 8445 section 6.1.4.2 step 2: wake the best Frozen pair of every
  // foundation that has nothing Waiting or In-Progress (nothing is Waiting
  // here, so In-Progress is what keeps a foundation busy).
  std::set<std::string_view> busy;
  for (const auto& [id, p] : pairs_) {
    if (p.state == PairState::kInProgress) busy.insert(p.foundation);
  }
  std::map<std::string_view, CandidatePair*> per_foundation;
  for (auto& [id, p] : pairs_) {
    if (p.state != PairState::kFrozen || busy.count(p.foundation)) continue;
    CandidatePair*& slot = per_foundation[p.foundation];
    if (slot == nullptr || Before(p, *slot)) slot = &p;
  }
  CandidatePair* pick = nullptr;
  for (auto& [f, p] : per_foundation) {
    p->state = PairState::kWaiting;
    if (pick == nullptr || Before(*p, *pick)) pick = p;
  }
  if (pick == nullptr) return std::nullopt;
  return pick->id;
}

bool CheckList::HasWork() const {
  for (PairId id : triggered_) {
    if (Find(id) != nullptr) return true;
  }
  if (!ordinary_checks_) return false;
  // Mirrors NextCheck: a Frozen pair counts only if its foundation could
  // be woken, or a driver would be told to wake up for nothing. Two linear
  // passes, as this runs after every input.
  std::set<std::string_view> busy;
  bool frozen = false;
  for (const auto& [id, p] : pairs_) {
    if (p.state == PairState::kWaiting) return true;
    if (p.state == PairState::kInProgress) busy.insert(p.foundation);
    frozen |= p.state == PairState::kFrozen;
  }
  if (!frozen) return false;
  for (const auto& [id, p] : pairs_) {
    if (p.state == PairState::kFrozen && !busy.count(p.foundation)) return true;
  }
  return false;
}

void CheckList::UnfreezeFoundation(const std::string& foundation) {
  for (auto& [id, p] : pairs_) {
    if (p.foundation == foundation && p.state == PairState::kFrozen) {
      p.state = PairState::kWaiting;
    }
  }
}

size_t CheckList::CountInState(PairState state) const {
  size_t n = 0;
  for (const auto& [id, p] : pairs_) n += p.state == state ? 1 : 0;
  return n;
}

bool CheckList::AllDone() const {
  for (const auto& [id, p] : pairs_) {
    if (p.state != PairState::kSucceeded && p.state != PairState::kFailed) {
      return false;
    }
  }
  return true;
}

bool CheckList::HasPendingAbove(uint64_t priority) const {
  for (const auto& [id, p] : pairs_) {
    if (p.priority <= priority) continue;
    if (p.state == PairState::kFrozen || p.state == PairState::kWaiting ||
        p.state == PairState::kInProgress) {
      return true;
    }
  }
  return false;
}

std::vector<const CandidatePair*> CheckList::Sorted() const {
  std::vector<const CandidatePair*> out;
  out.reserve(pairs_.size());
  for (const auto& [id, p] : pairs_) out.push_back(&p);
  std::sort(out.begin(), out.end(),
            [](const CandidatePair* a, const CandidatePair* b) {
              return Before(*a, *b);
            });
  return out;
}

std::vector<CandidatePair*> CheckList::SortedMutable() {
  std::vector<CandidatePair*> out;
  out.reserve(pairs_.size());
  for (auto& [id, p] : pairs_) out.push_back(&p);
  std::sort(out.begin(), out.end(),
            [](CandidatePair* a, CandidatePair* b) { return Before(*a, *b); });
  return out;
}

}  // namespace simrtc::ice
