// The command-line peer: a data-channel endpoint usable against any other
// WebRTC stack that speaks the same small contract (interop/pion/cli and
// interop/chromium/cli.js do).
//
//   cli --role answer --port 8080 --mode echo
//   cli --role offer  --port 8080 --mode echo            # ECHO OK n=100
//   cli --role offer  --port 8080 --mode bench --bytes 50000000
//
// The answerer serves POST /offer (Content-Type application/sdp, the whole
// non-trickle offer) on --host:--port and answers 201 with the whole answer
// SDP. The offerer opens one data channel labelled with the mode, waits for
// ICE gathering, posts its offer and applies the answer.
//  * echo: the answerer sends every message back; the offerer sends 100
//    text and binary messages of 1..60000 bytes, checks each echo byte for
//    byte and prints "ECHO OK n=100".
//  * bench: the offerer sends "size:<N>", then N bytes in 16 KiB binary
//    messages keeping the buffered amount under 1 MiB; the answerer replies
//    "done:<N>" once it has them all; the offerer prints
//    "BENCH bytes=<N> seconds=<t> MBps=<x>".
// Both print "SETUP seconds=<t>" (offer created to channel open). ICE uses
// the loopback interface only (--host's family), as the interop peers do,
// unless --ice=all; --mdns=query (default) resolves the peer's
// "<uuid>.local" candidates (Chromium's default), --mdns=gather also hides
// ours behind such names.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/absl_compat.h"
#include "core/base/logging.h"
#include "net/peer_connection.h"
#include "net/runtime.h"
#include "net/signal/http_client.h"
#include "net/signal/http_server.h"

ABSL_FLAG(std::string, role, "", "offer or answer");
ABSL_FLAG(std::string, host, "127.0.0.1", "the answerer's HTTP address");
ABSL_FLAG(int, port, 8080, "the answerer's HTTP port (0: any, answer only)");
ABSL_FLAG(std::string, mode, "echo", "echo or bench");
ABSL_FLAG(int64_t, bytes, 10000000, "bench: bytes to send");
ABSL_FLAG(int, timeout, 60, "seconds before giving up");
ABSL_FLAG(bool, verbose, false, "log the stack's debug messages to stderr");
ABSL_FLAG(std::string, ice, "loopback",
          "loopback: gather on --host's loopback address only; all: on every "
          "interface that is up (both families)");
ABSL_FLAG(std::string, mdns, "query",
          "off, query (resolve the peer's .local candidates) or gather (also "
          "publish ours as .local names)");

namespace simrtc::cli {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kChunk = 16 * 1024;
constexpr size_t kHighWater = 1 << 20;
constexpr size_t kLowWater = 512 * 1024;

int Fail(const std::string& why) {
  std::fprintf(stderr, "cli: %s\n", why.c_str());
  return 1;
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Messages and events handed from the runtime's loop thread to main.
class Inbox {
 public:
  void Push(datachannel::Message m) {
    std::lock_guard<std::mutex> l(mu_);
    messages_.push_back(std::move(m));
    cv_.notify_all();
  }
  void Signal() {
    std::lock_guard<std::mutex> l(mu_);
    ++signals_;
    cv_.notify_all();
  }
  // Ends every wait (the connection failed): Pop then returns what is
  // queued, then nullopt; WaitSignal returns false.
  void Abort() {
    std::lock_guard<std::mutex> l(mu_);
    aborted_ = true;
    cv_.notify_all();
  }
  std::optional<datachannel::Message> Pop(Clock::time_point deadline) {
    std::unique_lock<std::mutex> l(mu_);
    if (!cv_.wait_until(l, deadline,
                        [&] { return !messages_.empty() || aborted_; }) ||
        messages_.empty()) {
      return std::nullopt;
    }
    datachannel::Message m = std::move(messages_.front());
    messages_.pop_front();
    return m;
  }
  // Waits for Signal() calls beyond `seen`.
  bool WaitSignal(int seen, Clock::time_point deadline) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_until(l, deadline, [&] {
      return signals_ > seen || aborted_;
    }) && signals_ > seen;
  }
  int signals() {
    std::lock_guard<std::mutex> l(mu_);
    return signals_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<datachannel::Message> messages_;
  int signals_ = 0;
  bool aborted_ = false;
};

absl::StatusOr<std::unique_ptr<net::Runtime>> MakeRuntime(
    const IpAddress& host) {
  net::RuntimeOptions o;
  const std::string ice = absl::GetFlag(FLAGS_ice);
  if (ice == "loopback") {
    o.include_loopback = true;
    const bool v6 = host.family() == IpFamily::kIPv6;
    o.ipv4 = !v6;
    o.ipv6 = v6;
    o.ip_filter = [](const IpAddress& ip) { return ip.IsLoopback(); };
  } else if (ice != "all") {
    return absl::InvalidArgumentError(
        absl::StrCat("--ice=", ice, ": expected loopback or all"));
  }
  const std::string mdns = absl::GetFlag(FLAGS_mdns);
  if (mdns == "off") {
    o.mdns_mode = ice::MdnsMode::kDisabled;
  } else if (mdns == "query") {
    o.mdns_mode = ice::MdnsMode::kQueryOnly;
  } else if (mdns == "gather") {
    o.mdns_mode = ice::MdnsMode::kQueryAndGather;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--mdns=", mdns, ": expected off, query or gather"));
  }
  if (absl::GetFlag(FLAGS_verbose)) {
    static Logger* logger = [] {
      auto* l = new Logger("cli");
      l->set_level(LogLevel::kDebug);
      const Clock::time_point start = Clock::now();
      l->set_time_source([start] {
        return Timestamp::Micros(
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() -
                                                                  start)
                .count());
      });
      return l;
    }();
    o.logger = logger;
  }
  return net::Runtime::Create(std::move(o));
}

// Message i of the echo run: sizes spread over 1..60000, text for even i
// (ASCII, so valid UTF-8), binary for odd i.
datachannel::Message EchoMessage(int i) {
  const size_t size = 1 + static_cast<size_t>(i) * 59999 / 99;
  std::vector<uint8_t> data(size);
  for (size_t k = 0; k < size; ++k) {
    data[k] = i % 2 == 0 ? static_cast<uint8_t>('a' + (k * 7 + i) % 26)
                         : static_cast<uint8_t>(k * 31 + i * 17);
  }
  return datachannel::Message{i % 2 == 0, std::move(data)};
}

int RunOffer(const IpAddress& host) {
  const std::string mode = absl::GetFlag(FLAGS_mode);
  const Clock::time_point deadline =
      Clock::now() + std::chrono::seconds(absl::GetFlag(FLAGS_timeout));
  auto runtime = MakeRuntime(host);
  if (!runtime.ok()) return Fail(std::string(runtime.status().message()));
  auto pc = net::PeerConnection::Create(**runtime);
  if (!pc.ok()) return Fail(std::string(pc.status().message()));
  auto dc = (*pc)->CreateDataChannel(mode);
  if (!dc.ok()) return Fail(std::string(dc.status().message()));
  Inbox inbox;
  std::atomic<bool> open{false};
  Inbox opened;
  Inbox low;
  (*dc)->OnOpen([&] {
    open = true;
    opened.Signal();
  });
  (*dc)->OnMessage([&](const datachannel::Message& m) { inbox.Push(m); });
  (*dc)->OnBufferedAmountLow([&] { low.Signal(); });
  (void)(*dc)->SetBufferedAmountLowThreshold(kLowWater);
  // A peer that vanishes shows up as ICE failure (consent lost): give up
  // then rather than at --timeout.
  std::atomic<bool> failed{false};
  (*pc)->OnConnectionStateChange([&](peer::PeerConnectionState s) {
    if (s != peer::PeerConnectionState::kFailed) return;
    failed = true;
    for (Inbox* box : {&inbox, &opened, &low}) box->Abort();
  });
  auto fail = [&](const std::string& why) {
    return Fail(failed ? "connection failed (the peer is gone)" : why);
  };

  const Clock::time_point setup_start = Clock::now();
  if (absl::Status s = (*pc)->SetLocalDescription(); !s.ok()) {
    return fail(std::string(s.message()));
  }
  auto offer = (*pc)->LocalDescriptionAfterGathering(TimeDelta::Seconds(10));
  if (!offer.ok()) return fail(std::string(offer.status().message()));
  const std::string url = absl::StrFormat("http://%s:%d/offer",
                                          host.family() == IpFamily::kIPv6
                                              ? "[" + host.ToString() + "]"
                                              : host.ToString(),
                                          absl::GetFlag(FLAGS_port));
  absl::StatusOr<std::string> answer;
  // The answerer may still be starting: retry while it refuses.
  while (true) {
    answer = signal::PostOffer(url, offer->sdp, TimeDelta::Seconds(10));
    if (answer.ok() ||
        answer.status().code() != absl::StatusCode::kUnavailable ||
        Clock::now() > deadline) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!answer.ok()) {
    return fail("posting the offer: " + std::string(answer.status().message()));
  }
  if (absl::Status s = (*pc)->SetRemoteDescription(
          peer::SessionDescription{peer::SdpType::kAnswer, *answer});
      !s.ok()) {
    return fail(std::string(s.message()));
  }
  if (!opened.WaitSignal(0, deadline)) {
    return fail(absl::StrFormat(
        "timeout waiting for the channel to open "
        "(connection %s)",
        peer::PeerConnectionStateName((*pc)->connection_state())));
  }
  std::printf("SETUP seconds=%.3f\n", Seconds(setup_start, Clock::now()));
  std::fflush(stdout);  // a harness may be watching for it

  if (mode == "echo") {
    for (int i = 0; i < 100; ++i) {
      const datachannel::Message m = EchoMessage(i);
      if (absl::Status s = (*dc)->Send(m); !s.ok()) {
        return fail(absl::StrFormat("echo %d: %s", i, s.message()));
      }
      std::optional<datachannel::Message> back = inbox.Pop(deadline);
      if (!back.has_value()) {
        return fail(absl::StrFormat("timeout waiting for echo %d", i));
      }
      if (back->is_string != m.is_string || back->data != m.data) {
        return fail(absl::StrFormat(
            "echo %d (%s, %d bytes) came back different (%s, %d bytes)", i,
            m.is_string ? "text" : "binary", m.data.size(),
            back->is_string ? "text" : "binary", back->data.size()));
      }
    }
    std::printf("ECHO OK n=100\n");
  } else {
    const int64_t total = absl::GetFlag(FLAGS_bytes);
    std::vector<uint8_t> chunk(kChunk);
    for (size_t k = 0; k < chunk.size(); ++k)
      chunk[k] = static_cast<uint8_t>(k);
    const Clock::time_point start = Clock::now();
    if (absl::Status s = (*dc)->SendText(absl::StrCat("size:", total));
        !s.ok()) {
      return fail(std::string(s.message()));
    }
    int64_t sent = 0;
    // An upper bound of the buffered amount: the value last read plus what
    // was sent since (nothing else raises it). BufferedAmount() is a round
    // trip to the runtime's thread, so it is asked only when the bound
    // reaches the high-water mark.
    size_t buffered_bound = 0;
    while (sent < total) {
      if (failed) return fail("");
      if (Clock::now() > deadline) return fail("timeout while sending");
      if (buffered_bound >= kHighWater) {
        const int seen = low.signals();
        buffered_bound = (*dc)->BufferedAmount();
        if (buffered_bound >= kHighWater) {
          low.WaitSignal(
              seen, std::min(deadline, Clock::now() + std::chrono::seconds(1)));
          continue;
        }
      }
      const size_t n =
          static_cast<size_t>(std::min<int64_t>(kChunk, total - sent));
      absl::Status s = (*dc)->SendBinary(ByteSpan(chunk.data(), n));
      if (s.code() == absl::StatusCode::kResourceExhausted) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      if (!s.ok()) return fail(std::string(s.message()));
      sent += static_cast<int64_t>(n);
      buffered_bound += n;
    }
    std::optional<datachannel::Message> done = inbox.Pop(deadline);
    if (!done.has_value()) return fail("timeout waiting for done:");
    const std::string want = absl::StrCat("done:", total);
    if (done->text() != want) {
      return fail(
          absl::StrFormat("expected \"%s\", got \"%s\"", want, done->text()));
    }
    const double seconds = Seconds(start, Clock::now());
    std::printf("BENCH bytes=%lld seconds=%.3f MBps=%.2f\n",
                static_cast<long long>(total), seconds, total / seconds / 1e6);
  }
  std::fflush(stdout);
  (void)(*dc)->Close();
  // Give the close a moment to reach the answerer before tearing down.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  (void)(*pc)->Close();
  return 0;
}

// The answerer's one session.
struct Session {
  std::unique_ptr<net::PeerConnection> pc;
  std::shared_ptr<net::DataChannel> channel;
  int64_t total = -1;
  int64_t received = 0;
};

int RunAnswer(const IpAddress& host) {
  const std::string mode = absl::GetFlag(FLAGS_mode);
  const Clock::time_point deadline =
      Clock::now() + std::chrono::seconds(absl::GetFlag(FLAGS_timeout));
  auto runtime = MakeRuntime(host);
  if (!runtime.ok()) return Fail(std::string(runtime.status().message()));
  std::mutex mu;
  Session session;
  bool busy = false;
  Inbox finished;
  std::atomic<bool> failed{false};
  std::string failure;

  auto handler = [&](std::string offer) -> absl::StatusOr<std::string> {
    {
      std::lock_guard<std::mutex> l(mu);
      if (busy) {
        return absl::FailedPreconditionError("this answerer takes one session");
      }
      busy = true;
    }
    auto pc = net::PeerConnection::Create(**runtime);
    if (!pc.ok()) return pc.status();
    net::PeerConnection* raw = pc->get();
    (*pc)->OnDataChannel([&, raw](std::shared_ptr<net::DataChannel> ch) {
      if (ch->label() != mode) {
        failure =
            absl::StrFormat("channel \"%s\" but --mode %s", ch->label(), mode);
        failed = true;
        (void)raw->Close();
        finished.Signal();
        return;
      }
      session.channel = ch;
      net::DataChannel* c = ch.get();
      ch->OnMessage([&, c](const datachannel::Message& m) {
        if (mode == "echo") {
          (void)c->Send(m);
          return;
        }
        if (m.is_string && session.total < 0) {
          int64_t n = 0;
          std::string_view t = m.text();
          if (t.substr(0, 5) == "size:" &&
              absl::SimpleAtoi(ToAbsl(t.substr(5)), &n)) {
            session.total = n;
          }
        } else {
          session.received += static_cast<int64_t>(m.data.size());
        }
        if (session.total >= 0 && session.received >= session.total) {
          (void)c->SendText(absl::StrCat("done:", session.total));
          session.total = -2;  // answered
        }
      });
      ch->OnClose([&] { finished.Signal(); });
    });
    (*pc)->OnConnectionStateChange([&, raw](peer::PeerConnectionState s) {
      if (absl::GetFlag(FLAGS_verbose)) {
        std::string dtls = "?";
        if (auto stats = raw->GetStats(); stats.ok()) {
          if (const peer::StatsEntry* t = stats->Find("T01")) {
            dtls = t->Get<std::string>("dtlsState").value_or("?");
          }
        }
        std::fprintf(stderr, "cli: connection %s (dtls %s)\n",
                     std::string(peer::PeerConnectionStateName(s)).c_str(),
                     dtls.c_str());
      }
      if (s == peer::PeerConnectionState::kFailed ||
          s == peer::PeerConnectionState::kClosed) {
        finished.Signal();
      }
    });
    if (absl::Status s = (*pc)->SetRemoteDescription(
            peer::SessionDescription{peer::SdpType::kOffer, std::move(offer)});
        !s.ok()) {
      std::lock_guard<std::mutex> l(mu);
      busy = false;  // a bad offer does not use up the session
      return s;
    }
    if (absl::Status s = (*pc)->SetLocalDescription(); !s.ok()) return s;
    auto answer = (*pc)->LocalDescriptionAfterGathering(TimeDelta::Seconds(10));
    if (!answer.ok()) return answer.status();
    session.pc = std::move(*pc);
    return answer->sdp;
  };

  auto server = signal::SdpHttpServer::Start(
      SocketAddress(host, static_cast<uint16_t>(absl::GetFlag(FLAGS_port))),
      handler);
  if (!server.ok()) return Fail(std::string(server.status().message()));
  std::printf("LISTENING %s\n", (*server)->address().ToString().c_str());
  std::fflush(stdout);
  const bool done = finished.WaitSignal(0, deadline);
  (*server)->Stop();
  if (session.pc != nullptr) (void)session.pc->Close();
  if (failed) return Fail(failure);
  if (!done) return Fail("timeout: the offerer never finished");
  std::printf("ANSWER DONE\n");
  return 0;
}

}  // namespace
}  // namespace simrtc::cli

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "a WebRTC data-channel peer: --role offer|answer --port N "
      "--mode echo|bench [--bytes N] [--timeout S] [--host IP]");
  absl::ParseCommandLine(argc, argv);
  const std::string role = absl::GetFlag(FLAGS_role);
  const std::string mode = absl::GetFlag(FLAGS_mode);
  auto host = simrtc::IpAddress::Parse(absl::GetFlag(FLAGS_host));
  if (!host.ok()) {
    std::fprintf(stderr, "cli: --host: %s\n",
                 std::string(host.status().message()).c_str());
    return 2;
  }
  if (mode != "echo" && mode != "bench") {
    std::fprintf(stderr, "cli: --mode must be echo or bench\n");
    return 2;
  }
  if (role == "offer") return simrtc::cli::RunOffer(*host);
  if (role == "answer") return simrtc::cli::RunAnswer(*host);
  std::fprintf(stderr, "cli: --role must be offer or answer\n");
  return 2;
}
