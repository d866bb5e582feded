#include "core/interceptor/interceptor.h"

#include <algorithm>

namespace simrtc::interceptor {

std::optional<uint8_t> StreamInfo::ExtensionId(std::string_view uri) const {
  for (const HeaderExtension& e : header_extensions) {
    if (e.uri == uri) return e.id;
  }
  return std::nullopt;
}

bool StreamInfo::HasFeedback(std::string_view type,
                             std::string_view parameter) const {
  for (const RtcpFeedback& f : rtcp_feedback) {
    if (f.type == type && f.parameter == parameter) return true;
  }
  return false;
}

std::optional<rtcp::Packet> Interceptor::PollRtcp() {
  if (rtcp_out_.empty()) return std::nullopt;
  rtcp::Packet p = std::move(rtcp_out_.front());
  rtcp_out_.pop_front();
  return p;
}

std::optional<rtp::RtpPacket> Interceptor::PollRtp() {
  if (rtp_out_.empty()) return std::nullopt;
  rtp::RtpPacket p = std::move(rtp_out_.front());
  rtp_out_.pop_front();
  return p;
}

void Chain::BindLocalStream(const StreamInfo& info) {
  for (auto& m : members_) m->BindLocalStream(info);
}
void Chain::UnbindLocalStream(uint32_t ssrc) {
  for (auto& m : members_) m->UnbindLocalStream(ssrc);
}
void Chain::BindRemoteStream(const StreamInfo& info) {
  for (auto& m : members_) m->BindRemoteStream(info);
}
void Chain::UnbindRemoteStream(uint32_t ssrc) {
  for (auto& m : members_) m->UnbindRemoteStream(ssrc);
}

void Chain::OnOutgoingRtp(Timestamp now, rtp::RtpPacket& packet) {
  last_now_ = now;
  for (auto& m : members_) m->OnOutgoingRtp(now, packet);
}

void Chain::OnIncomingRtp(Timestamp now, const rtp::RtpPacketView& packet) {
  last_now_ = now;
  for (auto it = members_.rbegin(); it != members_.rend(); ++it) {
    (*it)->OnIncomingRtp(now, packet);
  }
}

void Chain::OnOutgoingRtcp(Timestamp now,
                           std::span<const rtcp::Packet> packets) {
  last_now_ = now;
  for (auto& m : members_) m->OnOutgoingRtcp(now, packets);
}

void Chain::OnIncomingRtcp(Timestamp now,
                           std::span<const rtcp::Packet> packets) {
  last_now_ = now;
  for (auto it = members_.rbegin(); it != members_.rend(); ++it) {
    (*it)->OnIncomingRtcp(now, packets);
  }
}

void Chain::HandleTimeout(Timestamp now) {
  last_now_ = now;
  for (auto& m : members_) m->HandleTimeout(now);
  Collect();
}

std::optional<Timestamp> Chain::NextTimeout() const {
  std::optional<Timestamp> earliest;
  for (const auto& m : members_) {
    std::optional<Timestamp> t = m->NextTimeout();
    if (t && (!earliest || *t < *earliest)) earliest = t;
  }
  return earliest;
}

void Chain::Collect() {
  // Outer members see inner members' output as ordinary outgoing traffic
  // (stats count it, TWCC stamps it) but never re-queue it, so each packet
  // is delivered to the owner exactly once.
  for (size_t i = 0; i < members_.size(); ++i) {
    while (std::optional<rtcp::Packet> p = members_[i]->PollRtcp()) {
      std::span<const rtcp::Packet> one(&*p, 1);
      for (size_t j = i + 1; j < members_.size(); ++j) {
        members_[j]->OnOutgoingRtcp(last_now_, one);
      }
      rtcp_ready_.push_back(std::move(*p));
    }
    while (std::optional<rtp::RtpPacket> p = members_[i]->PollRtp()) {
      for (size_t j = i + 1; j < members_.size(); ++j) {
        members_[j]->OnOutgoingRtp(last_now_, *p);
      }
      rtp_ready_.push_back(std::move(*p));
    }
  }
}

std::optional<rtcp::Packet> Chain::PollRtcp() {
  if (rtcp_ready_.empty()) Collect();
  if (rtcp_ready_.empty()) return std::nullopt;
  rtcp::Packet p = std::move(rtcp_ready_.front());
  rtcp_ready_.pop_front();
  return p;
}

std::optional<rtp::RtpPacket> Chain::PollRtp() {
  if (rtp_ready_.empty()) Collect();
  if (rtp_ready_.empty()) return std::nullopt;
  rtp::RtpPacket p = std::move(rtp_ready_.front());
  rtp_ready_.pop_front();
  return p;
}

absl::StatusOr<std::unique_ptr<Chain>> Registry::Build() const {
  auto chain = std::make_unique<Chain>();
  for (const Factory& f : factories_) {
    absl::StatusOr<std::unique_ptr<Interceptor>> i = f();
    if (!i.ok()) return i.status();
    if (*i == nullptr) {
      return absl::InternalError("interceptor factory returned null");
    }
    chain->Add(std::move(*i));
  }
  return chain;
}

}  // namespace simrtc::interceptor
