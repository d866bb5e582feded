// `sim`: runs a network scenario file and reports what happened.
//
//   bazel run //sim                        # the built-in default scenario
//   bazel run //sim -- scenarios/ping_rtt.textproto --seed=7
//   bazel run //sim -- my.textproto --seeds=1..200   # lists failing seeds
//   bazel run //sim -- my.textproto --trace=/tmp/t.txt --pcap=/tmp/t.pcap
//
// Exit status: 0 when every expectation holds (and after --help), 1 when one
// fails (or a timeline step fails), 2 when the file or the flags are invalid
// (Abseil itself exits 1 on an unknown flag or a bad flag value). This is the
// only place in sim/ that touches the wall clock, and only to throttle the
// progress line; simulation results never depend on it.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/internal/parse.h"
#include "absl/flags/internal/usage.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "core/base/absl_compat.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/trace.h"
#include "vnet/network.h"

ABSL_FLAG(std::string, seed, "",
          "Run with this seed instead of the scenario's `seed`.");
ABSL_FLAG(std::string, seeds, "",
          "Sweep the seed range A..B (inclusive) and report which seeds fail. "
          "Under `bazel test` sharding (TEST_TOTAL_SHARDS) each shard runs "
          "its share of the range.");
ABSL_FLAG(std::string, trace, "",
          "Write one line per packet event to this file: time_us kind "
          "packet_id where src dst size reason.");
ABSL_FLAG(std::string, pcap, "",
          "Write a pcap (LINKTYPE_RAW) of every packet as sent and as "
          "delivered, readable by Wireshark/tshark.");
ABSL_FLAG(std::string, pcap_host, "",
          "Limit --pcap to what this host sends and receives.");
ABSL_FLAG(std::string, progress, "auto",
          "Progress line on stderr: on, off, or auto (when stderr is a "
          "terminal).");
ABSL_FLAG(bool, quiet, false,
          "Print only the summary and failed expectations, not the report.");
ABSL_FLAG(bool, print_default, false,
          "Print the built-in default scenario (a starting point for your "
          "own) and exit.");

namespace simrtc::sim {
extern const char kDefaultScenario[];
}  // namespace simrtc::sim

namespace {

using simrtc::Timestamp;
using simrtc::sim::Scenario;
using simrtc::sim::ScenarioRun;

constexpr int kExitFail = 1;
constexpr int kExitInvalid = 2;
constexpr char kDefaultName[] = "scenarios/default.textproto (built-in)";

// `bazel run` starts us in the runfiles tree; paths the user typed are
// relative to where they typed them.
std::string UserPath(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  const char* wd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (wd == nullptr || *wd == '\0') return path;
  return absl::StrCat(wd, "/", path);
}

class Progress {
 public:
  Progress(bool enabled, Timestamp end) : enabled_(enabled), end_(end) {}
  ~Progress() { Finish(); }

  void Attach(simrtc::sim::Simulator& sim) {
    if (!enabled_) return;
    // Event-count throttling keeps the callback off the hot path; the wall
    // clock only limits how often the line is redrawn.
    sim.SetProgressCallback(1 << 16, [this](Timestamp now) { Update(now); });
  }
  void Update(Timestamp now) {
    const auto wall = std::chrono::steady_clock::now();
    if (wall - last_ < std::chrono::milliseconds(200)) return;
    last_ = wall;
    const double pct = end_.us() > 0 ? 100.0 * now.us() / end_.us() : 100.0;
    std::fprintf(stderr, "\r[sim] virtual %s / %s (%.1f%%)   ",
                 now.ToString().c_str(), end_.ToString().c_str(), pct);
    std::fflush(stderr);
    drawn_ = true;
  }
  void Finish() {
    if (drawn_) std::fprintf(stderr, "\r%60s\r", "");
    drawn_ = false;
  }

 private:
  bool enabled_;
  Timestamp end_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

bool ProgressEnabled() {
  const std::string mode = absl::GetFlag(FLAGS_progress);
  if (mode == "on") return true;
  if (mode == "off") return false;
  return isatty(STDERR_FILENO) != 0;
}

std::optional<uint64_t> ParseSeed(const std::string& text) {
  uint64_t v = 0;
  if (!absl::SimpleAtoi(text, &v)) return std::nullopt;
  return v;
}

void PrintFailures(const ScenarioRun& run) {
  for (const auto& r : run.results()) {
    if (!r.passed) std::printf("    %s\n", r.Line().c_str());
  }
  for (const std::string& e : run.simulator().errors()) {
    std::printf("    ERROR %s\n", e.c_str());
  }
}

int RunOne(const Scenario& scenario, uint64_t seed) {
  absl::StatusOr<std::unique_ptr<ScenarioRun>> run =
      ScenarioRun::Create(scenario, seed);
  if (!run.ok()) {
    std::fprintf(stderr, "error: %s\n",
                 std::string(run.status().message()).c_str());
    return kExitInvalid;
  }
  simrtc::sim::Simulator& sim = (*run)->simulator();

  std::unique_ptr<simrtc::sim::TraceFileWriter> trace;
  if (const std::string path = absl::GetFlag(FLAGS_trace); !path.empty()) {
    auto opened = simrtc::sim::TraceFileWriter::Open(UserPath(path));
    if (!opened.ok()) {
      std::fprintf(stderr, "error: %s\n",
                   std::string(opened.status().message()).c_str());
      return kExitInvalid;
    }
    trace = *std::move(opened);
    sim.AddTraceSink(
        [w = trace.get()](const simrtc::vnet::TraceRecord& r) { w->Write(r); });
  }
  std::unique_ptr<simrtc::vnet::PcapWriter> pcap;
  if (const std::string path = absl::GetFlag(FLAGS_pcap); !path.empty()) {
    auto opened = simrtc::vnet::PcapWriter::Open(UserPath(path));
    if (!opened.ok()) {
      std::fprintf(stderr, "error: %s\n",
                   std::string(opened.status().message()).c_str());
      return kExitInvalid;
    }
    pcap = *std::move(opened);
    const std::string only = absl::GetFlag(FLAGS_pcap_host);
    if (!only.empty() && !sim.network().FindHost(only).has_value()) {
      std::fprintf(stderr, "error: --pcap_host: unknown host \"%s\"\n",
                   only.c_str());
      return kExitInvalid;
    }
    sim.AddTraceSink(
        [w = pcap.get(), only](const simrtc::vnet::TraceRecord& r) {
          using Kind = simrtc::vnet::TraceRecord::Kind;
          if (r.kind != Kind::kSend && r.kind != Kind::kDeliver) return;
          if (!only.empty() && r.where != only) return;
          w->Write(r);
        });
  }

  Progress progress(ProgressEnabled(), (*run)->end_time());
  progress.Attach(sim);
  (*run)->Run();
  progress.Finish();

  if (absl::GetFlag(FLAGS_quiet)) {
    std::printf("%s\n", (*run)->FormatSummary().c_str());
    PrintFailures(**run);
  } else {
    std::printf("%s", (*run)->FormatReport().c_str());
  }
  if (trace) {
    std::printf("trace: %lld events written to %s\n",
                static_cast<long long>(trace->lines()),
                UserPath(absl::GetFlag(FLAGS_trace)).c_str());
  }
  if (pcap) {
    (void)pcap->Flush();
    std::printf("pcap: %lld packets written to %s\n",
                static_cast<long long>(pcap->packets_written()),
                UserPath(absl::GetFlag(FLAGS_pcap)).c_str());
  }
  return (*run)->passed() ? 0 : kExitFail;
}

int Sweep(const Scenario& scenario, const std::string& range,
          const std::string& shown_path) {
  const std::vector<std::string> parts =
      absl::StrSplit(range, absl::MaxSplits("..", 1));
  std::optional<uint64_t> first, last;
  if (parts.size() == 2) {
    first = ParseSeed(parts[0]);
    last = ParseSeed(parts[1]);
  }
  if (!first || !last || *first > *last) {
    std::fprintf(stderr, "error: --seeds=%s: expected A..B with A <= B\n",
                 range.c_str());
    return kExitInvalid;
  }
  // Bazel test sharding: shard k of n takes every n-th seed starting at k.
  uint64_t shard = 0, shards = 1;
  if (const char* t = std::getenv("TEST_TOTAL_SHARDS")) {
    const char* i = std::getenv("TEST_SHARD_INDEX");
    if (ParseSeed(t).value_or(0) > 0 && i != nullptr) {
      shards = *ParseSeed(t);
      shard = ParseSeed(i).value_or(0);
    }
  }
  if (const char* status = std::getenv("TEST_SHARD_STATUS_FILE")) {
    std::ofstream touch(status);  // tells Bazel we understand sharding
  }
  std::vector<uint64_t> failed;
  int runs = 0;
  for (uint64_t seed = *first; seed <= *last; ++seed) {
    if ((seed - *first) % shards != shard) {
      if (seed == *last) break;
      continue;
    }
    absl::StatusOr<std::unique_ptr<ScenarioRun>> run =
        ScenarioRun::Create(scenario, seed);
    if (!run.ok()) {
      std::fprintf(stderr, "error: %s\n",
                   std::string(run.status().message()).c_str());
      return kExitInvalid;
    }
    Progress progress(ProgressEnabled(), (*run)->end_time());
    progress.Attach((*run)->simulator());
    (*run)->Run();
    progress.Finish();
    ++runs;
    std::printf("%s\n", (*run)->FormatSummary().c_str());
    if (!(*run)->passed()) {
      PrintFailures(**run);
      failed.push_back(seed);
    }
    std::fflush(stdout);
    if (seed == *last) break;  // avoid wrap-around at UINT64_MAX
  }
  std::printf("\nsweep %s: %d seeds run%s, %zu failed\n", range.c_str(), runs,
              shards > 1
                  ? absl::StrFormat(" (shard %d of %d)", shard, shards).c_str()
                  : "",
              failed.size());
  if (!failed.empty()) {
    std::string list;
    for (uint64_t s : failed)
      absl::StrAppend(&list, list.empty() ? "" : " ", s);
    std::printf("failing seeds: %s\n", list.c_str());
    std::printf("replay one with: bazel run //sim -- %s --seed=%llu\n",
                shown_path.c_str(), static_cast<unsigned long long>(failed[0]));
    return kExitFail;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Runs a network scenario (scenarios/scenario.proto, text format) in the "
      "deterministic simulator.\n\n"
      "  sim [flags] [scenario.textproto]\n\n"
      "Without a file, runs the built-in default scenario (see "
      "--print_default). Exit status: 0 all expectations hold, 1 one fails, "
      "2 invalid scenario or flags.");
  // --help lists the flags of this file (Abseil's default filter looks for
  // a file named after the binary).
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "sim/main.cc");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  absl::SetFlagsUsageConfig(usage);
  // absl::ParseCommandLine would exit with status 1 after --help; asking
  // for help is not an error, so usage flags are handled here and exit 0.
  // (Abseil 20220623 offers no public way to do this.)
  std::vector<char*> args = absl::flags_internal::ParseCommandLineImpl(
      argc, argv, absl::flags_internal::ArgvListAction::kRemoveParsedArgs,
      absl::flags_internal::UsageFlagsAction::kIgnoreUsage,
      absl::flags_internal::OnUndefinedFlag::kAbortIfUndefined);
  if (const int usage = absl::flags_internal::HandleUsageFlags(
          std::cout, absl::ProgramUsageMessage());
      usage != -1) {
    std::cout.flush();
    return usage == 1 ? 0 : usage;
  }
  if (absl::GetFlag(FLAGS_print_default)) {
    std::printf("%s", simrtc::sim::kDefaultScenario);
    return 0;
  }
  if (args.size() > 2) {
    std::fprintf(stderr, "error: expected at most one scenario file, got %zu\n",
                 args.size() - 1);
    return kExitInvalid;
  }

  absl::StatusOr<Scenario> scenario =
      args.size() == 2
          ? Scenario::Load(UserPath(args[1]))
          : Scenario::Parse(kDefaultName, simrtc::sim::kDefaultScenario);
  if (!scenario.ok()) {
    std::fprintf(stderr, "error: %s\n",
                 std::string(scenario.status().message()).c_str());
    return kExitInvalid;
  }
  const std::string shown_path = args.size() == 2 ? args[1] : "";

  const std::string seeds = absl::GetFlag(FLAGS_seeds);
  const std::string seed_flag = absl::GetFlag(FLAGS_seed);
  if (!seeds.empty()) {
    if (!seed_flag.empty() || !absl::GetFlag(FLAGS_trace).empty() ||
        !absl::GetFlag(FLAGS_pcap).empty()) {
      std::fprintf(stderr,
                   "error: --seeds sweeps; --seed, --trace and --pcap are for "
                   "single runs (replay a seed with --seed)\n");
      return kExitInvalid;
    }
    return Sweep(*scenario, seeds, shown_path);
  }
  uint64_t seed = scenario->seed();
  if (!seed_flag.empty()) {
    std::optional<uint64_t> parsed = ParseSeed(seed_flag);
    if (!parsed) {
      std::fprintf(stderr, "error: --seed=%s is not a number\n",
                   seed_flag.c_str());
      return kExitInvalid;
    }
    seed = *parsed;
  }
  return RunOne(*scenario, seed);
}
