// hub: a one-to-many chat server over WebRTC data channels (hub::Hub), and
// a command-line client for it.
//
//   hub                                  # server: open http://localhost:8080/
//   hub --http=127.0.0.1:0 --loopback    # any free port, ICE on 127.0.0.1
//   hub --join=http://127.0.0.1:8080 --loopback    # a client in a terminal
//
// Server: serves a chat page at GET / whose script opens data channel
// "chat", waits for ICE gathering and POSTs its offer (Content-Type
// application/sdp, the whole SDP) to /offer; the reply is the whole answer
// (201). Every peer's channel is registered in the hub under the remote
// address of its selected candidate pair, so each message is shown on the
// console and relayed to every other peer. Lines typed on stdin are
// broadcast to all; "exit" stops the server (end of input does not: it
// keeps serving until Ctrl-C). Console lines (stdout):
//   LISTENING <address:port>          once the HTTP server is up
//   JOINED <key> / LEFT <key>         a peer's channel came / went
//   <key>: <text>                     a peer's message
//
// Client (--join=<server URL>; "/offer" is appended unless the URL ends
// with it): opens channel "chat", posts its offer the same way, prints
// every message it receives as one line on stdout and sends each line of
// stdin. "exit" or the server closing the channel ends it; at end of input
// it keeps printing until Ctrl-C. Progress goes to stderr.
//
// DTLS: a new ECDSA P-256 certificate, or with --key=<file> --cert=<file>
// one loaded from PEM files (hub::LoadKeyAndCertificate; its errors name
// the wrong file).
//
// ICE: every interface's addresses (loopback left out), or with
// --loopback 127.0.0.1 only. A browser's mDNS (.local) host candidates are
// not resolved; the browser's checks reach the server's addresses and are
// learned as peer-reflexive candidates instead.
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "core/base/socket_address.h"
#include "core/dtls/certificate.h"
#include "examples/common/console.h"
#include "examples/common/http.h"
#include "examples/common/page.h"
#include "examples/common/program.h"
#include "examples/common/runtime.h"
#include "examples/common/stats.h"
#include "examples/common/waiting.h"
#include "net/hub/certificate_files.h"
#include "net/hub/hub.h"
#include "net/peer_connection.h"
#include "net/runtime.h"
#include "net/signal/http_client.h"
#include "net/signal/http_server.h"

ABSL_FLAG(std::string, http, "127.0.0.1:8080",
          "server: the HTTP address (IP:port or localhost:port; port 0 picks "
          "a free one)");
ABSL_FLAG(std::string, join, "",
          "client mode: the server's URL, e.g. http://127.0.0.1:8080");
ABSL_FLAG(bool, loopback, false, "ICE on 127.0.0.1 only");
ABSL_FLAG(int, timeout, 30, "seconds to wait for signaling and connecting");
ABSL_FLAG(std::string, key, "",
          "server: PEM private key file for DTLS (with --cert; default: a "
          "new ECDSA P-256 certificate)");
ABSL_FLAG(std::string, cert, "", "server: PEM certificate file for DTLS");

namespace simrtc::hub_example {
namespace {

using examples::Clock;
using examples::Fail;
using examples::Note;
using examples::PrintLine;

// "address:port" of the remote candidate of the selected pair.
std::optional<std::string> RemoteAddress(const net::PeerConnection& pc) {
  absl::StatusOr<peer::StatsReport> stats = pc.GetStats();
  if (!stats.ok()) return std::nullopt;
  std::optional<examples::SelectedCandidates> pair =
      examples::FindSelectedCandidates(*stats);
  if (!pair.has_value() || pair->remote == nullptr) return std::nullopt;
  auto address = pair->remote->Get<std::string>("address");
  auto port = pair->remote->Get<int64_t>("port");
  if (!address.has_value() || !port.has_value()) return std::nullopt;
  const bool v6 = absl::StrContains(*address, ":");
  return absl::StrFormat(v6 ? "[%s]:%d" : "%s:%d", *address, *port);
}

// ---- The page ---------------------------------------------------------------

constexpr std::string_view kPage = R"html(<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>simrtc hub</title>
<style>
  body { font-family: sans-serif; margin: 2em; max-width: 40em; }
  #log { border: 1px solid #aaa; height: 20em; overflow-y: auto; padding: .5em;
         white-space: pre-wrap; font-family: monospace; }
  #status { color: #666; margin: .5em 0; }
  form { display: flex; gap: .5em; margin-top: .5em; }
  #text { flex: 1; }
</style>
</head>
<body>
<h1>simrtc hub</h1>
<div id="status">connecting...</div>
<div id="log"></div>
<form id="form"><input id="text" autocomplete="off" disabled>
<button id="send" disabled>Send</button></form>
<script>
'use strict';
const log = document.getElementById('log');
const status = document.getElementById('status');
const text = document.getElementById('text');
const send = document.getElementById('send');
function show(line) {
  log.textContent += line + '\n';
  log.scrollTop = log.scrollHeight;
}
const pc = new RTCPeerConnection();
const dc = pc.createDataChannel('chat');
dc.onopen = () => {
  status.textContent = 'connected';
  text.disabled = send.disabled = false;
  text.focus();
};
dc.onclose = () => {
  status.textContent = 'disconnected';
  text.disabled = send.disabled = true;
};
dc.onmessage = (e) => show(typeof e.data === 'string' ? e.data : '(binary)');
pc.onconnectionstatechange = () => {
  if (pc.connectionState === 'failed') status.textContent = 'connection failed';
};
document.getElementById('form').onsubmit = (e) => {
  e.preventDefault();
  if (!text.value || dc.readyState !== 'open') return;
  dc.send(text.value);
  show('me: ' + text.value);
  text.value = '';
};
(async () => {
  await pc.setLocalDescription(await pc.createOffer());
  // The server takes the whole offer: wait for gathering (at most 3 s).
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
    setTimeout(resolve, 3000);
  });
  const reply = await fetch('/offer', {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp' },
    body: pc.localDescription.sdp,
  });
  if (reply.status !== 201) throw new Error('POST /offer: ' + reply.status + ' ' + await reply.text());
  await pc.setRemoteDescription({ type: 'answer', sdp: await reply.text() });
})().catch((err) => { status.textContent = 'error: ' + err.message; });
</script>
</body>
</html>
)html";

// ---- Server -----------------------------------------------------------------

// Answers offers, one PeerConnection per peer, and registers each peer's
// channel in the hub.
class ChatServer {
 public:
  ChatServer(net::Runtime& runtime, std::shared_ptr<hub::Hub> hub,
             std::optional<dtls::Certificate> certificate)
      : runtime_(runtime),
        hub_(std::move(hub)),
        certificate_(std::move(certificate)) {}

  // Runs on an HTTP server thread; blocks for ICE gathering.
  absl::StatusOr<std::string> Answer(std::string offer) {
    peer::Configuration config;
    config.certificate = certificate_;
    auto pc = net::PeerConnection::Create(runtime_, std::move(config));
    if (!pc.ok()) return pc.status();
    net::PeerConnection* raw = pc->get();
    uint64_t id = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      id = next_id_++;
      peers_[id] = *std::move(pc);
    }
    std::weak_ptr<hub::Hub> weak_hub = hub_;
    raw->OnDataChannel([weak_hub, raw](std::shared_ptr<net::DataChannel> ch) {
      std::shared_ptr<hub::Hub> hub = weak_hub.lock();
      if (hub == nullptr) return;
      // The channel arrives over the connected transport, so a pair is
      // selected; its remote address names the peer, as in the seed.
      absl::StatusOr<std::string> key =
          hub->Register(std::move(ch), RemoteAddress(*raw).value_or(""));
      if (!key.ok()) Note("%s", key.status().message());
    });
    raw->OnConnectionStateChange([this, id](peer::PeerConnectionState s) {
      if (s == peer::PeerConnectionState::kFailed ||
          s == peer::PeerConnectionState::kClosed) {
        Drop(id);
      }
    });
    const TimeDelta timeout = TimeDelta::Seconds(absl::GetFlag(FLAGS_timeout));
    absl::Status s = raw->SetRemoteDescription(
        peer::SessionDescription{peer::SdpType::kOffer, std::move(offer)});
    if (s.ok()) s = raw->SetLocalDescription();
    absl::StatusOr<peer::SessionDescription> answer =
        s.ok() ? raw->LocalDescriptionAfterGathering(timeout)
               : absl::StatusOr<peer::SessionDescription>(s);
    if (!answer.ok()) {
      Drop(id);
      return answer.status();
    }
    return answer->sdp;
  }

  void CloseAll() {
    std::map<uint64_t, std::unique_ptr<net::PeerConnection>> peers;
    {
      std::lock_guard<std::mutex> lock(mu_);
      peers.swap(peers_);
    }
  }

 private:
  // Destroying a PeerConnection from its own callback is allowed (see
  // net/peer_connection.h); it is destroyed with no lock of ours held.
  void Drop(uint64_t id) {
    std::unique_ptr<net::PeerConnection> pc;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = peers_.find(id);
    if (it == peers_.end()) return;
    pc = std::move(it->second);
    peers_.erase(it);
    // Released after the lock: declared before the guard.
  }

  net::Runtime& runtime_;
  const std::shared_ptr<hub::Hub> hub_;
  const std::optional<dtls::Certificate> certificate_;
  std::mutex mu_;
  std::map<uint64_t, std::unique_ptr<net::PeerConnection>> peers_;
  uint64_t next_id_ = 1;
};

int RunServer() {
  absl::StatusOr<SocketAddress> listen =
      examples::ParseHttpAddress(absl::GetFlag(FLAGS_http));
  if (!listen.ok()) {
    return Fail("--http: " + std::string(listen.status().message()));
  }
  std::optional<dtls::Certificate> certificate;
  const std::string key = absl::GetFlag(FLAGS_key);
  const std::string cert = absl::GetFlag(FLAGS_cert);
  if (key.empty() != cert.empty()) return Fail("--key and --cert go together");
  if (!key.empty()) {
    absl::StatusOr<dtls::Certificate> c = hub::LoadKeyAndCertificate(key, cert);
    if (!c.ok()) return Fail(c.status());
    certificate = *std::move(c);
    Note("DTLS certificate %s", certificate->fingerprint().ToSdp());
  }
  auto runtime = examples::MakeRuntime(
      examples::LoopbackOrAll(absl::GetFlag(FLAGS_loopback)));
  if (!runtime.ok()) return Fail(runtime.status());

  hub::HubObserver observer;
  observer.on_message = [](const std::string& key,
                           const datachannel::Message& m) {
    PrintLine(key + ": " +
              (m.is_string
                   ? std::string(m.text())
                   : absl::StrFormat("(%d binary bytes)", m.data.size())));
  };
  observer.on_register = [](const std::string& key) {
    PrintLine("JOINED " + key);
  };
  observer.on_unregister = [](const std::string& key) {
    PrintLine("LEFT " + key);
  };
  auto hub = std::make_shared<hub::Hub>(std::move(observer));
  ChatServer chat(**runtime, hub, std::move(certificate));

  std::vector<signal::HttpRoute> routes = examples::PageRoutes(kPage);
  routes.push_back(signal::SdpOfferRoute(
      [&chat](std::string offer) { return chat.Answer(std::move(offer)); }));
  auto server = signal::HttpServer::Start(*listen, std::move(routes));
  if (!server.ok()) return Fail(server.status());
  PrintLine("LISTENING " + (*server)->address().ToString());
  Note("open %s in a browser; type to broadcast", (*server)->url("/"));

  // stdin on its own thread: it may stay blocked in a read until the
  // process ends, so it shares the hub rather than borrowing it.
  auto exit_typed = std::make_shared<std::atomic<bool>>(false);
  std::thread([hub, exit_typed] {
    hub::ChatResult r = hub->Chat(std::cin);
    if (r.exit_requested) exit_typed->store(true);
  }).detach();

  examples::WaitUntil([&] { return exit_typed->load(); });
  (*server)->Stop();
  chat.CloseAll();
  (*runtime)->Stop();
  return 0;
}

// ---- Client -----------------------------------------------------------------

int RunClient(std::string url) {
  url = examples::EndpointUrl(std::move(url), "/offer");
  const Clock::time_point deadline =
      Clock::now() + std::chrono::seconds(absl::GetFlag(FLAGS_timeout));
  auto local = examples::MakeLocalPeer(
      examples::LoopbackOrAll(absl::GetFlag(FLAGS_loopback)));
  if (!local.ok()) return Fail(local.status());
  net::PeerConnection* pc = local->pc.get();
  auto dc = pc->CreateDataChannel("chat");
  if (!dc.ok()) return Fail(dc.status());
  std::atomic<bool> open{false};
  std::atomic<bool> closed{false};
  (*dc)->OnOpen([&] { open = true; });
  (*dc)->OnClose([&] { closed = true; });
  (*dc)->OnMessage([](const datachannel::Message& m) {
    PrintLine(m.is_string
                  ? std::string(m.text())
                  : absl::StrFormat("(%d binary bytes)", m.data.size()));
  });

  if (absl::Status s = pc->SetLocalDescription(); !s.ok()) return Fail(s);
  auto offer = pc->LocalDescriptionAfterGathering(
      TimeDelta::Seconds(absl::GetFlag(FLAGS_timeout)));
  if (!offer.ok()) return Fail(offer.status());
  // The server may still be starting.
  absl::StatusOr<std::string> answer = examples::RetryWhileUnavailable(
      [&] {
        return signal::PostOffer(url, offer->sdp, TimeDelta::Seconds(10));
      },
      deadline);
  if (!answer.ok()) return Fail(answer.status());
  if (absl::Status s = pc->SetRemoteDescription(
          peer::SessionDescription{peer::SdpType::kAnswer, *answer});
      !s.ok()) {
    return Fail(s);
  }
  if (!examples::WaitUntil([&] { return open.load(); }, deadline)) {
    return Fail(
        absl::StrFormat("the channel did not open (connection %s)",
                        peer::PeerConnectionStateName(pc->connection_state())));
  }
  Note("connected to %s; type to send, \"exit\" to quit", url);

  auto exit_typed = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<net::DataChannel> channel = *dc;
  std::thread([channel, exit_typed] {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line == "exit") {
        exit_typed->store(true);
        return;
      }
      if (line.empty()) continue;
      if (absl::Status s = channel->SendText(line); !s.ok()) {
        Note("%s", s.message());
      }
    }
  }).detach();

  examples::WaitUntil([&] { return exit_typed->load() || closed.load(); });
  if (closed.load()) Note("the server closed the chat");
  (void)(*dc)->Close();
  (void)pc->Close();
  local->runtime->Stop();
  return 0;
}

}  // namespace
}  // namespace simrtc::hub_example

int main(int argc, char** argv) {
  simrtc::examples::StartProgram(
      "hub",
      "a data-channel chat hub: [--http=IP:PORT] [--loopback], or a client: "
      "--join=URL [--loopback]",
      argc, argv);
  const std::string join = absl::GetFlag(FLAGS_join);
  if (!join.empty()) return simrtc::hub_example::RunClient(join);
  return simrtc::hub_example::RunServer();
}
