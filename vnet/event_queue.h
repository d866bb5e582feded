// Timed events ordered by (time, insertion sequence).
//
// A binary min-heap of small entries. Ties in time are broken by the order
// of insertion, never by anything else, so a run is reproducible whatever
// the heap's internal layout. The payload is an index into storage owned by
// the caller, which keeps entries 24 bytes and heap moves cheap.
#ifndef VNET_EVENT_QUEUE_H_
#define VNET_EVENT_QUEUE_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/base/time.h"

namespace simrtc::vnet {

class EventQueue {
 public:
  struct Entry {
    int64_t at_us;
    uint64_t seq;
    uint32_t slot;
  };

  void Push(Timestamp at, uint32_t slot) {
    heap_.push_back(Entry{at.us(), next_seq_++, slot});
    std::push_heap(heap_.begin(), heap_.end(), Later);
  }

  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }

  std::optional<Timestamp> NextTime() const {
    if (heap_.empty()) return std::nullopt;
    return Timestamp::Micros(heap_.front().at_us);
  }

  // Removes and returns the earliest entry if it is due at or before now.
  std::optional<Entry> PopDue(Timestamp now) {
    if (heap_.empty() || heap_.front().at_us > now.us()) return std::nullopt;
    std::pop_heap(heap_.begin(), heap_.end(), Later);
    Entry e = heap_.back();
    heap_.pop_back();
    return e;
  }

 private:
  // std heap functions build a max-heap; "later" as less-than makes the
  // earliest entry the top.
  static bool Later(const Entry& a, const Entry& b) {
    if (a.at_us != b.at_us) return a.at_us > b.at_us;
    return a.seq > b.seq;
  }

  std::vector<Entry> heap_;
  uint64_t next_seq_ = 0;
};

}  // namespace simrtc::vnet

#endif  // VNET_EVENT_QUEUE_H_
