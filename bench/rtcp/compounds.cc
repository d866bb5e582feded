#include "bench/rtcp/compounds.h"

#include <cstdint>
#include <vector>

#include "core/base/time.h"

namespace simrtc::rtcp {

std::vector<Packet> SrSdesRemb() {
  SenderReport sr;
  sr.sender_ssrc = 0x11111111;
  sr.ntp_timestamp = 0xE12345678ABCDEF0;
  sr.rtp_timestamp = 3653407706u;
  sr.packet_count = 12345;
  sr.octet_count = 14000000;
  sr.report_blocks.push_back(
      {0x22222222, 3, 120, 0x1A2B3, 40, 0x45678ABC, 0x8000});
  SourceDescription sdes;
  sdes.chunks.push_back({0x11111111, {{kSdesCname, "4TOk42mSjXCkVIa6"}}});
  Remb remb{0x11111111, 2500000, {0x22222222}};
  return {sr, sdes, remb};
}

std::vector<Packet> RrNackTwcc() {
  ReceiverReport rr;
  rr.sender_ssrc = 1;
  rr.report_blocks.push_back(
      {0x22222222, 3, 120, 0x1A2B3, 40, 0x45678ABC, 0x8000});
  GenericNack nack{1, 0x22222222,
                   SequenceNumbersToNackPairs(
                       std::vector<uint16_t>{1000, 1002, 1003, 1030})};
  std::vector<ReceivedPacket> rx;
  for (int i = 0; i < 50; ++i) {
    if (i == 17 || i == 31) continue;
    rx.push_back({static_cast<uint16_t>(5000 + i),
                  Timestamp::Micros(10000000 + 2000 * i + (i % 3) * 250)});
  }
  auto twcc = BuildTransportCcFeedback(1, 0x22222222, 9, rx);
  return {rr, nack, *twcc};
}

}  // namespace simrtc::rtcp
