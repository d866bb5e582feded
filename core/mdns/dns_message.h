// DNS messages (RFC 1035) as Multicast DNS uses them (RFC 6762).
//
// Contract:
//  * ParseMessage never crashes and never loops on hostile input. Every error
//    names the field and the byte offset. Compressed names are followed only
//    strictly backwards (each pointer must land before the start of the label
//    run that contains it) and at most kMaxPointerHops times, so a message
//    cannot make one name cost more than a bounded amount of work.
//  * Parsing is strict: the header counts must describe the message exactly
//    (trailing bytes are an error), rdata of the typed record kinds must fill
//    its rdlength exactly, and names obey the 63-byte label / 255-byte name
//    limits.
//  * The mDNS top bit of the class field (unicast-response in questions,
//    cache-flush in records) is split into its own flag. The split is done
//    for every record, including ones like OPT whose class means something
//    else, and is lossless: PackMessage puts the bit back.
//  * Any message ParseMessage accepts, PackMessage accepts, and parsing the
//    packed bytes yields an equal Message (compression may differ).
//  * Records of unknown type keep their rdata as raw bytes. If such rdata
//    holds compressed names they refer to offsets in the original message and
//    are meaningless once repacked; only the types modelled here are safe to
//    move between messages.
//
// Names are dotted strings without the trailing dot ("foo.local"; the root
// is ""). A label may contain any byte: '.' and '\' inside a label are
// written "\." and "\\", and "\DDD" (three decimal digits) is accepted on
// input for any byte. Case is preserved; NamesEqual compares as RFC 6762
// section 16 says (ASCII case-insensitively).
#ifndef CORE_MDNS_DNS_MESSAGE_H_
#define CORE_MDNS_DNS_MESSAGE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/base/socket_address.h"

namespace simrtc::mdns {

inline constexpr size_t kHeaderSize = 12;
inline constexpr size_t kMaxLabelLength = 63;
// Wire length including every length byte and the final zero byte.
inline constexpr size_t kMaxNameWireLength = 255;
// A name of 255 bytes has at most 127 labels, and a sane encoder never
// needs more than one pointer per label.
inline constexpr int kMaxPointerHops = 127;
inline constexpr uint16_t kMdnsPort = 5353;

// Record and query types. Values not listed are legal and kept as numbers.
enum class RrType : uint16_t {
  kA = 1,
  kNs = 2,
  kCname = 5,
  kSoa = 6,
  kPtr = 12,
  kMx = 15,
  kTxt = 16,
  kAaaa = 28,
  kSrv = 33,
  kOpt = 41,
  kNsec = 47,
  kAny = 255,  // questions only
};
// "A", "AAAA", ... or "TYPE<n>" (RFC 3597 style) for the rest.
std::string RrTypeName(RrType type);

// Class values once the mDNS top bit is removed (15 bits).
inline constexpr uint16_t kClassIn = 1;
inline constexpr uint16_t kClassAny = 255;
inline constexpr uint16_t kMdnsClassTopBit = 0x8000;

enum class Opcode : uint8_t { kQuery = 0 };  // mDNS uses only 0
enum class Rcode : uint8_t {
  kNoError = 0,
  kFormErr = 1,
  kServFail = 2,
  kNxDomain = 3,
  kNotImp = 4,
  kRefused = 5
};

// The identification and flags word. Section counts are not stored here:
// PackMessage derives them from the section vectors.
struct Header {
  uint16_t id = 0;
  bool response = false;  // QR
  uint8_t opcode = 0;     // 4 bits
  bool authoritative = false;
  bool truncated = false;
  bool recursion_desired = false;
  bool recursion_available = false;
  bool zero = false;  // the reserved Z bit, kept so flags round-trip
  bool authentic_data = false;
  bool checking_disabled = false;
  uint8_t rcode = 0;  // 4 bits

  // The 16-bit flags word; fails if opcode or rcode exceed 4 bits.
  absl::StatusOr<uint16_t> EncodeFlags() const;
  static Header FromWire(uint16_t id, uint16_t flags);

  friend bool operator==(const Header&, const Header&) = default;
};

struct SectionCounts {
  uint16_t questions = 0;
  uint16_t answers = 0;
  uint16_t authorities = 0;
  uint16_t additionals = 0;
  friend bool operator==(const SectionCounts&, const SectionCounts&) = default;
};

struct Question {
  std::string name;
  RrType type = RrType::kA;
  uint16_t qclass = kClassIn;     // 15 bits
  bool unicast_response = false;  // mDNS QU bit (RFC 6762 section 5.4)
  friend bool operator==(const Question&, const Question&) = default;
};

struct AData {
  IpAddress address;  // must be IPv4 to pack
  friend bool operator==(const AData&, const AData&) = default;
};
struct AaaaData {
  IpAddress address;  // must be IPv6 to pack
  friend bool operator==(const AaaaData&, const AaaaData&) = default;
};
struct PtrData {
  std::string name;
  friend bool operator==(const PtrData&, const PtrData&) = default;
};
struct CnameData {
  std::string name;
  friend bool operator==(const CnameData&, const CnameData&) = default;
};
struct SrvData {
  uint16_t priority = 0;
  uint16_t weight = 0;
  uint16_t port = 0;
  std::string target;
  friend bool operator==(const SrvData&, const SrvData&) = default;
};
// Each entry is one <character-string> (at most 255 bytes). An empty vector
// is zero-length rdata, which differs from one empty string (a single zero
// byte, what RFC 6763 section 6.1 asks senders to use).
struct TxtData {
  std::vector<std::string> strings;
  friend bool operator==(const TxtData&, const TxtData&) = default;
};
// Any other type, rdata uninterpreted. Packing one with a modelled type
// (say kA with 5 bytes) is allowed on purpose: it is how tests and tools
// produce malformed messages.
struct UnknownData {
  RrType type = RrType::kA;
  std::vector<uint8_t> data;
  friend bool operator==(const UnknownData&, const UnknownData&) = default;
};

using Rdata = std::variant<AData, AaaaData, PtrData, CnameData, SrvData,
                           TxtData, UnknownData>;

// The record type is implied by the rdata, so the two cannot disagree.
RrType RdataType(const Rdata& rdata);

struct ResourceRecord {
  std::string name;
  uint16_t rrclass = kClassIn;  // 15 bits
  bool cache_flush = false;     // mDNS (RFC 6762 section 10.2)
  uint32_t ttl = 0;
  Rdata rdata;

  RrType type() const { return RdataType(rdata); }
  friend bool operator==(const ResourceRecord&,
                         const ResourceRecord&) = default;
};

struct Message {
  Header header;
  std::vector<Question> questions;
  std::vector<ResourceRecord> answers;
  std::vector<ResourceRecord> authorities;
  std::vector<ResourceRecord> additionals;
  friend bool operator==(const Message&, const Message&) = default;
};

struct PackOptions {
  // Compress owner names and the names inside PTR, CNAME and SRV rdata.
  // RFC 6762 section 18.14 allows the SRV target to be compressed in mDNS
  // (unicast DNS forbids it), and receivers here accept it anywhere.
  bool compress = true;
};

// The header alone, e.g. to drop queries or responses before a full parse.
absl::StatusOr<Header> ParseHeader(ByteSpan data,
                                   SectionCounts* counts = nullptr);

absl::StatusOr<Message> ParseMessage(ByteSpan data);

// Appends the message to `out`; compression offsets are relative to where it
// starts. On failure `out` is left as it was.
absl::Status PackMessage(const Message& msg, std::vector<uint8_t>& out,
                         const PackOptions& options = {});
absl::StatusOr<std::vector<uint8_t>> PackMessage(
    const Message& msg, const PackOptions& options = {});

// Name helpers (same dotted syntax as the message fields).
// Splits into raw labels (escapes removed); validates the limits.
absl::StatusOr<std::vector<std::string>> SplitName(std::string_view name);
// Joins raw labels, escaping '.' and '\'. Does not validate.
std::string JoinLabels(const std::vector<std::string>& labels);
// One spelling per name: trailing dot dropped, escapes normalised.
absl::StatusOr<std::string> CanonicalName(std::string_view name);
// ASCII case-insensitive comparison of two canonical names.
bool NamesEqual(std::string_view a, std::string_view b);

}  // namespace simrtc::mdns

#endif  // CORE_MDNS_DNS_MESSAGE_H_
