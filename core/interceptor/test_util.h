// Helpers shared by the interceptor tests.
#ifndef CORE_INTERCEPTOR_TEST_UTIL_H_
#define CORE_INTERCEPTOR_TEST_UTIL_H_

#include <vector>

#include "core/interceptor/interceptor.h"
#include "core/rtp/rtp_packet.h"
#include "gtest/gtest.h"

namespace simrtc::interceptor::testing {

inline rtp::RtpPacket MakeRtp(uint32_t ssrc, uint16_t seq, uint32_t ts = 0,
                              size_t payload = 100) {
  rtp::RtpPacket p;
  p.set_ssrc(ssrc);
  p.set_sequence_number(seq);
  p.set_timestamp(ts);
  p.set_payload_type(96);
  std::vector<uint8_t> bytes(payload, 0x5A);
  p.set_payload(bytes);
  return p;
}

// Marshals and parses, as the owner would on receive, then delivers.
inline void DeliverRtp(Interceptor& i, Timestamp now, const rtp::RtpPacket& p) {
  auto bytes = p.Marshal();
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto view = rtp::RtpPacketView::Parse(*bytes);
  ASSERT_TRUE(view.ok()) << view.status();
  i.OnIncomingRtp(now, *view);
}

inline void DeliverRtcp(Interceptor& i, Timestamp now, rtcp::Packet p) {
  std::vector<rtcp::Packet> v;
  v.push_back(std::move(p));
  i.OnIncomingRtcp(now, v);
}

inline std::vector<rtcp::Packet> DrainRtcp(Interceptor& i) {
  std::vector<rtcp::Packet> out;
  while (auto p = i.PollRtcp()) out.push_back(std::move(*p));
  return out;
}

inline std::vector<rtp::RtpPacket> DrainRtp(Interceptor& i) {
  std::vector<rtp::RtpPacket> out;
  while (auto p = i.PollRtp()) out.push_back(std::move(*p));
  return out;
}

inline StreamInfo Stream(uint32_t ssrc, uint32_t clock_rate = 90000) {
  StreamInfo info;
  info.ssrc = ssrc;
  info.clock_rate = clock_rate;
  info.payload_type = 96;
  return info;
}

}  // namespace simrtc::interceptor::testing

#endif  // CORE_INTERCEPTOR_TEST_UTIL_H_
