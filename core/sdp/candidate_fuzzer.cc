// Fuzzes Candidate::Parse: any input must parse or fail cleanly, and what
// parses must come back equal from both of its text forms.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/sdp/candidate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using simrtc::sdp::Candidate;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto c = Candidate::Parse(text);
  if (!c.ok()) return 0;
  auto js = Candidate::Parse(c->ToString());
  if (!js.ok() || !(*js == *c)) std::abort();
  auto attr = Candidate::Parse(c->ToAttributeValue());
  if (!attr.ok() || !(*attr == *c)) std::abort();
  if (js->ToString() != c->ToString()) std::abort();
  (void)c->ip();
  (void)c->is_mdns();
  return 0;
}
