#include "examples/common/flag_names.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace simrtc::examples {
namespace {

std::vector<std::string> Normalize(std::vector<std::string> in) {
  std::vector<char*> argv;
  for (std::string& s : in) argv.push_back(s.data());
  std::vector<std::string> storage;
  std::vector<char*> out =
      NormalizeFlagNames(static_cast<int>(argv.size()), argv.data(), storage);
  EXPECT_EQ(out.size(), in.size() + 1);
  EXPECT_EQ(out.back(), nullptr);
  return std::vector<std::string>(out.begin(), out.end() - 1);
}

TEST(NormalizeFlagNamesTest, TurnsDashesInNamesIntoUnderscores) {
  EXPECT_EQ(Normalize({"prog", "--offer-address", "127.0.0.1:1",
                       "--offer-url=http://a-b/c-d", "-close-after=3",
                       "--count", "-1"}),
            (std::vector<std::string>{"prog", "--offer_address", "127.0.0.1:1",
                                      "--offer_url=http://a-b/c-d",
                                      "-close_after=3", "--count", "-1"}));
}

TEST(NormalizeFlagNamesTest, LeavesTheProgramAndWhatFollowsABareDoubleDash) {
  EXPECT_EQ(Normalize({"my-prog", "x-y", "--", "--a-b"}),
            (std::vector<std::string>{"my-prog", "x-y", "--", "--a-b"}));
}

}  // namespace
}  // namespace simrtc::examples
