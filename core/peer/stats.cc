#include "core/peer/stats.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace simrtc::peer {
namespace {

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string ValueJson(const StatsValue& v) {
  if (const bool* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const int64_t* i = std::get_if<int64_t>(&v)) return absl::StrCat(*i);
  if (const double* d = std::get_if<double>(&v)) {
    return absl::StrFormat("%.6g", *d);
  }
  return Quote(std::get<std::string>(v));
}

}  // namespace

void StatsReport::Add(StatsEntry e) {
  const std::string id = e.id;
  entries_[id] = std::move(e);
}

const StatsEntry* StatsReport::Find(std::string_view id) const {
  auto it = entries_.find(std::string(id));
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<const StatsEntry*> StatsReport::OfType(
    std::string_view type) const {
  std::vector<const StatsEntry*> out;
  for (const auto& [id, e] : entries_) {
    if (e.type == type) out.push_back(&e);
  }
  return out;
}

std::string StatsReport::ToJson() const {
  std::string out = "{";
  bool first = true;
  for (const auto& [id, e] : entries_) {
    absl::StrAppend(&out, first ? "" : ",", "\n  ", Quote(id),
                    ": {\"type\": ", Quote(e.type),
                    ", \"timestamp\": ", e.timestamp.us() / 1000.0);
    for (const auto& [name, value] : e.members) {
      absl::StrAppend(&out, ", ", Quote(name), ": ", ValueJson(value));
    }
    out += "}";
    first = false;
  }
  return out + "\n}";
}

}  // namespace simrtc::peer
