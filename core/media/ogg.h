// Ogg bitstream pages (RFC 3533) and Ogg Opus encapsulation (RFC 7845).
//
// OggReader walks an in-memory file page by page, checking each page's
// CRC-32 (Ogg's: polynomial 0x04c11db7, MSB-first, no reflection, zero
// init and no final xor, unlike zlib's), and reassembles packets from
// segment tables, including packets continued across pages. Pages of
// other logical streams than the first are skipped.
//
// OggOpusWriter writes OpusHead (BOS page) and OpusTags, then one page per
// Opus packet with the granule position advanced by the packet's samples at
// 48 kHz; a packet of 255*255 bytes or more continues onto further pages.
// Close() rewrites the last page with the EOS flag. Everything is in
// memory: the caller does file I/O.
#ifndef CORE_MEDIA_OGG_H_
#define CORE_MEDIA_OGG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/byte_io.h"

namespace simrtc::media {

inline constexpr uint8_t kOggContinued = 0x01;
inline constexpr uint8_t kOggBos = 0x02;
inline constexpr uint8_t kOggEos = 0x04;

uint32_t OggCrc32(ByteSpan data);

struct OggPage {
  uint8_t header_type = 0;
  uint64_t granule_position = 0;
  uint32_t serial = 0;
  uint32_t sequence = 0;
  std::vector<uint8_t> segment_table;
  ByteSpan body;  // view into the reader's buffer
};

struct OggPacket {
  std::vector<uint8_t> data;
  // Granule position of the page on which the packet ends.
  uint64_t granule_position = 0;
  uint32_t page_sequence = 0;  // of that page
};

struct OpusHead {
  uint8_t version = 1;
  uint8_t channels = 2;
  uint16_t pre_skip = 312;
  uint32_t input_sample_rate = 48000;
  int16_t output_gain = 0;
  uint8_t mapping_family = 0;
};

// Parses an "OpusHead" packet (RFC 7845 section 5.1). Mapping family 0
// only needs the 19-byte fixed part; other families' tables are skipped.
absl::StatusOr<OpusHead> ParseOpusHead(ByteSpan packet);
std::vector<uint8_t> SerializeOpusHead(const OpusHead& head);

class OggReader {
 public:
  explicit OggReader(ByteSpan file) : file_(file) {}

  // The next page (of any stream); nullopt at the end of data. Errors name
  // the page offset: bad capture pattern, truncation, CRC mismatch.
  absl::StatusOr<std::optional<OggPage>> NextPage();
  // The next complete packet of the first logical stream.
  absl::StatusOr<std::optional<OggPacket>> NextPacket();

 private:
  ByteSpan file_;
  size_t pos_ = 0;
  std::optional<uint32_t> serial_;
  std::vector<OggPacket> ready_;  // complete packets not yet returned
  size_t ready_pos_ = 0;
  std::vector<uint8_t> partial_;
  bool have_partial_ = false;
};

// Reads OpusHead and OpusTags (vendor and user comments, RFC 7845 section
// 5.2; a comment list that overruns the packet is an error naming its
// offset), then yields audio packets.
class OggOpusReader {
 public:
  static absl::StatusOr<OggOpusReader> Open(ByteSpan file);
  const OpusHead& head() const { return head_; }
  const std::string& vendor() const { return vendor_; }
  // "NAME=value" strings, in file order.
  const std::vector<std::string>& comments() const { return comments_; }
  absl::StatusOr<std::optional<OggPacket>> NextPacket() {
    return reader_.NextPacket();
  }

 private:
  explicit OggOpusReader(ByteSpan file) : reader_(file) {}
  OggReader reader_;
  OpusHead head_;
  std::string vendor_;
  std::vector<std::string> comments_;
};

class OggOpusWriter {
 public:
  // `comments` ("NAME=value") go into OpusTags after the vendor string.
  OggOpusWriter(uint32_t serial, const OpusHead& head,
                std::string vendor = "simrtc",
                const std::vector<std::string>& comments = {});

  // `samples` at 48 kHz, whatever the input sample rate.
  void WritePacket(ByteSpan packet, uint32_t samples);
  // Marks the last page written EOS (the OpusTags page if no audio).
  void Close();
  const std::vector<uint8_t>& bytes() const { return out_; }

 private:
  void WritePages(ByteSpan packet, uint64_t granule, uint8_t first_flags);

  uint32_t serial_;
  uint32_t sequence_ = 0;
  uint64_t granule_ = 0;
  size_t last_page_ = 0;  // offset of the last page written
  bool closed_ = false;
  std::vector<uint8_t> out_;
};

}  // namespace simrtc::media

#endif  // CORE_MEDIA_OGG_H_
