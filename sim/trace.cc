#include "sim/trace.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace simrtc::sim {

std::string FormatTraceLine(const vnet::TraceRecord& r) {
  return absl::StrFormat(
      "%d %s %d %s %s %s %d %s", r.at.us(), vnet::TraceKindName(r.kind),
      r.packet_id, r.where.empty() ? "-" : r.where, r.src.ToString(),
      r.dst.ToString(), r.size,
      r.kind == vnet::TraceRecord::Kind::kDrop ? vnet::DropReasonName(r.reason)
                                               : std::string_view("-"));
}

absl::StatusOr<std::unique_ptr<TraceFileWriter>> TraceFileWriter::Open(
    const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    return absl::NotFoundError(
        absl::StrFormat("%s: cannot open trace file for writing", path));
  }
  std::fprintf(f, "%s\n", kTraceHeader);
  return std::unique_ptr<TraceFileWriter>(new TraceFileWriter(f));
}

TraceFileWriter::~TraceFileWriter() { std::fclose(file_); }

void TraceFileWriter::Write(const vnet::TraceRecord& r) {
  const std::string line = FormatTraceLine(r);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fputc('\n', file_);
  ++lines_;
}

void TraceHasher::Add(const vnet::TraceRecord& r) {
  AddLine(FormatTraceLine(r));
}

void TraceHasher::AddLine(const std::string& line) {
  for (unsigned char c : line) {
    hash_ ^= c;
    hash_ *= 0x100000001b3ULL;
  }
  hash_ ^= '\n';
  hash_ *= 0x100000001b3ULL;
  log_.push_back(hash_);
  if (keep_lines_) lines_.push_back(line);
}

std::optional<size_t> FirstDivergence(const TraceHasher& a,
                                      const TraceHasher& b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a.log()[i] != b.log()[i]) return i;
  }
  if (a.size() != b.size()) return n;
  return std::nullopt;
}

}  // namespace simrtc::sim
