// Arbitrary bytes into an established association's HandleDatagram(); see
// fuzz_harness.h for the input format. Whatever happens must be a clean
// outcome: ignored, answered, or the association closed; never a crash.
#include <cstddef>
#include <cstdint>

#include "core/sctp/fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // One pair for the whole run, as a long-lived association would see a
  // stream of hostile packets; recreated only when an input closes it.
  static auto* pair = new simrtc::sctp::fuzzing::FuzzPair();
  pair->FeedFuzzInput(simrtc::ByteSpan(data, size));
  return 0;
}
