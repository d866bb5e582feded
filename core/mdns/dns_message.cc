#include "core/mdns/dns_message.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "core/base/absl_compat.h"
#include "core/base/status_macros.h"

namespace simrtc::mdns {
namespace {

constexpr uint8_t kLabelTypeMask = 0xC0;
constexpr uint8_t kPointerBits = 0xC0;
constexpr uint16_t kMaxPointerTarget = 0x3FFF;
// Smallest encodings, used to cap reservations so that a lying count cannot
// make us allocate more than the message could possibly hold.
constexpr size_t kMinQuestionSize = 1 + 4;
constexpr size_t kMinRecordSize = 1 + 10;

// Names the part of the message an error is about ("answer 2 name"),
// formatted only when an error is actually reported.
struct Where {
  std::string_view section;
  size_t index = kNoIndex;
  std::string_view part = {};

  static constexpr size_t kNoIndex = static_cast<size_t>(-1);
  Where Part(std::string_view p) const { return Where{section, index, p}; }
  std::string Describe() const {
    std::string out(section);
    if (index != kNoIndex) out += absl::StrFormat(" %d", index);
    if (!part.empty()) out += absl::StrFormat(" %s", part);
    return out;
  }
};

absl::Status ParseError(const Where& where, size_t offset,
                        std::string_view detail) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "DNS %s at offset %d: %s", where.Describe(), offset, detail));
}

absl::Status PackError(const Where& where, std::string_view detail) {
  return absl::InvalidArgumentError(
      absl::StrFormat("DNS %s: %s", where.Describe(), detail));
}

// Prefixes a ByteReader error (which names the field and offset) with the
// record it happened in.
absl::Status Annotate(const absl::Status& status, const Where& where) {
  if (status.ok()) return status;
  return absl::Status(
      status.code(),
      absl::StrFormat("DNS %s: %s", where.Describe(), status.message()));
}

void AppendEscapedLabel(ByteSpan label, std::string& out) {
  for (uint8_t c : label) {
    if (c == '.' || c == '\\') out.push_back('\\');
    out.push_back(static_cast<char>(c));
  }
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Converts a dotted name into its uncompressed wire form (length-prefixed
// labels and the terminating zero), enforcing the RFC 1035 limits.
absl::Status NameToWire(std::string_view name, const Where& field,
                        std::string& wire) {
  wire.clear();
  if (name.empty() || name == ".") {
    wire.push_back('\0');
    return absl::OkStatus();
  }
  wire.reserve(name.size() + 2);
  if (name.find('\\') == std::string_view::npos) {
    // Fast path (nearly every real name): labels are plain substrings.
    size_t start = 0;
    while (start < name.size()) {
      size_t dot = name.find('.', start);
      if (dot == std::string_view::npos) dot = name.size();
      const size_t len = dot - start;
      if (len == 0 || len > kMaxLabelLength) break;  // slow path explains
      wire.push_back(static_cast<char>(len));
      wire.append(name.substr(start, len));
      start = dot + 1;
    }
    if (start >= name.size()) {
      wire.push_back('\0');
      if (wire.size() > kMaxNameWireLength) {
        return PackError(
            field, absl::StrFormat("name \"%s\" is %d bytes on the "
                                   "wire (max %d)",
                                   name, wire.size(), kMaxNameWireLength));
      }
      return absl::OkStatus();
    }
    wire.clear();
  }
  size_t label_start = 0;
  wire.push_back('\0');  // length byte of the first label, patched below
  auto close_label = [&](size_t at) -> absl::Status {
    size_t len = wire.size() - label_start - 1;
    if (len == 0) {
      return PackError(field, absl::StrFormat("name \"%s\" has an empty label "
                                              "at character %d",
                                              name, at));
    }
    if (len > kMaxLabelLength) {
      return PackError(field,
                       absl::StrFormat("name \"%s\": label ending at "
                                       "character %d is %d bytes (max %d)",
                                       name, at, len, kMaxLabelLength));
    }
    wire[label_start] = static_cast<char>(len);
    return absl::OkStatus();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '.') {
      SIMRTC_RETURN_IF_ERROR(close_label(i));
      if (i + 1 == name.size()) break;  // absolute name: trailing dot
      label_start = wire.size();
      wire.push_back('\0');
      continue;
    }
    if (c == '\\') {
      if (i + 1 == name.size()) {
        return PackError(
            field,
            absl::StrFormat("name \"%s\" ends in a lone backslash", name));
      }
      if (IsDigit(name[i + 1])) {
        if (i + 3 >= name.size() || !IsDigit(name[i + 2]) ||
            !IsDigit(name[i + 3])) {
          return PackError(field,
                           absl::StrFormat("name \"%s\": \\DDD escape at "
                                           "character %d needs three digits",
                                           name, i));
        }
        int value = (name[i + 1] - '0') * 100 + (name[i + 2] - '0') * 10 +
                    (name[i + 3] - '0');
        if (value > 255) {
          return PackError(field,
                           absl::StrFormat("name \"%s\": escape \\%03d at "
                                           "character %d exceeds 255",
                                           name, value, i));
        }
        wire.push_back(static_cast<char>(value));
        i += 3;
      } else {
        wire.push_back(name[++i]);
      }
    } else {
      wire.push_back(c);
    }
    // Checked as we go so a huge input fails early, not after copying.
    if (wire.size() - label_start - 1 > kMaxLabelLength) {
      return PackError(field,
                       absl::StrFormat("name \"%s\": label at character %d "
                                       "exceeds %d bytes",
                                       name, i, kMaxLabelLength));
    }
  }
  if (wire[label_start] == '\0') {
    SIMRTC_RETURN_IF_ERROR(close_label(name.size()));
  }
  wire.push_back('\0');
  if (wire.size() > kMaxNameWireLength) {
    return PackError(
        field, absl::StrFormat("name \"%s\" is %d bytes on the wire (max %d)",
                               name, wire.size(), kMaxNameWireLength));
  }
  return absl::OkStatus();
}

// Reads a possibly compressed name at r.offset(). Bytes of the name itself
// (before any pointer) must end by `limit`; on success the reader is left
// just after them.
absl::Status ReadName(ByteReader& r, size_t limit, const Where& field,
                      std::string& out) {
  const ByteSpan msg = r.data();
  out.clear();
  size_t cur = r.offset();
  size_t bound = limit;
  // Start of the run of labels being read. A pointer must land before it:
  // that makes targets strictly decrease, so no chain of pointers can loop.
  size_t segment_start = cur;
  size_t resume = 0;  // where the reader continues; set at the first pointer
  bool jumped = false;
  int hops = 0;
  size_t wire_length = 0;
  while (true) {
    if (cur >= bound) {
      return ParseError(field, cur,
                        bound == msg.size()
                            ? "name runs past the end of the message"
                            : "name runs past the end of its rdata");
    }
    const uint8_t b = msg[cur];
    if (b == 0) {
      if (!jumped) resume = cur + 1;
      break;
    }
    switch (b & kLabelTypeMask) {
      case 0x00: {
        const size_t len = b;
        if (len > bound - cur - 1) {
          return ParseError(field, cur,
                            absl::StrFormat("label length %d exceeds the %d "
                                            "bytes left",
                                            len, bound - cur - 1));
        }
        wire_length += 1 + len;
        if (wire_length + 1 > kMaxNameWireLength) {
          return ParseError(
              field, cur,
              absl::StrFormat("name longer than %d bytes", kMaxNameWireLength));
        }
        if (wire_length > 1 + len) out.push_back('.');  // not the first label
        AppendEscapedLabel(msg.subspan(cur + 1, len), out);
        cur += 1 + len;
        break;
      }
      case kPointerBits: {
        if (bound - cur < 2) {
          return ParseError(field, cur, "truncated compression pointer");
        }
        const size_t target = LoadBE16(&msg[cur]) & kMaxPointerTarget;
        if (target >= msg.size()) {
          return ParseError(
              field, cur,
              absl::StrFormat("compression pointer to %d points past the "
                              "end (%d bytes)",
                              target, msg.size()));
        }
        if (target >= segment_start) {
          return ParseError(
              field, cur,
              absl::StrFormat("compression pointer to %d does not point "
                              "backwards (must be before %d)%s",
                              target, segment_start,
                              target == cur ? "; it points to itself" : ""));
        }
        if (++hops > kMaxPointerHops) {
          return ParseError(field, cur,
                            absl::StrFormat("more than %d compression "
                                            "pointers in one name",
                                            kMaxPointerHops));
        }
        if (!jumped) {
          resume = cur + 2;
          jumped = true;
          bound = msg.size();
        }
        segment_start = target;
        cur = target;
        break;
      }
      default:
        return ParseError(
            field, cur,
            absl::StrFormat("label type bits %s are reserved (byte 0x%02x)",
                            (b & kLabelTypeMask) == 0x40 ? "01" : "10", b));
    }
  }
  return r.Seek(resume);
}

constexpr const char* kSectionNames[] = {"answer", "authority", "additional"};

absl::Status ReadRdata(ByteReader& r, RrType type, size_t rdlength,
                       const Where& field, Rdata& out) {
  const size_t start = r.offset();
  const size_t end = start + rdlength;
  auto expect_length = [&](size_t want) -> absl::Status {
    if (rdlength != want) {
      return ParseError(field, start,
                        absl::StrFormat("%s rdlength %d, expected %d",
                                        RrTypeName(type), rdlength, want));
    }
    return absl::OkStatus();
  };
  auto expect_end = [&](std::string_view what) -> absl::Status {
    if (r.offset() != end) {
      return ParseError(
          field, r.offset(),
          absl::StrFormat("%s ends %d bytes before rdlength %d says", what,
                          end - r.offset(), rdlength));
    }
    return absl::OkStatus();
  };
  switch (type) {
    case RrType::kA:
    case RrType::kAaaa: {
      const size_t size = type == RrType::kA ? 4 : 16;
      SIMRTC_RETURN_IF_ERROR(expect_length(size));
      ByteSpan bytes;
      SIMRTC_RETURN_IF_ERROR(r.ReadBytes(size, bytes, "address"));
      SIMRTC_ASSIGN_OR_RETURN(IpAddress ip, IpAddress::FromBytes(bytes));
      if (type == RrType::kA) {
        out = AData{ip};
      } else {
        out = AaaaData{ip};
      }
      return absl::OkStatus();
    }
    case RrType::kPtr:
    case RrType::kCname: {
      std::string name;
      SIMRTC_RETURN_IF_ERROR(ReadName(r, end, field, name));
      SIMRTC_RETURN_IF_ERROR(expect_end(RrTypeName(type) + " name"));
      if (type == RrType::kPtr) {
        out = PtrData{std::move(name)};
      } else {
        out = CnameData{std::move(name)};
      }
      return absl::OkStatus();
    }
    case RrType::kSrv: {
      if (rdlength < 7) {
        return ParseError(
            field, start,
            absl::StrFormat("SRV rdlength %d, need at least 7", rdlength));
      }
      SrvData srv;
      SIMRTC_RETURN_IF_ERROR(r.ReadU16(srv.priority, "SRV priority"));
      SIMRTC_RETURN_IF_ERROR(r.ReadU16(srv.weight, "SRV weight"));
      SIMRTC_RETURN_IF_ERROR(r.ReadU16(srv.port, "SRV port"));
      SIMRTC_RETURN_IF_ERROR(ReadName(r, end, field, srv.target));
      SIMRTC_RETURN_IF_ERROR(expect_end("SRV target"));
      out = std::move(srv);
      return absl::OkStatus();
    }
    case RrType::kTxt: {
      TxtData txt;
      while (r.offset() < end) {
        const size_t at = r.offset();
        const uint8_t len = r.data()[at];
        if (len > end - at - 1) {
          return ParseError(field, at,
                            absl::StrFormat("TXT string length %d exceeds the "
                                            "%d bytes left in rdata",
                                            len, end - at - 1));
        }
        ByteSpan bytes;
        SIMRTC_RETURN_IF_ERROR(r.Skip(1));
        SIMRTC_RETURN_IF_ERROR(r.ReadBytes(len, bytes, "TXT string"));
        txt.strings.emplace_back(AsString(bytes));
      }
      out = std::move(txt);
      return absl::OkStatus();
    }
    default: {
      ByteSpan bytes;
      SIMRTC_RETURN_IF_ERROR(r.ReadBytes(rdlength, bytes, "rdata"));
      out = UnknownData{type, std::vector<uint8_t>(bytes.begin(), bytes.end())};
      return absl::OkStatus();
    }
  }
}

absl::Status ReadRecord(ByteReader& r, const Where& field, ResourceRecord& rr) {
  SIMRTC_RETURN_IF_ERROR(
      ReadName(r, r.data().size(), field.Part("name"), rr.name));
  uint16_t type = 0;
  uint16_t rrclass = 0;
  uint16_t rdlength = 0;
  SIMRTC_RETURN_IF_ERROR(Annotate(r.ReadU16(type, "record type"), field));
  SIMRTC_RETURN_IF_ERROR(Annotate(r.ReadU16(rrclass, "record class"), field));
  SIMRTC_RETURN_IF_ERROR(Annotate(r.ReadU32(rr.ttl, "record TTL"), field));
  const size_t rdlength_offset = r.offset();
  SIMRTC_RETURN_IF_ERROR(
      Annotate(r.ReadU16(rdlength, "record rdlength"), field));
  rr.cache_flush = (rrclass & kMdnsClassTopBit) != 0;
  rr.rrclass = rrclass & ~kMdnsClassTopBit;
  if (rdlength > r.remaining()) {
    return ParseError(field.Part("rdlength"), rdlength_offset,
                      absl::StrFormat("rdlength %d exceeds the %d bytes left",
                                      rdlength, r.remaining()));
  }
  return ReadRdata(r, static_cast<RrType>(type), rdlength, field.Part("rdata"),
                   rr.rdata);
}

// Writes one message; owns the compression table for it.
class Packer {
 public:
  Packer(std::vector<uint8_t>& out, const PackOptions& options)
      : w_(out), compress_(options.compress) {}

  absl::Status Pack(const Message& msg) {
    SIMRTC_ASSIGN_OR_RETURN(uint16_t flags, msg.header.EncodeFlags());
    SIMRTC_ASSIGN_OR_RETURN(uint16_t qd,
                            Count(msg.questions.size(), "questions"));
    SIMRTC_ASSIGN_OR_RETURN(uint16_t an, Count(msg.answers.size(), "answers"));
    SIMRTC_ASSIGN_OR_RETURN(uint16_t ns,
                            Count(msg.authorities.size(), "authorities"));
    SIMRTC_ASSIGN_OR_RETURN(uint16_t ar,
                            Count(msg.additionals.size(), "additionals"));
    Write16(msg.header.id);
    Write16(flags);
    Write16(qd);
    Write16(an);
    Write16(ns);
    Write16(ar);
    for (size_t i = 0; i < msg.questions.size(); ++i) {
      const Question& q = msg.questions[i];
      const Where field{"question", i};
      if (q.qclass & kMdnsClassTopBit) {
        return PackError(
            field, absl::StrFormat("class 0x%04x uses the unicast-response "
                                   "bit; set unicast_response instead",
                                   q.qclass));
      }
      SIMRTC_RETURN_IF_ERROR(WriteName(q.name, field.Part("name")));
      Write16(static_cast<uint16_t>(q.type));
      Write16(q.qclass | (q.unicast_response ? kMdnsClassTopBit : 0));
    }
    const std::vector<ResourceRecord>* sections[] = {
        &msg.answers, &msg.authorities, &msg.additionals};
    for (int s = 0; s < 3; ++s) {
      for (size_t i = 0; i < sections[s]->size(); ++i) {
        SIMRTC_RETURN_IF_ERROR(
            WriteRecord((*sections[s])[i], Where{kSectionNames[s], i}));
      }
    }
    return absl::OkStatus();
  }

 private:
  static absl::StatusOr<uint16_t> Count(size_t n, std::string_view what) {
    if (n > std::numeric_limits<uint16_t>::max()) {
      return PackError(Where{what},
                       absl::StrFormat("%d entries do not fit a 16-bit "
                                       "count",
                                       n));
    }
    return static_cast<uint16_t>(n);
  }

  // The writer grows a vector, so writes cannot fail.
  void Write16(uint16_t v) { (void)w_.WriteU16(v); }

  absl::Status WriteName(std::string_view name, const Where& field) {
    SIMRTC_RETURN_IF_ERROR(NameToWire(name, field, wire_));
    const size_t name_offset = w_.size();
    // Label starts, longest suffix first; the root is never a suffix worth a
    // pointer (one byte beats two).
    size_t label_count = 0;
    for (size_t p = 0; wire_[p] != '\0';
         p += 1 + static_cast<uint8_t>(wire_[p])) {
      label_starts_[label_count++] = p;
    }
    size_t written_labels = label_count;
    uint16_t pointer = 0;
    if (compress_) {
      for (size_t i = 0; i < label_count; ++i) {
        auto it = suffixes_.find(
            ToAbsl(std::string_view(wire_).substr(label_starts_[i])));
        if (it != suffixes_.end()) {
          written_labels = i;
          pointer = it->second;
          break;
        }
      }
    }
    if (written_labels == label_count) {
      (void)w_.WriteString(wire_);
    } else {
      (void)w_.WriteString(
          std::string_view(wire_).substr(0, label_starts_[written_labels]));
      Write16(static_cast<uint16_t>(0xC000 | pointer));
    }
    // Only suffixes written in full here can be pointed at later.
    for (size_t i = 0; compress_ && i < written_labels; ++i) {
      const size_t offset = name_offset + label_starts_[i];
      if (offset > kMaxPointerTarget) break;
      suffixes_.try_emplace(std::string(wire_.substr(label_starts_[i])),
                            static_cast<uint16_t>(offset));
    }
    return absl::OkStatus();
  }

  absl::Status WriteRecord(const ResourceRecord& rr, const Where& field) {
    if (rr.rrclass & kMdnsClassTopBit) {
      return PackError(
          field, absl::StrFormat("class 0x%04x uses the cache-flush bit; set "
                                 "cache_flush instead",
                                 rr.rrclass));
    }
    SIMRTC_RETURN_IF_ERROR(WriteName(rr.name, field.Part("name")));
    Write16(static_cast<uint16_t>(rr.type()));
    Write16(rr.rrclass | (rr.cache_flush ? kMdnsClassTopBit : 0));
    (void)w_.WriteU32(rr.ttl);
    const size_t rdlength_at = w_.size();
    Write16(0);  // patched once the rdata size is known
    SIMRTC_RETURN_IF_ERROR(std::visit(
        [&](const auto& data) { return WriteRdata(data, field.Part("rdata")); },
        rr.rdata));
    const size_t rdlength = w_.size() - rdlength_at - 2;
    if (rdlength > std::numeric_limits<uint16_t>::max()) {
      return PackError(
          field, absl::StrFormat("rdata is %d bytes (max 65535)", rdlength));
    }
    StoreBE16(w_.At(rdlength_at), static_cast<uint16_t>(rdlength));
    return absl::OkStatus();
  }

  absl::Status WriteRdata(const AData& a, const Where& field) {
    if (!a.address.is_v4()) {
      return PackError(field, "A record needs an IPv4 address");
    }
    (void)w_.WriteBytes(a.address.bytes());
    return absl::OkStatus();
  }
  absl::Status WriteRdata(const AaaaData& a, const Where& field) {
    if (!a.address.is_v6()) {
      return PackError(field, "AAAA record needs an IPv6 address");
    }
    (void)w_.WriteBytes(a.address.bytes());
    return absl::OkStatus();
  }
  absl::Status WriteRdata(const PtrData& p, const Where& field) {
    return WriteName(p.name, field);
  }
  absl::Status WriteRdata(const CnameData& c, const Where& field) {
    return WriteName(c.name, field);
  }
  absl::Status WriteRdata(const SrvData& s, const Where& field) {
    Write16(s.priority);
    Write16(s.weight);
    Write16(s.port);
    return WriteName(s.target, field);
  }
  absl::Status WriteRdata(const TxtData& t, const Where& field) {
    for (size_t i = 0; i < t.strings.size(); ++i) {
      const std::string& s = t.strings[i];
      if (s.size() > 255) {
        return PackError(field, absl::StrFormat("TXT string %d is %d bytes "
                                                "(max 255)",
                                                i, s.size()));
      }
      (void)w_.WriteU8(static_cast<uint8_t>(s.size()));
      (void)w_.WriteString(s);
    }
    return absl::OkStatus();
  }
  absl::Status WriteRdata(const UnknownData& u, const Where&) {
    (void)w_.WriteBytes(u.data);
    return absl::OkStatus();
  }

  ByteWriter w_;
  bool compress_;
  std::string wire_;  // scratch: current name, uncompressed
  size_t label_starts_[kMaxNameWireLength / 2 + 1];
  // Uncompressed wire form of every name suffix written so far -> offset.
  // Only looked up, never iterated, so its order cannot reach the output.
  absl::flat_hash_map<std::string, uint16_t> suffixes_;
};

}  // namespace

std::string RrTypeName(RrType type) {
  switch (type) {
    case RrType::kA:
      return "A";
    case RrType::kNs:
      return "NS";
    case RrType::kCname:
      return "CNAME";
    case RrType::kSoa:
      return "SOA";
    case RrType::kPtr:
      return "PTR";
    case RrType::kMx:
      return "MX";
    case RrType::kTxt:
      return "TXT";
    case RrType::kAaaa:
      return "AAAA";
    case RrType::kSrv:
      return "SRV";
    case RrType::kOpt:
      return "OPT";
    case RrType::kNsec:
      return "NSEC";
    case RrType::kAny:
      return "ANY";
  }
  return absl::StrFormat("TYPE%d", static_cast<uint16_t>(type));
}

absl::StatusOr<uint16_t> Header::EncodeFlags() const {
  if (opcode > 15) {
    return PackError(Where{"header"},
                     absl::StrFormat("opcode %d exceeds 4 bits", opcode));
  }
  if (rcode > 15) {
    return PackError(Where{"header"},
                     absl::StrFormat("rcode %d exceeds 4 bits", rcode));
  }
  return static_cast<uint16_t>(
      (response ? 0x8000 : 0) | (opcode << 11) | (authoritative ? 0x0400 : 0) |
      (truncated ? 0x0200 : 0) | (recursion_desired ? 0x0100 : 0) |
      (recursion_available ? 0x0080 : 0) | (zero ? 0x0040 : 0) |
      (authentic_data ? 0x0020 : 0) | (checking_disabled ? 0x0010 : 0) | rcode);
}

Header Header::FromWire(uint16_t id, uint16_t flags) {
  Header h;
  h.id = id;
  h.response = flags & 0x8000;
  h.opcode = (flags >> 11) & 0x0F;
  h.authoritative = flags & 0x0400;
  h.truncated = flags & 0x0200;
  h.recursion_desired = flags & 0x0100;
  h.recursion_available = flags & 0x0080;
  h.zero = flags & 0x0040;
  h.authentic_data = flags & 0x0020;
  h.checking_disabled = flags & 0x0010;
  h.rcode = flags & 0x0F;
  return h;
}

RrType RdataType(const Rdata& rdata) {
  struct Visitor {
    RrType operator()(const AData&) const { return RrType::kA; }
    RrType operator()(const AaaaData&) const { return RrType::kAaaa; }
    RrType operator()(const PtrData&) const { return RrType::kPtr; }
    RrType operator()(const CnameData&) const { return RrType::kCname; }
    RrType operator()(const SrvData&) const { return RrType::kSrv; }
    RrType operator()(const TxtData&) const { return RrType::kTxt; }
    RrType operator()(const UnknownData& u) const { return u.type; }
  };
  return std::visit(Visitor{}, rdata);
}

absl::StatusOr<Header> ParseHeader(ByteSpan data, SectionCounts* counts) {
  ByteReader r(data);
  uint16_t id = 0;
  uint16_t flags = 0;
  SectionCounts c;
  SIMRTC_RETURN_IF_ERROR(r.ReadU16(id, "DNS header id"));
  SIMRTC_RETURN_IF_ERROR(r.ReadU16(flags, "DNS header flags"));
  SIMRTC_RETURN_IF_ERROR(r.ReadU16(c.questions, "DNS question count"));
  SIMRTC_RETURN_IF_ERROR(r.ReadU16(c.answers, "DNS answer count"));
  SIMRTC_RETURN_IF_ERROR(r.ReadU16(c.authorities, "DNS authority count"));
  SIMRTC_RETURN_IF_ERROR(r.ReadU16(c.additionals, "DNS additional count"));
  if (counts != nullptr) *counts = c;
  return Header::FromWire(id, flags);
}

absl::StatusOr<Message> ParseMessage(ByteSpan data) {
  Message msg;
  SectionCounts counts;
  SIMRTC_ASSIGN_OR_RETURN(msg.header, ParseHeader(data, &counts));
  ByteReader r(data);
  SIMRTC_RETURN_IF_ERROR(r.Skip(kHeaderSize));
  msg.questions.reserve(
      std::min<size_t>(counts.questions, r.remaining() / kMinQuestionSize));
  for (size_t i = 0; i < counts.questions; ++i) {
    const Where field{"question", i};
    Question& q = msg.questions.emplace_back();
    SIMRTC_RETURN_IF_ERROR(
        ReadName(r, data.size(), field.Part("name"), q.name));
    uint16_t type = 0;
    uint16_t qclass = 0;
    SIMRTC_RETURN_IF_ERROR(Annotate(r.ReadU16(type, "question type"), field));
    SIMRTC_RETURN_IF_ERROR(
        Annotate(r.ReadU16(qclass, "question class"), field));
    q.type = static_cast<RrType>(type);
    q.unicast_response = (qclass & kMdnsClassTopBit) != 0;
    q.qclass = qclass & ~kMdnsClassTopBit;
  }
  const uint16_t record_counts[] = {counts.answers, counts.authorities,
                                    counts.additionals};
  std::vector<ResourceRecord>* sections[] = {&msg.answers, &msg.authorities,
                                             &msg.additionals};
  for (int s = 0; s < 3; ++s) {
    sections[s]->reserve(
        std::min<size_t>(record_counts[s], r.remaining() / kMinRecordSize));
    for (size_t i = 0; i < record_counts[s]; ++i) {
      SIMRTC_RETURN_IF_ERROR(ReadRecord(r, Where{kSectionNames[s], i},
                                        sections[s]->emplace_back()));
    }
  }
  if (!r.empty()) {
    return ParseError(Where{"message"}, r.offset(),
                      absl::StrFormat("%d trailing bytes after the last "
                                      "record",
                                      r.remaining()));
  }
  return msg;
}

absl::Status PackMessage(const Message& msg, std::vector<uint8_t>& out,
                         const PackOptions& options) {
  const size_t original_size = out.size();
  absl::Status status = Packer(out, options).Pack(msg);
  if (!status.ok()) out.resize(original_size);
  return status;
}

absl::StatusOr<std::vector<uint8_t>> PackMessage(const Message& msg,
                                                 const PackOptions& options) {
  std::vector<uint8_t> out;
  SIMRTC_RETURN_IF_ERROR(PackMessage(msg, out, options));
  return out;
}

absl::StatusOr<std::vector<std::string>> SplitName(std::string_view name) {
  std::string wire;
  SIMRTC_RETURN_IF_ERROR(NameToWire(name, Where{"name"}, wire));
  std::vector<std::string> labels;
  for (size_t p = 0; wire[p] != '\0'; p += 1 + static_cast<uint8_t>(wire[p])) {
    labels.push_back(wire.substr(p + 1, static_cast<uint8_t>(wire[p])));
  }
  return labels;
}

std::string JoinLabels(const std::vector<std::string>& labels) {
  std::string out;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out.push_back('.');
    AppendEscapedLabel(AsBytes(labels[i]), out);
  }
  return out;
}

absl::StatusOr<std::string> CanonicalName(std::string_view name) {
  SIMRTC_ASSIGN_OR_RETURN(std::vector<std::string> labels, SplitName(name));
  return JoinLabels(labels);
}

bool NamesEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace simrtc::mdns
