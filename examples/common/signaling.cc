#include "examples/common/signaling.h"

#include <chrono>
#include <iostream>
#include <string>
#include <utility>

#include "absl/strings/str_format.h"
#include "examples/common/console.h"
#include "examples/common/page.h"
#include "examples/common/waiting.h"
#include "net/signal/http_client.h"
#include "net/signal/read_line.h"
#include "net/signal/sdp_codec.h"

namespace simrtc::examples {
namespace {

constexpr TimeDelta kGatherTimeout = TimeDelta::Seconds(10);
constexpr TimeDelta kHttpTimeout = TimeDelta::Seconds(10);

// Prints state changes; a failed connection ends single-session runs.
void WatchState(net::PeerConnection& pc, Progress& progress, bool single) {
  pc.OnConnectionStateChange([&progress, single](peer::PeerConnectionState s) {
    Say("Peer Connection State has changed: %s",
        peer::PeerConnectionStateName(s));
    if (s == peer::PeerConnectionState::kFailed && single) {
      progress.Fail("the peer connection failed");
    }
  });
}

// One base64 session description of `want` type from stdin.
absl::StatusOr<peer::SessionDescription> ReadDescription(peer::SdpType want) {
  absl::StatusOr<std::string> line = signal::ReadLine(std::cin);
  if (!line.ok()) {
    return absl::Status(
        line.status().code(),
        absl::StrFormat("reading the %s from stdin: %s",
                        peer::SdpTypeName(want), line.status().message()));
  }
  absl::StatusOr<peer::SessionDescription> desc = signal::Decode(*line);
  if (!desc.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("the %s line from stdin: %s", peer::SdpTypeName(want),
                        desc.status().message()));
  }
  if (desc->type != want) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "stdin carried an %s where an %s was expected",
        peer::SdpTypeName(desc->type), peer::SdpTypeName(want)));
  }
  return desc;
}

}  // namespace

Answerer::Answerer(net::Runtime& runtime, const Options& options,
                   peer::Configuration config, SetupFn setup,
                   Progress& progress)
    : runtime_(runtime),
      options_(options),
      config_(std::move(config)),
      setup_(std::move(setup)),
      progress_(progress) {}

Answerer::~Answerer() { Stop(); }

absl::StatusOr<std::unique_ptr<Answerer>> Answerer::Start(
    net::Runtime& runtime, const Options& options, peer::Configuration config,
    SetupFn setup, Progress& progress) {
  std::unique_ptr<Answerer> a(new Answerer(runtime, options, std::move(config),
                                           std::move(setup), progress));
  if (options.signal == SignalMode::kStdin) {
    absl::StatusOr<peer::SessionDescription> offer =
        ReadDescription(peer::SdpType::kOffer);
    if (!offer.ok()) return offer.status();
    absl::StatusOr<std::string> answer =
        a->Answer(std::move(offer->sdp), /*single=*/true);
    if (!answer.ok()) return answer.status();
    PrintLine(signal::Encode({peer::SdpType::kAnswer, *answer}));
    return a;
  }
  Answerer* self = a.get();
  std::vector<signal::HttpRoute> routes;
  routes.push_back(
      PageRoute(DataChannelsPage(), {{"Cache-Control", "no-store"}}));
  routes.push_back(signal::SdpOfferRoute(
      [self](std::string offer) -> absl::StatusOr<std::string> {
        return self->Answer(std::move(offer), /*single=*/false);
      }));
  auto server = signal::HttpServer::Start(options.http, std::move(routes));
  if (!server.ok()) return server.status();
  a->server_ = *std::move(server);
  Say("LISTENING %s", a->server_->address().ToString());
  Complain(
      "Open %s in a browser (with loopback ICE it must allow it, see "
      "examples/data_channels/main.cc)",
      a->server_->url("/"));
  return a;
}

absl::StatusOr<std::string> Answerer::Answer(std::string offer_sdp,
                                             bool single) {
  auto pc = net::PeerConnection::Create(runtime_, config_);
  if (!pc.ok()) return pc.status();
  WatchState(**pc, progress_, single);
  if (absl::Status s = setup_(**pc); !s.ok()) return s;
  if (absl::Status s = (*pc)->SetRemoteDescription(peer::SessionDescription{
          peer::SdpType::kOffer, std::move(offer_sdp)});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = (*pc)->SetLocalDescription(); !s.ok()) return s;
  absl::StatusOr<peer::SessionDescription> answer =
      (*pc)->LocalDescriptionAfterGathering(kGatherTimeout);
  if (!answer.ok()) return answer.status();
  std::lock_guard<std::mutex> lock(mu_);
  pcs_.push_back(*std::move(pc));
  return answer->sdp;
}

void Answerer::Stop() {
  if (server_ != nullptr) server_->Stop();
  std::vector<std::unique_ptr<net::PeerConnection>> pcs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pcs.swap(pcs_);
  }
  for (auto& pc : pcs) (void)pc->Close();
}

absl::StatusOr<std::unique_ptr<net::PeerConnection>> ConnectOfferer(
    net::Runtime& runtime, const Options& options, peer::Configuration config,
    SetupFn setup, Progress& progress) {
  auto pc = net::PeerConnection::Create(runtime, std::move(config));
  if (!pc.ok()) return pc.status();
  WatchState(**pc, progress, /*single=*/true);
  if (absl::Status s = setup(**pc); !s.ok()) return s;
  if (absl::Status s = (*pc)->SetLocalDescription(); !s.ok()) return s;
  absl::StatusOr<peer::SessionDescription> offer =
      (*pc)->LocalDescriptionAfterGathering(kGatherTimeout);
  if (!offer.ok()) return offer.status();

  peer::SessionDescription answer{peer::SdpType::kAnswer, ""};
  if (options.signal == SignalMode::kStdin) {
    PrintLine(signal::Encode(*offer));
    absl::StatusOr<peer::SessionDescription> read =
        ReadDescription(peer::SdpType::kAnswer);
    if (!read.ok()) return read.status();
    answer = *std::move(read);
  } else {
    // The answerer may still be starting: retry while nobody listens.
    const Clock::time_point deadline =
        Clock::now() +
        std::chrono::microseconds(options.duration > TimeDelta::Zero()
                                      ? options.duration.us()
                                      : TimeDelta::Seconds(30).us());
    absl::StatusOr<std::string> sdp = RetryWhileUnavailable(
        [&] {
          return signal::PostOffer(options.offer_url, offer->sdp, kHttpTimeout);
        },
        deadline);
    if (!sdp.ok()) return sdp.status();
    answer.sdp = *std::move(sdp);
  }
  if (absl::Status s = (*pc)->SetRemoteDescription(answer); !s.ok()) return s;
  return pc;
}

}  // namespace simrtc::examples
