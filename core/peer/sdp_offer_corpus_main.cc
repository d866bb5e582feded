// Writes the PeerConnection-made part of sdp_offer_fuzzer's seed corpus
// (format in fuzz_peers.h): offers of several shapes for the offer modes,
// and answers to the fuzzer's own local offers for the answer modes.
//
// Usage, from the workspace root (OUT = core/peer/testdata/sdp_offer_corpus):
//   bazel run //core/peer:sdp_offer_corpus_main -- $PWD/$OUT
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "core/peer/fuzz_peers.h"
#include "core/peer/peer_connection.h"

namespace simrtc::peer {
namespace {

using fuzzing::FuzzMode;

std::string out_dir;

void Die(std::string_view what, const absl::Status& s) {
  std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(what.size()), what.data(),
               s.ToString().c_str());
  std::exit(1);
}

void Write(const std::string& name, char mode, const std::string& sdp) {
  const std::string path = out_dir + "/" + name;
  std::ofstream out(path, std::ios::binary);
  out << mode << sdp;
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::exit(1);
  }
  std::printf("wrote %s (%zu bytes)\n", path.c_str(), sdp.size() + 1);
}

struct Shape {
  bool audio = false;
  bool video = false;
  bool data = true;
  BundlePolicy bundle = BundlePolicy::kBalanced;
};

// The remote side: another address and seed than the fuzz peers.
std::unique_ptr<PeerConnection> Remote(const Shape& shape) {
  const Timestamp now = fuzzing::FuzzNow();
  Configuration c;
  ice::LocalInterface itf;
  itf.address = SocketAddress(IpAddress::V4(192, 168, 1, 20), 40000);
  itf.name = "eth0";
  c.interfaces.push_back(itf);
  c.bundle_policy = shape.bundle;
  auto pc = PeerConnection::Create(c, Rng(99), now);
  if (!pc.ok()) Die("Create", pc.status());
  if (shape.audio) (void)(*pc)->AddTransceiver(now, MediaKind::kAudio);
  if (shape.video) (void)(*pc)->AddTransceiver(now, MediaKind::kVideo);
  if (shape.data) (void)(*pc)->CreateDataChannel(now, "chat");
  return *std::move(pc);
}

// An offer as a non-trickle peer sends it: with its host candidate.
std::string Offer(const Shape& shape) {
  std::unique_ptr<PeerConnection> pc = Remote(shape);
  if (absl::Status s = pc->SetLocalDescription(fuzzing::FuzzNow()); !s.ok()) {
    Die("SetLocalDescription(offer)", s);
  }
  return pc->local_description()->sdp;
}

// The answer of a `shape` peer to the local offer of fuzz peer `mode`.
std::string AnswerTo(FuzzMode mode, const Shape& shape) {
  const Timestamp now = fuzzing::FuzzNow();
  auto cert = dtls::Certificate::Generate();
  if (!cert.ok()) Die("certificate", cert.status());
  auto fuzz_peer = fuzzing::MakeFuzzPeer(mode, *cert);
  if (!fuzz_peer.ok()) Die("MakeFuzzPeer", fuzz_peer.status());
  std::unique_ptr<PeerConnection> pc = Remote(shape);
  if (absl::Status s =
          pc->SetRemoteDescription(now, *(*fuzz_peer)->local_description());
      !s.ok()) {
    Die("SetRemoteDescription(offer)", s);
  }
  if (absl::Status s = pc->SetLocalDescription(now); !s.ok()) {
    Die("SetLocalDescription(answer)", s);
  }
  const std::string answer = pc->local_description()->sdp;
  // The answer must be one the fuzz peer accepts.
  if (absl::Status s =
          (*fuzz_peer)
              ->SetRemoteDescription(
                  now, SessionDescription{SdpType::kAnswer, answer});
      !s.ok()) {
    Die("fuzz peer SetRemoteDescription(answer)", s);
  }
  return answer;
}

void Main() {
  const Shape data_only;
  const Shape av_data{.audio = true, .video = true};
  const Shape audio_only{.audio = true, .data = false};
  const Shape max_bundle{
      .audio = true, .video = true, .bundle = BundlePolicy::kMaxBundle};
  Write("0_ours_data_offer.sdp", '0', Offer(data_only));
  Write("0_ours_av_data_offer.sdp", '0', Offer(av_data));
  Write("2_ours_av_data_offer.sdp", '2', Offer(av_data));
  Write("2_ours_audio_offer.sdp", '2', Offer(audio_only));
  Write("2_ours_max_bundle_offer.sdp", '2', Offer(max_bundle));
  Write("4_ours_data_offer_rollback.sdp", '4', Offer(data_only));
  Write("6_ours_av_data_offer_rollback.sdp", '6', Offer(av_data));
  Write("1_ours_data_answer.sdp", '1',
        AnswerTo(FuzzMode::kAnswerToDataOffer, data_only));
  // No transceivers of its own: recvonly media sections.
  Write("3_ours_av_data_answer_recvonly.sdp", '3',
        AnswerTo(FuzzMode::kAnswerToAvOffer, data_only));
  Write("3_ours_av_data_answer.sdp", '3',
        AnswerTo(FuzzMode::kAnswerToAvOffer, av_data));
}

}  // namespace
}  // namespace simrtc::peer

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  simrtc::peer::out_dir = argv[1];
  simrtc::peer::Main();
  return 0;
}
