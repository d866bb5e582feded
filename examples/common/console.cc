#include "examples/common/console.h"

#include <cstdio>
#include <mutex>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"

namespace simrtc::examples {
namespace {

std::mutex& OutputMutex() {
  static std::mutex mu;
  return mu;
}

void Write(std::FILE* out, std::string_view line) {
  std::lock_guard<std::mutex> lock(OutputMutex());
  std::fwrite(line.data(), 1, line.size(), out);
  std::fputc('\n', out);
  std::fflush(out);
}

std::string& ProgramName() {
  static std::string name = "example";
  return name;
}

}  // namespace

void PrintLine(std::string_view line) { Write(stdout, line); }
void PrintErrorLine(std::string_view line) { Write(stderr, line); }

void SetProgramName(std::string_view name) { ProgramName() = name; }

void PrintNoteLine(std::string_view text) {
  PrintErrorLine(absl::StrCat(ToAbsl(ProgramName()), ": ", ToAbsl(text)));
}

int Fail(std::string_view why) {
  PrintNoteLine(why);
  return 1;
}

int Fail(const absl::Status& status) { return Fail(ToStd(status.message())); }

std::string RandomText(size_t length) {
  static constexpr std::string_view kLetters =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  // Apps may use the system's randomness; only core/ takes an injected Rng.
  thread_local std::mt19937 engine{std::random_device{}()};
  std::uniform_int_distribution<size_t> pick(0, kLetters.size() - 1);
  std::string text(length, ' ');
  for (char& c : text) c = kLetters[pick(engine)];
  return text;
}

std::string Printable(std::string_view text) {
  constexpr size_t kMax = 200;
  std::string out;
  for (char c : text.substr(0, kMax)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      out += absl::StrFormat("\\x%02x", byte);
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += c;  // UTF-8 passes through
    }
  }
  if (text.size() > kMax) out += "...";
  return out;
}

}  // namespace simrtc::examples
