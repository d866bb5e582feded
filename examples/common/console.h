// Output of the data-channel examples: whole lines on stdout (the lines
// tests and users read) or stderr (diagnostics), each flushed at once, safe
// from any thread; and the random text the examples send.
#ifndef EXAMPLES_COMMON_CONSOLE_H_
#define EXAMPLES_COMMON_CONSOLE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/strings/str_format.h"

namespace simrtc::examples {

void PrintLine(std::string_view line);       // stdout
void PrintErrorLine(std::string_view line);  // stderr

template <typename... Args>
void Say(const absl::FormatSpec<Args...>& format, const Args&... args) {
  PrintLine(absl::StrFormat(format, args...));
}
template <typename... Args>
void Complain(const absl::FormatSpec<Args...>& format, const Args&... args) {
  PrintErrorLine(absl::StrFormat(format, args...));
}

// `length` random letters (a-z, A-Z).
std::string RandomText(size_t length = 15);

// Text received from a peer, printable on one line: control characters
// and backslashes are escaped (\xNN, \\), UTF-8 is kept, and very long
// text is cut.
std::string Printable(std::string_view text);

}  // namespace simrtc::examples

#endif  // EXAMPLES_COMMON_CONSOLE_H_
