// Flag names written with '-' as Abseil wants them, with '_': the examples
// accept --offer-url and --offer_url alike.
#ifndef EXAMPLES_COMMON_FLAG_NAMES_H_
#define EXAMPLES_COMMON_FLAG_NAMES_H_

#include <string>
#include <vector>

namespace simrtc::examples {

// argv with '-' in flag names ("--offer-url=x", "-offer-url") turned into
// '_' (what Abseil's flag names allow), up to a bare "--"; values after
// '=' and other arguments are kept. The strings live in `storage`; the
// result ends with a null pointer (pass size() - 1 as argc).
std::vector<char*> NormalizeFlagNames(int argc, char** argv,
                                      std::vector<std::string>& storage);

}  // namespace simrtc::examples

#endif  // EXAMPLES_COMMON_FLAG_NAMES_H_
