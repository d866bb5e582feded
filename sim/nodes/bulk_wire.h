// Wire format shared by the bulk sender and receiver (not a standard
// protocol; only these two nodes speak it).
//
//   data: "SBLK" | seq u64 | send time us i64 | padding   (>= 20 bytes)
//   ack:  "SACK" | seq u64                                (12 bytes)
//
// The send time lets the receiver measure one-way delay; that is meaningful
// only because both ends share the simulator's virtual clock.
#ifndef SIM_NODES_BULK_WIRE_H_
#define SIM_NODES_BULK_WIRE_H_

#include <cstdint>
#include <optional>
#include <span>

#include "core/base/byte_io.h"
#include "core/base/time.h"

namespace simrtc::sim::bulk {

inline constexpr uint32_t kDataMagic = 0x53424c4b;  // "SBLK"
inline constexpr uint32_t kAckMagic = 0x5341434b;   // "SACK"
inline constexpr size_t kDataHeaderSize = 20;
inline constexpr size_t kAckSize = 12;

struct DataHeader {
  uint64_t seq;
  Timestamp sent;
};

inline std::optional<DataHeader> ParseData(std::span<const uint8_t> p) {
  if (p.size() < kDataHeaderSize || LoadBE32(p.data()) != kDataMagic) {
    return std::nullopt;
  }
  return DataHeader{
      LoadBE64(p.data() + 4),
      Timestamp::Micros(static_cast<int64_t>(LoadBE64(p.data() + 12)))};
}

inline std::optional<uint64_t> ParseAck(std::span<const uint8_t> p) {
  if (p.size() < kAckSize || LoadBE32(p.data()) != kAckMagic) {
    return std::nullopt;
  }
  return LoadBE64(p.data() + 4);
}

}  // namespace simrtc::sim::bulk

#endif  // SIM_NODES_BULK_WIRE_H_
