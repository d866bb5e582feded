// A recording interceptor for tests: remembers every call in order and can
// be told what to emit and when to time out.
#ifndef CORE_INTERCEPTOR_MOCK_INTERCEPTOR_H_
#define CORE_INTERCEPTOR_MOCK_INTERCEPTOR_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/interceptor/interceptor.h"

namespace simrtc::interceptor {

class MockInterceptor : public Interceptor {
 public:
  // `name` prefixes every record in `log` (shared between mocks so tests
  // can check the order across a chain).
  explicit MockInterceptor(std::string name,
                           std::vector<std::string>* log = nullptr)
      : name_(std::move(name)), log_(log ? log : &own_log_) {}

  void BindLocalStream(const StreamInfo& info) override {
    Record("bind_local", info.ssrc);
  }
  void UnbindLocalStream(uint32_t ssrc) override {
    Record("unbind_local", ssrc);
  }
  void BindRemoteStream(const StreamInfo& info) override {
    Record("bind_remote", info.ssrc);
  }
  void UnbindRemoteStream(uint32_t ssrc) override {
    Record("unbind_remote", ssrc);
  }
  void OnOutgoingRtp(Timestamp, rtp::RtpPacket& p) override {
    Record("out_rtp", p.sequence_number());
  }
  void OnIncomingRtp(Timestamp, const rtp::RtpPacketView& p) override {
    Record("in_rtp", p.sequence_number());
  }
  void OnOutgoingRtcp(Timestamp, std::span<const rtcp::Packet> p) override {
    Record("out_rtcp", p.size());
  }
  void OnIncomingRtcp(Timestamp, std::span<const rtcp::Packet> p) override {
    Record("in_rtcp", p.size());
  }
  void HandleTimeout(Timestamp now) override { Record("timeout", now.ms()); }
  std::optional<Timestamp> NextTimeout() const override { return timeout; }

  // Exposed so tests can script output.
  using Interceptor::EmitRtcp;
  using Interceptor::EmitRtp;

  std::optional<Timestamp> timeout;
  const std::vector<std::string>& log() const { return *log_; }

 private:
  void Record(std::string_view what, uint64_t arg) {
    log_->push_back(absl::StrCat(name_, ":", ToAbslView(what), ":", arg));
  }
  static absl::string_view ToAbslView(std::string_view s) {
    return absl::string_view(s.data(), s.size());
  }

  std::string name_;
  std::vector<std::string> own_log_;
  std::vector<std::string>* log_;
};

}  // namespace simrtc::interceptor

#endif  // CORE_INTERCEPTOR_MOCK_INTERCEPTOR_H_
