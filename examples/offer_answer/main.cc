// offer_answer: two processes that connect with trickle ICE over HTTP and
// exchange messages on a data channel.
//
//   offer_answer --role answer --answer-address 127.0.0.1:60000
//                --offer-address 127.0.0.1:50000
//   offer_answer --role offer --offer-address 127.0.0.1:50000
//                --answer-address 127.0.0.1:60000
//
// Each side serves HTTP on its own address (--offer-address for the
// offerer, --answer-address for the answerer) and posts to the other's:
//   POST /sdp        Content-Type application/json: a session description
//                    as {"type":"offer","sdp":"..."} (net/signal sdp_codec)
//   POST /candidate  Content-Type text/plain: one "candidate:..." line
// The offerer creates channel "data" and posts its offer (retrying while
// the answerer is not up yet); the answerer applies it, posts its answer,
// then sets it locally. Each side posts its ICE candidates one per request
// as they are gathered, holding them back until it has the remote
// description (so the other side can use them), and holds back candidates
// it receives before its remote description the same way.
//
// Once the channel is open both sides send "<role> message <n>" every
// --interval seconds and print "Message from DataChannel 'data': <text>"
// for what arrives. With --count N a side stops sending after N messages
// and exits 0 once it has also received N (a second later, so its last
// message is delivered); without it they run until Ctrl-C. Exit status 1
// if the connection fails or the channel closes first. ICE uses every
// interface's addresses, or 127.0.0.1 only with --loopback.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "core/base/socket_address.h"
#include "examples/common/console.h"
#include "examples/common/http.h"
#include "examples/common/program.h"
#include "examples/common/runtime.h"
#include "examples/common/waiting.h"
#include "net/peer_connection.h"
#include "net/runtime.h"
#include "net/signal/http_client.h"
#include "net/signal/http_server.h"
#include "net/signal/sdp_codec.h"

ABSL_FLAG(std::string, role, "", "offer or answer");
ABSL_FLAG(std::string, offer_address, "127.0.0.1:50000",
          "the offerer's HTTP address (IP:port or localhost:port)");
ABSL_FLAG(std::string, answer_address, "127.0.0.1:60000",
          "the answerer's HTTP address (IP:port or localhost:port)");
ABSL_FLAG(double, interval, 5, "seconds between messages");
ABSL_FLAG(int, count, 0,
          "exit after sending and receiving this many (0: run "
          "until Ctrl-C)");
ABSL_FLAG(bool, loopback, false, "ICE on 127.0.0.1 only");
ABSL_FLAG(int, timeout, 60,
          "seconds to wait for the other side and for the connection");

namespace simrtc::offer_answer {
namespace {

using examples::Clock;
using examples::Fail;
using examples::Note;
using examples::PrintLine;
using examples::Say;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kText = "text/plain";

std::string UrlOf(const SocketAddress& a, std::string_view path) {
  return absl::StrFormat(
      "http://%s%s",
      a.ip().family() == IpFamily::kIPv6
          ? absl::StrFormat("[%s]:%d", a.ip().ToString(), a.port())
          : a.ToString(),
      path);
}

peer::IceCandidateInit Candidate(const std::string& line) {
  peer::IceCandidateInit c;
  c.candidate = line;
  return c;
}

// POSTs to the other side. Post() queues a request for a thread of its
// own (the runtime's loop thread must never block on HTTP), which sends
// them in order; SendNow() blocks. Both retry while the other side refuses
// connections (it may not be up yet), until the deadline.
class Poster {
 public:
  struct Request {
    std::string url;
    std::string content_type;
    std::string body;
  };

  explicit Poster(Clock::time_point deadline)
      : deadline_(deadline), thread_([this] { Run(); }) {}
  ~Poster() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
      cv_.notify_all();
    }
    thread_.join();
  }

  void Post(Request r) {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(r));
    cv_.notify_all();
  }
  absl::Status SendNow(const Request& r) const {
    absl::StatusOr<signal::HttpReply> reply = examples::RetryWhileUnavailable(
        [&] {
          return signal::HttpRequestTo("POST", r.url, r.content_type, r.body,
                                       TimeDelta::Seconds(10));
        },
        deadline_);
    if (!reply.ok()) return reply.status();
    if (reply->status / 100 == 2) return absl::OkStatus();
    return absl::InternalError(absl::StrFormat("POST %s: HTTP %d: %s", r.url,
                                               reply->status, reply->body));
  }
  // The first failure of a queued request, if any.
  std::string error() const {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

 private:
  void Run() {
    while (true) {
      Request r;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        r = std::move(queue_.front());
        queue_.pop_front();
      }
      if (absl::Status s = SendNow(r); !s.ok()) {
        std::lock_guard<std::mutex> lock(mu_);
        if (error_.empty()) error_ = std::string(s.message());
      }
    }
  }

  const Clock::time_point deadline_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Request> queue_;
  bool stopping_ = false;
  std::string error_;
  std::thread thread_;  // last: starts once the fields above exist
};

// One side: its PeerConnection, candidate bookkeeping and message counts.
class Side {
 public:
  Side(bool offerer, net::PeerConnection& pc, SocketAddress remote_http,
       Clock::time_point deadline)
      : offerer_(offerer),
        pc_(pc),
        remote_http_(remote_http),
        poster_(deadline) {}

  void Install() {
    pc_.OnIceCandidate([this](const std::optional<peer::IceCandidateInit>& c) {
      if (!c.has_value()) return;  // end-of-candidates is not signalled
      std::lock_guard<std::mutex> lock(mu_);
      if (have_remote_) {
        poster_.Post({UrlOf(remote_http_, "/candidate"), std::string(kText),
                      c->candidate});
      } else {
        held_local_.push_back(c->candidate);
      }
    });
    pc_.OnConnectionStateChange([this](peer::PeerConnectionState s) {
      Say("Peer Connection State has changed: %s",
          peer::PeerConnectionStateName(s));
      if (s == peer::PeerConnectionState::kFailed) failed_.store(true);
    });
    if (!offerer_) {
      pc_.OnDataChannel([this](std::shared_ptr<net::DataChannel> ch) {
        Say("New DataChannel %s %d", ch->label(), ch->id());
        UseChannel(std::move(ch));
      });
    }
  }

  absl::Status CreateChannel() {
    absl::StatusOr<std::shared_ptr<net::DataChannel>> ch =
        pc_.CreateDataChannel("data");
    if (!ch.ok()) return ch.status();
    UseChannel(*std::move(ch));
    return absl::OkStatus();
  }

  // The offerer: create, set and post the offer.
  absl::Status SendOffer() {
    absl::StatusOr<peer::SessionDescription> offer = pc_.CreateOffer();
    if (!offer.ok()) return offer.status();
    if (absl::Status s = pc_.SetLocalDescription(*offer); !s.ok()) return s;
    return poster_.SendNow({UrlOf(remote_http_, "/sdp"), std::string(kJson),
                            signal::ToJson(*offer)});
  }

  // POST /sdp.
  signal::HttpResponse HandleSdp(const signal::HttpRequest& req) {
    absl::StatusOr<peer::SessionDescription> d = signal::FromJson(req.body);
    if (!d.ok()) return Error(400, d.status());
    const peer::SdpType want =
        offerer_ ? peer::SdpType::kAnswer : peer::SdpType::kOffer;
    if (d->type != want) {
      return Error(400, absl::InvalidArgumentError(absl::StrFormat(
                            "expected an %s", peer::SdpTypeName(want))));
    }
    if (absl::Status s = pc_.SetRemoteDescription(*d); !s.ok()) {
      return Error(400, s);
    }
    if (!offerer_) {
      // Post the answer before applying it, so that no candidate of ours
      // can reach the offerer ahead of it.
      absl::StatusOr<peer::SessionDescription> answer = pc_.CreateAnswer();
      if (!answer.ok()) return Error(500, answer.status());
      if (absl::Status s =
              poster_.SendNow({UrlOf(remote_http_, "/sdp"), std::string(kJson),
                               signal::ToJson(*answer)});
          !s.ok()) {
        return Error(502, s);
      }
      if (absl::Status s = pc_.SetLocalDescription(*answer); !s.ok()) {
        return Error(500, s);
      }
    }
    RemoteDescriptionSet();
    return signal::HttpResponse{};
  }

  // POST /candidate.
  signal::HttpResponse HandleCandidate(const signal::HttpRequest& req) {
    std::string candidate = req.body;
    while (!candidate.empty() &&
           (candidate.back() == '\n' || candidate.back() == '\r')) {
      candidate.pop_back();
    }
    if (candidate.empty()) {
      return Error(400, absl::InvalidArgumentError("empty candidate"));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!have_remote_) {
        held_remote_.push_back(std::move(candidate));
        return signal::HttpResponse{};
      }
    }
    if (absl::Status s = pc_.AddIceCandidate(Candidate(candidate)); !s.ok()) {
      return Error(400, s);
    }
    return signal::HttpResponse{};
  }

  bool done() const {
    const int count = absl::GetFlag(FLAGS_count);
    return count > 0 && sent_.load() >= count && received_.load() >= count;
  }
  bool broken() const { return failed_.load() || channel_closed_.load(); }
  std::string signaling_error() const { return poster_.error(); }
  int sent() const { return sent_.load(); }
  int received() const { return received_.load(); }

  // Sends every --interval until --count or Stop (own thread).
  void SendLoop() {
    const auto interval = std::chrono::microseconds(
        static_cast<int64_t>(absl::GetFlag(FLAGS_interval) * 1e6));
    const int count = absl::GetFlag(FLAGS_count);
    std::shared_ptr<net::DataChannel> ch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || open_channel_ != nullptr; });
      if (stop_) return;
      ch = open_channel_;
    }
    Clock::time_point next = Clock::now() + interval;
    for (int n = 1; count == 0 || n <= count; ++n) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        if (cv_.wait_until(lock, next, [this] { return stop_; })) return;
      }
      next += interval;
      const std::string text =
          absl::StrFormat("%s message %d", offerer_ ? "offer" : "answer", n);
      Say("Sending '%s'", text);
      if (absl::Status s = ch->SendText(text); !s.ok()) {
        Say("send failed: %s", s.message());
        return;
      }
      sent_.fetch_add(1);
    }
  }
  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  void CloseChannel() {
    std::shared_ptr<net::DataChannel> ch;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ch = channel_;
    }
    if (ch != nullptr) (void)ch->Close();
  }

 private:
  static signal::HttpResponse Error(int status, const absl::Status& s) {
    return examples::Refusal(status, s, "a request");
  }

  void UseChannel(std::shared_ptr<net::DataChannel> ch) {
    net::DataChannel* raw = ch.get();
    {
      std::lock_guard<std::mutex> lock(mu_);
      channel_ = ch;
    }
    ch->OnOpen([this, raw] {
      Say("Data channel '%s'-'%d' open", raw->label(), raw->id());
      std::lock_guard<std::mutex> lock(mu_);
      open_channel_ = channel_;
      cv_.notify_all();
    });
    ch->OnMessage([this, raw](const datachannel::Message& m) {
      Say("Message from DataChannel '%s': %s", raw->label(),
          m.is_string ? std::string(m.text()) : "(binary)");
      received_.fetch_add(1);
    });
    ch->OnClose([this] { channel_closed_.store(true); });
  }

  void RemoteDescriptionSet() {
    std::vector<std::string> local;
    std::vector<std::string> remote;
    {
      std::lock_guard<std::mutex> lock(mu_);
      have_remote_ = true;
      local.swap(held_local_);
      remote.swap(held_remote_);
    }
    for (std::string& c : local) {
      poster_.Post({UrlOf(remote_http_, "/candidate"), std::string(kText),
                    std::move(c)});
    }
    for (std::string& c : remote) {
      if (absl::Status s = pc_.AddIceCandidate(Candidate(c)); !s.ok()) {
        Note("%s", s.message());
      }
    }
  }

  const bool offerer_;
  net::PeerConnection& pc_;
  const SocketAddress remote_http_;
  Poster poster_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool have_remote_ = false;
  std::vector<std::string> held_local_;
  std::vector<std::string> held_remote_;
  std::shared_ptr<net::DataChannel> channel_;
  std::shared_ptr<net::DataChannel> open_channel_;
  bool stop_ = false;

  std::atomic<bool> failed_{false};
  std::atomic<bool> channel_closed_{false};
  std::atomic<int> sent_{0};
  std::atomic<int> received_{0};
};

int Run(bool offerer) {
  auto offer_address =
      examples::ParseHttpAddress(absl::GetFlag(FLAGS_offer_address));
  if (!offer_address.ok()) {
    return Fail("--offer-address: " +
                std::string(offer_address.status().message()));
  }
  auto answer_address =
      examples::ParseHttpAddress(absl::GetFlag(FLAGS_answer_address));
  if (!answer_address.ok()) {
    return Fail("--answer-address: " +
                std::string(answer_address.status().message()));
  }
  if (absl::GetFlag(FLAGS_interval) <= 0) return Fail("--interval must be > 0");
  if (absl::GetFlag(FLAGS_count) < 0) return Fail("--count must be >= 0");
  const Clock::time_point deadline =
      Clock::now() + std::chrono::seconds(absl::GetFlag(FLAGS_timeout));

  auto local = examples::MakeLocalPeer(
      examples::LoopbackOrAll(absl::GetFlag(FLAGS_loopback)));
  if (!local.ok()) return Fail(local.status());
  net::PeerConnection* pc = local->pc.get();

  Side side(offerer, *pc, offerer ? *answer_address : *offer_address, deadline);
  side.Install();

  std::vector<signal::HttpRoute> routes;
  routes.push_back(signal::HttpRoute{
      "POST",
      "/sdp",
      {std::string(kJson)},
      [&side](const signal::HttpRequest& r) { return side.HandleSdp(r); }});
  routes.push_back(signal::HttpRoute{"POST",
                                     "/candidate",
                                     {std::string(kText)},
                                     [&side](const signal::HttpRequest& r) {
                                       return side.HandleCandidate(r);
                                     }});
  auto server = signal::HttpServer::Start(
      offerer ? *offer_address : *answer_address, std::move(routes));
  if (!server.ok()) return Fail(server.status());
  PrintLine("LISTENING " + (*server)->address().ToString());

  std::thread sender([&side] { side.SendLoop(); });
  int status = 0;
  if (offerer) {
    absl::Status s = side.CreateChannel();
    if (s.ok()) s = side.SendOffer();
    if (!s.ok())
      status = Fail("sending the offer: " + std::string(s.message()));
  }

  bool connected = false;
  Clock::time_point done_at = Clock::time_point::max();
  while (status == 0 && !examples::Interrupted()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const Clock::time_point now = Clock::now();
    if (pc->connection_state() == peer::PeerConnectionState::kConnected) {
      connected = true;
    }
    if (!side.signaling_error().empty()) {
      status = Fail("signaling: " + side.signaling_error());
    } else if (side.done()) {
      // Linger so that our last message is delivered before we close.
      if (done_at == Clock::time_point::max()) done_at = now;
      if (now - done_at > std::chrono::seconds(1)) break;
    } else if (side.broken()) {
      status = Fail(absl::StrFormat(
          "the connection failed or the channel closed after %d messages "
          "sent and %d received",
          side.sent(), side.received()));
    } else if (!connected && now > deadline) {
      status = Fail(absl::StrFormat(
          "not connected after %d s (connection %s)",
          absl::GetFlag(FLAGS_timeout),
          peer::PeerConnectionStateName(pc->connection_state())));
    }
  }
  side.Stop();
  sender.join();
  if (status == 0 && side.done()) {
    Say("DONE sent=%d received=%d", side.sent(), side.received());
  }
  side.CloseChannel();
  (void)pc->Close();
  (*server)->Stop();
  return status;
}

}  // namespace
}  // namespace simrtc::offer_answer

int main(int argc, char** argv) {
  // Pion spells the flags --offer-address and --answer-address; Abseil
  // names them with underscores: StartProgram accepts both.
  simrtc::examples::StartProgram(
      "offer_answer",
      "trickle-ICE offer/answer over HTTP between two processes: --role "
      "offer|answer --offer-address IP:PORT --answer-address IP:PORT "
      "[--interval S] [--count N] [--loopback]",
      argc, argv);
  const std::string role = absl::GetFlag(FLAGS_role);
  if (role != "offer" && role != "answer") {
    simrtc::examples::Note("--role must be offer or answer");
    return 2;
  }
  return simrtc::offer_answer::Run(role == "offer");
}
