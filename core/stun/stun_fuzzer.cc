// Fuzzes the STUN and ChannelData parsers and everything reachable from a
// parsed message: typed getters, integrity and fingerprint checks, the 420
// helper, logging. Invariants checked (abort on violation):
//  - every attribute view lies inside the input;
//  - IsStunMessage and IsChannelData agree with the parsers;
//  - a message rebuilt from the parsed attributes parses to the same list.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "core/stun/builder.h"
#include "core/stun/channel_data.h"
#include "core/stun/message.h"

namespace {

using namespace simrtc::stun;  // NOLINT: fuzzer brevity

void Check(bool ok) {
  if (!ok) std::abort();
}

void ExerciseMessage(const Message& msg, const uint8_t* data, size_t size) {
  for (RawAttribute a : msg.attributes()) {
    Check(a.value.empty() || (a.value.data() >= data &&
                              a.value.data() + a.value.size() <= data + size));
  }
  (void)msg.GetMappedAddress();
  (void)msg.GetXorMappedAddress();
  (void)msg.GetAlternateServer();
  (void)msg.GetXorRelayedAddress();
  (void)msg.GetXorPeerAddress();
  (void)msg.GetXorPeerAddresses();
  (void)msg.GetUsername();
  (void)msg.GetRealm();
  (void)msg.GetNonce();
  (void)msg.GetSoftware();
  (void)msg.GetErrorCode();
  (void)msg.GetUnknownAttributes();
  (void)msg.GetPriority();
  (void)msg.HasUseCandidate();
  (void)msg.GetIceControlled();
  (void)msg.GetIceControlling();
  (void)msg.GetChannelNumber();
  (void)msg.GetLifetime();
  (void)msg.GetData();
  (void)msg.GetRequestedTransport();
  (void)msg.HasDontFragment();
  (void)msg.GetReservationToken();
  (void)msg.GetEvenPort();
  (void)msg.GetRequestedAddressFamily();
  (void)msg.VerifyMessageIntegrity("password");
  (void)msg.VerifyMessageIntegritySha256("password");
  (void)msg.VerifyFingerprint();
  (void)UnknownComprehensionRequired(msg);
  (void)msg.ToString();

  // Re-encode the kept attributes raw; the result must parse back to the
  // same types and values (integrity attributes are copied as bytes, so the
  // builder's ordering rules still hold because the parser enforced them).
  MessageBuilder b(msg.method(), msg.message_class(), msg.transaction_id());
  for (RawAttribute a : msg.attributes()) b.AddRaw(a.type, a.value);
  auto rebuilt = b.Build();
  Check(rebuilt.ok());
  auto again = Message::Parse(*rebuilt);
  Check(again.ok());
  Check(again->attribute_count() == msg.attribute_count());
  for (size_t i = 0; i < msg.attribute_count(); ++i) {
    const RawAttribute x = msg.attribute(i);
    const RawAttribute y = again->attribute(i);
    Check(x.type == y.type && x.value.size() == y.value.size());
    Check(std::equal(x.value.begin(), x.value.end(), y.value.begin()));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const simrtc::ByteSpan input(data, size);
  auto msg = Message::Parse(input);
  if (msg.ok()) {
    Check(IsStunMessage(input));
    ExerciseMessage(*msg, data, size);
  }
  auto cd = ParseChannelData(input);
  Check(cd.ok() == IsChannelData(input));
  if (cd.ok()) {
    Check(cd->data.size() + kChannelDataHeaderSize <= size);
    Check(IsValidChannelNumber(cd->channel));
  }
  auto frame = StreamFrameSize(input);
  if (frame.ok() && frame->has_value()) {
    Check(**frame >= kChannelDataHeaderSize);
  }
  return 0;
}
