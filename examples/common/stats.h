// Reading a PeerConnection's stats report in the examples.
#ifndef EXAMPLES_COMMON_STATS_H_
#define EXAMPLES_COMMON_STATS_H_

#include <optional>

#include "core/peer/stats.h"

namespace simrtc::examples {

// The candidates of the pair that the transport ("T01") of `stats`
// selected: nullopt while none is selected (or the pair is missing); either
// pointer is null when the report lacks that candidate's entry.
struct SelectedCandidates {
  const peer::StatsEntry* local = nullptr;
  const peer::StatsEntry* remote = nullptr;
};
std::optional<SelectedCandidates> FindSelectedCandidates(
    const peer::StatsReport& stats);

}  // namespace simrtc::examples

#endif  // EXAMPLES_COMMON_STATS_H_
