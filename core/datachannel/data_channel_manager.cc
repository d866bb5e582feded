#include "core/datachannel/data_channel_manager.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"

namespace simrtc::datachannel {
namespace {

constexpr uint32_t kPpidDcep = static_cast<uint32_t>(Ppid::kDcep);
// W3C: ids run 0..65534; 65535 is reserved.
constexpr uint32_t kMaxChannelId = 65534;
constexpr size_t kMaxLabelLength = 65535;

// DCEP messages are always sent reliably and in order: an OPEN that could
// be lost or overtaken would leave the peer without the channel.
const sctp::SendOptions kControlOptions{};

std::string Describe(const DataChannel& channel) {
  return absl::StrFormat("data channel '%s' (id %d)", channel.label(),
                         channel.id());
}

}  // namespace

absl::StatusOr<std::unique_ptr<DataChannelManager>> DataChannelManager::Create(
    const ManagerConfig& config, Logger* logger) {
  auto assoc = sctp::Association::Create(config.sctp, logger);
  if (!assoc.ok()) return assoc.status();
  return std::unique_ptr<DataChannelManager>(
      new DataChannelManager(config, logger, std::move(*assoc)));
}

DataChannelManager::DataChannelManager(const ManagerConfig& config,
                                       Logger* logger,
                                       std::unique_ptr<sctp::Association> assoc)
    : config_(config), logger_(logger), assoc_(std::move(assoc)) {}

DataChannelManager::~DataChannelManager() {
  for (auto& [id, channel] : channels_) {
    channel->manager_ = nullptr;
    channel->state_ = ChannelState::kClosed;
  }
}

absl::Status DataChannelManager::Connect(Timestamp now) {
  absl::Status status = assoc_->Connect(now);
  ProcessSctpEvents(now);
  return status;
}

absl::Status DataChannelManager::SetRole(DtlsRole role) {
  if (assoc_->state() != sctp::State::kNew) {
    return absl::FailedPreconditionError(
        absl::StrFormat("data channel role: the SCTP association is already %s",
                        sctp::StateName(assoc_->state())));
  }
  if (role == config_.role) return absl::OkStatus();
  config_.role = role;
  std::vector<ChannelPtr> renumber;
  for (auto it = channels_.begin(); it != channels_.end();) {
    if (!it->second->negotiated()) {
      renumber.push_back(it->second);
      it = channels_.erase(it);
    } else {
      ++it;
    }
  }
  for (const ChannelPtr& channel : renumber) {
    std::optional<uint16_t> id = AllocateId();
    if (!id.has_value()) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "data channel '%s': no free stream id of the new parity",
          channel->label()));
    }
    channel->id_ = *id;
    channels_[*id] = channel;
  }
  return absl::OkStatus();
}

void DataChannelManager::HandleDatagram(Timestamp now, ByteSpan packet) {
  assoc_->HandleDatagram(now, packet);
  ProcessSctpEvents(now);
}

void DataChannelManager::HandleTimeout(Timestamp now) {
  assoc_->HandleTimeout(now);
  ProcessSctpEvents(now);
}

std::optional<Event> DataChannelManager::PollEvent() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

void DataChannelManager::Shutdown(Timestamp now) {
  assoc_->Shutdown(now);
  ProcessSctpEvents(now);
}

void DataChannelManager::Abort(Timestamp now) {
  assoc_->Abort(now);
  ProcessSctpEvents(now);
}

ChannelPtr DataChannelManager::channel(uint16_t id) const {
  auto it = channels_.find(id);
  return it == channels_.end() ? nullptr : it->second;
}

std::vector<ChannelPtr> DataChannelManager::channels() const {
  std::vector<ChannelPtr> out;
  out.reserve(channels_.size());
  for (const auto& [id, channel] : channels_) out.push_back(channel);
  return out;
}

uint16_t DataChannelManager::StreamLimit() const {
  return assoc_->outbound_streams();
}

std::optional<uint16_t> DataChannelManager::AllocateId() const {
  uint32_t limit = std::min<uint32_t>(StreamLimit(), kMaxChannelId + 1);
  for (uint32_t id = config_.role == DtlsRole::kClient ? 0 : 1; id < limit;
       id += 2) {
    if (!channels_.contains(static_cast<uint16_t>(id))) {
      return static_cast<uint16_t>(id);
    }
  }
  return std::nullopt;
}

absl::StatusOr<ChannelPtr> DataChannelManager::CreateChannel(
    Timestamp now, std::string label, const ChannelInit& init) {
  if (assoc_->state() == sctp::State::kClosed ||
      assoc_->state() == sctp::State::kShuttingDown) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "cannot create data channel '%s': the SCTP association is %s", label,
        sctp::StateName(assoc_->state())));
  }
  if (init.max_retransmits.has_value() &&
      init.max_packet_life_time_ms.has_value()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "data channel '%s': maxRetransmits and maxPacketLifeTime are mutually "
        "exclusive",
        label));
  }
  if (label.size() > kMaxLabelLength ||
      init.protocol.size() > kMaxLabelLength) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "data channel '%s': label and protocol are limited to %d bytes",
        label.substr(0, 32), kMaxLabelLength));
  }
  uint16_t id;
  if (init.negotiated) {
    if (!init.id.has_value()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "data channel '%s': negotiated channels need an id", label));
    }
    id = *init.id;
    if (id > kMaxChannelId || id >= StreamLimit()) {
      return absl::OutOfRangeError(absl::StrFormat(
          "data channel '%s': id %d is out of range (%d streams)", label, id,
          StreamLimit()));
    }
    if (channels_.contains(id)) {
      return absl::AlreadyExistsError(absl::StrFormat(
          "data channel '%s': id %d is already used by channel '%s'", label, id,
          channels_.at(id)->label()));
    }
  } else {
    if (init.id.has_value()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "data channel '%s': an id may only be given with negotiated=true",
          label));
    }
    std::optional<uint16_t> free_id = AllocateId();
    if (!free_id.has_value()) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "data channel '%s': no free stream id of %s parity below %d", label,
          config_.role == DtlsRole::kClient ? "even" : "odd", StreamLimit()));
    }
    id = *free_id;
  }

  ChannelPtr channel(new DataChannel());
  channel->manager_ = this;
  channel->id_ = id;
  channel->label_ = std::move(label);
  channel->protocol_ = init.protocol;
  channel->priority_ = init.priority;
  channel->reliability_.ordered = init.ordered;
  if (init.max_retransmits.has_value()) {
    channel->reliability_.max_retransmits = *init.max_retransmits;
  }
  if (init.max_packet_life_time_ms.has_value()) {
    channel->reliability_.max_packet_life_time_ms =
        *init.max_packet_life_time_ms;
  }
  channel->negotiated_ = init.negotiated;
  channel->detached_ = config_.detach_channels;
  channels_[id] = channel;
  // A reused stream starts without the previous channel's low-water mark.
  assoc_->set_buffered_amount_low_threshold(id, 0);
  if (assoc_->state() == sctp::State::kConnected) OpenChannel(now, channel);
  ProcessSctpEvents(now);
  return channel;
}

void DataChannelManager::OpenChannel(Timestamp now, const ChannelPtr& channel) {
  if (channel->id_ >= StreamLimit()) {
    events_.push_back(
        ChannelError{channel, absl::OutOfRangeError(absl::StrFormat(
                                  "%s: the association only has %d streams",
                                  Describe(*channel), StreamLimit()))});
    FinishClose(channel);
    return;
  }
  if (!channel->negotiated_) {
    auto open = DataChannelOpen::FromReliability(
        channel->reliability_, channel->label_, channel->protocol_,
        channel->priority_);
    std::vector<uint8_t> bytes;
    absl::Status status =
        open.ok() ? BuildDataChannelOpen(*open, bytes) : open.status();
    if (status.ok()) {
      status =
          assoc_->Send(now, channel->id_, kPpidDcep, bytes, kControlOptions);
    }
    if (!status.ok()) {
      events_.push_back(ChannelError{channel, status});
      FinishClose(channel);
      return;
    }
    channel->awaiting_ack_ = true;
  }
  channel->state_ = ChannelState::kOpen;
  events_.push_back(ChannelOpen{channel});
}

sctp::SendOptions DataChannelManager::OptionsFor(
    const DataChannel& channel) const {
  sctp::SendOptions options;
  // Until the peer has seen our OPEN, nothing may overtake it.
  options.unordered = !channel.reliability_.ordered && !channel.awaiting_ack_;
  if (channel.reliability_.max_retransmits.has_value()) {
    options.max_retransmits = *channel.reliability_.max_retransmits;
  } else if (channel.reliability_.max_packet_life_time_ms.has_value()) {
    options.max_lifetime =
        TimeDelta::Millis(*channel.reliability_.max_packet_life_time_ms);
  }
  return options;
}

absl::Status DataChannelManager::SendMessage(Timestamp now,
                                             DataChannel& channel,
                                             bool is_string, ByteSpan data) {
  if (channel.state_ != ChannelState::kOpen) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s is %s, not open", Describe(channel),
                        ChannelStateName(channel.state_)));
  }
  Ppid ppid = PpidForUserMessage(is_string, data.size());
  static constexpr uint8_t kPlaceholder[1] = {0};
  ByteSpan payload = data.empty() ? ByteSpan(kPlaceholder) : data;
  absl::Status status =
      assoc_->Send(now, channel.id_, static_cast<uint32_t>(ppid), payload,
                   OptionsFor(channel));
  if (!status.ok()) {
    return absl::Status(
        status.code(),
        absl::StrFormat("%s: %s", Describe(channel), status.message()));
  }
  ++channel.stats_.messages_sent;
  channel.stats_.bytes_sent += data.size();
  ProcessSctpEvents(now);
  return absl::OkStatus();
}

absl::Status DataChannelManager::CloseChannel(Timestamp now,
                                              DataChannel& channel) {
  ChannelPtr ptr = this->channel(channel.id_);
  if (ptr.get() != &channel) return absl::OkStatus();  // already gone
  switch (channel.state_) {
    case ChannelState::kClosing:
    case ChannelState::kClosed:
      return absl::OkStatus();
    case ChannelState::kConnecting:
      // Nothing was ever sent on the stream; no reset needed.
      FinishClose(ptr);
      return absl::OkStatus();
    case ChannelState::kOpen:
      break;
  }
  channel.state_ = ChannelState::kClosing;
  absl::Status status = assoc_->ResetStream(now, channel.id_);
  if (!status.ok()) FinishClose(ptr);
  ProcessSctpEvents(now);
  return absl::OkStatus();
}

size_t DataChannelManager::BufferedAmount(const DataChannel& channel) const {
  return assoc_->buffered_amount(channel.id_);
}

void DataChannelManager::SetLowThreshold(DataChannel& channel,
                                         size_t threshold) {
  assoc_->set_buffered_amount_low_threshold(channel.id_, threshold);
}

void DataChannelManager::FinishClose(const ChannelPtr& channel) {
  if (channel->state_ == ChannelState::kClosed) return;
  channel->state_ = ChannelState::kClosed;
  channel->manager_ = nullptr;
  auto it = channels_.find(channel->id_);
  if (it != channels_.end() && it->second == channel) channels_.erase(it);
  events_.push_back(ChannelClosed{channel});
}

// ---------------------------------------------------------------------------
// SCTP events.

void DataChannelManager::ProcessSctpEvents(Timestamp now) {
  while (auto event = assoc_->PollEvent()) {
    if (std::holds_alternative<sctp::Connected>(*event)) {
      events_.push_back(TransportConnected{});
      OnConnected(now);
    } else if (auto* m = std::get_if<sctp::MessageReceived>(&*event)) {
      OnMessage(now, *m);
    } else if (auto* r = std::get_if<sctp::StreamReset>(&*event)) {
      OnStreamReset(now, r->stream, r->incoming);
    } else if (auto* f = std::get_if<sctp::StreamResetFailed>(&*event)) {
      if (ChannelPtr channel = this->channel(f->stream)) {
        events_.push_back(ChannelError{
            channel,
            absl::AbortedError(absl::StrFormat(
                "%s: the peer %s resetting the stream; closed "
                "locally",
                Describe(*channel), f->denied ? "denied" : "failed"))});
        FinishClose(channel);
      }
    } else if (auto* low = std::get_if<sctp::BufferedAmountLow>(&*event)) {
      if (ChannelPtr channel = this->channel(low->stream)) {
        events_.push_back(ChannelBufferedAmountLow{channel});
      }
    } else if (auto* err = std::get_if<sctp::ReceiveError>(&*event)) {
      if (ChannelPtr channel = this->channel(err->stream)) {
        events_.push_back(ChannelError{channel, err->error});
      } else {
        SIMRTC_LOG(logger_, kDebug) << "data channel: " << err->error;
      }
    } else if (auto* closed = std::get_if<sctp::Closed>(&*event)) {
      OnSctpClosed(*closed);
    }
    // TotalBufferedAmountLow has no channel-level meaning.
  }
}

void DataChannelManager::OnConnected(Timestamp now) {
  std::vector<ChannelPtr> waiting;
  for (const auto& [id, channel] : channels_) {
    if (channel->state_ == ChannelState::kConnecting)
      waiting.push_back(channel);
  }
  for (const ChannelPtr& channel : waiting) OpenChannel(now, channel);
}

void DataChannelManager::OnMessage(Timestamp now, sctp::MessageReceived& m) {
  if (m.ppid == kPpidDcep) {
    OnDcep(now, m.stream, ByteSpan(m.data));
    return;
  }
  ChannelPtr channel = this->channel(m.stream);
  if (channel == nullptr) {
    SIMRTC_LOG(logger_, kDebug) << "data channel: dropping message for "
                                   "unknown stream "
                                << m.stream;
    return;
  }
  // Any message from the peer proves it has the channel (RFC 8832 sec. 6).
  channel->awaiting_ack_ = false;
  absl::StatusOr<PpidInfo> info = ClassifyUserPpid(m.ppid);
  if (!info.ok()) {
    events_.push_back(ChannelError{
        channel, absl::InvalidArgumentError(absl::StrFormat(
                     "%s: dropped a message: %s", Describe(*channel),
                     info.status().message()))});
    return;
  }
  if (info->deprecated_partial) {
    // Old fragmentation scheme: parts with PPID 52/54, the last part with
    // the regular PPID.
    channel->partial_.insert(channel->partial_.end(), m.data.begin(),
                             m.data.end());
    return;
  }
  Message message;
  message.is_string = info->is_string;
  if (!channel->partial_.empty()) {
    message.data = std::move(channel->partial_);
    channel->partial_.clear();
    if (!info->empty) {
      message.data.insert(message.data.end(), m.data.begin(), m.data.end());
    }
  } else if (!info->empty) {
    message.data = std::move(m.data);
  }
  ++channel->stats_.messages_received;
  channel->stats_.bytes_received += message.data.size();
  if (channel->detached_) {
    channel->inbox_.push_back(std::move(message));
  } else {
    events_.push_back(ChannelMessage{channel, std::move(message)});
  }
}

void DataChannelManager::OnDcep(Timestamp now, uint16_t stream,
                                ByteSpan bytes) {
  ChannelPtr existing = channel(stream);
  absl::StatusOr<DcepMessage> parsed = ParseDcepMessage(bytes);
  if (!parsed.ok()) {
    SIMRTC_LOG(logger_, kDebug) << "data channel: bad DCEP message on stream "
                                << stream << ": " << parsed.status();
    if (existing != nullptr) {
      events_.push_back(ChannelError{existing, parsed.status()});
    }
    return;
  }
  if (std::holds_alternative<DataChannelAck>(*parsed)) {
    if (existing != nullptr) existing->awaiting_ack_ = false;
    return;
  }
  const auto& open = std::get<DataChannelOpen>(*parsed);
  if (existing != nullptr) {
    // Both sides picked this id (e.g. a negotiated channel here): keep ours
    // and let the application know; the peer's channel stays unanswered.
    events_.push_back(ChannelError{
        existing, absl::AlreadyExistsError(absl::StrFormat(
                      "peer sent DATA_CHANNEL_OPEN for '%s' on stream %d, "
                      "which %s already uses; ignored",
                      open.label, stream, Describe(*existing)))});
    return;
  }
  bool our_parity = (stream % 2 == 0) == (config_.role == DtlsRole::kClient);
  if (our_parity) {
    // RFC 8832 says the peer must use the other parity; being lenient
    // costs nothing while the id is free, and some stacks get it wrong.
    SIMRTC_LOG(logger_, kInfo)
        << "data channel: peer opened stream " << stream << " of our parity";
  }
  ChannelPtr channel(new DataChannel());
  channel->manager_ = this;
  channel->id_ = stream;
  channel->label_ = open.label;
  channel->protocol_ = open.protocol;
  channel->priority_ = open.priority;
  channel->reliability_ = open.GetReliability();
  channel->negotiated_ = false;
  channel->opened_by_peer_ = true;
  channel->detached_ = config_.detach_channels;
  channel->state_ = ChannelState::kOpen;
  channels_[stream] = channel;
  assoc_->set_buffered_amount_low_threshold(stream, 0);
  std::vector<uint8_t> ack;
  BuildDataChannelAck(ack);
  absl::Status status =
      assoc_->Send(now, stream, kPpidDcep, ack, kControlOptions);
  events_.push_back(IncomingChannel{channel});
  events_.push_back(ChannelOpen{channel});
  if (!status.ok()) events_.push_back(ChannelError{channel, status});
}

void DataChannelManager::OnStreamReset(Timestamp now, uint16_t stream,
                                       bool incoming) {
  ChannelPtr channel = this->channel(stream);
  if (channel == nullptr) return;
  if (incoming) {
    channel->incoming_reset_ = true;
    channel->partial_.clear();
    if (channel->state_ == ChannelState::kOpen) {
      channel->state_ = ChannelState::kClosing;
      events_.push_back(ChannelClosing{channel});
    }
    if (!channel->outgoing_reset_) {
      // Our half of the closing handshake (no-op if already requested).
      if (!assoc_->ResetStream(now, stream).ok()) {
        FinishClose(channel);
        return;
      }
    }
  } else {
    channel->outgoing_reset_ = true;
  }
  if (channel->incoming_reset_ && channel->outgoing_reset_) {
    FinishClose(channel);
  }
}

void DataChannelManager::OnSctpClosed(const sctp::Closed& closed) {
  std::vector<ChannelPtr> open;
  for (const auto& [id, channel] : channels_) open.push_back(channel);
  for (const ChannelPtr& channel : open) FinishClose(channel);
  events_.push_back(TransportClosed{closed.aborted, closed.reason});
}

}  // namespace simrtc::datachannel
