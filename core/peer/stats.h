// GetStats() results in the W3C webrtc-stats shape: a report of entries,
// each with an id, a type ("peer-connection", "transport",
// "candidate-pair", "local-candidate", "remote-candidate", "certificate",
// "data-channel"), a timestamp and named members spelled as in the spec
// ("bytesSent", "selectedCandidatePairId", ...).
//
// Contract: entries are ordered by id and members by name, so a report
// prints (ToJson) and compares deterministically.
#ifndef CORE_PEER_STATS_H_
#define CORE_PEER_STATS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/base/time.h"

namespace simrtc::peer {

using StatsValue = std::variant<bool, int64_t, double, std::string>;

struct StatsEntry {
  std::string id;
  std::string type;
  Timestamp timestamp;
  std::map<std::string, StatsValue> members;

  // The member, if present and of type T.
  template <typename T>
  std::optional<T> Get(std::string_view name) const {
    auto it = members.find(std::string(name));
    if (it == members.end()) return std::nullopt;
    if (const T* v = std::get_if<T>(&it->second)) return *v;
    return std::nullopt;
  }
};

class StatsReport {
 public:
  void Add(StatsEntry e);
  const StatsEntry* Find(std::string_view id) const;
  std::vector<const StatsEntry*> OfType(std::string_view type) const;
  size_t size() const { return entries_.size(); }
  const std::map<std::string, StatsEntry>& entries() const { return entries_; }
  // {"id": {"type": ..., "timestamp": <ms>, members...}, ...}
  std::string ToJson() const;

 private:
  std::map<std::string, StatsEntry> entries_;
};

}  // namespace simrtc::peer

#endif  // CORE_PEER_STATS_H_
