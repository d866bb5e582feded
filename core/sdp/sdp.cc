#include "core/sdp/sdp.h"

#include <algorithm>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <cstring>
#include <limits>

#include "absl/strings/str_format.h"
#include "core/base/absl_compat.h"
#include "core/base/status_macros.h"
#include "core/sdp/attributes.h"
#include "core/sdp/text_util.h"

namespace simrtc::sdp {

using internal::AppendInt;
using internal::AppendUint;
using internal::IsToken;
using internal::ParseUnsigned;
using internal::Tokenizer;

// ---------------------------------------------------------------------------
// internal::Excerpt

std::string internal::Excerpt(std::string_view s, size_t max_len) {
  std::string out;
  out.reserve(std::min(s.size(), max_len) + 8);
  size_t shown = 0;
  for (char c : s) {
    if (shown == max_len) {
      out += "...";
      break;
    }
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
      out += absl::StrFormat("\\x%02x", u);
    } else {
      out += c;
    }
    ++shown;
  }
  return out;
}

// ---------------------------------------------------------------------------
// AttributeList

Attribute AttributeList::operator[](size_t i) const {
  const Entry& e = entries_[i];
  std::string_view text(text_);
  Attribute a;
  a.key = text.substr(e.offset, e.key_len);
  if (e.has_value) a.value = text.substr(e.offset + e.key_len + 1, e.value_len);
  return a;
}

void AttributeList::AppendEntry(std::string_view key,
                                std::optional<std::string_view> value,
                                size_t index) {
  Entry e;
  e.offset = text_.size();
  e.key_len = key.size();
  e.has_value = value.has_value();
  e.value_len = value ? value->size() : 0;
  text_.append(key);
  if (value) {
    text_.push_back(':');
    text_.append(*value);
  }
  if (index >= entries_.size()) {
    entries_.push_back(e);
  } else {
    entries_.insert(entries_.begin() + static_cast<std::ptrdiff_t>(index), e);
  }
}

void AttributeList::AppendBody(std::string_view body, size_t key_len) {
  Entry e;
  e.offset = text_.size();
  e.key_len = key_len;
  e.has_value = body.size() > key_len;
  e.value_len = e.has_value ? body.size() - key_len - 1 : 0;
  text_.append(body);
  entries_.push_back(e);
}

void AttributeList::Add(std::string_view key) {
  AppendEntry(key, std::nullopt, entries_.size());
}
void AttributeList::Add(std::string_view key, std::string_view value) {
  AppendEntry(key, value, entries_.size());
}
void AttributeList::Add(const Attribute& a) {
  AppendEntry(a.key, a.value, entries_.size());
}
void AttributeList::Insert(size_t index, std::string_view key,
                           std::optional<std::string_view> value) {
  AppendEntry(key, value, index);
}

void AttributeList::Erase(size_t index) {
  if (index >= entries_.size()) return;
  garbage_ += entries_[index].bytes();
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(index));
  MaybeCompact();
}

size_t AttributeList::EraseAll(std::string_view key) {
  std::string_view text(text_);
  size_t removed = 0;
  auto it =
      std::remove_if(entries_.begin(), entries_.end(), [&](const Entry& e) {
        if (text.substr(e.offset, e.key_len) != key) return false;
        garbage_ += e.bytes();
        ++removed;
        return true;
      });
  entries_.erase(it, entries_.end());
  MaybeCompact();
  return removed;
}

// Erased entries leave their text behind; rewriting the buffer once it is
// mostly dead keeps edit-heavy callers from growing it without bound.
void AttributeList::MaybeCompact() {
  if (garbage_ < 256 || garbage_ * 2 < text_.size()) return;
  std::string fresh;
  fresh.reserve(text_.size() - garbage_);
  for (Entry& e : entries_) {
    const size_t at = fresh.size();
    fresh.append(text_, e.offset, e.bytes());
    e.offset = at;
  }
  text_ = std::move(fresh);
  garbage_ = 0;
}

void AttributeList::Clear() {
  text_.clear();
  entries_.clear();
  garbage_ = 0;
}

void AttributeList::Reserve(size_t entries, size_t text_bytes) {
  entries_.reserve(entries);
  text_.reserve(text_bytes);
}

bool AttributeList::Has(std::string_view key) const {
  return Find(key).has_value();
}

std::optional<std::string_view> AttributeList::Find(
    std::string_view key) const {
  std::string_view text(text_);
  for (const Entry& e : entries_) {
    if (text.substr(e.offset, e.key_len) == key) {
      return e.has_value ? text.substr(e.offset + e.key_len + 1, e.value_len)
                         : std::string_view();
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> AttributeList::FindAll(
    std::string_view key) const {
  std::vector<std::string_view> out;
  std::string_view text(text_);
  for (const Entry& e : entries_) {
    if (text.substr(e.offset, e.key_len) == key) {
      out.push_back(e.has_value
                        ? text.substr(e.offset + e.key_len + 1, e.value_len)
                        : std::string_view());
    }
  }
  return out;
}

bool operator==(const AttributeList& a, const AttributeList& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

namespace internal {
struct AttributeListAccess {
  static void AppendBody(AttributeList& list, std::string_view body,
                         size_t key_len) {
    list.AppendBody(body, key_len);
  }
};
}  // namespace internal

// ---------------------------------------------------------------------------
// Field parsers shared by session and media level. Each returns a bare
// message; the line loop adds the line number and text.

namespace {

constexpr uint64_t kMinute = 60, kHour = 3600, kDay = 86400;

// RFC 8866 typed-time: digits with an optional d/h/m/s unit.
bool ParseTypedTime(std::string_view s, uint64_t* out) {
  uint64_t unit = 1;
  if (!s.empty()) {
    switch (s.back()) {
      case 'd':
        unit = kDay;
        break;
      case 'h':
        unit = kHour;
        break;
      case 'm':
        unit = kMinute;
        break;
      case 's':
        unit = 1;
        break;
      default:
        unit = 0;
        break;
    }
    if (unit != 0) {
      s.remove_suffix(1);
    } else {
      unit = 1;
    }
  }
  uint64_t v;
  if (!ParseUnsigned(s, &v)) return false;
  if (v > std::numeric_limits<uint64_t>::max() / unit) return false;
  *out = v * unit;
  return true;
}

void AppendTypedTime(std::string* out, uint64_t v) {
  if (v != 0 && v % kDay == 0) {
    AppendUint(out, v / kDay);
    out->push_back('d');
  } else if (v != 0 && v % kHour == 0) {
    AppendUint(out, v / kHour);
    out->push_back('h');
  } else if (v != 0 && v % kMinute == 0) {
    AppendUint(out, v / kMinute);
    out->push_back('m');
  } else {
    AppendUint(out, v);
  }
}

absl::Status ParseOrigin(std::string_view value, Origin* o) {
  Tokenizer tok(value);
  std::string_view f[6];
  int n = 0;
  std::string_view t;
  while (tok.Next(&t)) {
    if (n == 6) {
      return absl::InvalidArgumentError(
          "origin has more than 6 fields (<username> <sess-id> "
          "<sess-version> <nettype> <addrtype> <address>)");
    }
    f[n++] = t;
  }
  if (n != 6) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "origin needs 6 fields (<username> <sess-id> <sess-version> "
        "<nettype> <addrtype> <address>), got %d",
        n));
  }
  if (!ParseUnsigned(f[1], &o->session_id)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "origin sess-id \"%s\" is not a decimal number below 2^64",
        internal::Excerpt(f[1])));
  }
  if (!ParseUnsigned(f[2], &o->session_version)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "origin sess-version \"%s\" is not a decimal number below 2^64",
        internal::Excerpt(f[2])));
  }
  o->username.assign(f[0]);
  o->net_type.assign(f[3]);
  o->addr_type.assign(f[4]);
  o->address.assign(f[5]);
  return absl::OkStatus();
}

absl::Status ParseConnection(std::string_view value, ConnectionData* c) {
  Tokenizer tok(value);
  std::string_view net, type, addr;
  if (!tok.Next(&net) || !tok.Next(&type) || !tok.Next(&addr) || !tok.Done()) {
    return absl::InvalidArgumentError(
        "connection data needs exactly 3 fields: <nettype> <addrtype> "
        "<connection-address>");
  }
  c->net_type.assign(net);
  c->addr_type.assign(type);
  c->ttl.reset();
  c->num_addresses.reset();
  const bool ip4 = type == "IP4", ip6 = type == "IP6";
  const size_t slash = addr.find('/');
  if ((!ip4 && !ip6) || slash == std::string_view::npos) {
    c->address.assign(addr);
    return absl::OkStatus();
  }
  std::string_view host = addr.substr(0, slash);
  std::string_view rest = addr.substr(slash + 1);
  if (host.empty()) {
    return absl::InvalidArgumentError("connection address is empty before '/'");
  }
  std::string_view first = rest, second;
  const size_t slash2 = rest.find('/');
  if (slash2 != std::string_view::npos) {
    first = rest.substr(0, slash2);
    second = rest.substr(slash2 + 1);
    if (ip6) {
      return absl::InvalidArgumentError(
          "IP6 connection address takes at most one '/<count>' suffix");
    }
  }
  uint32_t a;
  if (!ParseUnsigned(first, &a)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("connection address suffix \"%s\" is not a number",
                        internal::Excerpt(first)));
  }
  if (ip6) {
    c->num_addresses = a;
  } else {
    if (a > 255) {
      return absl::InvalidArgumentError(
          absl::StrFormat("connection address TTL %d exceeds 255", a));
    }
    c->ttl = a;
    if (slash2 != std::string_view::npos) {
      uint32_t n;
      if (!ParseUnsigned(second, &n)) {
        return absl::InvalidArgumentError(
            absl::StrFormat("connection address count \"%s\" is not a number",
                            internal::Excerpt(second)));
      }
      c->num_addresses = n;
    }
  }
  c->address.assign(host);
  return absl::OkStatus();
}

absl::Status ParseBandwidth(std::string_view value, Bandwidth* b) {
  const size_t colon = value.find(':');
  if (colon == std::string_view::npos) {
    return absl::InvalidArgumentError(
        "bandwidth must be <bwtype>:<bandwidth>, no ':' found");
  }
  std::string_view type = value.substr(0, colon);
  std::string_view num = value.substr(colon + 1);
  if (!IsToken(type)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "bandwidth type \"%s\" is not a token", internal::Excerpt(type)));
  }
  if (!ParseUnsigned(num, &b->value)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("bandwidth value \"%s\" is not a decimal number",
                        internal::Excerpt(num)));
  }
  b->type.assign(type);
  return absl::OkStatus();
}

absl::Status ParseTiming(std::string_view value, Timing* t) {
  Tokenizer tok(value);
  std::string_view start, stop;
  if (!tok.Next(&start) || !tok.Next(&stop) || !tok.Done()) {
    return absl::InvalidArgumentError(
        "timing needs exactly 2 fields: <start-time> <stop-time>");
  }
  if (!ParseUnsigned(start, &t->start)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "start-time \"%s\" is not a decimal number", internal::Excerpt(start)));
  }
  if (!ParseUnsigned(stop, &t->stop)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "stop-time \"%s\" is not a decimal number", internal::Excerpt(stop)));
  }
  return absl::OkStatus();
}

absl::Status ParseRepeat(std::string_view value, RepeatTime* r) {
  Tokenizer tok(value);
  std::string_view t;
  int n = 0;
  while (tok.Next(&t)) {
    uint64_t v;
    if (!ParseTypedTime(t, &v)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "repeat field %d \"%s\" is not a typed time (digits with optional "
          "d/h/m/s)",
          n + 1, internal::Excerpt(t)));
    }
    if (n == 0) {
      r->interval = v;
    } else if (n == 1) {
      r->duration = v;
    } else {
      r->offsets.push_back(v);
    }
    ++n;
  }
  if (n < 3) {
    return absl::InvalidArgumentError(
        "repeat needs <interval> <active duration> and at least one offset");
  }
  return absl::OkStatus();
}

absl::Status ParseTimeZones(std::string_view value,
                            std::vector<TimeZoneAdjustment>* zones) {
  Tokenizer tok(value);
  std::string_view time, offset;
  while (tok.Next(&time)) {
    if (!tok.Next(&offset)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("time zone adjustment \"%s\" has no offset",
                          internal::Excerpt(time)));
    }
    TimeZoneAdjustment z;
    if (!ParseUnsigned(time, &z.time)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "time zone adjustment time \"%s\" is not a decimal number",
          internal::Excerpt(time)));
    }
    const bool negative = !offset.empty() && offset.front() == '-';
    uint64_t magnitude;
    if (!ParseTypedTime(negative ? offset.substr(1) : offset, &magnitude) ||
        magnitude >
            static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return absl::InvalidArgumentError(
          absl::StrFormat("time zone offset \"%s\" is not a typed time",
                          internal::Excerpt(offset)));
    }
    z.offset = negative ? -static_cast<int64_t>(magnitude)
                        : static_cast<int64_t>(magnitude);
    zones->push_back(z);
  }
  if (zones->empty()) {
    return absl::InvalidArgumentError(
        "time zones need at least one <adjustment time> <offset> pair");
  }
  return absl::OkStatus();
}

// proto = token *("/" token)
bool IsProtocol(std::string_view p) {
  if (p.empty()) return false;
  size_t start = 0;
  while (true) {
    const size_t slash = p.find('/', start);
    if (!IsToken(p.substr(start, slash - start))) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

absl::Status ParseMediaLine(std::string_view value, MediaDescription* m) {
  Tokenizer tok(value);
  std::string_view media, port, proto;
  if (!tok.Next(&media) || !tok.Next(&port) || !tok.Next(&proto)) {
    return absl::InvalidArgumentError(
        "media description needs <media> <port> <proto> <fmt>...");
  }
  if (!IsToken(media)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "media type \"%s\" is not a token", internal::Excerpt(media)));
  }
  std::string_view count;
  const size_t slash = port.find('/');
  if (slash != std::string_view::npos) {
    count = port.substr(slash + 1);
    port = port.substr(0, slash);
    uint16_t n;
    if (!ParseUnsigned(count, &n)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("media port count \"%s\" is not a number 0-65535",
                          internal::Excerpt(count)));
    }
    m->num_ports = n;
  }
  if (!ParseUnsigned(port, &m->port)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "media port \"%s\" is not a number 0-65535", internal::Excerpt(port)));
  }
  if (!IsProtocol(proto)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("media protocol \"%s\" is not token/token...",
                        internal::Excerpt(proto)));
  }
  // Count first so the formats vector is allocated once.
  size_t n = 0;
  {
    Tokenizer counter = tok;
    std::string_view f;
    while (counter.Next(&f)) ++n;
  }
  if (n == 0) {
    return absl::InvalidArgumentError(
        "media description lists no formats (payload types)");
  }
  m->formats.reserve(n);
  std::string_view f;
  while (tok.Next(&f)) {
    if (!IsToken(f)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "media format \"%s\" is not a token", internal::Excerpt(f)));
    }
    m->formats.emplace_back(f);
  }
  m->media.assign(media);
  m->protocol.assign(proto);
  return absl::OkStatus();
}

// Line ranks in RFC 8866 order. Session: v o s i u e p c b t(r) z k a m.
int SessionRank(char type) {
  switch (type) {
    case 'v':
      return 0;
    case 'o':
      return 1;
    case 's':
      return 2;
    case 'i':
      return 3;
    case 'u':
      return 4;
    case 'e':
      return 5;
    case 'p':
      return 6;
    case 'c':
      return 7;
    case 'b':
      return 8;
    case 't':
      return 9;
    case 'r':
      return 9;
    case 'z':
      return 10;
    case 'k':
      return 11;
    case 'a':
      return 12;
    case 'm':
      return 13;
    default:
      return -1;
  }
}
constexpr int kRankT = 9;

// Media: m i c b k a.
int MediaRank(char type) {
  switch (type) {
    case 'm':
      return 0;
    case 'i':
      return 1;
    case 'c':
      return 2;
    case 'b':
      return 3;
    case 'k':
      return 4;
    case 'a':
      return 5;
    default:
      return -1;
  }
}

bool IsSingleton(char type) {
  switch (type) {
    case 'v':
    case 'o':
    case 's':
    case 'i':
    case 'u':
    case 'z':
    case 'k':
      return true;
    default:
      return false;
  }
}

class Parser {
 public:
  Parser(std::string_view text, const ParseOptions& options)
      : text_(text), options_(options) {
    sd_.timings.clear();  // the default t=0 0 is for builders, not parsing
  }

  absl::StatusOr<SessionDescription> Run() {
    if (text_.empty()) {
      return absl::InvalidArgumentError("SDP is empty: missing v= line");
    }
    Scan();
    sd_.media.reserve(num_sections_ - 1);
    ReserveSection(&sd_.attributes, 0);
    for (size_t i = 0; i < lines_.size(); ++i) {
      line_no_ = static_cast<int>(i) + 1;
      line_ = text_.substr(lines_[i].begin, lines_[i].end - lines_[i].begin);
      if (i == bad_line_) {
        if (!line_.empty() && line_.back() == '\r') line_.remove_suffix(1);
        return Fail(bad_reason_);
      }
      if (line_.empty()) {
        if (OnlyEmptyLinesAfter(i)) break;  // trailing blank lines are fine
        return Fail("empty line inside the description");
      }
      SIMRTC_RETURN_IF_ERROR(HandleLine());
    }
    return Finish();
  }

 private:
  struct LineSpan {
    size_t begin;
    size_t end;  // excludes the LF or CRLF
  };
  static constexpr size_t kNoLine = static_cast<size_t>(-1);

  absl::Status Fail(std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrFormat(
        "SDP line %d \"%s\": %s", line_no_, internal::Excerpt(line_), what));
  }
  absl::Status Wrap(const absl::Status& s) const {
    if (s.ok()) return s;
    return Fail(ToStd(s.message()));
  }

  // Offset of the first LF, CR or NUL at or after `pos`, or `n`. These are
  // the only bytes the line splitter cares about, so one vector compare per
  // 16 bytes replaces three memchr calls per line.
  static size_t FindSpecial(const char* d, size_t pos, size_t n) {
#ifdef __SSE2__
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i nul = _mm_setzero_si128();
    while (pos + 16 <= n) {
      const __m128i v =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + pos));
      const __m128i hit = _mm_or_si128(
          _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)),
          _mm_cmpeq_epi8(v, nul));
      const int mask = _mm_movemask_epi8(hit);
      if (mask != 0) return pos + static_cast<size_t>(__builtin_ctz(mask));
      pos += 16;
    }
#endif
    while (pos < n && d[pos] != '\n' && d[pos] != '\r' && d[pos] != '\0') {
      ++pos;
    }
    return pos;
  }

  // Splits the text into lines (LF or CRLF), in the same sweep sizing every
  // container: a section's line count bounds its attributes and its byte
  // count their text. A stray CR or a NUL ends the sweep; the line holding
  // it is reported when the parse reaches it, so earlier errors still win.
  void Scan() {
    const char* d = text_.data();
    const size_t n = text_.size();
    lines_.reserve(n / 24 + 4);
    size_t begin = 0, section_start = 0, section_lines = 0;
    while (begin < n) {
      if (d[begin] == 'm' && begin != 0) {
        AddPlan(section_lines, begin - section_start);
        section_start = begin;
        section_lines = 0;
      }
      ++section_lines;
      const size_t p = FindSpecial(d, begin, n);
      if (p == n) {
        lines_.push_back({begin, n});
        break;
      }
      if (d[p] == '\n') {
        lines_.push_back({begin, p});
        begin = p + 1;
        continue;
      }
      if (d[p] == '\r' && (p + 1 == n || d[p + 1] == '\n')) {
        lines_.push_back({begin, p});
        begin = p + 2;
        continue;
      }
      MarkBad(begin, d[p] == '\r' ? "stray carriage return inside the line"
                                  : "NUL byte inside the line");
      break;
    }
    AddPlan(section_lines, n - section_start);
  }

  void MarkBad(size_t begin, std::string_view reason) {
    const void* nl =
        std::memchr(text_.data() + begin, '\n', text_.size() - begin);
    const size_t end =
        nl ? static_cast<size_t>(static_cast<const char*>(nl) - text_.data())
           : text_.size();
    bad_line_ = lines_.size();
    bad_reason_ = reason;
    lines_.push_back({begin, end});
  }

  void AddPlan(size_t lines, size_t bytes) {
    if (num_sections_ < kMaxPlannedSections) {
      plan_[num_sections_] = {lines, bytes};
    }
    ++num_sections_;
  }

  void ReserveSection(AttributeList* list, size_t section) {
    if (section >= kMaxPlannedSections || section >= num_sections_) return;
    list->Reserve(plan_[section].lines, plan_[section].bytes);
  }

  bool OnlyEmptyLinesAfter(size_t i) const {
    for (size_t j = i + 1; j < lines_.size(); ++j) {
      if (j == bad_line_ || lines_[j].end != lines_[j].begin) return false;
    }
    return true;
  }

  absl::Status HandleLine() {
    if (line_.size() < 2 || line_[1] != '=') {
      return Fail("expected <type>=<value>");
    }
    const char type = line_[0];
    const std::string_view value = line_.substr(2);
    // The common case by far: another a= line where a= lines may follow.
    if (type == 'a') {
      if (media_ != nullptr && media_last_type_ == 'a') {
        return HandleAttribute(value, &media_->attributes);
      }
      if (media_ == nullptr && last_type_ == 'a') {
        return HandleAttribute(value, &sd_.attributes);
      }
    }
    if (type < 'a' || type > 'z') {
      return Fail("line type must be a single lower-case letter");
    }
    if (line_no_ == 1 && type != 'v') {
      return Fail("an SDP must start with a v= line");
    }
    if (media_ != nullptr) return HandleMediaLine(type, value);
    return HandleSessionLine(type, value);
  }

  absl::Status CheckOrder(char type, int rank, int* last_rank,
                          char* last_type) const {
    if (rank < *last_rank) {
      return Fail(
          absl::StrFormat("'%c=' is out of order: RFC 8866 puts it "
                          "before the '%c=' line(s) above it",
                          type, *last_type));
    }
    if (rank == *last_rank && type == *last_type && IsSingleton(type)) {
      return Fail(absl::StrFormat("duplicate '%c=' line", type));
    }
    *last_rank = rank;
    *last_type = type;
    return absl::OkStatus();
  }

  absl::Status HandleSessionLine(char type, std::string_view value) {
    const int rank = SessionRank(type);
    if (rank < 0) {
      return Fail(absl::StrFormat("unknown line type '%c='", type));
    }
    if (type == 'r' && last_type_ != 't' && last_type_ != 'r') {
      return Fail("'r=' must directly follow a 't=' line or another 'r='");
    }
    SIMRTC_RETURN_IF_ERROR(CheckOrder(type, rank, &last_rank_, &last_type_));
    if (rank > 0 && !seen_v_) return Fail("missing v= line before this one");
    if (rank > 1 && !seen_o_) return Fail("missing o= line before this one");
    if (rank > 2 && !seen_s_) return Fail("missing s= line before this one");
    if (rank > kRankT && sd_.timings.empty()) {
      return Fail("missing t= line before this one");
    }
    switch (type) {
      case 'v': {
        uint32_t v;
        if (!ParseUnsigned(value, &v) || v != 0) {
          return Fail("unsupported protocol version (only v=0 exists)");
        }
        seen_v_ = true;
        return absl::OkStatus();
      }
      case 'o':
        seen_o_ = true;
        return Wrap(ParseOrigin(value, &sd_.origin));
      case 's':
        seen_s_ = true;
        sd_.session_name.assign(value);
        return absl::OkStatus();
      case 'i':
        sd_.info.emplace(value);
        return absl::OkStatus();
      case 'u':
        sd_.uri.emplace(value);
        return absl::OkStatus();
      case 'e':
        sd_.emails.emplace_back(value);
        return absl::OkStatus();
      case 'p':
        sd_.phones.emplace_back(value);
        return absl::OkStatus();
      case 'c':
        return Wrap(ParseConnection(value, &sd_.connection.emplace()));
      case 'b':
        return Wrap(ParseBandwidth(value, &sd_.bandwidths.emplace_back()));
      case 't':
        return Wrap(ParseTiming(value, &sd_.timings.emplace_back()));
      case 'r':
        return Wrap(
            ParseRepeat(value, &sd_.timings.back().repeats.emplace_back()));
      case 'z':
        return Wrap(ParseTimeZones(value, &sd_.time_zones));
      case 'k':
        sd_.key.emplace(value);
        return absl::OkStatus();
      case 'a':
        return HandleAttribute(value, &sd_.attributes);
      case 'm':
        return StartMedia(value);
    }
    return absl::OkStatus();
  }

  absl::Status StartMedia(std::string_view value) {
    media_ = &sd_.media.emplace_back();
    media_last_rank_ = 0;
    media_last_type_ = 'm';
    SIMRTC_RETURN_IF_ERROR(Wrap(ParseMediaLine(value, media_)));
    ReserveSection(&media_->attributes, sd_.media.size());
    return absl::OkStatus();
  }

  absl::Status HandleMediaLine(char type, std::string_view value) {
    const int rank = MediaRank(type);
    if (rank < 0) {
      if (SessionRank(type) >= 0) {
        return Fail(absl::StrFormat(
            "'%c=' is a session-level line and cannot appear inside a media "
            "description",
            type));
      }
      return Fail(absl::StrFormat("unknown line type '%c='", type));
    }
    if (type == 'm') return StartMedia(value);
    SIMRTC_RETURN_IF_ERROR(
        CheckOrder(type, rank, &media_last_rank_, &media_last_type_));
    switch (type) {
      case 'i':
        media_->title.emplace(value);
        return absl::OkStatus();
      case 'c':
        return Wrap(
            ParseConnection(value, &media_->connections.emplace_back()));
      case 'b':
        return Wrap(ParseBandwidth(value, &media_->bandwidths.emplace_back()));
      case 'k':
        media_->key.emplace(value);
        return absl::OkStatus();
      case 'a':
        return HandleAttribute(value, &media_->attributes);
    }
    return absl::OkStatus();
  }

  absl::Status HandleAttribute(std::string_view value, AttributeList* list) {
    // One pass finds the ':' and checks the name is a token.
    size_t i = 0;
    while (i < value.size() && internal::IsTokenChar(value[i])) ++i;
    const std::string_view key = value.substr(0, i);
    if (key.empty()) return Fail("attribute has no name");
    std::optional<std::string_view> attr_value;
    if (i < value.size()) {
      if (value[i] != ':') return Fail("attribute name is not a token");
      attr_value = value.substr(i + 1);
    }
    if (options_.validate_attributes) {
      SIMRTC_RETURN_IF_ERROR(Wrap(ValidateAttribute(key, attr_value)));
    }
    internal::AttributeListAccess::AppendBody(*list, value, key.size());
    return absl::OkStatus();
  }

  absl::StatusOr<SessionDescription> Finish() {
    if (!seen_v_) return absl::InvalidArgumentError("SDP: missing v= line");
    if (!seen_o_) return absl::InvalidArgumentError("SDP: missing o= line");
    if (!seen_s_) return absl::InvalidArgumentError("SDP: missing s= line");
    if (sd_.timings.empty()) {
      return absl::InvalidArgumentError("SDP: missing t= line");
    }
    return std::move(sd_);
  }

  struct SectionPlan {
    size_t lines;
    size_t bytes;
  };
  static constexpr size_t kMaxPlannedSections = 64;

  std::string_view text_;
  const ParseOptions& options_;
  SectionPlan plan_[kMaxPlannedSections];
  size_t num_sections_ = 0;
  SessionDescription sd_;
  MediaDescription* media_ = nullptr;  // section being filled, if any
  std::vector<LineSpan> lines_;
  size_t bad_line_ = kNoLine;
  std::string_view bad_reason_;
  std::string_view line_;
  int line_no_ = 0;
  int last_rank_ = -1;
  char last_type_ = 0;
  int media_last_rank_ = 0;
  char media_last_type_ = 'm';
  bool seen_v_ = false, seen_o_ = false, seen_s_ = false;
};

// ---------------------------------------------------------------------------
// Serialization helpers.

void AppendLine(std::string* out, char type, std::string_view value) {
  out->push_back(type);
  out->push_back('=');
  out->append(value);
  out->append("\r\n");
}

void AppendConnection(std::string* out, const ConnectionData& c) {
  out->append("c=");
  out->append(c.net_type);
  out->push_back(' ');
  out->append(c.addr_type);
  out->push_back(' ');
  out->append(c.address);
  if (c.ttl) {
    out->push_back('/');
    AppendUint(out, *c.ttl);
  }
  if (c.num_addresses) {
    out->push_back('/');
    AppendUint(out, *c.num_addresses);
  }
  out->append("\r\n");
}

void AppendBandwidth(std::string* out, const Bandwidth& b) {
  out->append("b=");
  out->append(b.type);
  out->push_back(':');
  AppendUint(out, b.value);
  out->append("\r\n");
}

void AppendAttributes(std::string* out, const AttributeList& attrs) {
  for (const Attribute& a : attrs) {
    out->append("a=");
    out->append(a.key);
    if (a.value) {
      out->push_back(':');
      out->append(*a.value);
    }
    out->append("\r\n");
  }
}

size_t EstimateSize(const AttributeList& attrs) {
  size_t n = 0;
  for (const Attribute& a : attrs) {
    n += a.key.size() + (a.value ? a.value->size() + 1 : 0) + 4;
  }
  return n;
}

}  // namespace

absl::StatusOr<SessionDescription> SessionDescription::Parse(
    std::string_view text, const ParseOptions& options) {
  return Parser(text, options).Run();
}

std::string SessionDescription::ToString() const {
  std::string out;
  AppendTo(&out);
  return out;
}

void SessionDescription::AppendTo(std::string* out) const {
  size_t estimate = 256 + EstimateSize(attributes);
  for (const MediaDescription& m : media) {
    estimate += 128 + EstimateSize(m.attributes) + 4 * m.formats.size();
  }
  out->reserve(out->size() + estimate);

  out->append("v=");
  AppendUint(out, version);
  out->append("\r\n");

  out->append("o=");
  out->append(origin.username);
  out->push_back(' ');
  AppendUint(out, origin.session_id);
  out->push_back(' ');
  AppendUint(out, origin.session_version);
  out->push_back(' ');
  out->append(origin.net_type);
  out->push_back(' ');
  out->append(origin.addr_type);
  out->push_back(' ');
  out->append(origin.address);
  out->append("\r\n");

  AppendLine(out, 's', session_name);
  if (info) AppendLine(out, 'i', *info);
  if (uri) AppendLine(out, 'u', *uri);
  for (const std::string& e : emails) AppendLine(out, 'e', e);
  for (const std::string& p : phones) AppendLine(out, 'p', p);
  if (connection) AppendConnection(out, *connection);
  for (const Bandwidth& b : bandwidths) AppendBandwidth(out, b);
  if (timings.empty()) out->append("t=0 0\r\n");
  for (const Timing& t : timings) {
    out->append("t=");
    AppendUint(out, t.start);
    out->push_back(' ');
    AppendUint(out, t.stop);
    out->append("\r\n");
    for (const RepeatTime& r : t.repeats) {
      out->append("r=");
      AppendTypedTime(out, r.interval);
      out->push_back(' ');
      AppendTypedTime(out, r.duration);
      for (uint64_t o : r.offsets) {
        out->push_back(' ');
        AppendTypedTime(out, o);
      }
      out->append("\r\n");
    }
  }
  if (!time_zones.empty()) {
    out->append("z=");
    bool first = true;
    for (const TimeZoneAdjustment& z : time_zones) {
      if (!first) out->push_back(' ');
      first = false;
      AppendUint(out, z.time);
      out->push_back(' ');
      if (z.offset < 0) {
        out->push_back('-');
        AppendTypedTime(out, static_cast<uint64_t>(-(z.offset + 1)) + 1);
      } else {
        AppendTypedTime(out, static_cast<uint64_t>(z.offset));
      }
    }
    out->append("\r\n");
  }
  if (key) AppendLine(out, 'k', *key);
  AppendAttributes(out, attributes);

  for (const MediaDescription& m : media) {
    out->append("m=");
    out->append(m.media);
    out->push_back(' ');
    AppendUint(out, m.port);
    if (m.num_ports) {
      out->push_back('/');
      AppendUint(out, *m.num_ports);
    }
    out->push_back(' ');
    out->append(m.protocol);
    for (const std::string& f : m.formats) {
      out->push_back(' ');
      out->append(f);
    }
    out->append("\r\n");
    if (m.title) AppendLine(out, 'i', *m.title);
    for (const ConnectionData& c : m.connections) AppendConnection(out, c);
    for (const Bandwidth& b : m.bandwidths) AppendBandwidth(out, b);
    if (m.key) AppendLine(out, 'k', *m.key);
    AppendAttributes(out, m.attributes);
  }
}

}  // namespace simrtc::sdp
