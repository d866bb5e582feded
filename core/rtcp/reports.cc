#include "core/rtcp/reports.h"

#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"

namespace simrtc::rtcp {
namespace {

using internal::FieldError;
using internal::MarshalError;
using internal::Truncated;

// Report blocks and profile extensions start at `rel` (offset within the
// packet) in `body` (which starts at packet offset 4).
absl::Status ParseBlocks(const RawPacket& raw, std::string_view name,
                         size_t fixed, std::vector<ReportBlock>& blocks,
                         std::vector<uint8_t>& extensions) {
  const ByteSpan body = raw.body;
  const size_t need = fixed + ReportBlock::kSize * raw.count;
  if (body.size() < need) {
    return Truncated(raw, name, absl::StrFormat("%d report blocks", raw.count),
                     kHeaderSize + fixed, need - fixed, body.size() - fixed);
  }
  blocks.resize(raw.count);
  const uint8_t* p = body.data() + fixed;
  for (ReportBlock& b : blocks) {
    b.source_ssrc = LoadBE32(p);
    b.fraction_lost = p[4];
    // Sign-extend the 24-bit field.
    b.cumulative_lost = static_cast<int32_t>(LoadBE24(p + 5) << 8) >> 8;
    b.extended_highest_sequence = LoadBE32(p + 8);
    b.jitter = LoadBE32(p + 12);
    b.last_sr = LoadBE32(p + 16);
    b.delay_since_last_sr = LoadBE32(p + 20);
    p += ReportBlock::kSize;
  }
  const size_t rest = body.size() - need;
  if (rest % 4 != 0) {
    return FieldError(raw, name, "profile extension", kHeaderSize + need,
                      absl::StrFormat("%d bytes is not a multiple of 4", rest));
  }
  extensions.assign(body.begin() + need, body.end());
  return absl::OkStatus();
}

absl::Status CheckBlocks(std::string_view name,
                         const std::vector<ReportBlock>& blocks,
                         const std::vector<uint8_t>& extensions) {
  if (blocks.size() > 31) {
    return MarshalError(
        name, absl::StrFormat("%d report blocks exceed 31", blocks.size()));
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    const int32_t lost = blocks[i].cumulative_lost;
    if (lost > ReportBlock::kMaxCumulativeLost ||
        lost < ReportBlock::kMinCumulativeLost) {
      return MarshalError(
          name, absl::StrFormat("report block %d: cumulative lost %d does not "
                                "fit 24 bits signed",
                                i, lost));
    }
  }
  if (extensions.size() % 4 != 0) {
    return MarshalError(name,
                        absl::StrFormat("profile extension of %d bytes is not "
                                        "a multiple of 4",
                                        extensions.size()));
  }
  return absl::OkStatus();
}

absl::Status WriteBlocks(ByteWriter& w, const std::vector<ReportBlock>& blocks,
                         const std::vector<uint8_t>& extensions) {
  for (const ReportBlock& b : blocks) {
    SIMRTC_RETURN_IF_ERROR(w.WriteU32(b.source_ssrc));
    SIMRTC_RETURN_IF_ERROR(w.WriteU8(b.fraction_lost));
    SIMRTC_RETURN_IF_ERROR(
        w.WriteU24(static_cast<uint32_t>(b.cumulative_lost) & 0xFFFFFF));
    SIMRTC_RETURN_IF_ERROR(w.WriteU32(b.extended_highest_sequence));
    SIMRTC_RETURN_IF_ERROR(w.WriteU32(b.jitter));
    SIMRTC_RETURN_IF_ERROR(w.WriteU32(b.last_sr));
    SIMRTC_RETURN_IF_ERROR(w.WriteU32(b.delay_since_last_sr));
  }
  return w.WriteBytes(extensions);
}

std::vector<uint32_t> BlockSources(const std::vector<ReportBlock>& blocks) {
  std::vector<uint32_t> out;
  out.reserve(blocks.size() + 1);
  for (const ReportBlock& b : blocks) out.push_back(b.source_ssrc);
  return out;
}

}  // namespace

absl::StatusOr<SenderReport> SenderReport::Parse(const RawPacket& raw) {
  constexpr size_t kFixed = 24;
  if (raw.body.size() < kFixed) {
    return Truncated(raw, kName, "sender info", kHeaderSize, kFixed,
                     raw.body.size());
  }
  const uint8_t* p = raw.body.data();
  SenderReport sr;
  sr.sender_ssrc = LoadBE32(p);
  sr.ntp_timestamp = LoadBE64(p + 4);
  sr.rtp_timestamp = LoadBE32(p + 12);
  sr.packet_count = LoadBE32(p + 16);
  sr.octet_count = LoadBE32(p + 20);
  SIMRTC_RETURN_IF_ERROR(
      ParseBlocks(raw, kName, kFixed, sr.report_blocks, sr.profile_extensions));
  return sr;
}

size_t SenderReport::MarshalSize() const {
  return kHeaderSize + 24 + ReportBlock::kSize * report_blocks.size() +
         profile_extensions.size();
}

absl::Status SenderReport::MarshalTo(ByteWriter& w) const {
  SIMRTC_RETURN_IF_ERROR(CheckBlocks(kName, report_blocks, profile_extensions));
  const size_t size = MarshalSize();
  SIMRTC_RETURN_IF_ERROR(internal::CheckPacketSize(kName, size));
  SIMRTC_RETURN_IF_ERROR(internal::WriteHeader(
      w, false, static_cast<uint8_t>(report_blocks.size()), kPacketTypeSr,
      size));
  SIMRTC_RETURN_IF_ERROR(w.WriteU32(sender_ssrc));
  SIMRTC_RETURN_IF_ERROR(w.WriteU64(ntp_timestamp));
  SIMRTC_RETURN_IF_ERROR(w.WriteU32(rtp_timestamp));
  SIMRTC_RETURN_IF_ERROR(w.WriteU32(packet_count));
  SIMRTC_RETURN_IF_ERROR(w.WriteU32(octet_count));
  return WriteBlocks(w, report_blocks, profile_extensions);
}

std::vector<uint32_t> SenderReport::DestinationSsrcs() const {
  std::vector<uint32_t> out = BlockSources(report_blocks);
  out.push_back(sender_ssrc);
  return out;
}

absl::StatusOr<ReceiverReport> ReceiverReport::Parse(const RawPacket& raw) {
  constexpr size_t kFixed = 4;
  if (raw.body.size() < kFixed) {
    return Truncated(raw, kName, "sender SSRC", kHeaderSize, kFixed,
                     raw.body.size());
  }
  ReceiverReport rr;
  rr.sender_ssrc = LoadBE32(raw.body.data());
  SIMRTC_RETURN_IF_ERROR(
      ParseBlocks(raw, kName, kFixed, rr.report_blocks, rr.profile_extensions));
  return rr;
}

size_t ReceiverReport::MarshalSize() const {
  return kHeaderSize + 4 + ReportBlock::kSize * report_blocks.size() +
         profile_extensions.size();
}

absl::Status ReceiverReport::MarshalTo(ByteWriter& w) const {
  SIMRTC_RETURN_IF_ERROR(CheckBlocks(kName, report_blocks, profile_extensions));
  const size_t size = MarshalSize();
  SIMRTC_RETURN_IF_ERROR(internal::CheckPacketSize(kName, size));
  SIMRTC_RETURN_IF_ERROR(internal::WriteHeader(
      w, false, static_cast<uint8_t>(report_blocks.size()), kPacketTypeRr,
      size));
  SIMRTC_RETURN_IF_ERROR(w.WriteU32(sender_ssrc));
  return WriteBlocks(w, report_blocks, profile_extensions);
}

std::vector<uint32_t> ReceiverReport::DestinationSsrcs() const {
  return BlockSources(report_blocks);
}

}  // namespace simrtc::rtcp
