#include "core/rtcp/transport_cc.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "core/base/status_macros.h"
#include "core/rtp/sequence_number.h"

namespace simrtc::rtcp {
namespace {

using internal::FieldError;
using internal::MarshalError;
using internal::Truncated;

constexpr size_t kFixedBody = 16;  // SSRCs, base seq, count, ref, fb count

// Calls fn(index, symbol) for each symbol within `count`, stopping early
// when fn returns a non-OK status.
template <typename Fn>
absl::Status ForEachSymbol(const std::vector<PacketStatusChunk>& chunks,
                           size_t count, Fn&& fn) {
  size_t index = 0;
  for (const PacketStatusChunk& c : chunks) {
    const size_t n = std::min(c.symbol_count(), count - index);
    for (size_t i = 0; i < n; ++i, ++index) {
      SIMRTC_RETURN_IF_ERROR(fn(index, c.symbol(i)));
    }
    if (index == count) break;
  }
  return absl::OkStatus();
}

size_t DeltaSize(StatusSymbol s) {
  return s == StatusSymbol::kSmallDelta   ? 1
         : s == StatusSymbol::kLargeDelta ? 2
                                          : 0;
}

// Bytes of receive deltas the symbols within `count` call for.
size_t DeltaBytes(const std::vector<PacketStatusChunk>& chunks, size_t count) {
  size_t bytes = 0;
  size_t index = 0;
  for (const PacketStatusChunk& c : chunks) {
    if (index >= count) break;
    const size_t n = std::min(c.symbol_count(), count - index);
    if (c.type == PacketStatusChunk::Type::kRunLength) {
      bytes += n * DeltaSize(c.run_symbol);
    } else {
      for (size_t i = 0; i < n; ++i) bytes += DeltaSize(c.symbols[i]);
    }
    index += n;
  }
  return bytes;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

PacketStatusChunk PacketStatusChunk::RunLength(StatusSymbol symbol,
                                               uint16_t length) {
  PacketStatusChunk c;
  c.type = Type::kRunLength;
  c.run_symbol = symbol;
  c.run_length = length;
  return c;
}

PacketStatusChunk PacketStatusChunk::Decode(uint16_t raw) {
  PacketStatusChunk c;
  if ((raw & 0x8000) == 0) {
    c.type = Type::kRunLength;
    c.run_symbol = static_cast<StatusSymbol>((raw >> 13) & 0x3);
    c.run_length = raw & kMaxRunLength;
  } else if ((raw & 0x4000) == 0) {
    c.type = Type::kOneBitVector;
    for (int i = 0; i < 14; ++i) {
      c.symbols[i] = static_cast<StatusSymbol>((raw >> (13 - i)) & 0x1);
    }
  } else {
    c.type = Type::kTwoBitVector;
    for (int i = 0; i < 7; ++i) {
      c.symbols[i] = static_cast<StatusSymbol>((raw >> (12 - 2 * i)) & 0x3);
    }
  }
  return c;
}

absl::StatusOr<uint16_t> PacketStatusChunk::Encode() const {
  switch (type) {
    case Type::kRunLength:
      if (run_length > kMaxRunLength) {
        return absl::InvalidArgumentError(
            absl::StrFormat("TWCC run length %d exceeds 8191", run_length));
      }
      return static_cast<uint16_t>((static_cast<int>(run_symbol) << 13) |
                                   run_length);
    case Type::kOneBitVector: {
      uint16_t raw = 0x8000;
      for (int i = 0; i < 14; ++i) {
        const int s = static_cast<int>(symbols[i]);
        if (s > 1) {
          return absl::InvalidArgumentError(absl::StrFormat(
              "TWCC one-bit status vector: symbol %d at %d needs two bits", s,
              i));
        }
        raw = static_cast<uint16_t>(raw | (s << (13 - i)));
      }
      return raw;
    }
    case Type::kTwoBitVector: {
      uint16_t raw = 0xC000;
      for (int i = 0; i < 7; ++i) {
        raw = static_cast<uint16_t>(
            raw | (static_cast<int>(symbols[i]) << (12 - 2 * i)));
      }
      return raw;
    }
  }
  return absl::InternalError("TWCC chunk: bad type");
}

size_t PacketStatusChunk::symbol_count() const {
  switch (type) {
    case Type::kRunLength:
      return run_length;
    case Type::kOneBitVector:
      return 14;
    case Type::kTwoBitVector:
      return 7;
  }
  return 0;
}

StatusSymbol PacketStatusChunk::symbol(size_t i) const {
  return type == Type::kRunLength ? run_symbol : symbols[i];
}

absl::StatusOr<TransportCcFeedback> TransportCcFeedback::Parse(
    const RawPacket& raw) {
  const ByteSpan body = raw.body;
  if (body.size() < kFixedBody) {
    return Truncated(raw, kName, "fixed fields", kHeaderSize, kFixedBody,
                     body.size());
  }
  TransportCcFeedback fb;
  const uint8_t* p = body.data();
  fb.sender_ssrc = LoadBE32(p);
  fb.media_ssrc = LoadBE32(p + 4);
  fb.base_sequence_number = LoadBE16(p + 8);
  fb.packet_status_count = LoadBE16(p + 10);
  fb.reference_time = LoadBE24(p + 12);
  fb.feedback_packet_count = p[15];

  size_t pos = kFixedBody;
  size_t covered = 0;
  while (covered < fb.packet_status_count) {
    if (body.size() - pos < 2) {
      return Truncated(
          raw, kName,
          absl::StrFormat("packet status chunk %d (%d of %d "
                          "statuses covered)",
                          fb.chunks.size(), covered, fb.packet_status_count),
          kHeaderSize + pos, 2, body.size() - pos);
    }
    fb.chunks.push_back(PacketStatusChunk::Decode(LoadBE16(p + pos)));
    covered += fb.chunks.back().symbol_count();
    pos += 2;
  }
  // Each delta takes at least one byte, so this bounds the reservation by
  // the packet rather than by a count field an attacker chose.
  fb.recv_deltas.reserve(
      std::min<size_t>(fb.packet_status_count, body.size() - pos));
  size_t index = 0;
  for (const PacketStatusChunk& c : fb.chunks) {
    const size_t n =
        std::min<size_t>(c.symbol_count(), fb.packet_status_count - index);
    for (size_t i = 0; i < n; ++i, ++index) {
      const StatusSymbol sym = c.symbol(i);
      if (sym == StatusSymbol::kNotReceived) continue;
      const uint16_t seq =
          static_cast<uint16_t>(fb.base_sequence_number + index);
      if (sym == StatusSymbol::kReserved) {
        return FieldError(
            raw, kName, "packet status chunks", kHeaderSize + kFixedBody,
            absl::StrFormat("reserved symbol 3 for sequence number %d", seq));
      }
      const size_t need = DeltaSize(sym);
      if (body.size() - pos < need) {
        return Truncated(
            raw, kName,
            absl::StrFormat("receive delta of sequence number %d", seq),
            kHeaderSize + pos, need, body.size() - pos);
      }
      fb.recv_deltas.push_back(
          need == 1 ? int32_t{p[pos]}
                    : int32_t{static_cast<int16_t>(LoadBE16(p + pos))});
      pos += need;
    }
  }
  if (body.size() - pos > 3) {
    return FieldError(raw, kName, "trailing data", kHeaderSize + pos,
                      absl::StrFormat("%d bytes after the receive deltas",
                                      body.size() - pos));
  }
  return fb;
}

size_t TransportCcFeedback::MarshalSize() const {
  const size_t n = kHeaderSize + kFixedBody + 2 * chunks.size() +
                   DeltaBytes(chunks, packet_status_count);
  return (n + 3) & ~size_t{3};
}

absl::Status TransportCcFeedback::MarshalTo(ByteWriter& w) const {
  if (reference_time > 0xFFFFFF) {
    return MarshalError(
        kName,
        absl::StrFormat("reference time %d exceeds 24 bits", reference_time));
  }
  // The chunks must cover the count, and the last one must be needed:
  // a reader stops at the count and would read a spare chunk as deltas.
  size_t covered = 0;
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (covered >= packet_status_count) {
      return MarshalError(
          kName, absl::StrFormat("chunk %d is beyond the %d statuses", i,
                                 packet_status_count));
    }
    covered += chunks[i].symbol_count();
  }
  if (covered < packet_status_count) {
    return MarshalError(kName, absl::StrFormat("chunks cover %d of %d statuses",
                                               covered, packet_status_count));
  }
  // One pass checks every received symbol against its delta and sizes the
  // delta list.
  size_t received = 0;
  size_t delta_bytes = 0;
  size_t index = 0;
  for (const PacketStatusChunk& c : chunks) {
    const size_t n =
        std::min<size_t>(c.symbol_count(), packet_status_count - index);
    for (size_t i = 0; i < n; ++i, ++index) {
      const StatusSymbol sym = c.symbol(i);
      if (sym == StatusSymbol::kNotReceived) continue;
      if (sym == StatusSymbol::kReserved) {
        return MarshalError(
            kName, absl::StrFormat("status %d is the reserved symbol", index));
      }
      if (received >= recv_deltas.size()) {
        return MarshalError(kName,
                            absl::StrFormat("only %d deltas for more received "
                                            "statuses",
                                            recv_deltas.size()));
      }
      const int32_t d = recv_deltas[received++];
      const bool small = sym == StatusSymbol::kSmallDelta;
      if (small ? (d < 0 || d > 255) : (d < -32768 || d > 32767)) {
        return MarshalError(
            kName, absl::StrFormat("delta %d of status %d does not fit "
                                   "its %s symbol",
                                   d, index, small ? "small" : "large"));
      }
      delta_bytes += small ? 1 : 2;
    }
  }
  if (received != recv_deltas.size()) {
    return MarshalError(kName,
                        absl::StrFormat("%d deltas for %d received statuses",
                                        recv_deltas.size(), received));
  }
  const size_t unpadded =
      kHeaderSize + kFixedBody + 2 * chunks.size() + delta_bytes;
  const size_t size = (unpadded + 3) & ~size_t{3};
  SIMRTC_RETURN_IF_ERROR(internal::CheckPacketSize(kName, size));
  const size_t pad = size - unpadded;
  SIMRTC_RETURN_IF_ERROR(internal::WriteHeader(w, pad != 0, kFmtTransportCc,
                                               kPacketTypeRtpfb, size));
  SIMRTC_RETURN_IF_ERROR(w.WriteU32(sender_ssrc));
  SIMRTC_RETURN_IF_ERROR(w.WriteU32(media_ssrc));
  SIMRTC_RETURN_IF_ERROR(w.WriteU16(base_sequence_number));
  SIMRTC_RETURN_IF_ERROR(w.WriteU16(packet_status_count));
  SIMRTC_RETURN_IF_ERROR(w.WriteU24(reference_time));
  SIMRTC_RETURN_IF_ERROR(w.WriteU8(feedback_packet_count));
  for (const PacketStatusChunk& c : chunks) {
    SIMRTC_ASSIGN_OR_RETURN(uint16_t raw, c.Encode());
    SIMRTC_RETURN_IF_ERROR(w.WriteU16(raw));
  }
  // Reserve the delta area once and fill it in place: a checked write per
  // delta costs more than the rest of the packet.
  const size_t deltas_at = w.size();
  SIMRTC_RETURN_IF_ERROR(w.WriteZeros(delta_bytes));
  uint8_t* d = w.At(deltas_at);
  size_t next = 0;
  index = 0;
  for (const PacketStatusChunk& c : chunks) {
    const size_t n =
        std::min<size_t>(c.symbol_count(), packet_status_count - index);
    for (size_t i = 0; i < n; ++i, ++index) {
      const StatusSymbol sym = c.symbol(i);
      if (sym == StatusSymbol::kSmallDelta) {
        *d++ = static_cast<uint8_t>(recv_deltas[next++]);
      } else if (sym == StatusSymbol::kLargeDelta) {
        StoreBE16(d, static_cast<uint16_t>(recv_deltas[next++]));
        d += 2;
      }
    }
  }
  if (pad != 0) {
    SIMRTC_RETURN_IF_ERROR(w.WriteZeros(pad - 1));
    SIMRTC_RETURN_IF_ERROR(w.WriteU8(static_cast<uint8_t>(pad)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<TransportCcFeedback::PacketResult>>
TransportCcFeedback::GetPacketResults() const {
  std::vector<PacketResult> out;
  out.reserve(packet_status_count);
  int64_t ticks = 0;
  size_t next = 0;
  SIMRTC_RETURN_IF_ERROR(ForEachSymbol(
      chunks, packet_status_count,
      [&](size_t index, StatusSymbol s) -> absl::Status {
        PacketResult r;
        r.sequence_number = static_cast<uint16_t>(base_sequence_number + index);
        if (s == StatusSymbol::kSmallDelta || s == StatusSymbol::kLargeDelta) {
          if (next >= recv_deltas.size()) {
            return absl::InvalidArgumentError(
                absl::StrFormat("TWCC: no receive delta for sequence number %d",
                                r.sequence_number));
          }
          ticks += recv_deltas[next++];
          r.arrival_time =
              ReferenceTime() + TimeDelta::Micros(ticks * kDeltaTickUs);
        } else if (s == StatusSymbol::kReserved) {
          return absl::InvalidArgumentError(
              absl::StrFormat("TWCC: reserved status for sequence number %d",
                              r.sequence_number));
        }
        out.push_back(r);
        return absl::OkStatus();
      }));
  if (out.size() != packet_status_count) {
    return absl::InvalidArgumentError(
        absl::StrFormat("TWCC: chunks cover %d of %d statuses", out.size(),
                        packet_status_count));
  }
  return out;
}

absl::StatusOr<TransportCcFeedback> BuildTransportCcFeedback(
    uint32_t sender_ssrc, uint32_t media_ssrc, uint8_t feedback_packet_count,
    std::span<const ReceivedPacket> received) {
  if (received.empty()) {
    return absl::InvalidArgumentError("TWCC build: no received packets");
  }
  // Status per sequence number offset from the base, then the deltas.
  std::vector<StatusSymbol> statuses;
  std::vector<int32_t> deltas;
  deltas.reserve(received.size());
  const int64_t ref64 = FloorDiv(received[0].arrival_time.us(),
                                 TransportCcFeedback::kReferenceTickUs);
  const int64_t base_us = ref64 * TransportCcFeedback::kReferenceTickUs;
  int64_t prev_tick = 0;
  size_t offset = 0;
  for (size_t i = 0; i < received.size(); ++i) {
    if (i > 0) {
      const uint16_t prev = received[i - 1].sequence_number;
      const uint16_t cur = received[i].sequence_number;
      if (!rtp::IsNewerSequenceNumber(cur, prev)) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "TWCC build: sequence number %d at index %d does not follow %d",
            cur, i, prev));
      }
      offset += static_cast<uint16_t>(cur - prev);
      if (offset >= 0xFFFF) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "TWCC build: packets span more than 65535 sequence numbers "
            "(index %d)",
            i));
      }
    }
    const int64_t tick = FloorDiv(received[i].arrival_time.us() - base_us,
                                  TransportCcFeedback::kDeltaTickUs);
    const int64_t delta = tick - prev_tick;
    prev_tick = tick;
    StatusSymbol s;
    if (delta >= 0 && delta <= 255) {
      s = StatusSymbol::kSmallDelta;
    } else if (delta >= -32768 && delta <= 32767) {
      s = StatusSymbol::kLargeDelta;
    } else {
      return absl::OutOfRangeError(absl::StrFormat(
          "TWCC build: arrival of sequence number %d is %d us from the "
          "previous one, beyond +-8191.75 ms",
          received[i].sequence_number, delta * 250));
    }
    statuses.resize(offset + 1, StatusSymbol::kNotReceived);
    statuses[offset] = s;
    deltas.push_back(static_cast<int32_t>(delta));
  }

  TransportCcFeedback fb;
  fb.sender_ssrc = sender_ssrc;
  fb.media_ssrc = media_ssrc;
  fb.base_sequence_number = received[0].sequence_number;
  fb.packet_status_count = static_cast<uint16_t>(statuses.size());
  fb.reference_time = static_cast<uint32_t>(ref64) & 0xFFFFFF;
  fb.feedback_packet_count = feedback_packet_count;
  fb.recv_deltas = std::move(deltas);

  // Greedy chunking: long runs as run length, otherwise the densest vector
  // that can hold the next symbols.
  const size_t n = statuses.size();
  size_t i = 0;
  while (i < n) {
    size_t run = 1;
    while (i + run < n && statuses[i + run] == statuses[i] &&
           run < PacketStatusChunk::kMaxRunLength) {
      ++run;
    }
    const size_t remaining = n - i;
    if (run == remaining || run >= 14) {
      fb.chunks.push_back(PacketStatusChunk::RunLength(
          statuses[i], static_cast<uint16_t>(run)));
      i += run;
      continue;
    }
    const size_t w14 = std::min<size_t>(14, remaining);
    const bool one_bit = std::all_of(
        statuses.begin() + i, statuses.begin() + i + w14,
        [](StatusSymbol s) { return s != StatusSymbol::kLargeDelta; });
    if (one_bit) {
      PacketStatusChunk c;
      c.type = PacketStatusChunk::Type::kOneBitVector;
      std::copy_n(statuses.begin() + i, w14, c.symbols.begin());
      fb.chunks.push_back(c);
      i += w14;
      continue;
    }
    if (run >= 7) {
      fb.chunks.push_back(PacketStatusChunk::RunLength(
          statuses[i], static_cast<uint16_t>(run)));
      i += run;
      continue;
    }
    const size_t w7 = std::min<size_t>(7, remaining);
    PacketStatusChunk c;
    c.type = PacketStatusChunk::Type::kTwoBitVector;
    std::copy_n(statuses.begin() + i, w7, c.symbols.begin());
    fb.chunks.push_back(c);
    i += w7;
  }
  return fb;
}

}  // namespace simrtc::rtcp
