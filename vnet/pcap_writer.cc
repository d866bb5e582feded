#include "vnet/pcap_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"
#include "core/base/byte_io.h"

namespace simrtc::vnet {

namespace {

constexpr uint32_t kPcapMagic = 0xa1b2c3d4;  // microsecond timestamps
constexpr uint32_t kLinktypeRaw = 101;
constexpr uint32_t kSnapLen = 65535;
constexpr uint8_t kProtoUdp = 17;
constexpr size_t kIpv4Header = 20;
constexpr size_t kIpv6Header = 40;
constexpr size_t kUdpHeader = 8;

// Ones' complement sum over 16-bit big-endian words, not yet folded.
uint32_t SumWords(std::span<const uint8_t> b, uint32_t sum = 0) {
  size_t i = 0;
  for (; i + 1 < b.size(); i += 2) sum += LoadBE16(&b[i]);
  if (i < b.size()) sum += static_cast<uint32_t>(b[i]) << 8;
  // Fold early so long payloads cannot overflow 32 bits.
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

uint16_t Fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}

// The 4 or 16 address bytes in `family`, zeros when `ip` is of another one.
void CopyAddress(uint8_t* out, const IpAddress& ip, bool v6) {
  const size_t n = v6 ? 16 : 4;
  std::span<const uint8_t> b = ip.bytes();
  if (b.size() == n) {
    std::memcpy(out, b.data(), n);
  } else {
    std::memset(out, 0, n);
  }
}

void PutLE32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}

}  // namespace

std::vector<uint8_t> PcapWriter::BuildPacket(const SocketAddress& src,
                                             const SocketAddress& dst,
                                             std::span<const uint8_t> payload) {
  const bool v6 = src.ip().is_v6() || (!src.is_set() && dst.ip().is_v6());
  const size_t ip_header = v6 ? kIpv6Header : kIpv4Header;
  const size_t max_payload = 65535 - kUdpHeader - (v6 ? 0 : kIpv4Header);
  payload = payload.first(std::min(payload.size(), max_payload));
  const size_t udp_len = kUdpHeader + payload.size();
  std::vector<uint8_t> pkt(ip_header + udp_len);
  uint8_t* ip = pkt.data();
  uint8_t* src_addr;
  uint8_t* dst_addr;
  if (v6) {
    ip[0] = 0x60;  // version 6, traffic class 0, flow label 0
    StoreBE16(ip + 4, static_cast<uint16_t>(udp_len));
    ip[6] = kProtoUdp;
    ip[7] = 64;  // hop limit
    src_addr = ip + 8;
    dst_addr = ip + 24;
  } else {
    ip[0] = 0x45;  // version 4, 5-word header
    StoreBE16(ip + 2, static_cast<uint16_t>(ip_header + udp_len));
    StoreBE16(ip + 6, 0x4000);  // don't fragment; id 0 is then fine
    ip[8] = 64;                 // TTL
    ip[9] = kProtoUdp;
    src_addr = ip + 12;
    dst_addr = ip + 16;
  }
  CopyAddress(src_addr, src.ip(), v6);
  CopyAddress(dst_addr, dst.ip(), v6);
  const size_t addr_len = v6 ? 16 : 4;
  if (!v6) StoreBE16(ip + 10, Fold(SumWords({ip, kIpv4Header})));

  uint8_t* udp = ip + ip_header;
  StoreBE16(udp, src.port());
  StoreBE16(udp + 2, dst.port());
  StoreBE16(udp + 4, static_cast<uint16_t>(udp_len));
  if (!payload.empty()) {
    std::memcpy(udp + kUdpHeader, payload.data(), payload.size());
  }
  // Pseudo-header: addresses, protocol, UDP length (RFC 768 / RFC 8200).
  uint32_t sum = SumWords({src_addr, addr_len});
  sum = SumWords({dst_addr, addr_len}, sum);
  sum += kProtoUdp;
  sum += static_cast<uint32_t>(udp_len);
  sum = SumWords({udp, udp_len}, sum);
  uint16_t checksum = Fold(sum);
  if (checksum == 0) checksum = 0xffff;  // 0 would mean "no checksum"
  StoreBE16(udp + 6, checksum);
  return pkt;
}

absl::StatusOr<std::unique_ptr<PcapWriter>> PcapWriter::Open(
    const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    return absl::UnavailableError(
        absl::StrFormat("pcap file '%s': cannot open for writing: %s", path,
                        std::strerror(errno)));
  }
  // Classic pcap global header, written in little-endian like most tools.
  uint8_t header[24] = {};
  PutLE32(header, kPcapMagic);
  header[4] = 2;  // version 2.4
  header[6] = 4;
  PutLE32(header + 16, kSnapLen);
  PutLE32(header + 20, kLinktypeRaw);
  if (std::fwrite(header, 1, sizeof(header), f) != sizeof(header)) {
    std::fclose(f);
    return absl::UnavailableError(
        absl::StrFormat("pcap file '%s': writing the header failed", path));
  }
  return std::unique_ptr<PcapWriter>(new PcapWriter(f));
}

PcapWriter::~PcapWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

absl::Status PcapWriter::Flush() {
  if (std::fflush(file_) != 0) {
    return absl::UnavailableError(
        absl::StrFormat("pcap file: flush failed: %s", std::strerror(errno)));
  }
  return absl::OkStatus();
}

void PcapWriter::Write(Timestamp at, const SocketAddress& src,
                       const SocketAddress& dst,
                       std::span<const uint8_t> udp_payload) {
  scratch_ = BuildPacket(src, dst, udp_payload);
  const int64_t us = std::max<int64_t>(0, at.us());
  uint8_t rec[16];
  PutLE32(rec, static_cast<uint32_t>(us / 1000000));
  PutLE32(rec + 4, static_cast<uint32_t>(us % 1000000));
  const uint32_t len = static_cast<uint32_t>(scratch_.size());
  PutLE32(rec + 8, len);
  PutLE32(rec + 12, len);
  std::fwrite(rec, 1, sizeof(rec), file_);
  std::fwrite(scratch_.data(), 1, scratch_.size(), file_);
  ++packets_;
}

}  // namespace simrtc::vnet
