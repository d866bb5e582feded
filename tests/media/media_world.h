// A synthetic VP8 sender and receiver over a vnet::Network link, on virtual
// time, for end-to-end checks of the media toolkit and the interceptors.
//
// The sender generates VP8 frames at a fixed frame rate, packetizes them
// (core/media Packetizer + Vp8Payloader) and runs every packet through an
// interceptor chain built by a Registry: NACK responder (send buffer),
// sender reports, statistics, TWCC sender (transport-wide sequence number
// header extension, placed last so retransmissions are stamped too). The
// receiver runs NACK generator, receiver reports, statistics and TWCC
// receiver, and reassembles frames with a SampleBuilder. NACK is switched
// on or off the way SDP would do it: by listing "nack" in the negotiated
// rtcp-fb values (the NACK stages ignore streams that did not negotiate it).
//
// Both endpoints are sans-IO (HandleDatagram / HandleTimeout / PollTransmit
// / NextTimeout) and record what they did, keyed so tests can match the two
// sides: every transmission (original or retransmission) is identified by
// its transport-wide sequence number, RTP packets by their unwrapped
// sequence number.
//
// Topology: root router "internet" (10.0.0.0/24, no NAT), host "sender"
// whose attachment carries the configured impairments (up = media
// direction, down = feedback direction), host "receiver" on an ideal
// attachment (no delay, no loss). So the one-way delay of each direction
// is exactly that of the sender's attachment and RTT = 2 * one_way_delay
// when both directions have the same base delay and no jitter.
#ifndef TESTS_MEDIA_MEDIA_WORLD_H_
#define TESTS_MEDIA_MEDIA_WORLD_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/datagram.h"
#include "core/base/rng.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "core/interceptor/interceptor.h"
#include "core/interceptor/nack.h"
#include "core/interceptor/stats.h"
#include "core/media/packetizer.h"
#include "core/media/sample_builder.h"
#include "core/rtcp/packet.h"
#include "core/rtp/sequence_number.h"
#include "vnet/network.h"

namespace simrtc::media_test {

inline constexpr uint8_t kTwccExtensionId = 5;

struct SenderConfig {
  uint32_t ssrc = 0x5E4D0001;
  uint8_t payload_type = 96;
  size_t mtu = 1200;  // whole RTP packet on the wire, extensions included
  TimeDelta frame_interval = TimeDelta::Millis(40);  // 25 fps
  uint32_t rtp_ticks_per_frame = 3600;               // 40 ms at 90 kHz
  int frames = 250;
  // Frame sizes in bytes, drawn uniformly per frame; key frames every
  // key_frame_interval frames (frame 0 is one) use the key sizes.
  size_t min_frame_bytes = 1000;
  size_t max_frame_bytes = 3000;
  size_t min_key_frame_bytes = 5000;
  size_t max_key_frame_bytes = 7000;
  int key_frame_interval = 50;
  size_t nack_buffer = 1024;
  TimeDelta report_interval = TimeDelta::Seconds(1);
};

struct ReceiverConfig {
  uint32_t ssrc = 0x5E4D0002;
  interceptor::NackGenerator::Config nack;
  TimeDelta report_interval = TimeDelta::Seconds(1);
  TimeDelta twcc_interval = TimeDelta::Millis(100);
  uint16_t max_late = 512;  // SampleBuilder, in packets
};

// One transmission of an RTP packet by the sender.
struct SentPacket {
  int64_t rtp_seq = 0;  // unwrapped RTP sequence number
  int frame = 0;        // index of the frame it belongs to
  int attempt = 0;      // 0 = original, k = k-th retransmission
  Timestamp sent;
};

struct SentFrame {
  std::vector<uint8_t> data;
  uint32_t rtp_timestamp = 0;
  Timestamp sent;
  int64_t first_seq = 0;  // unwrapped
  int64_t last_seq = 0;
};

struct ReceivedReport {
  Timestamp at;  // arrival at the sender
  rtcp::ReportBlock block;
};

struct ReceivedFeedback {
  Timestamp at;  // arrival at the sender
  rtcp::TransportCcFeedback feedback;
};

struct PoppedSample {
  Timestamp at;
  media::Sample sample;
};

// The endpoint interface the driver moves datagrams between.
class Endpoint {
 public:
  virtual ~Endpoint() = default;
  virtual vnet::HostId host() const = 0;
  virtual void HandleDatagram(Timestamp now, const Datagram& d) = 0;
  virtual void HandleTimeout(Timestamp now) = 0;
  virtual std::optional<Timestamp> NextTimeout() const = 0;
  virtual std::optional<Transmit> PollTransmit() = 0;
};

class VideoSender final : public Endpoint {
 public:
  static absl::StatusOr<std::unique_ptr<VideoSender>> Create(
      const SenderConfig& config, bool nack, vnet::HostId host,
      SocketAddress local, SocketAddress remote, Rng rng);

  vnet::HostId host() const override { return host_; }
  void HandleDatagram(Timestamp now, const Datagram& d) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Timestamp> NextTimeout() const override;
  std::optional<Transmit> PollTransmit() override;

  const SenderConfig& config() const { return config_; }
  bool done() const { return next_frame_ >= config_.frames; }
  const std::vector<SentFrame>& frames() const { return frames_; }
  // By transport-wide sequence number (unwrapped).
  const std::map<int64_t, SentPacket>& transmissions() const {
    return transmissions_;
  }
  // Report blocks about our SSRC, in arrival order.
  const std::vector<ReceivedReport>& reports() const { return reports_; }
  const std::vector<ReceivedFeedback>& feedback() const { return feedback_; }
  uint64_t nacks_received() const { return nacks_received_; }
  uint64_t retransmissions() const { return retransmissions_; }
  uint64_t sender_reports_sent() const { return sender_reports_sent_; }
  std::optional<interceptor::OutboundStreamStats> stats() const;
  uint64_t errors() const { return errors_; }

 private:
  VideoSender(const SenderConfig& config, vnet::HostId host,
              SocketAddress local, SocketAddress remote, Rng rng,
              std::unique_ptr<interceptor::Chain> chain);
  void SendFrame(Timestamp now);
  // Moves whatever the chain emitted onto the wire.
  void Drain(Timestamp now);
  void SendRtp(Timestamp now, const rtp::RtpPacket& packet, int attempt);

  SenderConfig config_;
  vnet::HostId host_;
  SocketAddress local_;
  SocketAddress remote_;
  Rng content_rng_;
  std::unique_ptr<interceptor::Chain> chain_;
  std::unique_ptr<media::Packetizer> packetizer_;

  int next_frame_ = 0;
  Timestamp next_frame_time_ = Timestamp::Zero();
  rtp::SequenceNumberUnwrapper seq_unwrapper_;
  rtp::SequenceNumberUnwrapper tsn_unwrapper_;
  std::vector<SentFrame> frames_;
  std::map<int64_t, int> frame_of_seq_;     // unwrapped RTP seq -> frame
  std::map<int64_t, int> attempts_of_seq_;  // transmissions so far
  std::map<int64_t, SentPacket> transmissions_;
  std::vector<ReceivedReport> reports_;
  std::vector<ReceivedFeedback> feedback_;
  uint64_t nacks_received_ = 0;
  uint64_t retransmissions_ = 0;
  uint64_t sender_reports_sent_ = 0;
  uint64_t errors_ = 0;
  std::deque<Transmit> out_;
};

class VideoReceiver final : public Endpoint {
 public:
  static absl::StatusOr<std::unique_ptr<VideoReceiver>> Create(
      const ReceiverConfig& config, const SenderConfig& sender, bool nack,
      vnet::HostId host, SocketAddress local, SocketAddress remote);

  vnet::HostId host() const override { return host_; }
  void HandleDatagram(Timestamp now, const Datagram& d) override;
  void HandleTimeout(Timestamp now) override;
  std::optional<Timestamp> NextTimeout() const override;
  std::optional<Transmit> PollTransmit() override;

  // First arrival of each RTP packet, by unwrapped sequence number.
  const std::map<int64_t, Timestamp>& rtp_arrivals() const {
    return rtp_arrivals_;
  }
  // Arrival of each transmission, by unwrapped transport-wide sequence
  // number.
  const std::map<int64_t, Timestamp>& transport_arrivals() const {
    return transport_arrivals_;
  }
  const std::vector<PoppedSample>& samples() const { return samples_; }
  uint64_t dropped_by_sample_builder() const {
    return builder_->total_dropped_packets();
  }
  uint64_t nacks_sent() const { return nacks_sent_; }
  uint64_t duplicates() const { return duplicates_; }
  std::optional<interceptor::InboundStreamStats> stats() const;
  uint64_t errors() const { return errors_; }

 private:
  VideoReceiver(const ReceiverConfig& config, const SenderConfig& sender,
                vnet::HostId host, SocketAddress local, SocketAddress remote,
                std::unique_ptr<interceptor::Chain> chain);
  // Sends what the chain emitted (RTCP) as one compound packet.
  void Drain();

  uint32_t remote_ssrc_;
  vnet::HostId host_;
  SocketAddress local_;
  SocketAddress remote_;
  std::unique_ptr<interceptor::Chain> chain_;
  std::unique_ptr<media::SampleBuilder> builder_;
  rtp::SequenceNumberUnwrapper seq_unwrapper_;
  rtp::SequenceNumberUnwrapper tsn_unwrapper_;
  std::map<int64_t, Timestamp> rtp_arrivals_;
  std::map<int64_t, Timestamp> transport_arrivals_;
  std::vector<PoppedSample> samples_;
  uint64_t nacks_sent_ = 0;
  uint64_t duplicates_ = 0;
  uint64_t errors_ = 0;
  std::deque<Transmit> out_;
};

// Moves datagrams between endpoints and the network in virtual time: each
// step advances to the earliest NextTimeout() of the network and the
// endpoints, calls HandleTimeout on all of them, then moves transmits and
// deliveries until nothing moves at that instant.
class Driver {
 public:
  Driver(vnet::Network* network, std::vector<Endpoint*> endpoints)
      : network_(network), endpoints_(std::move(endpoints)) {}
  Timestamp now() const { return now_; }
  void RunUntil(Timestamp deadline);
  uint64_t send_errors() const { return send_errors_; }

 private:
  void Flush();

  vnet::Network* network_;
  std::vector<Endpoint*> endpoints_;
  Timestamp now_ = Timestamp::Zero();
  uint64_t send_errors_ = 0;
};

struct LinkOptions {
  TimeDelta one_way_delay = TimeDelta::Millis(30);
  double loss = 0.05;  // media direction (sender -> receiver)
  // Extra delay uniform in [0, jitter] on the media direction.
  TimeDelta jitter = TimeDelta::Zero();
  bool allow_reordering = false;
  double feedback_loss = 0.0;  // receiver -> sender
};

struct WorldOptions {
  uint64_t seed = 1;
  // Whether "nack" is among the negotiated rtcp-fb values of the stream.
  bool nack = true;
  LinkOptions link;
  SenderConfig sender;
  ReceiverConfig receiver;
};

struct World {
  std::unique_ptr<vnet::Network> network;
  std::unique_ptr<VideoSender> sender;
  std::unique_ptr<VideoReceiver> receiver;
  std::unique_ptr<Driver> driver;
  vnet::HostId sender_host = 0;
  vnet::HostId receiver_host = 0;
};

absl::StatusOr<World> MakeWorld(const WorldOptions& options);

// A synthetic VP8 frame of `size` bytes (at least 10): an RFC 6386 frame
// tag (key frame flag, version 0, show_frame, first partition size), for
// key frames the start code and dimensions, then random bytes. Only the
// headers are meaningful; no decoder is involved.
std::vector<uint8_t> MakeVp8Frame(Rng& rng, size_t size, bool key_frame,
                                  uint16_t width, uint16_t height);

}  // namespace simrtc::media_test

#endif  // TESTS_MEDIA_MEDIA_WORLD_H_
