// The start of main() for the examples with flags of their own (hub,
// ice_restart, offer_answer, data_channels_flow_control).
#ifndef EXAMPLES_COMMON_PROGRAM_H_
#define EXAMPLES_COMMON_PROGRAM_H_

#include <string_view>

namespace simrtc::examples {

// Sets the usage message (--help), parses the command line with Abseil
// (after NormalizeFlagNames: --offer-address is --offer_address; positional
// arguments are ignored), names the program's diagnostics
// (SetProgramName) and catches Ctrl-C and SIGTERM (CatchInterrupts).
void StartProgram(std::string_view name, std::string_view usage, int argc,
                  char** argv);

}  // namespace simrtc::examples

#endif  // EXAMPLES_COMMON_PROGRAM_H_
