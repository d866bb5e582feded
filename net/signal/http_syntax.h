// Small HTTP grammar helpers shared by the server and the client.
#ifndef NET_SIGNAL_HTTP_SYNTAX_H_
#define NET_SIGNAL_HTTP_SYNTAX_H_

#include <string>
#include <string_view>

namespace simrtc::signal {

// True for a non-empty RFC 9110 token (method names, header names).
bool IsHttpToken(std::string_view text);

// The media type of a Content-Type value, parameters dropped, trimmed and
// lower-cased: "application/SDP; charset=utf-8" -> "application/sdp".
std::string MediaType(std::string_view content_type);

}  // namespace simrtc::signal

#endif  // NET_SIGNAL_HTTP_SYNTAX_H_
