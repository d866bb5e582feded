// TURN ChannelData framing (RFC 8656 section 12.4) and the stream framing
// shared with STUN on TCP/TLS connections to a TURN server.
//
//   0                   1                   2                   3
//   |         Channel Number        |            Length             |
//   |                       Application Data ...                    |
//
// Contract: pure functions; parsing never allocates and returns a view into
// the input. Channel numbers 0x4000-0x4FFF are the valid ones; 0x5000-0x7FFF
// share the first-byte range (RFC 7983) but are reserved, so they are an
// error, not "some other protocol". Over UDP the padding to a multiple of 4
// is optional (bytes after the data are ignored); over TCP/TLS it is
// mandatory, which StreamFrameSize accounts for. Writers pad by default:
// padded frames are valid on every transport.
#ifndef CORE_STUN_CHANNEL_DATA_H_
#define CORE_STUN_CHANNEL_DATA_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/byte_io.h"

namespace simrtc::stun {

inline constexpr uint16_t kMinChannelNumber = 0x4000;
inline constexpr uint16_t kMaxChannelNumber = 0x4FFF;
inline constexpr size_t kChannelDataHeaderSize = 4;

constexpr bool IsValidChannelNumber(uint16_t channel) {
  return channel >= kMinChannelNumber && channel <= kMaxChannelNumber;
}

struct ChannelData {
  uint16_t channel = 0;
  ByteSpan data;  // a view into the parsed bytes
};

// Cheap demultiplexing test: a valid channel number and a length that fits.
bool IsChannelData(ByteSpan datagram);

// Parses a ChannelData message from a datagram (or a frame cut by
// StreamFrameSize). Bytes after the data (padding) are ignored.
absl::StatusOr<ChannelData> ParseChannelData(ByteSpan datagram);
// The result would point into a destroyed temporary.
absl::StatusOr<ChannelData> ParseChannelData(std::vector<uint8_t>&&) = delete;

// Size on the wire of a frame carrying `data_size` bytes.
constexpr size_t ChannelDataSize(size_t data_size, bool pad) {
  const size_t n = kChannelDataHeaderSize + data_size;
  return pad ? (n + 3) & ~size_t{3} : n;
}

// Writes a frame into `out` and returns its size. Fails on an invalid
// channel, data over 65535 bytes, or a buffer smaller than
// ChannelDataSize(data.size(), pad).
absl::StatusOr<size_t> WriteChannelData(uint16_t channel, ByteSpan data,
                                        MutableByteSpan out, bool pad = true);
absl::StatusOr<std::vector<uint8_t>> BuildChannelData(uint16_t channel,
                                                      ByteSpan data,
                                                      bool pad = true);

// For TCP/TLS streams carrying STUN and ChannelData (RFC 8656 section 12.4,
// RFC 8489 section 6.2.2): the size of the frame at the start of
// `buffered`, ChannelData padding included. nullopt while too few bytes are
// buffered to tell (ChannelData needs 4, STUN its 20-byte header); an error
// when the bytes start neither a STUN message nor a valid ChannelData frame,
// after which the stream cannot be resynchronised.
absl::StatusOr<std::optional<size_t>> StreamFrameSize(ByteSpan buffered);

}  // namespace simrtc::stun

#endif  // CORE_STUN_CHANNEL_DATA_H_
