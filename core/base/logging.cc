#include "core/base/logging.h"

#include <cstdio>

#include "absl/strings/str_format.h"

namespace simrtc {

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return "TRACE";
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
    case LogLevel::kOff:
      return "OFF";
  }
  return "?";
}

Logger::Logger(std::string component) : component_(std::move(component)) {}

Logger* Logger::Null() {
  static Logger* const null_logger = [] {
    auto* logger = new Logger("null");
    logger->set_level(LogLevel::kOff);
    return logger;
  }();
  return null_logger;
}

Logger Logger::Child(std::string_view name) const {
  Logger child(component_.empty() ? std::string(name)
                                  : absl::StrFormat("%s.%s", component_, name));
  child.level_ = level_;
  child.sink_ = sink_;
  child.time_source_ = time_source_;
  return child;
}

void Logger::Write(LogLevel level, std::string_view message) const {
  if (!Enabled(level)) return;
  LogRecord record{time_source_ ? time_source_() : Timestamp::Zero(), level,
                   component_, message};
  if (sink_) {
    sink_(record);
    return;
  }
  std::string line =
      absl::StrFormat("%s %s [%s] %s\n", record.time.ToString(),
                      LogLevelName(level), component_, message);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace simrtc
