#include "net/signal/read_line.h"

#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace simrtc::signal {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

absl::StatusOr<std::string> ReadLine(std::istream& in, size_t max_line_bytes) {
  // Flushes a tied output stream (std::cout for std::cin), so a prompt
  // printed just before shows up.
  const std::istream::sentry sentry(in, /*noskipws=*/true);
  std::streambuf* buf = in.rdbuf();
  size_t blank_lines = 0;
  while (sentry && buf != nullptr) {
    std::string line;
    bool too_long = false;
    bool newline = false;
    while (true) {
      const int c = buf->sbumpc();
      if (c == std::char_traits<char>::eof()) {
        in.setstate(std::ios::eofbit);
        break;
      }
      if (c == '\n') {
        newline = true;
        break;
      }
      if (too_long) continue;  // consume the rest of the line
      if (line.size() >= max_line_bytes) {
        too_long = true;
        line = std::string();
        continue;
      }
      line.push_back(static_cast<char>(c));
    }
    if (too_long) {
      return absl::ResourceExhaustedError(
          absl::StrFormat("input line %d is longer than %d bytes",
                          blank_lines + 1, max_line_bytes));
    }
    const std::string_view content = Trim(line);
    if (!content.empty()) return std::string(content);
    if (!newline) break;  // end of input
    ++blank_lines;
  }
  if (in.bad() || buf == nullptr) {
    return absl::DataLossError("reading input: the stream failed");
  }
  return absl::OutOfRangeError(absl::StrFormat(
      "end of input after %d blank line(s): expected a non-empty line",
      blank_lines));
}

}  // namespace simrtc::signal
