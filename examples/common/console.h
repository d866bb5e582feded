// Output of the examples: whole lines on stdout (the lines tests and users
// read) or stderr (diagnostics), each flushed at once, safe from any
// thread; diagnostics prefixed with the program's name; and the random text
// the data-channel examples send.
#ifndef EXAMPLES_COMMON_CONSOLE_H_
#define EXAMPLES_COMMON_CONSOLE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
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

// Diagnostics of the programs that name themselves on stderr
// ("hub: <text>"; hub, ice_restart, offer_answer, data_channels_flow_control).
// SetProgramName once in main, before any other thread starts; until then
// the name is "example".
void SetProgramName(std::string_view name);
void PrintNoteLine(std::string_view text);  // "<name>: <text>" on stderr
template <typename... Args>
void Note(const absl::FormatSpec<Args...>& format, const Args&... args) {
  PrintNoteLine(absl::StrFormat(format, args...));
}
// PrintNoteLine(why) (for a status: its message, without the code), then
// the exit status 1: `return Fail(...)` from main's helpers.
int Fail(std::string_view why);
int Fail(const absl::Status& status);

// `length` random letters (a-z, A-Z).
std::string RandomText(size_t length = 15);

// Text received from a peer, printable on one line: control characters
// and backslashes are escaped (\xNN, \\), UTF-8 is kept, and very long
// text is cut.
std::string Printable(std::string_view text);

}  // namespace simrtc::examples

#endif  // EXAMPLES_COMMON_CONSOLE_H_
