// A small leveled logger whose sink and time source are injected.
//
// Contract: core/ has no global logger. A protocol object takes a Logger*
// (nullptr or Logger::Null() means silent). The driver supplies the time
// source, so simulator logs carry virtual time and real-runtime logs wall
// time. Formatting is skipped entirely below the logger's level.
//
//   SIMRTC_LOG(logger, kInfo) << "allocation granted for " << addr;
#ifndef CORE_BASE_LOGGING_H_
#define CORE_BASE_LOGGING_H_

#include <functional>
#include <sstream>
#include <string>
#include <string_view>

#include "core/base/time.h"

namespace simrtc {

enum class LogLevel : int { kTrace = 0, kDebug, kInfo, kWarning, kError, kOff };

std::string_view LogLevelName(LogLevel level);

struct LogRecord {
  Timestamp time;
  LogLevel level;
  std::string_view component;
  std::string_view message;
};

class Logger {
 public:
  using Sink = std::function<void(const LogRecord&)>;
  using TimeSource = std::function<Timestamp()>;

  // Defaults: level kInfo, sink writes "time LEVEL [component] msg" to
  // stderr, time source returns Timestamp::Zero().
  explicit Logger(std::string component = "");

  // A logger that drops everything; shared, immutable.
  static Logger* Null();

  void set_level(LogLevel level) { level_ = level; }
  LogLevel level() const { return level_; }
  void set_sink(Sink sink) { sink_ = std::move(sink); }
  void set_time_source(TimeSource source) { time_source_ = std::move(source); }
  const std::string& component() const { return component_; }

  // A logger for a sub-component sharing sink, time source and level.
  Logger Child(std::string_view name) const;

  bool Enabled(LogLevel level) const {
    return level >= level_ && level_ != LogLevel::kOff;
  }
  void Write(LogLevel level, std::string_view message) const;

 private:
  std::string component_;
  LogLevel level_ = LogLevel::kInfo;
  Sink sink_;
  TimeSource time_source_;
};

// Collects one streamed message and hands it to the logger on destruction.
class LogMessage {
 public:
  LogMessage(const Logger* logger, LogLevel level)
      : logger_(logger), level_(level) {}
  ~LogMessage() { logger_->Write(level_, stream_.str()); }
  std::ostream& stream() { return stream_; }

 private:
  const Logger* logger_;
  LogLevel level_;
  std::ostringstream stream_;
};

}  // namespace simrtc

#define SIMRTC_LOG(logger, level)                                       \
  for (bool simrtc_log_once_ =                                          \
           (logger) != nullptr &&                                       \
           (logger)->Enabled(::simrtc::LogLevel::level);                \
       simrtc_log_once_; simrtc_log_once_ = false)                      \
  ::simrtc::LogMessage((logger), ::simrtc::LogLevel::level).stream()

#endif  // CORE_BASE_LOGGING_H_
