// Reading a pasted session description from a terminal (the seed's
// must_read_stdin): skip blank lines, return the first line with content.
#ifndef NET_SIGNAL_READ_LINE_H_
#define NET_SIGNAL_READ_LINE_H_

#include <cstddef>
#include <istream>
#include <string>

#include "absl/status/statusor.h"

namespace simrtc::signal {

inline constexpr size_t kDefaultMaxLineBytes = 4 << 20;

// Reads lines (ended by '\n' or end of input) until one has a character
// other than whitespace and returns it without leading and trailing
// whitespace (so a CRLF line ending goes too). Errors: OutOfRange at end of
// input before such a line, DataLoss when the stream fails, and
// ResourceExhausted for a line longer than `max_line_bytes` (the rest of
// that line is consumed, so the next call starts on the following line).
absl::StatusOr<std::string> ReadLine(
    std::istream& in, size_t max_line_bytes = kDefaultMaxLineBytes);

}  // namespace simrtc::signal

#endif  // NET_SIGNAL_READ_LINE_H_
