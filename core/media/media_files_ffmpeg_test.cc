// End-to-end checks against real encoder output made at test time with
// Debian's ffmpeg: read with our readers, packetize every frame into RTP
// and reassemble it with a SampleBuilder (the path a receiver takes), write
// it back with our writers, compare with the source, and have ffprobe
// accept what our writers produced.
//
// ffmpeg, ffprobe or one of the encoders (libvpx, libvpx-vp9, libaom-av1,
// libx264, libx265, libopus) missing is a FAILURE, not a skip: tools/setup
// must install Debian's ffmpeg, which has them all.
//
// What "the same file" means per format:
//  * IVF (VP8, VP9, AV1), H.264 and H.265 Annex-B, and Ogg Opus muxed one
//    packet per page: byte for byte. For AV1 the receiver puts back the
//    temporal delimiter OBU the RTP payload format drops (one per temporal
//    unit, always 0x12 0x00); for Annex-B it writes the 4-byte start code
//    where the standards require one (parameter sets, first NAL unit of an
//    access unit) and 3 bytes elsewhere, which is exactly what x264 and
//    x265 do.
//  * H.264 with access unit delimiters: the payloader drops AUDs (as
//    RFC 6184 senders commonly do), so the result is the source minus its
//    AUDs, NAL unit for NAL unit.
//  * Ogg Opus as ffmpeg muxes it by default: not byte for byte, legitimately.
//    ffmpeg packs up to a second of packets per page and picks a random
//    serial number, while our writer puts one packet per page; the page
//    layout is a muxer choice that RTP does not carry. What must match is
//    the content: OpusHead, vendor and comments, every packet byte for
//    byte, the granule position wherever a source page ends (so the
//    pre-skip and the end trimming survive), and the decoded audio.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "core/base/rng.h"
#include "core/media/annexb.h"
#include "core/media/av1.h"
#include "core/media/h264.h"
#include "core/media/h265.h"
#include "core/media/ivf.h"
#include "core/media/ogg.h"
#include "core/media/opus.h"
#include "core/media/packetizer.h"
#include "core/media/sample_builder.h"
#include "core/media/vp8.h"
#include "core/media/vp9.h"
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

// Fails (never skips) unless ffmpeg, ffprobe and `encoder` are there.
::testing::AssertionResult HaveEncoder(const std::string& encoder) {
  if (!HaveFfmpeg()) {
    return ::testing::AssertionFailure()
           << "ffmpeg/ffprobe not installed: tools/setup must install ffmpeg";
  }
  const std::string list = RunCapture("ffmpeg -hide_banner -encoders 2>&1");
  if (list.find(" " + encoder + " ") == std::string::npos) {
    return ::testing::AssertionFailure()
           << "ffmpeg has no " << encoder
           << " encoder: install Debian's ffmpeg (tools/setup)";
  }
  return ::testing::AssertionSuccess();
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::string& path, const std::vector<uint8_t>& b) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), b.size());
}

std::string Probe(const std::string& path) {
  return RunCapture(
      "ffprobe -v error -count_frames -show_entries "
      "stream=codec_name,width,height,nb_read_frames -of csv=p=0 " +
      path);
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

struct RtpFrame {
  std::vector<uint8_t> data;
  uint32_t samples = 0;  // RTP clock ticks until the next frame
};

// Sends `frames` through a Packetizer (1200-byte packets) and reassembles
// them with a SampleBuilder. A receiver can only release a frame once a
// later one has started, so `sentinel` (a tiny frame the payloader
// accepts) is sent last to release the real last frame; it is not
// returned. Returns the samples with their RTP timestamps rebased to 0.
std::vector<Sample> ThroughRtp(std::unique_ptr<Payloader> payloader,
                               std::unique_ptr<Depacketizer> depacketizer,
                               const std::vector<RtpFrame>& frames,
                               const std::vector<uint8_t>& sentinel) {
  std::vector<Sample> out;
  Rng rng(7);
  Packetizer packetizer(
      {.mtu = 1200, .payload_type = 96, .ssrc = 1, .clock_rate = 90000},
      std::move(payloader), rng);
  const uint32_t first_ts = packetizer.timestamp();
  SampleBuilder builder(500, std::move(depacketizer), 90000);
  size_t packets_sent = 0;
  auto send = [&](ByteSpan data, uint32_t samples) {
    auto packets = packetizer.Packetize(Timestamp::Zero(), data, samples);
    ASSERT_TRUE(packets.ok()) << packets.status();
    ASSERT_FALSE(packets->empty());
    for (const auto& p : *packets) {
      auto wire = p.Marshal();
      ASSERT_TRUE(wire.ok()) << wire.status();
      EXPECT_LE(wire->size(), 1200u);
      auto view = rtp::RtpPacketView::Parse(*wire);
      ASSERT_TRUE(view.ok()) << view.status();
      builder.Push(*view);
      ++packets_sent;
      while (auto s = builder.Pop()) {
        s->packet_timestamp -= first_ts;
        out.push_back(std::move(*s));
      }
    }
  };
  for (const RtpFrame& f : frames) {
    send(f.data, f.samples);
    if (::testing::Test::HasFatalFailure()) return out;
  }
  send(sentinel, 1);
  EXPECT_EQ(builder.total_dropped_packets(), 0u);
  EXPECT_GT(packets_sent, frames.size()) << "no frame was fragmented";
  return out;
}

// ------------------------------------------------------------------- IVF

struct IvfCase {
  std::string encoder;        // ffmpeg encoder name
  std::string encoder_flags;  // extra ffmpeg flags
  std::string fourcc;
  std::string probe_codec;  // ffprobe codec_name
  std::function<std::unique_ptr<Payloader>()> payloader;
  std::function<std::unique_ptr<Depacketizer>()> depacketizer;
  std::vector<uint8_t> sentinel;
  // Receiver side: turns a reassembled sample into an IVF frame.
  std::function<std::vector<uint8_t>(const std::vector<uint8_t>&)> to_file =
      [](const std::vector<uint8_t>& s) { return s; };
};

// file -> frames -> RTP -> frames -> file, byte for byte, then ffprobe.
void IvfRoundTrip(const IvfCase& c) {
  ASSERT_TRUE(HaveEncoder(c.encoder));
  const std::string src = TmpDir() + "/src_" + c.encoder + ".ivf";
  const std::string dst = TmpDir() + "/ours_" + c.encoder + ".ivf";
  ASSERT_EQ(std::system(("ffmpeg -y -loglevel error -f lavfi -i "
                         "testsrc=size=320x240:rate=10 -t 1 -c:v " +
                         c.encoder + " " + c.encoder_flags + " -f ivf " + src)
                            .c_str()),
            0)
      << c.encoder;
  const std::vector<uint8_t> file = ReadFile(src);
  auto reader = IvfReader::Open(file);
  ASSERT_TRUE(reader.ok()) << reader.status();
  const IvfFileHeader& h = reader->header();
  EXPECT_EQ(h.fourcc, c.fourcc);
  EXPECT_EQ(h.width, 320);
  EXPECT_EQ(h.height, 240);
  // RTP ticks (90 kHz) per IVF time base unit.
  ASSERT_EQ(90000ull * h.timebase_numerator % h.timebase_denominator, 0u);
  const uint32_t ticks =
      90000ull * h.timebase_numerator / h.timebase_denominator;

  std::vector<IvfFrame> frames;
  while (true) {
    auto f = reader->Next();
    ASSERT_TRUE(f.ok()) << f.status();
    if (!f->has_value()) break;
    frames.push_back(**f);
  }
  ASSERT_EQ(frames.size(), 10u);
  std::vector<RtpFrame> rtp_frames;
  for (size_t i = 0; i < frames.size(); ++i) {
    const uint64_t next = i + 1 < frames.size() ? frames[i + 1].timestamp
                                                : frames[i].timestamp + 1;
    rtp_frames.push_back(
        {std::vector<uint8_t>(frames[i].data.begin(), frames[i].data.end()),
         static_cast<uint32_t>((next - frames[i].timestamp) * ticks)});
  }
  std::vector<Sample> samples =
      ThroughRtp(c.payloader(), c.depacketizer(), rtp_frames, c.sentinel);
  ASSERT_EQ(samples.size(), frames.size());

  // The receiver's file: the source's header, each frame at the time its
  // RTP timestamp says.
  auto writer = IvfWriter::Create(h);
  ASSERT_TRUE(writer.ok()) << writer.status();
  const uint64_t t0 = frames.front().timestamp;
  for (const Sample& s : samples) {
    writer->WriteFrame(t0 + s.packet_timestamp / ticks, c.to_file(s.data));
  }
  const std::vector<uint8_t>& ours = writer->bytes();
  EXPECT_EQ(ours.size(), file.size());
  EXPECT_TRUE(ours == file) << c.encoder << ": files differ";
  WriteFile(dst, ours);
  EXPECT_EQ(Probe(dst), c.probe_codec + ",320,240,10");
}

TEST(MediaFilesFfmpegTest, Vp8IvfRoundTrip) {
  ASSERT_TRUE(HaveEncoder("libvpx"));
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

  // Byte for byte, header included (ffmpeg's IVF muxer, like ours, puts
  // the frame count in the header and zero in the word after it).
  const std::vector<uint8_t>& ours = writer->bytes();
  ASSERT_EQ(ours.size(), file.size());
  EXPECT_TRUE(ours == file) << "VP8 IVF files differ";
  WriteFile(dst, ours);
  EXPECT_EQ(Probe(dst), "vp8,160,120,10");
}

TEST(MediaFilesFfmpegTest, Vp9IvfRoundTrip) {
  IvfCase c;
  c.encoder = "libvpx-vp9";
  c.fourcc = kIvfFourccVp9;
  c.probe_codec = "vp9";
  c.payloader = [] { return std::make_unique<Vp9Payloader>(); };
  c.depacketizer = [] { return std::make_unique<Vp9Depacketizer>(); };
  c.sentinel = {0x00};
  IvfRoundTrip(c);
}

TEST(MediaFilesFfmpegTest, Av1IvfRoundTrip) {
  IvfCase c;
  c.encoder = "libaom-av1";
  c.encoder_flags = "-cpu-used 8";
  c.fourcc = kIvfFourccAv1;
  c.probe_codec = "av1";
  c.payloader = [] { return std::make_unique<Av1Payloader>(); };
  c.depacketizer = [] { return std::make_unique<Av1Depacketizer>(); };
  // A padding OBU (type 15, with size field, one byte of payload).
  c.sentinel = {0x7A, 0x01, 0x00};
  // The payload format drops temporal delimiters; a temporal unit in a
  // file starts with one.
  c.to_file = [](const std::vector<uint8_t>& s) {
    std::vector<uint8_t> tu = {0x12, 0x00};
    tu.insert(tu.end(), s.begin(), s.end());
    return tu;
  };
  IvfRoundTrip(c);
}

// -------------------------------------------------------------- Annex-B

enum class NalCodec { kH264, kH265 };

uint8_t NalType(NalCodec codec, ByteSpan nal) {
  return codec == NalCodec::kH264 ? nal[0] & 0x1F : (nal[0] >> 1) & 0x3F;
}

bool IsVcl(NalCodec codec, uint8_t type) {
  return codec == NalCodec::kH264 ? type >= 1 && type <= 5 : type <= 31;
}

bool IsParameterSet(NalCodec codec, uint8_t type) {
  return codec == NalCodec::kH264 ? type == 7 || type == 8
                                  : type >= 32 && type <= 34;
}

// Access units of an Annex-B stream, by the rules of H.264 7.4.1.2.3 and
// H.265 7.4.2.4.4: after a picture's VCL NAL units, an AUD, a parameter
// set, a prefix SEI (and the reserved types that behave alike), or the
// first slice of the next picture starts a new access unit. The first
// slice has first_mb_in_slice = 0 (H.264: the slice header's first bit,
// ue(v) of 0, is 1) or first_slice_segment_in_pic_flag = 1 (H.265: the
// first bit after the 2-byte NAL header).
std::vector<std::vector<ByteSpan>> SplitAccessUnits(NalCodec codec,
                                                    ByteSpan stream) {
  std::vector<std::vector<ByteSpan>> units;
  bool vcl_seen = false;
  AnnexBReader reader(stream);
  while (auto nal = reader.Next()) {
    const uint8_t t = NalType(codec, nal->data);
    bool starts_unit;
    if (IsVcl(codec, t)) {
      const size_t header = codec == NalCodec::kH264 ? 1 : 2;
      starts_unit = nal->data.size() > header && (nal->data[header] & 0x80);
    } else if (codec == NalCodec::kH264) {
      starts_unit =
          t == 6 || t == 7 || t == 8 || t == 9 || (t >= 14 && t <= 18);
    } else {
      starts_unit = (t >= 32 && t <= 35) || t == 39 || (t >= 41 && t <= 44) ||
                    (t >= 48 && t <= 55);
    }
    if (units.empty() || (vcl_seen && starts_unit)) {
      units.emplace_back();
      vcl_seen = false;
    }
    units.back().push_back(nal->data);
    vcl_seen |= IsVcl(codec, t);
  }
  return units;
}

// Writes one access unit with the start codes H.264 B.1.2 / H.265 B.2.2
// require (zero_byte before parameter sets and the first NAL unit of an
// access unit) and 3-byte ones elsewhere.
void WriteAccessUnit(NalCodec codec, ByteSpan annexb, AnnexBWriter& w) {
  AnnexBReader r(annexb);
  bool first = true;
  while (auto n = r.Next()) {
    const bool long_code =
        first || IsParameterSet(codec, NalType(codec, n->data));
    w.WriteNal(n->data, long_code ? 4 : 3);
    first = false;
  }
}

std::vector<uint8_t> ToAnnexB(const std::vector<ByteSpan>& nals) {
  std::vector<uint8_t> out;
  for (ByteSpan n : nals) {
    out.insert(out.end(), {0, 0, 0, 1});
    out.insert(out.end(), n.begin(), n.end());
  }
  return out;
}

// file -> access units -> RTP -> access units -> file, byte for byte.
void AnnexBRoundTrip(NalCodec codec, const std::string& encoder,
                     const std::string& flags, const std::string& format,
                     const std::string& probe_codec,
                     std::unique_ptr<Payloader> payloader,
                     std::unique_ptr<Depacketizer> depacketizer,
                     const std::vector<uint8_t>& sentinel) {
  ASSERT_TRUE(HaveEncoder(encoder));
  const std::string src = TmpDir() + "/src_" + encoder + "." + format;
  const std::string dst = TmpDir() + "/ours_" + encoder + "." + format;
  ASSERT_EQ(std::system(("ffmpeg -y -loglevel error -f lavfi -i "
                         "testsrc=size=320x240:rate=10 -t 1 -c:v " +
                         encoder + " " + flags + " -f " + format + " " + src)
                            .c_str()),
            0)
      << encoder;
  const std::vector<uint8_t> file = ReadFile(src);
  const std::vector<std::vector<ByteSpan>> units =
      SplitAccessUnits(codec, file);
  ASSERT_EQ(units.size(), 10u);
  std::vector<RtpFrame> frames;
  for (const auto& au : units) frames.push_back({ToAnnexB(au), 9000});
  std::vector<Sample> samples = ThroughRtp(
      std::move(payloader), std::move(depacketizer), frames, sentinel);
  ASSERT_EQ(samples.size(), units.size());
  AnnexBWriter ours;
  for (size_t i = 0; i < samples.size(); ++i) {
    EXPECT_EQ(samples[i].packet_timestamp, 9000u * i);
    EXPECT_EQ(samples[i].data, frames[i].data) << "access unit " << i;
    WriteAccessUnit(codec, samples[i].data, ours);
  }
  EXPECT_EQ(ours.bytes().size(), file.size());
  EXPECT_TRUE(ours.bytes() == file) << encoder << ": streams differ";
  WriteFile(dst, ours.bytes());
  EXPECT_EQ(Probe(dst), probe_codec + ",320,240,10");
}

TEST(MediaFilesFfmpegTest, H264AnnexBRoundTripByteExact) {
  // End of sequence NAL (type 10) as the sentinel.
  AnnexBRoundTrip(NalCodec::kH264, "libx264", "", "h264", "h264",
                  std::make_unique<H264Payloader>(),
                  std::make_unique<H264Depacketizer>(), {0, 0, 0, 1, 0x0A});
}

TEST(MediaFilesFfmpegTest, H265AnnexBRoundTripByteExact) {
  // End of sequence NAL (type 36) as the sentinel.
  AnnexBRoundTrip(NalCodec::kH265, "libx265", "-x265-params log-level=error",
                  "hevc", "hevc", std::make_unique<H265Payloader>(),
                  std::make_unique<H265Depacketizer>(),
                  {0, 0, 0, 1, 0x48, 0x01});
}

// With access unit delimiters the payloader drops them, so the stream we
// get back is the source without its AUDs, NAL unit for NAL unit.
TEST(MediaFilesFfmpegTest, H264AnnexBWithAudsRoundTrip) {
  ASSERT_TRUE(HaveEncoder("libx264"));
  const std::string src = TmpDir() + "/src_aud.h264";
  const std::string dst = TmpDir() + "/ours_aud.h264";
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
  AnnexBWriter ours, want_stream;
  for (const auto& au : units) {
    std::vector<uint8_t> frame, want;
    for (const auto& n : au) {
      frame.insert(frame.end(), {0, 0, 0, 1});
      frame.insert(frame.end(), n.data.begin(), n.data.end());
      if ((n.data[0] & 0x1F) == 9) continue;  // the payloader drops AUDs
      want.insert(want.end(), {0, 0, 0, 1});
      want.insert(want.end(), n.data.begin(), n.data.end());
      want_stream.WriteNal(n.data);
    }
    std::vector<uint8_t> back = PayloadRoundTrip(pay, dep, frame, false);
    EXPECT_EQ(back, want);
    AnnexBReader r(back);
    while (auto n = r.Next()) ours.WriteNal(n->data);
  }
  EXPECT_TRUE(ours.bytes() == want_stream.bytes());
  WriteFile(dst, ours.bytes());
  EXPECT_EQ(Probe(dst), "h264,160,120,10");
}

// ------------------------------------------------------------------ Ogg

struct OggSource {
  std::vector<uint8_t> file;
  std::vector<OggPacket> packets;  // audio packets
  OpusHead head;
  std::string vendor;
  std::vector<std::string> comments;
  uint32_t serial = 0;
};

void ReadOggSource(const std::string& path, OggSource& s) {
  s.file = ReadFile(path);
  auto reader = OggOpusReader::Open(s.file);
  ASSERT_TRUE(reader.ok()) << reader.status();
  s.head = reader->head();
  s.vendor = reader->vendor();
  s.comments = reader->comments();
  while (true) {
    auto p = reader->NextPacket();
    ASSERT_TRUE(p.ok()) << p.status();
    if (!p->has_value()) break;
    s.packets.push_back(std::move(**p));
  }
  OggReader pages(s.file);
  auto first = pages.NextPage();
  ASSERT_TRUE(first.ok() && first->has_value());
  s.serial = (*first)->serial;
}

// Sample counts per packet for the writer: each packet's own duration
// (from its TOC), except that the last one ends where the source's final
// granule position says (Ogg Opus trims the encoder's padding there).
std::vector<uint32_t> PacketDurations(const OggSource& s) {
  std::vector<uint32_t> d;
  uint64_t total = 0;
  for (const OggPacket& p : s.packets) {
    auto n = OpusPacketSamples(p.data);
    EXPECT_TRUE(n.ok()) << n.status();
    d.push_back(n.ok() ? *n : 0);
    total += d.back();
  }
  if (!d.empty()) {
    const uint64_t end = s.packets.back().granule_position;
    EXPECT_LE(end, total);
    EXPECT_GT(end, total - d.back()) << "trimmed more than the last packet";
    d.back() -= static_cast<uint32_t>(total - end);
  }
  return d;
}

// Packets -> RTP (Opus payloader, SampleBuilder) -> packets.
std::vector<std::vector<uint8_t>> OpusThroughRtp(
    const OggSource& s, const std::vector<uint32_t>& durations) {
  std::vector<RtpFrame> frames;
  for (size_t i = 0; i < s.packets.size(); ++i) {
    frames.push_back({s.packets[i].data, durations[i]});
  }
  std::vector<std::vector<uint8_t>> out;
  // Opus packets are never fragmented: ThroughRtp's fragmentation check
  // does not apply, so run the same path inline.
  Rng rng(3);
  Packetizer packetizer(
      {.mtu = 1200, .payload_type = 111, .ssrc = 2, .clock_rate = 48000},
      std::make_unique<OpusPayloader>(), rng);
  SampleBuilder builder(100, std::make_unique<OpusDepacketizer>(), 48000);
  frames.push_back({{0xF8, 0x00}, 960});  // sentinel
  for (const RtpFrame& f : frames) {
    auto packets = packetizer.Packetize(Timestamp::Zero(), f.data, f.samples);
    EXPECT_TRUE(packets.ok()) << packets.status();
    if (!packets.ok()) return out;
    for (const auto& p : *packets) {
      builder.Push(p);
      while (auto smp = builder.Pop()) out.push_back(std::move(smp->data));
    }
  }
  return out;
}

TEST(MediaFilesFfmpegTest, OggOpusOnePacketPerPageRoundTripByteExact) {
  ASSERT_TRUE(HaveEncoder("libopus"));
  const std::string src = TmpDir() + "/src_paged.opus";
  const std::string dst = TmpDir() + "/ours_paged.opus";
  // One 20 ms packet per page, and with bitexact a fixed serial number
  // (0) and OpusTags without version numbers.
  ASSERT_EQ(std::system(("ffmpeg -y -loglevel error -f lavfi -i "
                         "sine=frequency=440:duration=1 -c:a libopus "
                         "-frame_duration 20 -page_duration 20000 "
                         "-fflags +bitexact -flags:a +bitexact -f ogg " +
                         src)
                            .c_str()),
            0);
  OggSource s;
  ASSERT_NO_FATAL_FAILURE(ReadOggSource(src, s));
  ASSERT_GE(s.packets.size(), 50u);
  // The per-packet durations agree with the source's granule positions.
  const std::vector<uint32_t> durations = PacketDurations(s);
  uint64_t granule = 0;
  for (size_t i = 0; i < s.packets.size(); ++i) {
    granule += durations[i];
    EXPECT_EQ(s.packets[i].granule_position, granule) << "packet " << i;
  }
  const std::vector<std::vector<uint8_t>> back = OpusThroughRtp(s, durations);
  ASSERT_EQ(back.size(), s.packets.size());
  OggOpusWriter writer(s.serial, s.head, s.vendor, s.comments);
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i], s.packets[i].data) << "packet " << i;
    writer.WritePacket(back[i], durations[i]);
  }
  writer.Close();
  EXPECT_EQ(writer.bytes().size(), s.file.size());
  EXPECT_TRUE(writer.bytes() == s.file) << "Ogg files differ";
  WriteFile(dst, writer.bytes());
  EXPECT_EQ(RunCapture("ffprobe -v error -count_packets -show_entries "
                       "stream=codec_name,channels,nb_read_packets -of "
                       "csv=p=0 " +
                       dst),
            "opus,1," + std::to_string(s.packets.size()));
}

TEST(MediaFilesFfmpegTest, OggOpusDefaultMuxingRoundTripSameContent) {
  ASSERT_TRUE(HaveEncoder("libopus"));
  const std::string src = TmpDir() + "/src.opus";
  const std::string dst = TmpDir() + "/ours.opus";
  ASSERT_EQ(std::system(("ffmpeg -y -loglevel error -f lavfi -i "
                         "sine=frequency=440:duration=1 -c:a libopus "
                         "-frame_duration 20 -f ogg " +
                         src)
                            .c_str()),
            0);
  OggSource s;
  ASSERT_NO_FATAL_FAILURE(ReadOggSource(src, s));
  EXPECT_EQ(s.head.channels, 1);
  ASSERT_GE(s.packets.size(), 50u);
  const std::vector<uint32_t> durations = PacketDurations(s);
  const std::vector<std::vector<uint8_t>> back = OpusThroughRtp(s, durations);
  ASSERT_EQ(back.size(), s.packets.size());
  OggOpusWriter writer(1234, s.head, s.vendor, s.comments);
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i], s.packets[i].data) << "packet " << i;
    writer.WritePacket(back[i], durations[i]);
  }
  writer.Close();
  WriteFile(dst, writer.bytes());

  // Same content: header, tags, packets, and the granule position at every
  // point where a source page ends (ours ends a page after every packet).
  auto again = OggOpusReader::Open(writer.bytes());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(SerializeOpusHead(again->head()), SerializeOpusHead(s.head));
  EXPECT_EQ(again->vendor(), s.vendor);
  EXPECT_EQ(again->comments(), s.comments);
  size_t source_pages_ending = 0;
  for (size_t i = 0; i < s.packets.size(); ++i) {
    auto p = again->NextPacket();
    ASSERT_TRUE(p.ok() && p->has_value()) << "packet " << i;
    EXPECT_EQ((*p)->data, s.packets[i].data) << "packet " << i;
    const bool source_page_ends =
        i + 1 == s.packets.size() ||
        s.packets[i + 1].page_sequence != s.packets[i].page_sequence;
    if (source_page_ends) {
      ++source_pages_ending;
      EXPECT_EQ((*p)->granule_position, s.packets[i].granule_position)
          << "packet " << i;
    }
  }
  EXPECT_GE(source_pages_ending, 1u);
  auto end = again->NextPacket();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
  EXPECT_EQ(RunCapture("ffprobe -v error -count_packets -show_entries "
                       "stream=codec_name,channels,nb_read_packets -of "
                       "csv=p=0 " +
                       dst),
            "opus,1," + std::to_string(s.packets.size()));
  // ffmpeg decodes both files to the same audio, sample for sample (same
  // packets, pre-skip and end trimming).
  auto pcm_md5 = [](const std::string& f) {
    return RunCapture("ffmpeg -v error -i " + f +
                      " -f s16le -acodec pcm_s16le - | md5sum");
  };
  const std::string want = pcm_md5(src);
  EXPECT_EQ(want.size(), 35u) << want;  // "<32 hex digits>  -"
  EXPECT_EQ(pcm_md5(dst), want);
}

}  // namespace
}  // namespace simrtc::media
