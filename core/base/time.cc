#include "core/base/time.h"

#include <cstdlib>

#include "absl/strings/str_format.h"

namespace simrtc {

std::string TimeDelta::ToString() const {
  if (IsInfinite()) return "inf";
  const int64_t magnitude = std::llabs(us_);
  if (magnitude == 0) return "0s";
  if (magnitude % 1000000 == 0) return absl::StrFormat("%ds", us_ / 1000000);
  if (magnitude >= 1000000) return absl::StrFormat("%.6gs", seconds());
  if (magnitude % 1000 == 0) return absl::StrFormat("%dms", us_ / 1000);
  if (magnitude >= 1000) return absl::StrFormat("%.3fms", us_ / 1000.0);
  return absl::StrFormat("%dus", us_);
}

std::string Timestamp::ToString() const {
  if (IsInfinite()) return "inf";
  const char* sign = us_ < 0 ? "-" : "";
  const int64_t magnitude = std::llabs(us_);
  return absl::StrFormat("%s%d.%06ds", sign, magnitude / 1000000,
                         magnitude % 1000000);
}

std::ostream& operator<<(std::ostream& os, TimeDelta d) {
  return os << d.ToString();
}
std::ostream& operator<<(std::ostream& os, Timestamp t) {
  return os << t.ToString();
}

}  // namespace simrtc
