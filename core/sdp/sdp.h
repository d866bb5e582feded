// SDP (RFC 8866) session descriptions: the document model, its parser and its
// serializer.
//
// The model is a plain value type mirroring the grammar line for line, so an
// SDP survives parse -> serialize -> parse unchanged; attributes are kept as
// ordered (key, optional value) pairs, which is what lets attributes this
// library does not understand pass through untouched. Typed views of the
// WebRTC attributes live in attributes.h, candidate.h and codec.h and parse
// on demand from these pairs.
//
// Parsing accepts LF or CRLF line ends; serialization always writes CRLF in
// RFC 8866 line order. Malformed input yields InvalidArgument naming the
// line number, an excerpt of the line and what is wrong. The structural
// parse makes one pass over the text and allocates nothing per a= line: each
// section's attribute text is copied once into its AttributeList.
#ifndef CORE_SDP_SDP_H_
#define CORE_SDP_SDP_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace simrtc::sdp {

namespace internal {
struct AttributeListAccess;  // the parser's fast path, defined in sdp.cc
}  // namespace internal

// One a= line as seen through an AttributeList: `a=key` (no value) or
// `a=key:value`. The views point into the list and are invalidated by any
// change to it, like std::vector iterators.
struct Attribute {
  std::string_view key;
  std::optional<std::string_view> value;

  friend bool operator==(const Attribute&, const Attribute&) = default;
};

// Ordered a= lines of one section.
//
// Keys and values live in one text buffer addressed by offsets, so a parsed
// section costs two allocations however many lines it has, and copies and
// moves need no fix-up. Keys are compared case-sensitively, as RFC 8866
// attribute names are.
//
// Precondition of every mutator: the key is an RFC 8866 token and the value
// holds no CR, LF or NUL. The list does not check (it cannot report an error
// from Add); SessionDescription::Parse never produces anything else, and
// attributes.h builders produce valid values.
class AttributeList {
 public:
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Attribute;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Attribute;

    const_iterator() = default;
    Attribute operator*() const { return (*list_)[index_]; }
    const_iterator& operator++() {
      ++index_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator old = *this;
      ++index_;
      return old;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) {
      return a.index_ == b.index_;
    }

   private:
    friend class AttributeList;
    const_iterator(const AttributeList* list, size_t index)
        : list_(list), index_(index) {}
    const AttributeList* list_ = nullptr;
    size_t index_ = 0;
  };

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  Attribute operator[](size_t i) const;
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, entries_.size()); }

  // Property attribute `a=key`.
  void Add(std::string_view key);
  // Value attribute `a=key:value` (an empty value still writes the colon).
  void Add(std::string_view key, std::string_view value);
  // Either form, as a parsed attribute carries it.
  void Add(const Attribute& a);
  // Adds a typed attribute from attributes.h / candidate.h (anything with a
  // kKey and a ToString()/ToAttributeValue() that yields the value).
  template <typename T>
  void AddTyped(const T& typed);
  // Inserts before position `index` (clamped to size()).
  void Insert(size_t index, std::string_view key,
              std::optional<std::string_view> value);
  void Erase(size_t index);
  // Removes every attribute named `key`; returns how many were removed.
  size_t EraseAll(std::string_view key);
  void Clear();
  void Reserve(size_t entries, size_t text_bytes);

  bool Has(std::string_view key) const;
  // Value of the first attribute named `key`: nullopt when absent, an empty
  // view when present without a value.
  std::optional<std::string_view> Find(std::string_view key) const;
  // Values of every attribute named `key`, in order (empty views for
  // property attributes).
  std::vector<std::string_view> FindAll(std::string_view key) const;

  // Parses every attribute named T::kKey with T::Parse. The first malformed
  // one fails the whole call: callers never act on a silently partial view.
  template <typename T>
  absl::StatusOr<std::vector<T>> ParseAll() const;
  // The first attribute named T::kKey, parsed; nullopt when absent.
  template <typename T>
  absl::StatusOr<std::optional<T>> ParseFirst() const;

  // Equal when the (key, value) sequences are equal; buffer layout and
  // history are irrelevant.
  friend bool operator==(const AttributeList& a, const AttributeList& b);

 private:
  friend struct internal::AttributeListAccess;

  // The text of an entry is "key" or "key:value", exactly the a= line body,
  // so the parser adds a line with a single copy.
  struct Entry {
    size_t offset;
    size_t key_len;
    size_t value_len;
    bool has_value;
    size_t bytes() const { return key_len + (has_value ? 1 + value_len : 0); }
  };
  void AppendEntry(std::string_view key, std::optional<std::string_view> value,
                   size_t index);
  // `body` is "key" or "key:value" with key_len the length of "key".
  void AppendBody(std::string_view body, size_t key_len);
  void MaybeCompact();

  std::string text_;
  std::vector<Entry> entries_;
  size_t garbage_ = 0;  // bytes of text_ no entry refers to any more
};

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>
struct Origin {
  std::string username = "-";
  uint64_t session_id = 0;
  uint64_t session_version = 0;
  std::string net_type = "IN";
  std::string addr_type = "IP4";
  std::string address = "127.0.0.1";

  friend bool operator==(const Origin&, const Origin&) = default;
};

// c=<nettype> <addrtype> <connection-address>. For IP4 the address may carry
// "/ttl[/count]", for IP6 "/count" (multicast); they are split out so that
// `address` is always a bare host. Other address types keep the text whole.
struct ConnectionData {
  std::string net_type = "IN";
  std::string addr_type = "IP4";
  std::string address = "0.0.0.0";
  std::optional<uint32_t> ttl;
  std::optional<uint32_t> num_addresses;

  friend bool operator==(const ConnectionData&,
                         const ConnectionData&) = default;
};

// b=<bwtype>:<bandwidth>, e.g. AS, CT, TIAS.
struct Bandwidth {
  std::string type;
  uint64_t value = 0;

  friend bool operator==(const Bandwidth&, const Bandwidth&) = default;
};

// r=<interval> <active duration> <offset>..., all in seconds. The text form
// may use the d/h/m/s units; serialization picks the largest unit that
// divides each value exactly ("7d", "25h"), so values, not spellings,
// round-trip.
struct RepeatTime {
  uint64_t interval = 0;
  uint64_t duration = 0;
  std::vector<uint64_t> offsets;

  friend bool operator==(const RepeatTime&, const RepeatTime&) = default;
};

// t=<start> <stop> (NTP seconds; 0 0 for an unbounded session) and its r=
// lines.
struct Timing {
  uint64_t start = 0;
  uint64_t stop = 0;
  std::vector<RepeatTime> repeats;

  friend bool operator==(const Timing&, const Timing&) = default;
};

// One <adjustment time> <offset> pair of the z= line; offset in seconds,
// possibly negative.
struct TimeZoneAdjustment {
  uint64_t time = 0;
  int64_t offset = 0;

  friend bool operator==(const TimeZoneAdjustment&,
                         const TimeZoneAdjustment&) = default;
};

// m=<media> <port>[/<count>] <proto> <fmt>... and its i, c, b, k, a lines.
struct MediaDescription {
  std::string media;  // "audio", "video", "application", ...
  uint16_t port = 0;
  std::optional<uint16_t> num_ports;
  std::string protocol;              // "UDP/TLS/RTP/SAVPF", ...
  std::vector<std::string> formats;  // payload types or e.g. webrtc-datachannel
  std::optional<std::string> title;  // i=
  std::vector<ConnectionData> connections;
  std::vector<Bandwidth> bandwidths;
  std::optional<std::string> key;  // k= (obsolete; kept for round trips)
  AttributeList attributes;

  // a=mid value, if any.
  std::optional<std::string_view> mid() const { return attributes.Find("mid"); }

  friend bool operator==(const MediaDescription&,
                         const MediaDescription&) = default;
};

struct ParseOptions {
  // Also check every attribute that has a typed parser (rtpmap, candidate,
  // fingerprint, extmap, ...), so a malformed one is reported with its line
  // number at parse time instead of surfacing later from a typed accessor.
  // It roughly doubles parse time (bench/sdp); callers that read the typed
  // views right away anyway and can live without line numbers may turn it
  // off.
  bool validate_attributes = true;
};

struct SessionDescription {
  uint32_t version = 0;  // v=, always 0
  Origin origin;
  std::string session_name = "-";   // s=
  std::optional<std::string> info;  // i=
  std::optional<std::string> uri;   // u=
  std::vector<std::string> emails;  // e=
  std::vector<std::string> phones;  // p=
  std::optional<ConnectionData> connection;
  std::vector<Bandwidth> bandwidths;
  // RFC 8866 requires at least one t= line; ToString() writes "t=0 0" when
  // this is empty so that the output still parses.
  std::vector<Timing> timings = {Timing{}};
  std::vector<TimeZoneAdjustment> time_zones;  // z=
  std::optional<std::string> key;              // k=
  AttributeList attributes;
  std::vector<MediaDescription> media;

  static absl::StatusOr<SessionDescription> Parse(
      std::string_view text, const ParseOptions& options = {});

  // CRLF-terminated lines in RFC 8866 order. Output of a parsed description
  // re-parses to an equal one; for canonical input (single spaces, unit-free
  // times written as the serializer would, CRLF) it is byte-identical.
  std::string ToString() const;
  void AppendTo(std::string* out) const;

  friend bool operator==(const SessionDescription&,
                         const SessionDescription&) = default;
};

// ---------------------------------------------------------------------------
// Template implementations.

namespace internal {
template <typename T>
std::string AttributeValueOf(const T& typed) {
  if constexpr (requires { typed.ToAttributeValue(); }) {
    return typed.ToAttributeValue();
  } else {
    return typed.ToString();
  }
}
}  // namespace internal

template <typename T>
void AttributeList::AddTyped(const T& typed) {
  Add(T::kKey, std::string_view(internal::AttributeValueOf(typed)));
}

template <typename T>
absl::StatusOr<std::vector<T>> AttributeList::ParseAll() const {
  std::vector<T> out;
  for (const Attribute& a : *this) {
    if (a.key != T::kKey) continue;
    auto parsed = T::Parse(a.value.value_or(std::string_view()));
    if (!parsed.ok()) return parsed.status();
    out.push_back(*std::move(parsed));
  }
  return out;
}

template <typename T>
absl::StatusOr<std::optional<T>> AttributeList::ParseFirst() const {
  for (const Attribute& a : *this) {
    if (a.key != T::kKey) continue;
    auto parsed = T::Parse(a.value.value_or(std::string_view()));
    if (!parsed.ok()) return parsed.status();
    return std::optional<T>(*std::move(parsed));
  }
  return std::optional<T>();
}

}  // namespace simrtc::sdp

#endif  // CORE_SDP_SDP_H_
