// Writes the benchmark compounds of compounds.h as raw RTCP bytes, so
// bench/pion_compare.sh can time Pion's rtcp.Unmarshal on exactly the input
// //bench/rtcp:rtcp_bench parses:
//   bazel run -c opt //bench/rtcp:write_compounds -- /abs/dir
// writes /abs/dir/sr_sdes_remb.bin and /abs/dir/rr_nack_twcc.bin.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "bench/rtcp/compounds.h"
#include "core/rtcp/packet.h"

namespace simrtc::rtcp {
namespace {

bool Write(const std::string& path, const std::vector<Packet>& packets) {
  auto wire = MarshalCompound(packets);
  if (!wire.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(),
                 wire.status().ToString().c_str());
    return false;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(wire->data()),
            static_cast<std::streamsize>(wire->size()));
  if (!out) {
    std::fprintf(stderr, "%s: write failed\n", path.c_str());
    return false;
  }
  std::printf("%s: %zu bytes\n", path.c_str(), wire->size());
  return true;
}

}  // namespace
}  // namespace simrtc::rtcp

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: write_compounds <absolute output dir>\n");
    return 2;
  }
  const std::string dir = argv[1];
  const bool ok = simrtc::rtcp::Write(dir + "/sr_sdes_remb.bin",
                                      simrtc::rtcp::SrSdesRemb()) &&
                  simrtc::rtcp::Write(dir + "/rr_nack_twcc.bin",
                                      simrtc::rtcp::RrNackTwcc());
  return ok ? 0 : 1;
}
