#include "core/ice/candidate.h"

#include "absl/strings/str_format.h"

namespace simrtc::ice {
namespace {

sdp::CandidateType ToSdpType(CandidateType t) {
  switch (t) {
    case CandidateType::kHost:
      return sdp::CandidateType::kHost;
    case CandidateType::kServerReflexive:
      return sdp::CandidateType::kSrflx;
    case CandidateType::kPeerReflexive:
      return sdp::CandidateType::kPrflx;
    case CandidateType::kRelay:
      return sdp::CandidateType::kRelay;
  }
  return sdp::CandidateType::kHost;
}

CandidateType FromSdpType(sdp::CandidateType t) {
  switch (t) {
    case sdp::CandidateType::kHost:
      return CandidateType::kHost;
    case sdp::CandidateType::kSrflx:
      return CandidateType::kServerReflexive;
    case sdp::CandidateType::kPrflx:
      return CandidateType::kPeerReflexive;
    case sdp::CandidateType::kRelay:
      return CandidateType::kRelay;
  }
  return CandidateType::kHost;
}

}  // namespace

NetworkType Candidate::network_type() const {
  const bool v6 = address.ip().is_v6();
  if (transport == Transport::kTcp) {
    return v6 ? NetworkType::kTcp6 : NetworkType::kTcp4;
  }
  return v6 ? NetworkType::kUdp6 : NetworkType::kUdp4;
}

sdp::Candidate Candidate::ToSdpCandidate() const {
  sdp::Candidate c;
  c.foundation = foundation;
  c.component = component;
  c.transport = transport == Transport::kTcp ? sdp::CandidateTransport::kTcp
                                             : sdp::CandidateTransport::kUdp;
  c.priority = priority;
  c.address = hostname.empty() ? address.ip().ToString() : hostname;
  c.port = address.port();
  c.type = ToSdpType(type);
  if (type != CandidateType::kHost) {
    // RFC 8839 section 5.1: raddr/rport are mandatory for non-host
    // candidates; an unset one is sent as the "hidden" 0.0.0.0 0.
    c.related_address =
        related.is_set() ? related.ip().ToString() : std::string("0.0.0.0");
    c.related_port = related.port();
  }
  c.tcp_type = tcp_type;
  c.generation = generation;
  if (!ufrag.empty()) c.ufrag = ufrag;
  c.network_id = network_id;
  c.network_cost = network_cost;
  return c;
}

std::string Candidate::ToSdp() const { return ToSdpCandidate().ToString(); }

absl::StatusOr<Candidate> Candidate::FromSdp(std::string_view text) {
  absl::StatusOr<sdp::Candidate> parsed = sdp::Candidate::Parse(text);
  if (!parsed.ok()) return parsed.status();
  return FromSdpCandidate(*parsed);
}

absl::StatusOr<Candidate> Candidate::FromSdpCandidate(const sdp::Candidate& s) {
  Candidate c;
  if (s.component < 1 || s.component > 256) {
    return absl::InvalidArgumentError(
        absl::StrFormat("candidate %s: component %u outside 1..256",
                        s.foundation, s.component));
  }
  c.foundation = s.foundation;
  c.component = s.component;
  c.transport = s.transport == sdp::CandidateTransport::kTcp ? Transport::kTcp
                                                             : Transport::kUdp;
  c.priority = s.priority;
  c.type = FromSdpType(s.type);
  if (std::optional<IpAddress> ip = s.ip()) {
    if (s.port == 0 && s.transport == sdp::CandidateTransport::kUdp) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "candidate %s: port 0 on a UDP candidate", s.foundation));
    }
    c.address = SocketAddress(*ip, s.port);
  } else if (s.is_mdns()) {
    c.hostname = s.address;
    // The port is known now; the IP arrives with the mDNS answer.
    c.address = SocketAddress(IpAddress(), s.port);
  } else {
    return absl::InvalidArgumentError(absl::StrFormat(
        "candidate %s: address \"%s\" is neither an IP nor a .local name",
        s.foundation, s.address));
  }
  if (s.related_address) {
    absl::StatusOr<IpAddress> rip = IpAddress::Parse(*s.related_address);
    // A malformed or FQDN raddr carries no meaning for connectivity (RFC
    // 8839 says it is informational), so it is dropped, not fatal.
    if (rip.ok()) c.related = SocketAddress(*rip, s.related_port.value_or(0));
  }
  c.tcp_type = s.tcp_type;
  c.generation = s.generation.value_or(0);
  c.ufrag = s.ufrag.value_or("");
  c.network_id = s.network_id;
  c.network_cost = s.network_cost;
  return c;
}

std::string Candidate::ToString() const {
  std::string addr =
      hostname.empty() ? address.ToString()
                       : absl::StrFormat("%s:%d(%s)", hostname, address.port(),
                                         address.ip().ToString());
  return absl::StrFormat("%s %s %s %s prio %u", id, CandidateTypeName(type),
                         NetworkTypeName(network_type()), addr, priority);
}

bool IsRedundant(const Candidate& a, const Candidate& b) {
  return a.address == b.address && a.base == b.base &&
         a.transport == b.transport;
}

std::ostream& operator<<(std::ostream& os, const Candidate& c) {
  return os << c.ToString();
}

}  // namespace simrtc::ice
