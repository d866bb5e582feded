// End-to-end checks against real encoder output made at test time with
// Debian's ffmpeg: read with our readers, packetize and depacketize every
// frame, write back, and have ffprobe accept what our writers produced.
// ffmpeg missing is a FAILURE, not a skip: tools/setup must install it.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "core/base/rng.h"
#include "core/media/annexb.h"
#include "core/media/h264.h"
#include "core/media/ivf.h"
#include "core/media/ogg.h"
#include "core/media/opus.h"
#include "core/media/packetizer.h"
#include "core/media/sample_builder.h"
#include "core/media/vp8.h"
#include "gtest/gtest.h"

namespace simrtc::media {
namespace {

std::string TmpDir() {
  const char* d = std::getenv("TEST_TMPDIR");
  return d ? d : "/tmp";
}

bool HaveFfmpeg() {
  return std::system("ffmpeg -version >/dev/null 2>&1") == 0 &&
         std::system("ffprobe -version >/dev/null 2>&1") == 0;
}

std::string RunCapture(const std::string& cmd) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[256];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  pclose(f);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  return out;
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::string& path, const std::vector<uint8_t>& b) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), b.size());
}

// `single_head`: only the first payload may start a partition (VP8);
// H.264 NAL/STAP-A packets each start one.
std::vector<uint8_t> PayloadRoundTrip(Payloader& p, Depacketizer& d,
                                      ByteSpan frame, bool single_head = true) {
  std::vector<uint8_t> out;
  auto payloads = p.Payload(1188, frame);
  EXPECT_TRUE(payloads.ok()) << payloads.status();
  if (!payloads.ok()) return out;
  for (size_t i = 0; i < payloads->size(); ++i) {
    const auto& pl = (*payloads)[i];
    EXPECT_LE(pl.size(), 1188u);
    if (i == 0 || single_head) {
      EXPECT_EQ(d.IsPartitionHead(pl), i == 0);
    }
    auto b = d.Depacketize(pl);
    EXPECT_TRUE(b.ok()) << b.status();
    if (b.ok()) out.insert(out.end(), b->begin(), b->end());
  }
  return out;
}

TEST(MediaFilesFfmpegTest, Vp8IvfRoundTrip) {
  ASSERT_TRUE(HaveFfmpeg())
      << "ffmpeg/ffprobe not installed: tools/setup must install ffmpeg";
  const std::string src = TmpDir() + "/src.ivf";
  const std::string dst = TmpDir() + "/ours.ivf";
  ASSERT_EQ(std::system(("ffmpeg -y -loglevel error -f lavfi -i "
                         "testsrc=size=160x120:rate=10 -t 1 -c:v libvpx "
                         "-f ivf " +
                         src)
                            .c_str()),
            0);
  std::vector<uint8_t> file = ReadFile(src);
  auto reader = IvfReader::Open(file);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ(reader->header().fourcc, "VP80");
  EXPECT_EQ(reader->header().width, 160);
  EXPECT_EQ(reader->header().height, 120);

  auto writer = IvfWriter::Create(reader->header());
  ASSERT_TRUE(writer.ok());
  Vp8Payloader pay({.enable_picture_id = true});
  Vp8Depacketizer dep;
  Rng rng(7);
  Packetizer packetizer(
      {.mtu = 1200, .payload_type = 96, .ssrc = 1, .clock_rate = 90000},
      std::make_unique<Vp8Payloader>(), rng);
  SampleBuilder builder(500, std::make_unique<Vp8Depacketizer>(), 90000);
  std::vector<std::vector<uint8_t>> frames, rebuilt;
  while (true) {
    auto f = reader->Next();
    ASSERT_TRUE(f.ok()) << f.status();
    if (!f->has_value()) break;
    ByteSpan data = (*f)->data;
    frames.emplace_back(data.begin(), data.end());
    std::vector<uint8_t> back = PayloadRoundTrip(pay, dep, data);
    EXPECT_EQ(back, frames.back());
    writer->WriteFrame((*f)->timestamp, back);
    auto packets = packetizer.Packetize(Timestamp::Zero(), data, 9000);
    ASSERT_TRUE(packets.ok());
    for (const auto& p : *packets) {
      builder.Push(p);
      while (auto s = builder.Pop()) rebuilt.push_back(s->data);
    }
  }
  EXPECT_EQ(frames.size(), 10u);
  ASSERT_EQ(rebuilt.size(), frames.size() - 1);
  for (size_t i = 0; i < rebuilt.size(); ++i) EXPECT_EQ(rebuilt[i], frames[i]);

  // Identical apart from the header's frame-count word, which ffmpeg uses
  // for a duration instead.
  const std::vector<uint8_t>& ours = writer->bytes();
  ASSERT_EQ(ours.size(), file.size());
  EXPECT_TRUE(std::equal(ours.begin(), ours.begin() + 24, file.begin()));
  EXPECT_TRUE(std::equal(ours.begin() + 32, ours.end(), file.begin() + 32));
  WriteFile(dst, ours);
  EXPECT_EQ(RunCapture("ffprobe -v error -count_frames -show_entries "
                       "stream=codec_name,width,height,nb_read_frames -of "
                       "csv=p=0 " +
                       dst),
            "vp8,160,120,10");
}

TEST(MediaFilesFfmpegTest, H264AnnexBRoundTrip) {
  ASSERT_TRUE(HaveFfmpeg())
      << "ffmpeg/ffprobe not installed: tools/setup must install ffmpeg";
  const std::string src = TmpDir() + "/src.h264";
  const std::string dst = TmpDir() + "/ours.h264";
  ASSERT_EQ(std::system(("ffmpeg -y -loglevel error -f lavfi -i "
                         "testsrc=size=160x120:rate=10 -t 1 -c:v libx264 "
                         "-x264-params aud=1 -f h264 " +
                         src)
                            .c_str()),
            0);
  std::vector<uint8_t> file = ReadFile(src);
  // Split into access units at each AUD (type 9).
  std::vector<std::vector<AnnexBNal>> units;
  AnnexBReader reader(file);
  AnnexBWriter same;
  while (auto nal = reader.Next()) {
    same.WriteNal(nal->data, nal->start_code_size);
    if ((nal->data[0] & 0x1F) == 9 || units.empty()) units.emplace_back();
    units.back().push_back(*nal);
  }
  EXPECT_EQ(same.bytes(), file);
  ASSERT_EQ(units.size(), 10u);

  H264Payloader pay;
  H264Depacketizer dep;
  AnnexBWriter ours;
  for (const auto& au : units) {
    std::vector<uint8_t> frame, want;
    for (const auto& n : au) {
      frame.insert(frame.end(), {0, 0, 0, 1});
      frame.insert(frame.end(), n.data.begin(), n.data.end());
      if ((n.data[0] & 0x1F) == 9) continue;  // the payloader drops AUDs
      want.insert(want.end(), {0, 0, 0, 1});
      want.insert(want.end(), n.data.begin(), n.data.end());
    }
    std::vector<uint8_t> back = PayloadRoundTrip(pay, dep, frame, false);
    EXPECT_EQ(back, want);
    AnnexBReader r(back);
    while (auto n = r.Next()) ours.WriteNal(n->data);
  }
  WriteFile(dst, ours.bytes());
  EXPECT_EQ(RunCapture("ffprobe -v error -count_frames -show_entries "
                       "stream=codec_name,width,height,nb_read_frames -of "
                       "csv=p=0 " +
                       dst),
            "h264,160,120,10");
}

TEST(MediaFilesFfmpegTest, OggOpusRoundTrip) {
  ASSERT_TRUE(HaveFfmpeg())
      << "ffmpeg/ffprobe not installed: tools/setup must install ffmpeg";
  const std::string src = TmpDir() + "/src.opus";
  const std::string dst = TmpDir() + "/ours.opus";
  ASSERT_EQ(std::system(("ffmpeg -y -loglevel error -f lavfi -i "
                         "sine=frequency=440:duration=1 -c:a libopus "
                         "-frame_duration 20 -f ogg " +
                         src)
                            .c_str()),
            0);
  std::vector<uint8_t> file = ReadFile(src);
  auto reader = OggOpusReader::Open(file);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ(reader->head().channels, 1);
  OggOpusWriter writer(1234, reader->head());
  OpusPayloader pay;
  OpusDepacketizer dep;
  std::vector<std::vector<uint8_t>> packets;
  while (true) {
    auto p = reader->NextPacket();
    ASSERT_TRUE(p.ok()) << p.status();
    if (!p->has_value()) break;
    packets.push_back((*p)->data);
    std::vector<uint8_t> back = PayloadRoundTrip(pay, dep, (*p)->data);
    EXPECT_EQ(back, (*p)->data);
    writer.WritePacket(back, 960);  // 20 ms at 48 kHz
  }
  writer.Close();
  EXPECT_GE(packets.size(), 50u);
  WriteFile(dst, writer.bytes());
  auto again = OggOpusReader::Open(writer.bytes());
  ASSERT_TRUE(again.ok());
  for (const auto& want : packets) {
    auto p = again->NextPacket();
    ASSERT_TRUE(p.ok() && p->has_value());
    EXPECT_EQ((*p)->data, want);
  }
  EXPECT_EQ(RunCapture("ffprobe -v error -show_entries "
                       "stream=codec_name,channels -of csv=p=0 " +
                       dst),
            "opus,1");
  // ffmpeg decodes every packet we wrote.
  EXPECT_EQ(RunCapture("ffprobe -v error -count_packets -show_entries "
                       "stream=nb_read_packets -of csv=p=0 " +
                       dst),
            std::to_string(packets.size()));
}

}  // namespace
}  // namespace simrtc::media
