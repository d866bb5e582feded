// Fuzzes the scenario loader: arbitrary text must parse or fail with a
// Status, and whatever parses must build (or be refused) without crashing.
// Runs are not started: a valid file may legitimately ask for hours of
// virtual time.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/runner.h"
#include "sim/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<simrtc::sim::Scenario> s =
      simrtc::sim::Scenario::Parse("fuzz.textproto", text);
  if (!s.ok()) return 0;
  (void)simrtc::sim::ScenarioRun::Create(*s, 1);
  return 0;
}
