// Interceptors: pluggable, sans-IO processing stages on the RTP/RTCP path
// of one transport (NACK, reports, statistics, transport-wide CC, ...).
//
// Contract of an Interceptor:
//  * It only sees what its owner hands it: outgoing RTP before it is
//    protected and sent, incoming RTP after it was unprotected and parsed,
//    RTCP in both directions as parsed packets, stream (un)binding, and
//    timeouts. It never reads a clock; `now` never goes backwards.
//  * Outgoing RTP is passed mutable so a stage may stamp it (e.g. the
//    transport-wide sequence number); incoming RTP is a read-only view.
//  * Anything it wants to send (RTCP reports and feedback, RTP
//    retransmissions) is queued and polled by the owner with PollRtcp() /
//    PollRtp(). Nothing calls back into the owner.
//  * Unknown SSRCs, duplicates and malformed content are ignored, never
//    fatal.
//
// A Chain is itself an Interceptor that runs its members in order. Index 0
// is the application side, the last member the wire side: outgoing packets
// visit members 0..n-1, incoming packets n-1..0, and a packet emitted by
// member i travels outward through members i+1..n-1 (so, e.g., a
// retransmission still gets a fresh transport-wide sequence number from a
// TWCC stage placed after the NACK responder).
#ifndef CORE_INTERCEPTOR_INTERCEPTOR_H_
#define CORE_INTERCEPTOR_INTERCEPTOR_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/time.h"
#include "core/rtcp/packet.h"
#include "core/rtp/rtp_packet.h"

namespace simrtc::interceptor {

struct HeaderExtension {
  std::string uri;
  uint8_t id = 0;
};

// An a=rtcp-fb value, e.g. {"nack", ""}, {"nack", "pli"}, {"transport-cc", ""}.
struct RtcpFeedback {
  std::string type;
  std::string parameter;
};

// What was negotiated for one RTP stream (one SSRC).
struct StreamInfo {
  uint32_t ssrc = 0;
  uint32_t clock_rate = 90000;
  uint8_t payload_type = 0;
  std::vector<HeaderExtension> header_extensions;
  std::vector<RtcpFeedback> rtcp_feedback;

  // The negotiated id for `uri`, if any.
  std::optional<uint8_t> ExtensionId(std::string_view uri) const;
  bool HasFeedback(std::string_view type,
                   std::string_view parameter = "") const;
};

class Interceptor {
 public:
  virtual ~Interceptor() = default;

  // Local streams are ones we send; remote streams are ones we receive.
  // Binding an already-bound SSRC replaces its info.
  virtual void BindLocalStream(const StreamInfo& /*info*/) {}
  virtual void UnbindLocalStream(uint32_t /*ssrc*/) {}
  virtual void BindRemoteStream(const StreamInfo& /*info*/) {}
  virtual void UnbindRemoteStream(uint32_t /*ssrc*/) {}

  virtual void OnOutgoingRtp(Timestamp /*now*/, rtp::RtpPacket& /*packet*/) {}
  virtual void OnIncomingRtp(Timestamp /*now*/,
                             const rtp::RtpPacketView& /*packet*/) {}
  virtual void OnOutgoingRtcp(Timestamp /*now*/,
                              std::span<const rtcp::Packet> /*packets*/) {}
  virtual void OnIncomingRtcp(Timestamp /*now*/,
                              std::span<const rtcp::Packet> /*packets*/) {}

  virtual void HandleTimeout(Timestamp /*now*/) {}
  virtual std::optional<Timestamp> NextTimeout() const { return std::nullopt; }

  // Queued output, oldest first.
  virtual std::optional<rtcp::Packet> PollRtcp();
  virtual std::optional<rtp::RtpPacket> PollRtp();

 protected:
  void EmitRtcp(rtcp::Packet packet) { rtcp_out_.push_back(std::move(packet)); }
  void EmitRtp(rtp::RtpPacket packet) { rtp_out_.push_back(std::move(packet)); }

 private:
  std::deque<rtcp::Packet> rtcp_out_;
  std::deque<rtp::RtpPacket> rtp_out_;
};

// Does nothing; the baseline for measuring chain overhead.
class NoOpInterceptor final : public Interceptor {};

class Chain final : public Interceptor {
 public:
  Chain() = default;
  explicit Chain(std::vector<std::unique_ptr<Interceptor>> members)
      : members_(std::move(members)) {}

  void Add(std::unique_ptr<Interceptor> member) {
    members_.push_back(std::move(member));
  }
  size_t size() const { return members_.size(); }
  Interceptor& at(size_t i) { return *members_[i]; }

  // The first member of dynamic type T (e.g. to read a StatsInterceptor);
  // null if none.
  template <typename T>
  T* Find() {
    for (auto& m : members_) {
      if (T* t = dynamic_cast<T*>(m.get())) return t;
    }
    return nullptr;
  }

  void BindLocalStream(const StreamInfo& info) override;
  void UnbindLocalStream(uint32_t ssrc) override;
  void BindRemoteStream(const StreamInfo& info) override;
  void UnbindRemoteStream(uint32_t ssrc) override;

  void OnOutgoingRtp(Timestamp now, rtp::RtpPacket& packet) override;
  void OnIncomingRtp(Timestamp now, const rtp::RtpPacketView& packet) override;
  void OnOutgoingRtcp(Timestamp now,
                      std::span<const rtcp::Packet> packets) override;
  void OnIncomingRtcp(Timestamp now,
                      std::span<const rtcp::Packet> packets) override;

  // Runs every member, then moves what they emitted outward (see the file
  // comment) into the chain's own queues.
  void HandleTimeout(Timestamp now) override;
  // The earliest of the members' timeouts.
  std::optional<Timestamp> NextTimeout() const override;

  // Output of members produced by inputs other than HandleTimeout (e.g. a
  // retransmission answering an incoming NACK) is collected lazily here, so
  // the owner simply drains these after every input.
  std::optional<rtcp::Packet> PollRtcp() override;
  std::optional<rtp::RtpPacket> PollRtp() override;

 private:
  // Moves members' queued output outward into rtcp_ready_/rtp_ready_.
  void Collect();

  std::vector<std::unique_ptr<Interceptor>> members_;
  // Time of the latest input; stamps collected packets as they pass the
  // outer members.
  Timestamp last_now_ = Timestamp::Zero();
  std::deque<rtcp::Packet> rtcp_ready_;
  std::deque<rtp::RtpPacket> rtp_ready_;
};

// Builds chains from factories, in registration order (index 0 first).
class Registry {
 public:
  using Factory = std::function<absl::StatusOr<std::unique_ptr<Interceptor>>()>;

  Registry& Add(Factory factory) {
    factories_.push_back(std::move(factory));
    return *this;
  }
  // Convenience for default-constructible or copy-configured interceptors.
  template <typename T, typename... Args>
  Registry& Add(Args... args) {
    return Add(Factory([=]() -> absl::StatusOr<std::unique_ptr<Interceptor>> {
      return std::unique_ptr<Interceptor>(std::make_unique<T>(args...));
    }));
  }
  size_t size() const { return factories_.size(); }

  // A fresh chain (one per transport). Fails with the first factory error.
  absl::StatusOr<std::unique_ptr<Chain>> Build() const;

 private:
  std::vector<Factory> factories_;
};

}  // namespace simrtc::interceptor

#endif  // CORE_INTERCEPTOR_INTERCEPTOR_H_
