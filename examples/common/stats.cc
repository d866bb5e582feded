#include "examples/common/stats.h"

#include <string>
#include <string_view>

namespace simrtc::examples {

std::optional<SelectedCandidates> FindSelectedCandidates(
    const peer::StatsReport& stats) {
  const peer::StatsEntry* transport = stats.Find("T01");
  if (transport == nullptr) return std::nullopt;
  auto pair_id = transport->Get<std::string>("selectedCandidatePairId");
  const peer::StatsEntry* pair =
      pair_id.has_value() ? stats.Find(*pair_id) : nullptr;
  if (pair == nullptr) return std::nullopt;
  auto candidate = [&](std::string_view member) -> const peer::StatsEntry* {
    auto id = pair->Get<std::string>(member);
    return id.has_value() ? stats.Find(*id) : nullptr;
  };
  return SelectedCandidates{candidate("localCandidateId"),
                            candidate("remoteCandidateId")};
}

}  // namespace simrtc::examples
