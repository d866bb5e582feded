// Fuzzes RTCP compound parsing. Whatever parses must marshal back (exactly
// MarshalSize() bytes) to something that parses to equal packets; the
// validity checks, DestinationSsrcs and the transport-cc and NACK helpers
// must accept whatever the parser produced.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <vector>

#include "core/rtcp/packet.h"

namespace {

using namespace simrtc::rtcp;  // NOLINT: fuzz harness brevity

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckHelpers(const Packet& p) {
  (void)DestinationSsrcs(p);
  if (const auto* fb = std::get_if<TransportCcFeedback>(&p)) {
    auto results = fb->GetPacketResults();
    Check(results.ok() && results->size() == fb->packet_status_count);
    size_t received = 0;
    for (const auto& r : *results) received += r.arrival_time.has_value();
    Check(received == fb->recv_deltas.size());
  }
  if (const auto* nack = std::get_if<GenericNack>(&p)) {
    if (nack->pairs.size() <= 64) {
      std::vector<uint16_t> seqs = nack->LostSequenceNumbers();
      std::vector<uint16_t> again =
          NackPairsToSequenceNumbers(SequenceNumbersToNackPairs(seqs));
      Check(std::set<uint16_t>(seqs.begin(), seqs.end()) ==
            std::set<uint16_t>(again.begin(), again.end()));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  simrtc::ByteSpan in(data, size);
  const bool headers_ok = ValidateCompoundHeaders(in).ok();
  auto packets = ParseCompound(in);
  if (!packets.ok()) return 0;
  (void)ValidateCompound(*packets);
  (void)headers_ok;
  for (const Packet& p : *packets) CheckHelpers(p);

  auto wire = MarshalCompound(*packets);
  Check(wire.ok());
  Check(wire->size() == MarshalSize(*packets));
  auto again = ParseCompound(*wire);
  Check(again.ok());
  Check(*again == *packets);
  // Remarshalling is a fixed point.
  auto wire2 = MarshalCompound(*again);
  Check(wire2.ok() && *wire2 == *wire);
  return 0;
}
