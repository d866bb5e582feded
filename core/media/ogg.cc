#include "core/media/ogg.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_format.h"
#include "core/media/le_io.h"

namespace simrtc::media {
namespace {

constexpr size_t kPageHeaderSize = 27;
constexpr size_t kMaxPageBody = 255 * 255;

constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t r = i << 24;
    for (int k = 0; k < 8; ++k) {
      r = (r & 0x80000000u) ? (r << 1) ^ 0x04C11DB7u : r << 1;
    }
    t[i] = r;
  }
  return t;
}
constexpr std::array<uint32_t, 256> kCrcTable = MakeCrcTable();

}  // namespace

uint32_t OggCrc32(ByteSpan data) {
  uint32_t crc = 0;
  for (uint8_t b : data) crc = (crc << 8) ^ kCrcTable[(crc >> 24) ^ b];
  return crc;
}

absl::StatusOr<OpusHead> ParseOpusHead(ByteSpan p) {
  if (p.size() < 19 || AsString(p.subspan(0, 8)) != "OpusHead") {
    return absl::InvalidArgumentError(absl::StrFormat(
        "OpusHead: %d bytes, need 19 starting with \"OpusHead\"", p.size()));
  }
  OpusHead h;
  h.version = p[8];
  h.channels = p[9];
  h.pre_skip = LoadLE16(&p[10]);
  h.input_sample_rate = LoadLE32(&p[12]);
  h.output_gain = static_cast<int16_t>(LoadLE16(&p[16]));
  h.mapping_family = p[18];
  if ((h.version >> 4) != 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "OpusHead version at offset 8: %d, major version must be 0",
        h.version));
  }
  if (h.channels == 0) {
    return absl::InvalidArgumentError("OpusHead channel count at offset 9: 0");
  }
  if (h.mapping_family != 0 && p.size() < 21u + h.channels) {
    return absl::InvalidArgumentError(
        absl::StrFormat("OpusHead channel mapping table: %d bytes, need %d",
                        p.size(), 21 + h.channels));
  }
  return h;
}

std::vector<uint8_t> SerializeOpusHead(const OpusHead& h) {
  std::vector<uint8_t> o = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd'};
  o.push_back(h.version);
  o.push_back(h.channels);
  AppendLE(o, h.pre_skip, 2);
  AppendLE(o, h.input_sample_rate, 4);
  AppendLE(o, static_cast<uint16_t>(h.output_gain), 2);
  o.push_back(0);  // mapping family 0: mono/stereo, no table
  return o;
}

absl::StatusOr<std::optional<OggPage>> OggReader::NextPage() {
  if (pos_ == file_.size()) return std::optional<OggPage>();
  const size_t at = pos_;
  const size_t left = file_.size() - at;
  if (left < kPageHeaderSize) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "Ogg page at offset %d: %d bytes left, header needs 27", at, left));
  }
  const uint8_t* p = file_.data() + at;
  if (AsString(file_.subspan(at, 4)) != "OggS") {
    return absl::InvalidArgumentError(absl::StrFormat(
        "Ogg page at offset %d: capture pattern is not \"OggS\"", at));
  }
  if (p[4] != 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "Ogg page at offset %d: stream structure version %d, expected 0", at,
        p[4]));
  }
  const size_t nsegs = p[26];
  if (left < kPageHeaderSize + nsegs) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "Ogg page at offset %d: segment table of %d entries truncated", at,
        nsegs));
  }
  OggPage page;
  page.header_type = p[5];
  page.granule_position = LoadLE64(p + 6);
  page.serial = LoadLE32(p + 14);
  page.sequence = LoadLE32(p + 18);
  const uint32_t crc = LoadLE32(p + 22);
  page.segment_table.assign(p + kPageHeaderSize, p + kPageHeaderSize + nsegs);
  size_t body = 0;
  for (uint8_t s : page.segment_table) body += s;
  const size_t total = kPageHeaderSize + nsegs + body;
  if (left < total) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "Ogg page at offset %d: body of %d bytes exceeds remaining %d", at,
        body, left - kPageHeaderSize - nsegs));
  }
  // The CRC covers the whole page with its own field zeroed.
  std::vector<uint8_t> copy(p, p + total);
  std::fill(copy.begin() + 22, copy.begin() + 26, 0);
  uint32_t want = OggCrc32(copy);
  if (want != crc) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "Ogg page at offset %d: CRC 0x%08x, computed 0x%08x", at, crc, want));
  }
  page.body = file_.subspan(at + kPageHeaderSize + nsegs, body);
  pos_ = at + total;
  return std::optional<OggPage>(std::move(page));
}

absl::StatusOr<std::optional<OggPacket>> OggReader::NextPacket() {
  while (ready_pos_ == ready_.size()) {
    ready_.clear();
    ready_pos_ = 0;
    auto page = NextPage();
    if (!page.ok()) return page.status();
    if (!page->has_value()) return std::optional<OggPacket>();
    const OggPage& pg = **page;
    if (!serial_) serial_ = pg.serial;
    if (pg.serial != *serial_) continue;
    if (!(pg.header_type & kOggContinued) && have_partial_) {
      // The continuation was lost; the fragment cannot be completed.
      partial_.clear();
      have_partial_ = false;
    }
    // A continued page without its start: skip up to the first packet end.
    bool skipping = (pg.header_type & kOggContinued) && !have_partial_;
    size_t off = 0;
    for (uint8_t seg : pg.segment_table) {
      if (!skipping) {
        partial_.insert(partial_.end(), pg.body.begin() + off,
                        pg.body.begin() + off + seg);
        have_partial_ = true;
      }
      off += seg;
      if (seg < 255) {
        if (!skipping) {
          ready_.push_back(
              OggPacket{std::move(partial_), pg.granule_position, pg.sequence});
          partial_.clear();
          have_partial_ = false;
        }
        skipping = false;
      }
    }
  }
  return std::optional<OggPacket>(std::move(ready_[ready_pos_++]));
}

absl::StatusOr<OggOpusReader> OggOpusReader::Open(ByteSpan file) {
  OggOpusReader r(file);
  auto head = r.reader_.NextPacket();
  if (!head.ok()) return head.status();
  if (!head->has_value()) {
    return absl::InvalidArgumentError("Ogg Opus: no OpusHead packet");
  }
  auto parsed = ParseOpusHead((*head)->data);
  if (!parsed.ok()) return parsed.status();
  r.head_ = *parsed;
  auto tags = r.reader_.NextPacket();
  if (!tags.ok()) return tags.status();
  if (!tags->has_value()) {
    return absl::InvalidArgumentError("Ogg Opus: no OpusTags packet");
  }
  ByteSpan t = (*tags)->data;
  if (t.size() < 12 || AsString(t.subspan(0, 8)) != "OpusTags") {
    return absl::InvalidArgumentError(
        "Ogg Opus second packet: expected \"OpusTags\" and a vendor length");
  }
  uint32_t vlen = LoadLE32(&t[8]);
  if (vlen > t.size() - 12) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "OpusTags vendor length at offset 8: %d exceeds remaining %d", vlen,
        t.size() - 12));
  }
  r.vendor_ = std::string(AsString(t.subspan(12, vlen)));
  size_t pos = 12 + size_t{vlen};
  if (t.size() - pos < 4) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "OpusTags comment count at offset %d: needs 4 bytes, %d remain", pos,
        t.size() - pos));
  }
  const uint32_t count = LoadLE32(&t[pos]);
  pos += 4;
  for (uint32_t i = 0; i < count; ++i) {
    if (t.size() - pos < 4) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "OpusTags comment %d length at offset %d: needs 4 bytes, %d remain",
          i, pos, t.size() - pos));
    }
    const uint32_t len = LoadLE32(&t[pos]);
    pos += 4;
    if (len > t.size() - pos) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "OpusTags comment %d at offset %d: length %d exceeds remaining %d", i,
          pos, len, t.size() - pos));
    }
    r.comments_.emplace_back(AsString(t.subspan(pos, len)));
    pos += len;
  }
  return r;
}

OggOpusWriter::OggOpusWriter(uint32_t serial, const OpusHead& head,
                             std::string vendor,
                             const std::vector<std::string>& comments)
    : serial_(serial) {
  WritePages(SerializeOpusHead(head), 0, kOggBos);
  std::vector<uint8_t> tags = {'O', 'p', 'u', 's', 'T', 'a', 'g', 's'};
  AppendLE(tags, vendor.size(), 4);
  tags.insert(tags.end(), vendor.begin(), vendor.end());
  AppendLE(tags, comments.size(), 4);
  for (const std::string& c : comments) {
    AppendLE(tags, c.size(), 4);
    tags.insert(tags.end(), c.begin(), c.end());
  }
  WritePages(tags, 0, 0);
}

void OggOpusWriter::WritePacket(ByteSpan packet, uint32_t samples) {
  granule_ += samples;
  WritePages(packet, granule_, 0);
}

void OggOpusWriter::WritePages(ByteSpan packet, uint64_t granule,
                               uint8_t first_flags) {
  size_t off = 0;
  bool first = true;
  // Lacing: 255-byte segments then one < 255 (possibly 0) ends the packet.
  // A page holds 255 segments; a longer packet continues on the next page.
  while (true) {
    size_t remaining = packet.size() - off;
    size_t take = std::min(remaining, kMaxPageBody);
    bool ends = remaining < kMaxPageBody;
    size_t nsegs = ends ? take / 255 + 1 : 255;
    last_page_ = out_.size();
    out_.insert(out_.end(), {'O', 'g', 'g', 'S', 0});
    out_.push_back(first ? first_flags : kOggContinued);
    // A page where no packet ends carries granule -1 (RFC 3533 section 6).
    AppendLE(out_, ends ? granule : ~uint64_t{0}, 8);
    AppendLE(out_, serial_, 4);
    AppendLE(out_, sequence_++, 4);
    AppendLE(out_, 0, 4);  // CRC, filled below
    out_.push_back(static_cast<uint8_t>(nsegs));
    for (size_t i = 0; i + 1 < nsegs; ++i) out_.push_back(255);
    out_.push_back(ends ? static_cast<uint8_t>(take % 255) : 255);
    out_.insert(out_.end(), packet.begin() + off, packet.begin() + off + take);
    StoreLE32(out_.data() + last_page_ + 22,
              OggCrc32(ByteSpan(out_).subspan(last_page_)));
    off += take;
    first = false;
    if (ends) break;
  }
}

void OggOpusWriter::Close() {
  if (closed_) return;
  closed_ = true;
  out_[last_page_ + 5] |= kOggEos;
  StoreLE32(out_.data() + last_page_ + 22, 0);
  StoreLE32(out_.data() + last_page_ + 22,
            OggCrc32(ByteSpan(out_).subspan(last_page_)));
}

}  // namespace simrtc::media
