#include "core/datachannel/data_channel.h"

#include "absl/strings/str_format.h"
#include "core/datachannel/data_channel_manager.h"

namespace simrtc::datachannel {

std::string_view ChannelStateName(ChannelState state) {
  switch (state) {
    case ChannelState::kConnecting:
      return "connecting";
    case ChannelState::kOpen:
      return "open";
    case ChannelState::kClosing:
      return "closing";
    case ChannelState::kClosed:
      return "closed";
  }
  return "unknown";
}

size_t DataChannel::buffered_amount() const {
  return manager_ == nullptr ? 0 : manager_->BufferedAmount(*this);
}

void DataChannel::set_buffered_amount_low_threshold(size_t threshold) {
  low_threshold_ = threshold;
  if (manager_ != nullptr) manager_->SetLowThreshold(*this, threshold);
}

absl::Status DataChannel::SendText(Timestamp now, std::string_view text) {
  return Write(now, AsBytes(text), /*is_string=*/true);
}

absl::Status DataChannel::SendBinary(Timestamp now, ByteSpan data) {
  return Write(now, data, /*is_string=*/false);
}

absl::Status DataChannel::Send(Timestamp now, const Message& message) {
  return Write(now, ByteSpan(message.data), message.is_string);
}

absl::Status DataChannel::Write(Timestamp now, ByteSpan data, bool is_string) {
  if (manager_ == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrFormat("data channel '%s' (id %d) is closed", label_, id_));
  }
  return manager_->SendMessage(now, *this, is_string, data);
}

absl::Status DataChannel::Close(Timestamp now) {
  if (manager_ == nullptr) return absl::OkStatus();
  return manager_->CloseChannel(now, *this);
}

std::optional<Message> DataChannel::Read() {
  if (inbox_.empty()) return std::nullopt;
  Message m = std::move(inbox_.front());
  inbox_.pop_front();
  return m;
}

}  // namespace simrtc::datachannel
