// Typed views of the SDP attributes WebRTC relies on.
//
// Each struct mirrors one attribute's value grammar. Its contract:
//   - kKey is the attribute name (`a=<kKey>:<value>`);
//   - Parse(value) takes the text after "a=<kKey>:" and either returns the
//     typed value or InvalidArgument naming the attribute, the offending
//     field and what was expected; it never crashes on any input;
//   - ToString() returns the value text; Parse(ToString()) == *this for
//     every value Parse produced, and ToString() reproduces the canonical
//     spelling (single spaces, no optional blanks) byte for byte.
// They plug into AttributeList::ParseAll<T>() / ParseFirst<T>() /
// AddTyped(). The raw attribute stays in the AttributeList, so reading a
// typed view never loses what the typed view does not model.
#ifndef CORE_SDP_ATTRIBUTES_H_
#define CORE_SDP_ATTRIBUTES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "core/sdp/sdp.h"

namespace simrtc::sdp {

// Attribute names, so callers never spell them twice.
namespace attr {
inline constexpr std::string_view kCandidate = "candidate";
inline constexpr std::string_view kEndOfCandidates = "end-of-candidates";
inline constexpr std::string_view kExtMap = "extmap";
inline constexpr std::string_view kExtMapAllowMixed = "extmap-allow-mixed";
inline constexpr std::string_view kFingerprint = "fingerprint";
inline constexpr std::string_view kFmtp = "fmtp";
inline constexpr std::string_view kGroup = "group";
inline constexpr std::string_view kIceLite = "ice-lite";
inline constexpr std::string_view kIceOptions = "ice-options";
inline constexpr std::string_view kIcePwd = "ice-pwd";
inline constexpr std::string_view kIceUfrag = "ice-ufrag";
inline constexpr std::string_view kInactive = "inactive";
inline constexpr std::string_view kMaxMessageSize = "max-message-size";
inline constexpr std::string_view kMid = "mid";
inline constexpr std::string_view kMsid = "msid";
inline constexpr std::string_view kMsidSemantic = "msid-semantic";
inline constexpr std::string_view kRecvOnly = "recvonly";
inline constexpr std::string_view kRid = "rid";
inline constexpr std::string_view kRtcp = "rtcp";
inline constexpr std::string_view kRtcpFb = "rtcp-fb";
inline constexpr std::string_view kRtcpMux = "rtcp-mux";
inline constexpr std::string_view kRtcpRsize = "rtcp-rsize";
inline constexpr std::string_view kRtpMap = "rtpmap";
inline constexpr std::string_view kSctpMap = "sctpmap";
inline constexpr std::string_view kSctpPort = "sctp-port";
inline constexpr std::string_view kSendOnly = "sendonly";
inline constexpr std::string_view kSendRecv = "sendrecv";
inline constexpr std::string_view kSetup = "setup";
inline constexpr std::string_view kSimulcast = "simulcast";
inline constexpr std::string_view kSsrc = "ssrc";
inline constexpr std::string_view kSsrcGroup = "ssrc-group";
}  // namespace attr

// Well-known RTP header extension URIs (RFC 8285 extmap).
namespace extension_uri {
inline constexpr std::string_view kAudioLevel =
    "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
inline constexpr std::string_view kAbsSendTime =
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
inline constexpr std::string_view kTransportCc =
    "http://www.ietf.org/id/"
    "draft-holmer-rmcat-transport-wide-cc-extensions-01";
inline constexpr std::string_view kSdesMid =
    "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr std::string_view kSdesRtpStreamId =
    "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
inline constexpr std::string_view kSdesRepairedRtpStreamId =
    "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
inline constexpr std::string_view kVideoOrientation =
    "urn:3gpp:video-orientation";
inline constexpr std::string_view kTimeOffset =
    "urn:ietf:params:rtp-hdrext:toffset";
}  // namespace extension_uri

// ---------------------------------------------------------------------------
// Media direction (RFC 8866 6.7): sendrecv / sendonly / recvonly / inactive,
// written as property attributes, also used inside extmap.
enum class Direction : uint8_t { kSendRecv, kSendOnly, kRecvOnly, kInactive };

std::string_view ToString(Direction d);
// Exact (lower-case) attribute names only, as RFC 8866 spells them.
std::optional<Direction> ParseDirection(std::string_view text);
// The direction the other side sees: sendonly <-> recvonly.
Direction Reverse(Direction d);
// The last direction attribute in `attrs` (later ones override earlier in
// practice), or nullopt.
std::optional<Direction> FindDirection(const AttributeList& attrs);
// Replaces any direction attributes in `attrs` by `d`.
void SetDirection(AttributeList& attrs, Direction d);
// The direction in force for `media`: its own attribute, else the session
// one, else sendrecv (RFC 8866 default).
Direction EffectiveDirection(const SessionDescription& session,
                             const MediaDescription& media);

// A value attribute looked up at media level first, then session level, as
// RFC 8839/8842 allow for ice-ufrag, ice-pwd, fingerprint, setup, ...
std::optional<std::string_view> FindMediaOrSessionAttribute(
    const SessionDescription& session, const MediaDescription& media,
    std::string_view key);

// ---------------------------------------------------------------------------
// a=setup (RFC 4145 / RFC 8842).
enum class SetupRole : uint8_t { kActive, kPassive, kActpass, kHoldconn };
std::string_view ToString(SetupRole r);
absl::StatusOr<SetupRole> ParseSetupRole(std::string_view text);

// ---------------------------------------------------------------------------
// a=fingerprint:<hash-func> <XX:XX:...> (RFC 8122). The hash function name is
// folded to lower case; digests of known hash functions (md2, md5, sha-1,
// sha-224, sha-256, sha-384, sha-512) must have that function's length.
// Hex digits are accepted in either case and written upper case.
struct Fingerprint {
  static constexpr std::string_view kKey = attr::kFingerprint;
  std::string algorithm;
  std::vector<uint8_t> digest;

  static absl::StatusOr<Fingerprint> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};

// a=group:<semantics> <mid>... (RFC 5888), e.g. "BUNDLE 0 1 2". An empty
// list is legal (a BUNDLE group whose members were all rejected).
struct Group {
  static constexpr std::string_view kKey = attr::kGroup;
  std::string semantics;
  std::vector<std::string> mids;

  static absl::StatusOr<Group> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const Group&, const Group&) = default;
};

// a=ice-options:<option>... (RFC 8839), e.g. "trickle", "ice2".
struct IceOptions {
  static constexpr std::string_view kKey = attr::kIceOptions;
  std::vector<std::string> options;

  bool Has(std::string_view option) const;
  static absl::StatusOr<IceOptions> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const IceOptions&, const IceOptions&) = default;
};

// ice-ufrag: 4-256 ice-chars; ice-pwd: 22-256 ice-chars (RFC 8839 5.4).
absl::Status ValidateIceUfrag(std::string_view ufrag);
absl::Status ValidateIcePwd(std::string_view pwd);
// a=mid (RFC 5888 identification-tag): a non-empty token.
absl::Status ValidateMid(std::string_view mid);

// ---------------------------------------------------------------------------
// a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>] (RFC 8866 6.6).
struct RtpMap {
  static constexpr std::string_view kKey = attr::kRtpMap;
  uint8_t payload_type = 0;  // 0-127
  std::string encoding_name;
  uint32_t clock_rate = 0;
  std::optional<uint32_t> channels;  // "encoding parameters"; audio only

  static absl::StatusOr<RtpMap> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const RtpMap&, const RtpMap&) = default;
};

// a=fmtp:<pt> <format specific parameters> (RFC 8866 6.15). The parameters
// are kept verbatim; ParseFmtpParameters splits the usual "k=v;k=v" form.
struct Fmtp {
  static constexpr std::string_view kKey = attr::kFmtp;
  uint8_t payload_type = 0;
  std::string parameters;

  static absl::StatusOr<Fmtp> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const Fmtp&, const Fmtp&) = default;
};

// One entry of "k=v;k2=v2;bare". A bare entry (e.g. RED's "111/111") has
// no '=' and so no value.
struct FmtpParameter {
  std::string key;
  std::optional<std::string> value;
  friend bool operator==(const FmtpParameter&, const FmtpParameter&) = default;
};
// Splits on ';', trimming blanks around entries; empty entries are skipped.
std::vector<FmtpParameter> ParseFmtpParameters(std::string_view parameters);
// True when every parameter of `wanted` occurs in `actual` with an equal
// value (keys compared case-insensitively, values exactly). An empty
// `wanted` matches anything. This is the subset match codec lookups want:
// "packetization-mode=1" picks every H264 entry with that mode.
bool FmtpContains(std::string_view actual, std::string_view wanted);

// a=rtcp-fb:<pt>|* <type> [<parameter>] (RFC 4585), e.g. "96 nack pli",
// "96 ccm fir", "* transport-cc". `parameter` holds everything after the
// type, verbatim (it may itself contain blanks, as in ccm tmmbr smaxpr=).
struct RtcpFb {
  static constexpr std::string_view kKey = attr::kRtcpFb;
  std::optional<uint8_t> payload_type;  // nullopt means "*": every format
  std::string type;
  std::string parameter;

  static absl::StatusOr<RtcpFb> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const RtcpFb&, const RtcpFb&) = default;
};

// a=extmap:<id>[/<direction>] <uri> [<extension attributes>] (RFC 8285).
// Ids 1-14 fit the one-byte header, 15-255 need two-byte; 4096-4351 were
// RFC 5285's offer-only range. Anything outside 1-4351 is rejected.
struct ExtMap {
  static constexpr std::string_view kKey = attr::kExtMap;
  uint16_t id = 0;
  std::optional<Direction> direction;
  std::string uri;
  std::string attributes;  // verbatim remainder, may be empty

  static absl::StatusOr<ExtMap> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const ExtMap&, const ExtMap&) = default;
};

// a=ssrc:<ssrc> <attribute>[:<value>] (RFC 5576), e.g.
// "123 cname:abc", "123 msid:stream track". The value is kept verbatim.
struct Ssrc {
  static constexpr std::string_view kKey = attr::kSsrc;
  uint32_t ssrc = 0;
  std::string attribute;
  std::optional<std::string> value;

  static absl::StatusOr<Ssrc> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const Ssrc&, const Ssrc&) = default;
};

// a=ssrc-group:<semantics> <ssrc>... (RFC 5576), e.g. "FID 1 2",
// "SIM 1 2 3". At least one SSRC.
struct SsrcGroup {
  static constexpr std::string_view kKey = attr::kSsrcGroup;
  std::string semantics;
  std::vector<uint32_t> ssrcs;

  static absl::StatusOr<SsrcGroup> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const SsrcGroup&, const SsrcGroup&) = default;
};

// a=msid:<stream id> [<track id>] (RFC 8830). "-" as stream id means "no
// stream".
struct Msid {
  static constexpr std::string_view kKey = attr::kMsid;
  std::string stream_id;
  std::optional<std::string> track_id;

  static absl::StatusOr<Msid> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const Msid&, const Msid&) = default;
};

// a=rid:<id> send|recv [pt=<fmt>,...;][<param>[=<value>];...] (RFC 8851).
// Restrictions are kept in order; values verbatim.
enum class RidDirection : uint8_t { kSend, kRecv };
std::string_view ToString(RidDirection d);

struct RidParameter {
  std::string key;
  std::optional<std::string> value;
  friend bool operator==(const RidParameter&, const RidParameter&) = default;
};

struct Rid {
  static constexpr std::string_view kKey = attr::kRid;
  std::string id;
  RidDirection direction = RidDirection::kSend;
  std::vector<uint8_t> payload_types;  // from "pt=", empty when absent
  std::vector<RidParameter> parameters;

  static absl::StatusOr<Rid> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const Rid&, const Rid&) = default;
};

// a=simulcast:send <streams> [recv <streams>] (RFC 8853). Streams are ';'
// separated; each is a ',' separated list of alternative rids, each
// optionally paused with a leading '~'. Either direction may come first in
// the text; ToString() always writes send before recv.
struct SimulcastRid {
  std::string rid;
  bool paused = false;
  friend bool operator==(const SimulcastRid&, const SimulcastRid&) = default;
};
using SimulcastStream = std::vector<SimulcastRid>;  // alternatives

struct Simulcast {
  static constexpr std::string_view kKey = attr::kSimulcast;
  std::vector<SimulcastStream> send;
  std::vector<SimulcastStream> recv;

  static absl::StatusOr<Simulcast> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const Simulcast&, const Simulcast&) = default;
};

// a=sctpmap:<port> <protocol> [<streams>] (draft-ietf-mmusic-sctp-sdp-05,
// the pre-standard form older endpoints still send).
struct SctpMap {
  static constexpr std::string_view kKey = attr::kSctpMap;
  uint16_t port = 0;
  std::string protocol;  // "webrtc-datachannel"
  std::optional<uint32_t> streams;

  static absl::StatusOr<SctpMap> Parse(std::string_view value);
  std::string ToString() const;
  friend bool operator==(const SctpMap&, const SctpMap&) = default;
};

// a=sctp-port:<port> (RFC 8841) and a=max-message-size:<bytes> (RFC 8841,
// 0 means "no limit").
absl::StatusOr<uint16_t> ParseSctpPort(std::string_view value);
absl::StatusOr<uint64_t> ParseMaxMessageSize(std::string_view value);

// Checks `value` of attribute `key` with the matching typed parser; OK for
// attributes without one. Flag attributes (rtcp-mux, ice-lite,
// end-of-candidates, directions, ...) must carry no value. This is what
// ParseOptions::validate_attributes runs for each a= line.
absl::Status ValidateAttribute(std::string_view key,
                               std::optional<std::string_view> value);

}  // namespace simrtc::sdp

#endif  // CORE_SDP_ATTRIBUTES_H_
