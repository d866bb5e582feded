#include "net/signal/json.h"

#include <cstddef>
#include <cstdint>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace simrtc::signal {
namespace {

// Length (1..4) of the well-formed UTF-8 sequence starting at s[pos], with
// its code point in *cp; 0 when the bytes there are not well-formed UTF-8
// (overlong forms, surrogates and values above U+10FFFF are ill-formed).
int DecodeUtf8(std::string_view s, size_t pos, uint32_t* cp) {
  const auto b0 = static_cast<uint8_t>(s[pos]);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  int len;
  uint32_t v;
  uint32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    v = b0 & 0x1F;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    v = b0 & 0x0F;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    v = b0 & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() - pos < static_cast<size_t>(len)) return 0;
  for (int i = 1; i < len; ++i) {
    const auto b = static_cast<uint8_t>(s[pos + i]);
    if ((b & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}

  absl::StatusOr<JsonStringMembers> ParseObject() {
    SkipWhitespace();
    if (!Consume('{')) return Expected("'{' to start a JSON object");
    JsonStringMembers members;
    std::set<std::string> names;
    SkipWhitespace();
    if (!Consume('}')) {
      while (true) {
        SkipWhitespace();
        if (Peek() != '"') return Expected("a member name (a string)");
        const size_t name_offset = pos_;
        absl::StatusOr<std::string> name = ParseString();
        if (!name.ok()) return name.status();
        if (!names.insert(*name).second) {
          return Error(name_offset,
                       absl::StrFormat("duplicate member \"%s\"", *name));
        }
        SkipWhitespace();
        if (!Consume(':')) {
          return Expected(
              absl::StrFormat("':' after member name \"%s\"", *name));
        }
        SkipWhitespace();
        if (Peek() != '"') {
          return Expected(
              absl::StrFormat("a string value for member \"%s\"", *name));
        }
        absl::StatusOr<std::string> value = ParseString();
        if (!value.ok()) return value.status();
        members.emplace_back(*std::move(name), *std::move(value));
        SkipWhitespace();
        if (Consume('}')) break;
        if (!Consume(',')) return Expected("',' or '}' after a member");
      }
    }
    SkipWhitespace();
    if (pos_ != in_.size()) {
      return Error(pos_, "unexpected data after the JSON object");
    }
    return members;
  }

 private:
  int Peek() const {
    return pos_ < in_.size() ? static_cast<uint8_t>(in_[pos_]) : -1;
  }
  bool Consume(char c) {
    if (pos_ < in_.size() && in_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void SkipWhitespace() {
    while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\t' ||
                                 in_[pos_] == '\n' || in_[pos_] == '\r')) {
      ++pos_;
    }
  }

  std::string DescribeHere() const {
    if (pos_ >= in_.size()) return "end of input";
    const auto b = static_cast<uint8_t>(in_[pos_]);
    if (b >= 0x21 && b < 0x7F) return absl::StrFormat("'%c'", b);
    return absl::StrFormat("byte 0x%02x", b);
  }
  absl::Status Error(size_t offset, std::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrFormat("JSON offset %d: %s", offset, what));
  }
  absl::Status Expected(std::string_view what) const {
    return Error(
        pos_, absl::StrFormat("expected %s, found %s", what, DescribeHere()));
  }

  // Four hex digits at pos_ (after "\u").
  absl::StatusOr<uint32_t> ParseHex4() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = pos_ < in_.size() ? HexValue(in_[pos_]) : -1;
      if (h < 0) return Expected("4 hex digits after \\u");
      v = (v << 4) | static_cast<uint32_t>(h);
      ++pos_;
    }
    return v;
  }

  // At '"'. Returns the unescaped UTF-8 contents.
  absl::StatusOr<std::string> ParseString() {
    const size_t start = pos_;
    ++pos_;
    std::string out;
    while (true) {
      if (pos_ >= in_.size()) {
        return Error(
            pos_, absl::StrFormat("unterminated string (opened at offset %d)",
                                  start));
      }
      const auto c = static_cast<uint8_t>(in_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) {
        return Error(pos_, absl::StrFormat("control character 0x%02x must be "
                                           "escaped in a string",
                                           c));
      }
      if (c != '\\') {
        uint32_t cp;
        const int len = DecodeUtf8(in_, pos_, &cp);
        if (len == 0) {
          return Error(
              pos_,
              absl::StrFormat("byte 0x%02x is not valid UTF-8 in a string", c));
        }
        out.append(in_.substr(pos_, len));
        pos_ += len;
        continue;
      }
      const size_t escape_offset = pos_;
      ++pos_;
      if (pos_ >= in_.size()) return Expected("an escape character after '\\'");
      const char e = in_[pos_++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          absl::StatusOr<uint32_t> unit = ParseHex4();
          if (!unit.ok()) return unit.status();
          uint32_t cp = *unit;
          if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Error(escape_offset,
                         absl::StrFormat("\\u%04X is a low surrogate without "
                                         "a preceding high surrogate",
                                         cp));
          }
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (!(pos_ + 1 < in_.size() && in_[pos_] == '\\' &&
                  in_[pos_ + 1] == 'u')) {
              return Error(escape_offset,
                           absl::StrFormat("\\u%04X is a high surrogate not "
                                           "followed by a \\u low surrogate",
                                           cp));
            }
            pos_ += 2;
            absl::StatusOr<uint32_t> low = ParseHex4();
            if (!low.ok()) return low.status();
            if (*low < 0xDC00 || *low > 0xDFFF) {
              return Error(escape_offset,
                           absl::StrFormat("\\u%04X is a high surrogate "
                                           "followed by \\u%04X, not a low "
                                           "surrogate",
                                           cp, *low));
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          --pos_;
          return Expected("one of \" \\ / b f n r t u after '\\'");
      }
    }
  }

  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

std::string JsonQuote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8 + 2);
  out.push_back('"');
  size_t pos = 0;
  while (pos < text.size()) {
    const auto c = static_cast<uint8_t>(text[pos]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else if (c < 0x80) {
          out.push_back(static_cast<char>(c));
        } else {
          uint32_t cp;
          const int len = DecodeUtf8(text, pos, &cp);
          if (len == 0) {
            AppendUtf8(0xFFFD, out);  // one replacement per bad byte
          } else {
            out.append(text.substr(pos, len));
            pos += len;
            continue;
          }
        }
    }
    ++pos;
  }
  out.push_back('"');
  return out;
}

std::string WriteJsonStringObject(const JsonStringMembers& members) {
  std::string out = "{";
  for (size_t i = 0; i < members.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += JsonQuote(members[i].first);
    out.push_back(':');
    out += JsonQuote(members[i].second);
  }
  out.push_back('}');
  return out;
}

absl::StatusOr<JsonStringMembers> ParseJsonStringObject(std::string_view json) {
  return Parser(json).ParseObject();
}

}  // namespace simrtc::signal
