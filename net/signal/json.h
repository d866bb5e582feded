// A deliberately small JSON reader and writer for the one shape signaling
// needs: an object whose member values are all strings, such as
// {"type":"offer","sdp":"v=0\r\n..."}.
//
// Contract: the reader is strict RFC 8259 for that subset (no comments, no
// trailing commas, no raw control characters or invalid UTF-8 in strings,
// paired surrogates only, nothing after the object) and rejects duplicate
// member names and non-string values with an error naming the offset and
// what was expected. It never crashes on any input. The writer emits
// compact JSON the reader accepts, escaping '"', '\\' and control
// characters; invalid UTF-8 in its input becomes U+FFFD so the output is
// always valid JSON.
#ifndef NET_SIGNAL_JSON_H_
#define NET_SIGNAL_JSON_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace simrtc::signal {

// Members in input (or output) order.
using JsonStringMembers = std::vector<std::pair<std::string, std::string>>;

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view text);

// {"name":"value",...} with no whitespace.
std::string WriteJsonStringObject(const JsonStringMembers& members);

absl::StatusOr<JsonStringMembers> ParseJsonStringObject(std::string_view json);

}  // namespace simrtc::signal

#endif  // NET_SIGNAL_JSON_H_
