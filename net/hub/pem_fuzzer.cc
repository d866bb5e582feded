// Fuzzes the PEM block splitter on any text. It must return blocks or an
// error, never crash; every block it returns starts with its BEGIN line and
// ends with the matching END line, and splitting the blocks' own text again
// gives the same labels. The first two blocks also go through
// dtls::Certificate::FromPem (BoringSSL's parsers behind our checks).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/strings/match.h"
#include "core/base/absl_compat.h"
#include "core/dtls/certificate.h"
#include "net/hub/certificate_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto blocks = simrtc::hub::SplitPem(text, "fuzz input");
  if (!blocks.ok()) return 0;
  std::string joined;
  for (const simrtc::hub::PemBlock& b : *blocks) {
    const std::string begin = "-----BEGIN " + b.label + "-----";
    if (!absl::StartsWith(simrtc::ToAbsl(b.pem), begin)) std::abort();
    if (!absl::StrContains(simrtc::ToAbsl(b.pem), "-----END " + b.label)) {
      std::abort();
    }
    joined += b.pem;
    joined += "\n";
  }
  auto again = simrtc::hub::SplitPem(joined, "fuzz blocks");
  if (!again.ok() || again->size() != blocks->size()) std::abort();
  for (size_t i = 0; i < blocks->size(); ++i) {
    if ((*again)[i].label != (*blocks)[i].label) std::abort();
  }
  if (blocks->size() >= 2) {
    (void)simrtc::dtls::Certificate::FromPem((*blocks)[0].pem,
                                             (*blocks)[1].pem);
  }
  return 0;
}
