// Fuzzes RtpPacketView::Parse. Whatever parses must convert to an owning
// RtpPacket, marshal, and parse back to the same fields; the typed
// extension parsers and the rtcp-mux classifier must accept any bytes.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "core/rtp/rtp_header_extensions.h"
#include "core/rtp/rtp_packet.h"
#include "core/rtp/rtp_rtcp_demux.h"

namespace {

using namespace simrtc::rtp;  // NOLINT: fuzz harness brevity

void Check(bool ok) {
  if (!ok) std::abort();
}

bool SameHeader(const RtpPacketView& a, const RtpPacketView& b) {
  if (a.marker() != b.marker() || a.payload_type() != b.payload_type() ||
      a.sequence_number() != b.sequence_number() ||
      a.timestamp() != b.timestamp() || a.ssrc() != b.ssrc() ||
      a.csrc_count() != b.csrc_count() ||
      a.padding_size() != b.padding_size() ||
      !std::ranges::equal(a.payload(), b.payload()) ||
      a.extension_count() != b.extension_count()) {
    return false;
  }
  for (size_t i = 0; i < a.csrc_count(); ++i) {
    if (a.csrc(i) != b.csrc(i)) return false;
  }
  for (size_t i = 0; i < a.extension_count(); ++i) {
    ExtensionElement x = a.extension(i);
    ExtensionElement y = b.extension(i);
    if (x.id != y.id || !std::ranges::equal(x.data, y.data)) return false;
  }
  if (a.extension_profile() == ExtensionProfile::kOther &&
      !std::ranges::equal(a.extension_block(), b.extension_block())) {
    return false;
  }
  return true;
}

void TouchTypedExtensions(const RtpPacketView& v) {
  for (size_t i = 0; i < v.extension_count() && i < 64; ++i) {
    simrtc::ByteSpan d = v.extension(i).data;
    (void)AbsSendTime::Parse(d);
    (void)AudioLevel::Parse(d);
    (void)TransportSequenceNumber::Parse(d);
    (void)VideoOrientation::Parse(d);
    auto mid = MidExtension::Parse(d);
    if (mid.ok()) {
      // A parsed string must write back to the same string.
      std::array<uint8_t, 255> buf;
      auto n = mid->WriteTo(buf);
      Check(n.ok() && *n == mid->value.size());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  simrtc::ByteSpan in(data, size);
  (void)ClassifyRtpRtcp(in);
  auto v = RtpPacketView::Parse(in);
  if (!v.ok()) {
    Check(!RtpPacket::Parse(in).ok());
    return 0;
  }
  Check(v->header_size() + v->payload().size() + v->padding_size() == size);
  for (uint8_t id : {1, 2, 3, 5, 14, 15, 200}) {
    auto e = v->GetExtension(id);
    if (e) Check(e->data() >= data && e->data() + e->size() <= data + size);
  }
  TouchTypedExtensions(*v);

  RtpPacket p = RtpPacket::FromView(*v);
  auto bytes = p.Marshal();
  Check(bytes.ok());
  Check(bytes->size() == p.MarshalSize());
  Check(bytes->size() <= size);  // padding bytes between elements are dropped
  auto v2 = RtpPacketView::Parse(*bytes);
  Check(v2.ok());
  Check(SameHeader(*v, *v2));
  Check(RtpPacket::FromView(*v2) == p);

  // Remarshalling into an exact-size buffer works; one byte less fails.
  std::vector<uint8_t> exact(bytes->size());
  auto n = p.MarshalTo(exact);
  Check(n.ok() && exact == *bytes);
  if (!exact.empty()) {
    auto short_n =
        p.MarshalTo(simrtc::MutableByteSpan(exact).first(exact.size() - 1));
    Check(!short_n.ok());
  }
  return 0;
}
