#include "net/signal/http_syntax.h"

#include "absl/strings/ascii.h"
#include "core/base/absl_compat.h"

namespace simrtc::signal {

bool IsHttpToken(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) continue;
    if (std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

std::string MediaType(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  return absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(ToAbsl(content_type)));
}

}  // namespace simrtc::signal
