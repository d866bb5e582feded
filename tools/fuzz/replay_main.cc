// Replays fuzz inputs without libFuzzer.
//
// Usage: <target> [--mutations=N] [--seed=S] FILE_OR_DIR...
// Runs LLVMFuzzerTestOneInput on every corpus file, then on N deterministic
// mutations of them (bit flips, truncations, extensions, splices). Any crash,
// sanitizer report or assertion is the failure; a clean run prints a summary.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/base/rng.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void CollectFiles(const std::string& path, std::vector<std::string>& out) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    std::fprintf(stderr, "replay: cannot stat %s\n", path.c_str());
    std::exit(2);
  }
  if (!S_ISDIR(st.st_mode)) {
    out.push_back(path);
    return;
  }
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return;
  std::vector<std::string> names;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    names.push_back(path + "/" + entry->d_name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());  // deterministic order
  for (const auto& n : names) CollectFiles(n, out);
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::vector<uint8_t> Mutate(const std::vector<std::vector<uint8_t>>& corpus,
                            simrtc::Rng& rng) {
  std::vector<uint8_t> v =
      corpus.empty() ? std::vector<uint8_t>() : corpus[rng.Uniform(corpus.size())];
  int edits = 1 + static_cast<int>(rng.Uniform(4));
  for (int e = 0; e < edits; ++e) {
    switch (rng.Uniform(6)) {
      case 0:  // flip a bit
        if (!v.empty()) v[rng.Uniform(v.size())] ^= 1 << rng.Uniform(8);
        break;
      case 1:  // set an interesting byte
        if (!v.empty()) {
          static constexpr uint8_t kInteresting[] = {0, 1, 0x7f, 0x80, 0xff};
          v[rng.Uniform(v.size())] = kInteresting[rng.Uniform(5)];
        }
        break;
      case 2:  // truncate
        if (!v.empty()) v.resize(rng.Uniform(v.size()));
        break;
      case 3: {  // append random bytes
        size_t n = rng.Uniform(16);
        for (size_t i = 0; i < n; ++i) v.push_back(static_cast<uint8_t>(rng.NextU64()));
        break;
      }
      case 4:  // splice in part of another input
        if (!corpus.empty()) {
          const auto& other = corpus[rng.Uniform(corpus.size())];
          if (!other.empty() && !v.empty()) {
            size_t at = rng.Uniform(v.size());
            size_t from = rng.Uniform(other.size());
            size_t n = std::min(other.size() - from, v.size() - at);
            std::memcpy(&v[at], &other[from], n);
          }
        }
        break;
      default:  // overwrite a 16-bit field with a large value (length lies)
        if (v.size() >= 2) {
          size_t at = rng.Uniform(v.size() - 1);
          v[at] = 0xff;
          v[at + 1] = static_cast<uint8_t>(rng.NextU64());
        }
        break;
    }
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  long mutations = 20000;
  uint64_t seed = 1;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--mutations=", 12) == 0) {
      mutations = std::strtol(argv[i] + 12, nullptr, 10);
    } else if (std::strncmp(argv[i], "--seed=", 7) == 0) {
      seed = std::strtoull(argv[i] + 7, nullptr, 10);
    } else {
      CollectFiles(argv[i], files);
    }
  }
  std::vector<std::vector<uint8_t>> corpus;
  for (const auto& f : files) corpus.push_back(ReadFile(f));
  for (const auto& input : corpus) LLVMFuzzerTestOneInput(input.data(), input.size());
  LLVMFuzzerTestOneInput(nullptr, 0);
  simrtc::Rng rng(seed);
  for (long i = 0; i < mutations; ++i) {
    std::vector<uint8_t> input = Mutate(corpus, rng);
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("replayed %zu corpus inputs and %ld mutations (seed %llu)\n",
              corpus.size(), mutations, static_cast<unsigned long long>(seed));
  return 0;
}
