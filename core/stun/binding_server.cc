#include "core/stun/binding_server.h"

#include <utility>

#include "core/stun/builder.h"
#include "core/stun/constants.h"
#include "core/stun/message.h"

namespace simrtc::stun {

std::optional<std::vector<uint8_t>> AnswerBinding(ByteSpan datagram,
                                                  const SocketAddress& remote,
                                                  std::string_view software) {
  // Identify from the header alone, so a broken body can still get a 400.
  if (datagram.size() < kHeaderSize) return std::nullopt;
  if ((datagram[0] & 0xC0) != 0) return std::nullopt;
  if (LoadBE32(datagram.data() + 4) != kMagicCookie) return std::nullopt;
  const uint16_t type = LoadBE16(datagram.data());
  if (type != ComposeMessageType(Method::kBinding, Class::kRequest)) {
    return std::nullopt;
  }
  auto txid = TransactionId::FromBytes(datagram.subspan(8, kTransactionIdSize));
  if (!txid.ok()) return std::nullopt;

  auto msg = Message::Parse(datagram);
  if (!msg.ok()) {
    auto r = MessageBuilder(Method::kBinding, Class::kError, *txid)
                 .AddErrorCode(error_codes::kBadRequest)
                 .AddSoftware(software)
                 .AddFingerprint()
                 .Build();
    if (!r.ok()) return std::nullopt;
    return std::move(*r);
  }
  if (msg->HasFingerprint() && !msg->VerifyFingerprint().ok()) {
    return std::nullopt;
  }
  std::vector<AttributeType> unknown = UnknownComprehensionRequired(*msg);
  if (!unknown.empty()) {
    auto r = MessageBuilder(Method::kBinding, Class::kError, *txid)
                 .AddErrorCode(error_codes::kUnknownAttribute)
                 .AddUnknownAttributes(unknown)
                 .AddSoftware(software)
                 .AddFingerprint()
                 .Build();
    if (!r.ok()) return std::nullopt;
    return std::move(*r);
  }
  auto r = MessageBuilder(Method::kBinding, Class::kSuccess, *txid)
               .AddXorMappedAddress(remote)
               .AddMappedAddress(remote)
               .AddSoftware(software)
               .AddFingerprint()
               .Build();
  if (!r.ok()) return std::nullopt;
  return std::move(*r);
}

void BindingServer::HandleDatagram(Timestamp, const Datagram& d) {
  auto response = AnswerBinding(d.payload, d.remote, software_);
  if (!response) return;
  ++answered_;
  transmits_.push_back(
      Transmit{d.local, d.remote, d.transport, std::move(*response)});
}

std::optional<Transmit> BindingServer::PollTransmit() {
  if (transmits_.empty()) return std::nullopt;
  Transmit t = std::move(transmits_.front());
  transmits_.pop_front();
  return t;
}

}  // namespace simrtc::stun
