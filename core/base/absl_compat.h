// Debian builds Abseil with ABSL_OPTION_USE_STD_STRING_VIEW=0 (and likewise
// for optional/variant/any), so absl::string_view is a distinct type from
// std::string_view and absl::StrCat/SimpleAtoi/StrSplit do not accept the
// latter. Our APIs use the std types; these adapters cross the boundary.
// (absl::StrFormat's %s does accept std::string_view directly.)
#ifndef CORE_BASE_ABSL_COMPAT_H_
#define CORE_BASE_ABSL_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace simrtc {

inline absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
inline std::string_view ToStd(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

}  // namespace simrtc

#endif  // CORE_BASE_ABSL_COMPAT_H_
