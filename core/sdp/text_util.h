// Small, allocation-free text helpers shared by the SDP parsers. Internal to
// //core/sdp: the public headers expose only the typed results.
#ifndef CORE_SDP_TEXT_UTIL_H_
#define CORE_SDP_TEXT_UTIL_H_

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace simrtc::sdp::internal {

inline bool IsSpace(char c) { return c == ' ' || c == '\t'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
// Visible ASCII, 0x21-0x7e: what RFC grammars call VCHAR.
inline bool IsVchar(char c) { return c > 0x20 && c < 0x7f; }

// RFC 8866 token-char (the RFC 2045 token set minus a few separators). A
// table, because the parser asks this for every byte of every a= name.
inline constexpr struct TokenTable {
  bool is_token[256];
  constexpr TokenTable() : is_token() {
    for (int u = 0; u < 256; ++u) {
      is_token[u] = u == 0x21 || (u >= 0x23 && u <= 0x27) || u == 0x2a ||
                    u == 0x2b || u == 0x2d || u == 0x2e ||
                    (u >= 0x30 && u <= 0x39) || (u >= 0x41 && u <= 0x5a) ||
                    (u >= 0x5e && u <= 0x7e);
    }
  }
} kTokenTable;
inline bool IsTokenChar(char c) {
  return kTokenTable.is_token[static_cast<unsigned char>(c)];
}
inline bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}
// RFC 8839 ice-char: ALPHA / DIGIT / "+" / "/".
inline bool IsIceChar(char c) { return IsAlnum(c) || c == '+' || c == '/'; }

inline char ToLowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

inline std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Offset of the first SP or HTAB in s at or after pos, or s.size(). Vector
// compares 16 bytes at a time: URIs and candidate lines make long fields
// common enough for the byte loop to show in profiles.
inline size_t FindBlank(std::string_view s, size_t pos) {
  const char* d = s.data();
  const size_t n = s.size();
#ifdef __SSE2__
  const __m128i sp = _mm_set1_epi8(' ');
  const __m128i tab = _mm_set1_epi8('\t');
  while (pos + 16 <= n) {
    const __m128i v =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + pos));
    const int mask = _mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, tab)));
    if (mask != 0) return pos + static_cast<size_t>(__builtin_ctz(mask));
    pos += 16;
  }
#endif
  while (pos < n && !IsSpace(d[pos])) ++pos;
  return pos;
}

// Walks whitespace-separated fields. Runs of SP/HTAB count as one separator
// and leading/trailing blanks are ignored: SDP writers disagree on this more
// than on anything else, and nothing is lost because the typed result is
// re-serialized with single spaces.
class Tokenizer {
 public:
  explicit Tokenizer(std::string_view s) : rest_(s) {}

  bool Next(std::string_view* token) {
    size_t i = 0;
    while (i < rest_.size() && IsSpace(rest_[i])) ++i;
    if (i == rest_.size()) {
      rest_ = {};
      return false;
    }
    const size_t j = FindBlank(rest_, i);
    *token = rest_.substr(i, j - i);
    rest_.remove_prefix(j);
    return true;
  }
  // Whatever follows the last token taken, leading blanks removed.
  std::string_view Rest() const {
    std::string_view r = rest_;
    while (!r.empty() && IsSpace(r.front())) r.remove_prefix(1);
    return r;
  }
  bool Done() const { return Rest().empty(); }

 private:
  std::string_view rest_;
};

// Decimal digits only: no sign, no blanks, no "0x", overflow rejected. Leading
// zeros are accepted (they are legal in every SDP number production).
template <typename T>
bool ParseUnsigned(std::string_view s, T* out) {
  static_assert(std::is_unsigned_v<T>);
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  // Up to 19 digits cannot overflow 64 bits, so the common case needs no
  // per-digit check; only a 20-digit string pays for one.
  const size_t safe = s.size() < 19 ? s.size() : 19;
  for (size_t i = 0; i < safe; ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  if (s.size() == 20) {
    const unsigned d = static_cast<unsigned char>(s[19]) - '0';
    if (d > 9 || __builtin_mul_overflow(v, uint64_t{10}, &v) ||
        __builtin_add_overflow(v, uint64_t{d}, &v)) {
      return false;
    }
  }
  if (v > std::numeric_limits<T>::max()) return false;
  *out = static_cast<T>(v);
  return true;
}

inline void AppendUint(std::string* out, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, static_cast<size_t>(r.ptr - buf));
}
inline void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, static_cast<size_t>(r.ptr - buf));
}

// Renders untrusted text for an error message: at most max_len characters,
// control and non-ASCII bytes escaped, "..." when cut, so a hostile line
// cannot flood or corrupt a log.
std::string Excerpt(std::string_view s, size_t max_len = 60);

}  // namespace simrtc::sdp::internal

#endif  // CORE_SDP_TEXT_UTIL_H_
