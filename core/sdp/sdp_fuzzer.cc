// Fuzzes the SDP parser and every typed attribute view. Whatever parses must
// serialize to text that parses back to an equal description and serializes
// to the same bytes again; every typed view that parses must round-trip
// through its ToString(); codec lookups must not crash.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/sdp/attributes.h"
#include "core/sdp/candidate.h"
#include "core/sdp/codec.h"
#include "core/sdp/sdp.h"

namespace {

using namespace simrtc::sdp;  // NOLINT: a fuzz driver, not library code

template <typename T>
void CheckTyped(std::string_view value) {
  auto parsed = T::Parse(value);
  if (!parsed.ok()) return;
  auto again = T::Parse(parsed->ToString());
  if (!again.ok() || !(*again == *parsed)) std::abort();
}

void CheckAttributes(const AttributeList& attrs) {
  for (const Attribute& a : attrs) {
    const std::string_view v = a.value.value_or(std::string_view());
    (void)ValidateAttribute(a.key, a.value);
    if (a.key == attr::kCandidate) CheckTyped<Candidate>(v);
    if (a.key == attr::kExtMap) CheckTyped<ExtMap>(v);
    if (a.key == attr::kFingerprint) CheckTyped<Fingerprint>(v);
    if (a.key == attr::kFmtp) CheckTyped<Fmtp>(v);
    if (a.key == attr::kGroup) CheckTyped<Group>(v);
    if (a.key == attr::kIceOptions) CheckTyped<IceOptions>(v);
    if (a.key == attr::kMsid) CheckTyped<Msid>(v);
    if (a.key == attr::kRid) CheckTyped<Rid>(v);
    if (a.key == attr::kRtcpFb) CheckTyped<RtcpFb>(v);
    if (a.key == attr::kRtpMap) CheckTyped<RtpMap>(v);
    if (a.key == attr::kSctpMap) CheckTyped<SctpMap>(v);
    if (a.key == attr::kSimulcast) CheckTyped<Simulcast>(v);
    if (a.key == attr::kSsrc) CheckTyped<Ssrc>(v);
    if (a.key == attr::kSsrcGroup) CheckTyped<SsrcGroup>(v);
    if (a.key == attr::kFmtp) (void)ParseFmtpParameters(v);
  }
  (void)FindDirection(attrs);
}

void CheckText(std::string_view text, bool validate) {
  ParseOptions options;
  options.validate_attributes = validate;
  auto sd = SessionDescription::Parse(text, options);
  if (!sd.ok()) return;
  const std::string out = sd->ToString();
  auto again = SessionDescription::Parse(out, options);
  if (!again.ok()) std::abort();
  if (!(*again == *sd)) std::abort();
  if (again->ToString() != out) std::abort();

  CheckAttributes(sd->attributes);
  for (const MediaDescription& m : sd->media) {
    CheckAttributes(m.attributes);
    (void)EffectiveDirection(*sd, m);
    auto codecs = GetCodecs(m);
    if (codecs.ok() && !codecs->empty()) {
      const Codec& first = codecs->front();
      auto found = FindPayloadTypes(m, first.name, first.fmtp);
      if (!found.ok() || found->empty()) std::abort();
      auto same = GetCodec(m, first.payload_type);
      if (!same.ok() || !(*same == first)) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckText(text, /*validate=*/true);
  CheckText(text, /*validate=*/false);
  return 0;
}
