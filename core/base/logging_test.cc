#include "core/base/logging.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace simrtc {
namespace {

struct Captured {
  Timestamp time;
  LogLevel level;
  std::string component;
  std::string message;
};

TEST(LoggerTest, UsesInjectedSinkTimeAndLevel) {
  std::vector<Captured> lines;
  Timestamp now = Timestamp::Millis(1500);
  Logger logger("ice");
  logger.set_sink([&](const LogRecord& r) {
    lines.push_back({r.time, r.level, std::string(r.component),
                     std::string(r.message)});
  });
  logger.set_time_source([&] { return now; });
  logger.set_level(LogLevel::kInfo);

  SIMRTC_LOG(&logger, kDebug) << "hidden";
  SIMRTC_LOG(&logger, kInfo) << "pair " << 3 << " succeeded";
  now = Timestamp::Millis(2000);
  Logger child = logger.Child("agent");
  SIMRTC_LOG(&child, kError) << "boom";

  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].time, Timestamp::Millis(1500));
  EXPECT_EQ(lines[0].level, LogLevel::kInfo);
  EXPECT_EQ(lines[0].component, "ice");
  EXPECT_EQ(lines[0].message, "pair 3 succeeded");
  EXPECT_EQ(lines[1].time, Timestamp::Millis(2000));
  EXPECT_EQ(lines[1].component, "ice.agent");
}

TEST(LoggerTest, SkipsFormattingWhenDisabled) {
  int evaluations = 0;
  auto costly = [&] {
    ++evaluations;
    return 1;
  };
  Logger logger;
  logger.set_level(LogLevel::kWarning);
  SIMRTC_LOG(&logger, kInfo) << costly();
  SIMRTC_LOG(Logger::Null(), kError) << costly();
  const Logger* none = nullptr;
  SIMRTC_LOG(none, kError) << costly();
  EXPECT_EQ(evaluations, 0);
}

TEST(LoggerTest, LevelNames) {
  EXPECT_EQ(LogLevelName(LogLevel::kWarning), "WARN");
  EXPECT_EQ(LogLevelName(LogLevel::kTrace), "TRACE");
}

}  // namespace
}  // namespace simrtc
