// pcap output of simulated traffic.
//
// Writes classic pcap (microsecond timestamps, LINKTYPE_RAW = 101): every
// packet is a synthesized IPv4 or IPv6 header plus a UDP header in front of
// the payload, with valid IPv4 header and UDP checksums, so tshark and
// Wireshark dissect the payload (STUN, DTLS, RTP...) as if captured on a
// wire. Timestamps are the simulation's virtual time.
#ifndef VNET_PCAP_WRITER_H_
#define VNET_PCAP_WRITER_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "vnet/types.h"

namespace simrtc::vnet {

// Writes packets as a pcap file (LINKTYPE_RAW, 101) with synthesized
// IPv4/IPv6 + UDP headers (valid checksums), readable by tshark/Wireshark.
// Feed it kSend/kDeliver records (or every record of one host).
// A payload too large for one IP packet is truncated to what fits, and an
// address not of the source's family is written as zeros (never a crash).
class PcapWriter {
 public:
  // Opens (truncates) the file; the global header is written at once.
  static absl::StatusOr<std::unique_ptr<PcapWriter>> Open(
      const std::string& path);
  ~PcapWriter();
  void Write(Timestamp at, const SocketAddress& src, const SocketAddress& dst,
             std::span<const uint8_t> udp_payload);
  // Convenience for a TraceSink: writes the record's packet as seen there.
  void Write(const TraceRecord& record) {
    Write(record.at, record.src, record.dst, record.payload);
  }
  int64_t packets_written() const { return packets_; }
  // Pushes buffered bytes to the file (also done by the destructor).
  absl::Status Flush();

  // The IP packet (header + UDP header + payload) Write() records; exposed
  // for tests and for tools that want raw packets without a file.
  static std::vector<uint8_t> BuildPacket(const SocketAddress& src,
                                          const SocketAddress& dst,
                                          std::span<const uint8_t> payload);

 private:
  explicit PcapWriter(std::FILE* f) : file_(f) {}
  std::FILE* file_;
  int64_t packets_ = 0;
  std::vector<uint8_t> scratch_;  // reused per record
};

}  // namespace simrtc::vnet

#endif  // VNET_PCAP_WRITER_H_
