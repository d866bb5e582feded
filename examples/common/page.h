// The browser page the answering examples serve at "/" with --signal=http.
#ifndef EXAMPLES_COMMON_PAGE_H_
#define EXAMPLES_COMMON_PAGE_H_

#include <string_view>

namespace simrtc::examples {

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
