// The browser pages the examples serve at "/": the routes that serve a page,
// and the data-channel examples' page (served with --signal=http).
#ifndef EXAMPLES_COMMON_PAGE_H_
#define EXAMPLES_COMMON_PAGE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/signal/http_server.h"

namespace simrtc::examples {

// GET "/" answering `page` (copied) as text/html; charset=utf-8, with the
// extra `headers`.
signal::HttpRoute PageRoute(
    std::string_view page,
    std::vector<std::pair<std::string, std::string>> headers = {});

// PageRoute(page), and GET "/favicon.ico" answering 204 (no content) so
// that browsers do not log a 404 for the icon.
std::vector<signal::HttpRoute> PageRoutes(std::string_view page);

// A self-contained HTML page (inline script, no external resources) that
// creates an RTCPeerConnection (no ICE servers) with one data channel
// labelled "data", waits for ICE gathering to complete, POSTs the offer SDP
// to /offer (Content-Type application/sdp) and applies the answer SDP of
// the reply. It shows the channel's progress ("#state": new, gathering,
// signaling, connecting, open, closed, or failed when signaling or the
// connection fails) and the connection state ("#connection"), every
// received message as "Message from DataChannel '<label>': '<text>'" in
// "#log", and has a text box ("#message") with a send button ("#send",
// enabled while the channel is open).
std::string_view DataChannelsPage();

}  // namespace simrtc::examples

#endif  // EXAMPLES_COMMON_PAGE_H_
