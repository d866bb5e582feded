#include "examples/common/program.h"

#include <string>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "core/base/absl_compat.h"
#include "examples/common/console.h"
#include "examples/common/flag_names.h"
#include "examples/common/waiting.h"

namespace simrtc::examples {

void StartProgram(std::string_view name, std::string_view usage, int argc,
                  char** argv) {
  absl::SetProgramUsageMessage(ToAbsl(usage));
  std::vector<std::string> storage;
  std::vector<char*> args = NormalizeFlagNames(argc, argv, storage);
  absl::ParseCommandLine(static_cast<int>(args.size()) - 1, args.data());
  SetProgramName(name);
  CatchInterrupts();
}

}  // namespace simrtc::examples
