// ice_restart: restarting ICE on a live connection, from a browser page or
// from our own client.
//
//   ice_restart                        # server: open http://localhost:8080/
//   ice_restart --http=127.0.0.1:0 --loopback
//   ice_restart --client=http://127.0.0.1:8080 --loopback --restarts 2
//
// Server: serves a page at GET / whose script creates data channel "data"
// and an offer, waits for ICE gathering and POSTs the offer as JSON
// ({"type":"offer","sdp":"..."}, Content-Type application/json) to
// /doSignaling; the reply is the JSON answer. Its "ICE restart" button
// makes a new offer with iceRestart: true and posts it the same way. The
// server answers every offer on the same PeerConnection (an offer with
// another DTLS fingerprint is a new browser session: the old connection is
// closed and a new one made), and sends the current time on the channel
// every --interval seconds. Console lines (stdout):
//   LISTENING <address:port>
//   Offer <n>: remote ufrag <u>        an offer arrived (n = 1, 2, ...)
//   Answer <n>: local ufrag <v>        ... and was answered
//   ICE Connection State has changed: <state>
//   Selected candidate pair: <local> (<type>) <-> <remote> (<type>)
//                                      a new pair, or the first one after
//                                      each offer
// An ICE restart keeps the selected pair carrying data while the new
// generation checks (core/ice): the state goes from completed back to
// connected when the restart offer is applied and to completed again once
// the new generation has selected its pair; it does not pass through
// checking (Pion's agent does: it drops the pair on restart).
//
// Client (--client=<server URL>): the same as the page with our own
// PeerConnection: offers, waits for --before messages, then --restarts
// times calls RestartIce(), posts the new offer and waits for ICE to be
// connected again and --after more messages. Prints "MESSAGE <text>",
// "RESTART <n>", "ICE <state>" and finally "DONE"; exit 0 on success.
//
// ICE: every interface's addresses (loopback left out), or with
// --loopback 127.0.0.1 only.
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "core/base/socket_address.h"
#include "examples/common/console.h"
#include "examples/common/http.h"
#include "examples/common/page.h"
#include "examples/common/program.h"
#include "examples/common/runtime.h"
#include "examples/common/stats.h"
#include "examples/common/waiting.h"
#include "net/peer_connection.h"
#include "net/runtime.h"
#include "net/signal/http_client.h"
#include "net/signal/http_server.h"
#include "net/signal/sdp_codec.h"

ABSL_FLAG(std::string, http, "127.0.0.1:8080",
          "server: the HTTP address (IP:port or localhost:port; port 0 picks "
          "a free one)");
ABSL_FLAG(double, interval, 3, "server: seconds between time messages");
ABSL_FLAG(std::string, client, "",
          "client mode: the server's URL, e.g. http://127.0.0.1:8080");
ABSL_FLAG(int, restarts, 1, "client: ICE restarts to do");
ABSL_FLAG(int, before, 1, "client: messages to wait for before restarting");
ABSL_FLAG(int, after, 2, "client: messages to wait for after each restart");
ABSL_FLAG(bool, loopback, false, "ICE on 127.0.0.1 only");
ABSL_FLAG(int, timeout, 60, "client: seconds to wait for each step");

namespace simrtc::ice_restart {
namespace {

using examples::Clock;
using examples::Fail;
using examples::Interrupted;
using examples::PrintLine;
using examples::Say;

// The value of the first "a=<name>:" line of `sdp`, or "".
std::string SdpAttribute(std::string_view sdp, std::string_view name) {
  const std::string prefix = absl::StrFormat("a=%s:", name);
  size_t pos = 0;
  while (pos < sdp.size()) {
    size_t end = sdp.find('\n', pos);
    if (end == std::string_view::npos) end = sdp.size();
    std::string_view line = sdp.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.substr(0, prefix.size()) == prefix) {
      return std::string(line.substr(prefix.size()));
    }
    pos = end + 1;
  }
  return "";
}

// "local 127.0.0.1:5000 (host) <-> remote 127.0.0.1:6000 (prflx)" for the
// selected pair, if there is one.
std::optional<std::string> SelectedPair(const net::PeerConnection& pc) {
  absl::StatusOr<peer::StatsReport> stats = pc.GetStats();
  if (!stats.ok()) return std::nullopt;
  std::optional<examples::SelectedCandidates> pair =
      examples::FindSelectedCandidates(*stats);
  if (!pair.has_value()) return std::nullopt;
  auto describe = [](const peer::StatsEntry* c) -> std::string {
    if (c == nullptr) return "?";
    return absl::StrFormat("%s:%d (%s)",
                           c->Get<std::string>("address").value_or("?"),
                           c->Get<int64_t>("port").value_or(0),
                           c->Get<std::string>("candidateType").value_or("?"));
  };
  return absl::StrFormat("%s <-> %s", describe(pair->local),
                         describe(pair->remote));
}

std::string Now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &tm);
  return buf;
}

// ---- The page ---------------------------------------------------------------

constexpr std::string_view kPage = R"html(<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>simrtc ICE restart</title>
<style>
  body { font-family: sans-serif; margin: 2em; }
  #messages { font-family: monospace; white-space: pre-wrap; }
</style>
</head>
<body>
<h1>ICE restart</h1>
<button id="restart" disabled>ICE restart</button>
<h3>ICE connection state</h3>
<div id="iceState">new</div>
<h3>Selected candidate pair</h3>
<div id="pair">none</div>
<h3>Inbound DataChannel messages</h3>
<div id="messages"></div>
<script>
'use strict';
// window.simrtc is what a test harness reads.
const simrtc = window.simrtc = { messages: [], iceStates: [], restarts: 0, error: null };
const el = (id) => document.getElementById(id);
const pc = new RTCPeerConnection();
const dc = pc.createDataChannel('data');
dc.onmessage = (e) => {
  simrtc.messages.push(e.data);
  el('messages').textContent += e.data + '\n';
};
async function showPair() {
  const stats = await pc.getStats();
  stats.forEach((s) => {
    if (s.type !== 'transport' || !s.selectedCandidatePairId) return;
    const p = stats.get(s.selectedCandidatePairId);
    const l = p && stats.get(p.localCandidateId);
    const r = p && stats.get(p.remoteCandidateId);
    if (l && r) {
      el('pair').textContent = `${l.address}:${l.port} (${l.candidateType}) <-> ` +
                               `${r.address}:${r.port} (${r.candidateType})`;
    }
  });
}
pc.oniceconnectionstatechange = () => {
  simrtc.iceStates.push(pc.iceConnectionState);
  el('iceState').textContent = pc.iceConnectionState;
  if (pc.iceConnectionState === 'connected') showPair();
};
async function doSignaling(iceRestart) {
  await pc.setLocalDescription(await pc.createOffer({ iceRestart }));
  // Post the whole offer: wait for gathering (at most 3 s).
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const done = () => { if (pc.iceGatheringState === 'complete') resolve(); };
    pc.addEventListener('icegatheringstatechange', done);
    setTimeout(resolve, 3000);
  });
  const reply = await fetch('/doSignaling', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(pc.localDescription),
  });
  if (!reply.ok) throw new Error('POST /doSignaling: ' + reply.status + ' ' + await reply.text());
  await pc.setRemoteDescription(await reply.json());
  if (iceRestart) simrtc.restarts++;
}
function report(err) {
  simrtc.error = String(err && err.message ? err.message : err);
  el('iceState').textContent = 'error: ' + simrtc.error;
}
el('restart').onclick = () => doSignaling(true).catch(report);
doSignaling(false).then(() => { el('restart').disabled = false; }).catch(report);
</script>
</body>
</html>
)html";

// ---- Server -----------------------------------------------------------------

class Server {
 public:
  explicit Server(net::Runtime& runtime) : runtime_(runtime) {
    ticker_ = std::thread([this] { Tick(); });
  }
  ~Server() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
      cv_.notify_all();
    }
    ticker_.join();
    std::lock_guard<std::mutex> signaling(signaling_mu_);
    pc_.reset();
  }

  // POST /doSignaling (an HTTP server thread; blocks for ICE gathering).
  signal::HttpResponse DoSignaling(const signal::HttpRequest& req) {
    absl::StatusOr<peer::SessionDescription> offer = signal::FromJson(req.body);
    if (!offer.ok()) return Error(400, offer.status());
    if (offer->type != peer::SdpType::kOffer) {
      return Error(400, absl::InvalidArgumentError("expected an offer"));
    }
    // One offer at a time: they all go to the same PeerConnection.
    std::lock_guard<std::mutex> signaling(signaling_mu_);
    absl::StatusOr<net::PeerConnection*> pc = PeerConnectionFor(*offer);
    if (!pc.ok()) return Error(500, pc.status());
    ++offers_;
    Say("Offer %d: remote ufrag %s", offers_,
        SdpAttribute(offer->sdp, "ice-ufrag"));
    {
      // The next selected pair is printed even if it has the same
      // addresses: it belongs to the new ICE generation.
      std::lock_guard<std::mutex> lock(pair_mu_);
      last_pair_.clear();
    }
    if (absl::Status s = (*pc)->SetRemoteDescription(*offer); !s.ok()) {
      return Error(400, s);
    }
    if (absl::Status s = (*pc)->SetLocalDescription(); !s.ok()) {
      return Error(500, s);
    }
    absl::StatusOr<peer::SessionDescription> answer =
        (*pc)->LocalDescriptionAfterGathering(TimeDelta::Seconds(10));
    if (!answer.ok()) return Error(500, answer.status());
    Say("Answer %d: local ufrag %s", offers_,
        SdpAttribute(answer->sdp, "ice-ufrag"));
    signal::HttpResponse r;
    r.content_type = "application/json";
    r.body = signal::ToJson(*answer);
    return r;
  }

 private:
  static signal::HttpResponse Error(int status, const absl::Status& s) {
    return examples::Refusal(status, s, "an offer");
  }

  // The PeerConnection for `offer`: the current one, or a new one for a
  // new session (no connection yet, the old one failed or closed, or the
  // offer has another DTLS fingerprint: a reloaded page). signaling_mu_
  // held; mu_ is never held while calling into a PeerConnection, whose
  // callbacks take it on the loop thread.
  absl::StatusOr<net::PeerConnection*> PeerConnectionFor(
      const peer::SessionDescription& offer) {
    const std::string fingerprint = SdpAttribute(offer.sdp, "fingerprint");
    if (pc_ != nullptr) {
      const peer::PeerConnectionState s = pc_->connection_state();
      if (fingerprint == fingerprint_ &&
          s != peer::PeerConnectionState::kFailed &&
          s != peer::PeerConnectionState::kClosed) {
        return pc_.get();
      }
      PrintLine("New session: closing the previous connection");
      pc_.reset();
      std::lock_guard<std::mutex> lock(mu_);
      channel_.reset();
    }
    auto pc = net::PeerConnection::Create(runtime_);
    if (!pc.ok()) return pc.status();
    net::PeerConnection* raw = pc->get();
    raw->OnIceConnectionStateChange([this, raw](ice::ConnectionState s) {
      Say("ICE Connection State has changed: %s", ice::ConnectionStateName(s));
      if (s != ice::ConnectionState::kConnected &&
          s != ice::ConnectionState::kCompleted) {
        return;
      }
      std::optional<std::string> p = SelectedPair(*raw);
      if (!p.has_value()) return;
      std::lock_guard<std::mutex> lock(pair_mu_);
      if (*p == last_pair_) return;
      last_pair_ = *p;
      PrintLine("Selected candidate pair: " + *p);
    });
    raw->OnDataChannel([this](std::shared_ptr<net::DataChannel> ch) {
      std::lock_guard<std::mutex> lock(mu_);
      channel_ = std::move(ch);
    });
    pc_ = *std::move(pc);
    fingerprint_ = fingerprint;
    return raw;
  }

  // Sends the time on the current channel every --interval seconds.
  void Tick() {
    const auto interval = std::chrono::microseconds(
        static_cast<int64_t>(absl::GetFlag(FLAGS_interval) * 1e6));
    Clock::time_point next = Clock::now() + interval;
    while (true) {
      std::shared_ptr<net::DataChannel> ch;
      {
        std::unique_lock<std::mutex> lock(mu_);
        if (cv_.wait_until(lock, next, [this] { return stopping_; })) return;
        ch = channel_;
      }
      next += interval;
      if (ch != nullptr &&
          ch->ready_state() == datachannel::ChannelState::kOpen) {
        (void)ch->SendText(Now());
      }
    }
  }

  net::Runtime& runtime_;
  std::mutex signaling_mu_;  // guards the three fields below
  int offers_ = 0;
  std::unique_ptr<net::PeerConnection> pc_;
  std::string fingerprint_;

  std::mutex pair_mu_;
  std::string last_pair_;  // guarded by pair_mu_

  std::mutex mu_;  // guards the fields below
  std::condition_variable cv_;
  std::shared_ptr<net::DataChannel> channel_;
  bool stopping_ = false;
  std::thread ticker_;
};

int RunServer() {
  absl::StatusOr<SocketAddress> listen =
      examples::ParseHttpAddress(absl::GetFlag(FLAGS_http));
  if (!listen.ok()) {
    return Fail("--http: " + std::string(listen.status().message()));
  }
  if (absl::GetFlag(FLAGS_interval) <= 0) return Fail("--interval must be > 0");
  auto runtime = examples::MakeRuntime(
      examples::LoopbackOrAll(absl::GetFlag(FLAGS_loopback)));
  if (!runtime.ok()) return Fail(runtime.status());
  Server server(**runtime);
  std::vector<signal::HttpRoute> routes = examples::PageRoutes(kPage);
  auto do_signaling = [&server](const signal::HttpRequest& r) {
    return server.DoSignaling(r);
  };
  routes.push_back(signal::HttpRoute{
      "POST", "/doSignaling", {"application/json"}, do_signaling});
  auto http = signal::HttpServer::Start(*listen, std::move(routes));
  if (!http.ok()) return Fail(http.status());
  PrintLine("LISTENING " + (*http)->address().ToString());
  examples::Note("open %s in a browser", (*http)->url("/"));
  examples::WaitUntil([] { return false; });  // until Ctrl-C
  (*http)->Stop();
  return 0;
}

// ---- Client -----------------------------------------------------------------

int RunClient(std::string url) {
  url = examples::EndpointUrl(std::move(url), "/doSignaling");
  const auto step = std::chrono::seconds(absl::GetFlag(FLAGS_timeout));
  auto local = examples::MakeLocalPeer(
      examples::LoopbackOrAll(absl::GetFlag(FLAGS_loopback)));
  if (!local.ok()) return Fail(local.status());
  net::PeerConnection* pc = local->pc.get();

  std::mutex mu;
  std::condition_variable cv;
  int messages = 0;
  ice::ConnectionState ice_state = ice::ConnectionState::kNew;
  pc->OnIceConnectionStateChange([&](ice::ConnectionState s) {
    Say("ICE %s", ice::ConnectionStateName(s));
    std::lock_guard<std::mutex> lock(mu);
    ice_state = s;
    cv.notify_all();
  });
  auto dc = pc->CreateDataChannel("data");
  if (!dc.ok()) return Fail(dc.status());
  (*dc)->OnMessage([&](const datachannel::Message& m) {
    Say("MESSAGE %s", m.text());
    std::lock_guard<std::mutex> lock(mu);
    ++messages;
    cv.notify_all();
  });
  // Waits until `done` (under mu), Ctrl-C or the step timeout.
  auto wait = [&](const std::function<bool()>& done) {
    std::unique_lock<std::mutex> lock(mu);
    const Clock::time_point deadline = Clock::now() + step;
    while (!done()) {
      if (Interrupted() || Clock::now() > deadline) return false;
      cv.wait_for(lock, std::chrono::milliseconds(50));
    }
    return true;
  };

  // One offer/answer round; the offer restarts ICE after RestartIce().
  auto signal_once = [&]() -> absl::Status {
    if (absl::Status s = pc->SetLocalDescription(); !s.ok()) return s;
    absl::StatusOr<peer::SessionDescription> offer =
        pc->LocalDescriptionAfterGathering(TimeDelta::Seconds(10));
    if (!offer.ok()) return offer.status();
    // The server may still be starting.
    absl::StatusOr<signal::HttpReply> reply = examples::RetryWhileUnavailable(
        [&] {
          return signal::HttpRequestTo("POST", url, "application/json",
                                       signal::ToJson(*offer),
                                       TimeDelta::Seconds(15));
        },
        Clock::now() + step);
    if (!reply.ok()) return reply.status();
    if (reply->status != 200) {
      return absl::InternalError(absl::StrFormat("POST %s: HTTP %d: %s", url,
                                                 reply->status, reply->body));
    }
    absl::StatusOr<peer::SessionDescription> answer =
        signal::FromJson(reply->body);
    if (!answer.ok()) return answer.status();
    return pc->SetRemoteDescription(*answer);
  };

  if (absl::Status s = signal_once(); !s.ok()) {
    return Fail("signaling: " + std::string(s.message()));
  }
  const int before = absl::GetFlag(FLAGS_before);
  const int after = absl::GetFlag(FLAGS_after);
  if (!wait([&] { return messages >= before; })) {
    return Fail(absl::StrFormat("got %d of %d messages before restarting",
                                messages, before));
  }
  for (int n = 1; n <= absl::GetFlag(FLAGS_restarts); ++n) {
    Say("RESTART %d", n);
    int seen = 0;
    {
      std::lock_guard<std::mutex> lock(mu);
      seen = messages;
    }
    if (absl::Status s = pc->RestartIce(); !s.ok()) return Fail(s);
    if (absl::Status s = signal_once(); !s.ok()) {
      return Fail(absl::StrFormat("restart %d: %s", n, s.message()));
    }
    if (!wait([&] {
          return messages >= seen + after &&
                 (ice_state == ice::ConnectionState::kConnected ||
                  ice_state == ice::ConnectionState::kCompleted);
        })) {
      return Fail(
          absl::StrFormat("restart %d: ICE %s, %d of %d messages after it", n,
                          ice::ConnectionStateName(pc->ice_connection_state()),
                          messages - seen, after));
    }
    if (std::optional<std::string> p = SelectedPair(*pc)) {
      PrintLine("Selected candidate pair: " + *p);
    }
  }
  PrintLine("DONE");
  (void)pc->Close();
  local->runtime->Stop();
  return 0;
}

}  // namespace
}  // namespace simrtc::ice_restart

int main(int argc, char** argv) {
  simrtc::examples::StartProgram(
      "ice_restart",
      "ICE restart: a server with a page ([--http=IP:PORT] [--interval S] "
      "[--loopback]) or our own client (--client=URL [--restarts N])",
      argc, argv);
  const std::string client = absl::GetFlag(FLAGS_client);
  if (!client.empty()) return simrtc::ice_restart::RunClient(client);
  return simrtc::ice_restart::RunServer();
}
