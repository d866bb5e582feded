// quickstart: the seed's "Common Usage Pattern" on the real runtime, two
// PeerConnections in one process talking over loopback. The part an app
// writes is marked; everything else is this demo playing both peers.
//
//   bazel run //examples/quickstart                     # loopback only
//   bazel run //examples/quickstart -- --stun=stun:stun.l.google.com:19302
//
// Prints "Data channel open", "Message received: hello" and exits 0.
#include <cstdio>
#include <future>
#include <memory>
#include <mutex>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "net/peer_connection.h"
#include "net/runtime.h"

ABSL_FLAG(std::string, stun, "", "an ICE server URL (default: none)");

namespace simrtc {
namespace {

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "quickstart: %s\n", s.ToString().c_str());
  return 1;
}

int Run() {
  net::RuntimeOptions options;  // every interface; loopback for this demo
  options.include_loopback = true;
  options.ip_filter = [](const IpAddress& ip) { return ip.IsLoopback(); };
  auto runtime = net::Runtime::Create(options);
  if (!runtime.ok()) return Fail(runtime.status());

  // ---- What an app writes ----------------------------------------------
  peer::Configuration config;
  if (!absl::GetFlag(FLAGS_stun).empty()) {
    config.ice_servers.push_back({{absl::GetFlag(FLAGS_stun)}, "", ""});
  }
  auto pc = net::PeerConnection::Create(**runtime, config);
  if (!pc.ok()) return Fail(pc.status());

  auto dc = (*pc)->CreateDataChannel("channel");
  if (!dc.ok()) return Fail(dc.status());
  (*dc)->OnOpen([channel = *dc] {
    std::printf("Data channel open\n");
    (void)channel->SendText("hello");
  });

  // Create and set the local description; with the candidates gathered,
  // it is what goes to the other side through signaling.
  (void)(*pc)->SetLocalDescription();
  auto offer = (*pc)->LocalDescriptionAfterGathering(TimeDelta::Seconds(5));
  if (!offer.ok()) return Fail(offer.status());
  // ... signaling: send *offer, receive the answer ...
  // -----------------------------------------------------------------------

  // The other side (any WebRTC peer; here a second PeerConnection).
  auto remote = net::PeerConnection::Create(**runtime, config);
  if (!remote.ok()) return Fail(remote.status());
  std::promise<std::string> received;
  (*remote)->OnDataChannel([&received](std::shared_ptr<net::DataChannel> ch) {
    ch->OnMessage([&received, once = std::make_shared<std::once_flag>()](
                      const datachannel::Message& m) {
      std::call_once(*once, [&] { received.set_value(std::string(m.text())); });
    });
  });
  (void)(*remote)->SetRemoteDescription(*offer);
  (void)(*remote)->SetLocalDescription();
  auto answer =
      (*remote)->LocalDescriptionAfterGathering(TimeDelta::Seconds(5));
  if (!answer.ok()) return Fail(answer.status());

  // ---- What an app writes when the answer arrives -----------------------
  if (absl::Status s = (*pc)->SetRemoteDescription(*answer); !s.ok()) {
    return Fail(s);
  }
  // -----------------------------------------------------------------------

  std::future<std::string> text = received.get_future();
  if (text.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    return Fail(absl::DeadlineExceededError("no message within 10 s"));
  }
  std::printf("Message received: %s\n", text.get().c_str());
  return 0;
}

}  // namespace
}  // namespace simrtc

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return simrtc::Run();
}
