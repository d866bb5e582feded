// Machine-readable packet traces and their rolling hash.
//
// Contract: FormatTraceLine renders one vnet::TraceRecord as a single line
//   <time_us> <kind> <packet_id> <where> <src> <dst> <size> <reason>
// (space separated, reason "-" unless the record is a drop), with no
// trailing newline. The format is a function of the record only, so two
// runs produce identical lines exactly when they produced identical events.
// TraceHasher keeps a rolling 64-bit FNV-1a hash after every line; two logs
// agree up to index i iff (with overwhelming probability) the traces agree
// up to event i, which lets a determinism test name the first diverging
// event without storing whole traces.
#ifndef SIM_TRACE_H_
#define SIM_TRACE_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "vnet/network.h"

namespace simrtc::sim {

inline constexpr char kTraceHeader[] =
    "# time_us kind packet_id where src dst size reason";

std::string FormatTraceLine(const vnet::TraceRecord& r);

// Streams trace lines to a file (header first).
class TraceFileWriter {
 public:
  static absl::StatusOr<std::unique_ptr<TraceFileWriter>> Open(
      const std::string& path);
  ~TraceFileWriter();
  void Write(const vnet::TraceRecord& r);
  int64_t lines() const { return lines_; }

 private:
  explicit TraceFileWriter(std::FILE* f) : file_(f) {}
  std::FILE* file_;
  int64_t lines_ = 0;
};

class TraceHasher {
 public:
  // keep_lines: also store every line (for printing a divergence).
  explicit TraceHasher(bool keep_lines = false) : keep_lines_(keep_lines) {}
  void Add(const vnet::TraceRecord& r);
  void AddLine(const std::string& line);
  uint64_t hash() const { return hash_; }
  size_t size() const { return log_.size(); }
  const std::vector<uint64_t>& log() const { return log_; }
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  bool keep_lines_;
  uint64_t hash_ = 0xcbf29ce484222325ULL;
  std::vector<uint64_t> log_;
  std::vector<std::string> lines_;
};

// Index of the first event where the two logs differ (including one being
// longer), or nullopt when identical.
std::optional<size_t> FirstDivergence(const TraceHasher& a,
                                      const TraceHasher& b);

}  // namespace simrtc::sim

#endif  // SIM_TRACE_H_
