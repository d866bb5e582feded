// Captures real SCTP packets of a scripted session (handshake, ordered,
// unordered and fragmented DATA, SACKs with gaps, FORWARD-TSN, stream
// reset, heartbeats, shutdown, abort) and writes one file per distinct
// chunk-type signature into the given directory, each prefixed with the
// fuzz_harness fix-up byte so replays get past tag and checksum checks.
//
//   bazel run //core/sctp:make_corpus -- $PWD/core/sctp/testdata/sctp_corpus
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "core/sctp/association.h"
#include "core/sctp/fuzz_harness.h"
#include "core/sctp/test_link.h"

namespace {

using simrtc::ByteSpan;
using simrtc::TimeDelta;
using simrtc::sctp::Association;
using simrtc::sctp::Config;
using simrtc::sctp::SendOptions;
using Link = simrtc::sctp::testing::Link<Association, Association>;

std::string Signature(ByteSpan p) {
  std::string sig;
  size_t off = 12;
  while (off + 4 <= p.size()) {
    uint8_t type = p[off];
    uint16_t len = simrtc::LoadBE16(&p[off + 2]);
    if (!sig.empty()) sig += "-";
    sig += absl::StrFormat("%02x", type);
    if (type == 0) sig += absl::StrFormat("f%x", p[off + 1] & 0x07);
    if (len < 4) break;
    off += (len + 3) & ~size_t{3};
  }
  return sig.empty() ? "empty" : sig;
}

void Drain(Association& a, Association& b) {
  while (a.PollEvent()) {
  }
  while (b.PollEvent()) {
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_corpus <output dir>\n");
    return 2;
  }
  std::string dir = argv[1];
  std::map<std::string, std::vector<uint8_t>> by_signature;
  auto capture = [&](int, ByteSpan p) {
    std::string sig = Signature(p);
    if (sig.size() > 40) sig.resize(40);
    if (!by_signature.contains(sig)) {
      by_signature[sig] = std::vector<uint8_t>(p.begin(), p.end());
    }
  };

  for (int round = 0; round < 2; ++round) {
    Config config;
    config.max_message_size = 64 * 1024;
    auto a = Association::Create(config);
    auto b = Association::Create(config);
    if (!a.ok() || !b.ok()) return 1;
    Link link(a->get(), b->get(), simrtc::sctp::testing::LinkConfig{}, round);
    link.tap = capture;
    auto run = [&](TimeDelta d) {
      link.RunUntil(
          [&] {
            Drain(**a, **b);
            return false;
          },
          d);
    };
    (void)(*a)->Connect(link.now());
    (void)(*b)->Connect(link.now());
    run(TimeDelta::Millis(200));
    (void)(*a)->Send(link.now(), 0, 50,
                     simrtc::AsBytes("\x03\x00\x01\x00"
                                     "\x00\x00\x00\x00"
                                     "\x00\x04\x00\x00"
                                     "chat"));
    (void)(*b)->Send(link.now(), 0, 50, simrtc::AsBytes("\x02"));
    (void)(*a)->Send(link.now(), 0, 51, simrtc::AsBytes("hello"));
    SendOptions unordered;
    unordered.unordered = true;
    (void)(*b)->Send(link.now(), 1, 53, simrtc::AsBytes("unordered"),
                     unordered);
    std::vector<uint8_t> big(20000, 0x5a);
    (void)(*a)->Send(link.now(), 2, 53, big);
    run(TimeDelta::Millis(200));
    if (round == 1) {
      (*a)->Abort(link.now());
      run(TimeDelta::Millis(100));
      continue;
    }
    // Loss: gap reports, retransmissions, abandoned chunks (FORWARD-TSN).
    simrtc::sctp::testing::LinkConfig lossy;
    lossy.loss = 0.3;
    link.set_config(lossy);
    SendOptions unreliable;
    unreliable.max_retransmits = 0;
    for (int i = 0; i < 40; ++i) {
      (void)(*a)->Send(link.now(), 3, 53, std::vector<uint8_t>(300, i),
                       unreliable);
      (void)(*a)->Send(link.now(), 4, 53, std::vector<uint8_t>(300, i));
      run(TimeDelta::Millis(5));
    }
    link.set_config(simrtc::sctp::testing::LinkConfig{});
    run(TimeDelta::Seconds(3));
    (void)(*a)->ResetStream(link.now(), 2);
    run(TimeDelta::Millis(200));
    (void)(*b)->ResetStream(link.now(), 2);
    run(TimeDelta::Millis(200));
    // Idle long enough for heartbeats.
    run(TimeDelta::Seconds(70));
    (*a)->Shutdown(link.now());
    run(TimeDelta::Seconds(1));
  }

  int index = 0;
  for (const auto& [sig, packet] : by_signature) {
    std::string path = absl::StrFormat("%s/%02d_%s.bin", dir, index++, sig);
    FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) {
      std::perror(path.c_str());
      return 1;
    }
    uint8_t mode =
        simrtc::sctp::fuzzing::kFixVtag | simrtc::sctp::fuzzing::kFixCrc;
    std::fwrite(&mode, 1, 1, f);
    std::fwrite(packet.data(), 1, packet.size(), f);
    std::fclose(f);
  }
  std::printf("wrote %d files\n", index);
  return 0;
}
