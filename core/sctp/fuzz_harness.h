// An established pair of associations for fuzzing and for capturing the
// fuzzer's seed corpus.
//
// Contract: FuzzPair connects two associations over an instant in-memory
// link on virtual time and keeps traffic flowing on a few streams. Feed()
// hands one datagram to the target association (side a) as if the peer had
// sent it, then lets both sides exchange replies and run timers for a short
// while. If the datagram killed the association (a well-formed ABORT is a
// legal outcome), the next Feed() starts a fresh pair.
//
// Fuzzer input format: byte 0 selects fix-ups, the rest is the packet.
//   bit 0: overwrite the verification tag with the one the target expects,
//   bit 1: recompute the CRC32c,
// so mutated packets get past the two checks that would otherwise reject
// nearly all of them before any chunk is parsed.
#ifndef CORE_SCTP_FUZZ_HARNESS_H_
#define CORE_SCTP_FUZZ_HARNESS_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "core/base/byte_io.h"
#include "core/sctp/association.h"
#include "core/sctp/test_link.h"

namespace simrtc::sctp::fuzzing {

inline constexpr uint8_t kFixVtag = 0x01;
inline constexpr uint8_t kFixCrc = 0x02;

// Writes the CRC32c of `packet` (with its checksum field zeroed) into it.
void FixChecksum(std::vector<uint8_t>& packet);

class FuzzPair {
 public:
  FuzzPair();
  ~FuzzPair();

  // Applies the fix-ups selected by `input[0]` and feeds the rest.
  void FeedFuzzInput(ByteSpan input);
  void Feed(ByteSpan packet);

  Association& target() { return *a_; }
  Association& peer() { return *b_; }
  testing::Link<Association, Association>& link() { return *link_; }
  // The verification tag of the last packet the peer sent to the target,
  // which is what the target expects on incoming packets.
  uint32_t target_vtag() const { return target_vtag_; }

 private:
  void Start();
  void Pump(TimeDelta duration);

  std::unique_ptr<Association> a_;
  std::unique_ptr<Association> b_;
  std::unique_ptr<testing::Link<Association, Association>> link_;
  uint32_t target_vtag_ = 0;
  uint64_t generation_ = 0;
};

}  // namespace simrtc::sctp::fuzzing

#endif  // CORE_SCTP_FUZZ_HARNESS_H_
