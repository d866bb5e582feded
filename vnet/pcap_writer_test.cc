// pcap output: header fields and checksums checked here by hand, and the
// file checked by the real dissector (tshark, installed by tools/setup).
#include "vnet/pcap_writer.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/base/byte_io.h"
#include "gtest/gtest.h"
#include "vnet/network.h"
#include "vnet/test_util.h"

namespace simrtc::vnet {
namespace {

using testing::Addr;
using testing::Driver;
using testing::MakeHost;
using testing::MakeRouter;

// Independent ones' complement sum: a correct checksum makes it 0xffff.
uint16_t OnesSum(const std::vector<uint8_t>& bytes) {
  uint64_t sum = 0;
  for (size_t i = 0; i < bytes.size(); i += 2) {
    sum +=
        (uint32_t{bytes[i]} << 8) | (i + 1 < bytes.size() ? bytes[i + 1] : 0);
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

std::vector<uint8_t> PseudoHeaderAndUdp(const std::vector<uint8_t>& pkt,
                                        size_t addr_off, size_t addr_len,
                                        size_t udp_off) {
  std::vector<uint8_t> v(pkt.begin() + addr_off,
                         pkt.begin() + addr_off + 2 * addr_len);
  const size_t udp_len = pkt.size() - udp_off;
  v.push_back(0);
  v.push_back(17);
  v.push_back(static_cast<uint8_t>(udp_len >> 8));
  v.push_back(static_cast<uint8_t>(udp_len));
  v.insert(v.end(), pkt.begin() + udp_off, pkt.end());
  return v;
}

TEST(PcapWriterTest, Ipv4PacketHasValidHeaderAndChecksums) {
  const std::vector<uint8_t> payload = {1, 2, 3, 4, 5};  // odd length
  const std::vector<uint8_t> pkt = PcapWriter::BuildPacket(
      Addr("10.0.0.2:1000"), Addr("203.0.113.9:3478"), payload);
  ASSERT_EQ(pkt.size(), 20u + 8u + 5u);
  EXPECT_EQ(pkt[0], 0x45);
  EXPECT_EQ(LoadBE16(&pkt[2]), 33);
  EXPECT_EQ(pkt[9], 17);
  EXPECT_EQ(std::vector<uint8_t>(pkt.begin() + 12, pkt.begin() + 16),
            (std::vector<uint8_t>{10, 0, 0, 2}));
  EXPECT_EQ(OnesSum(std::vector<uint8_t>(pkt.begin(), pkt.begin() + 20)),
            0xffff);
  EXPECT_EQ(LoadBE16(&pkt[20]), 1000);
  EXPECT_EQ(LoadBE16(&pkt[22]), 3478);
  EXPECT_EQ(LoadBE16(&pkt[24]), 13);
  EXPECT_NE(LoadBE16(&pkt[26]), 0);
  EXPECT_EQ(OnesSum(PseudoHeaderAndUdp(pkt, 12, 4, 20)), 0xffff);
  EXPECT_EQ(pkt.back(), 5);
}

TEST(PcapWriterTest, Ipv6PacketHasValidHeaderAndChecksum) {
  const std::vector<uint8_t> payload(100, 0x5a);
  const std::vector<uint8_t> pkt = PcapWriter::BuildPacket(
      Addr("[fd00::2]:5000"), Addr("[2001:db8::1]:6000"), payload);
  ASSERT_EQ(pkt.size(), 40u + 8u + 100u);
  EXPECT_EQ(pkt[0] >> 4, 6);
  EXPECT_EQ(LoadBE16(&pkt[4]), 108);
  EXPECT_EQ(pkt[6], 17);
  EXPECT_EQ(OnesSum(PseudoHeaderAndUdp(pkt, 8, 16, 40)), 0xffff);
}

TEST(PcapWriterTest, HugePayloadIsTruncatedNotFatal) {
  const std::vector<uint8_t> payload(70000, 1);
  const std::vector<uint8_t> pkt =
      PcapWriter::BuildPacket(Addr("10.0.0.2:1"), Addr("10.0.0.3:2"), payload);
  EXPECT_EQ(pkt.size(), 65535u);
  EXPECT_EQ(LoadBE16(&pkt[2]), 65535);
}

TEST(PcapWriterTest, OpenFailureNamesThePath) {
  absl::StatusOr<std::unique_ptr<PcapWriter>> w =
      PcapWriter::Open("/nonexistent-dir/x.pcap");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(std::string(w.status().message()).find("/nonexistent-dir/x.pcap"),
            std::string::npos);
}

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

TEST(PcapWriterTest, TsharkDecodesTheCapture) {
  const std::string tshark = "/usr/bin/tshark";
  // The project's setup installs tshark; its absence is a broken machine,
  // not a reason to skip.
  ASSERT_EQ(access(tshark.c_str(), X_OK), 0)
      << tshark << " is missing: install it (tools/setup installs tshark)";

  const std::string path = TempPath("vnet_test.pcap");
  {
    absl::StatusOr<std::unique_ptr<PcapWriter>> w = PcapWriter::Open(path);
    ASSERT_TRUE(w.ok()) << w.status();
    PcapWriter& writer = **w;
    // Traffic from a real run, written from the trace sink.
    Driver d;
    d.AddRouter(MakeRouter("lan", "", {"10.0.0.0/24", "fd00::/64"}));
    d.AddHost(MakeHost("a", "lan"));
    d.AddHost(MakeHost("b", "lan"));
    d.net.SetTraceSink([&](const TraceRecord& r) {
      if (r.kind == TraceRecord::Kind::kDeliver) writer.Write(r);
    });
    d.Send("a", Addr("10.0.0.2:40000"), Addr("10.0.0.3:40001"), 37);
    d.RunUntil(Timestamp::Millis(1500));
    d.Send("a", Addr("[fd00::2]:40000"), Addr("[fd00::3]:40001"), 64);
    d.RunUntilIdle();
    EXPECT_EQ(writer.packets_written(), 2);
    ASSERT_TRUE(writer.Flush().ok());
  }
  const std::string env = "HOME=" + TempPath("") + " ";
  const std::string summary =
      RunCommand(env + tshark + " -r " + path + " 2>/dev/null");
  EXPECT_NE(summary.find("UDP"), std::string::npos) << summary;
  EXPECT_NE(summary.find("10.0.0.2"), std::string::npos) << summary;
  EXPECT_NE(summary.find("10.0.0.3"), std::string::npos) << summary;
  EXPECT_NE(summary.find("fd00::2"), std::string::npos) << summary;
  EXPECT_NE(summary.find("fd00::3"), std::string::npos) << summary;

  // Field by field, with checksum validation on (1 = good).
  const std::string fields = RunCommand(
      env + tshark + " -r " + path +
      " -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -T fields"
      " -E separator=, -e frame.time_relative -e ip.src -e ipv6.src"
      " -e udp.srcport -e udp.dstport -e udp.length -e ip.checksum.status"
      " -e udp.checksum.status 2>/dev/null");
  std::istringstream lines(fields);
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 2u) << fields;
  EXPECT_EQ(rows[0], "0.000000000,10.0.0.2,,40000,40001,45,1,1") << fields;
  EXPECT_EQ(rows[1], "1.500000000,,fd00::2,40000,40001,72,,1") << fields;
}

}  // namespace
}  // namespace simrtc::vnet
