#include "core/sdp/candidate.h"

#include <type_traits>

#include "absl/strings/str_format.h"
#include "core/sdp/text_util.h"

namespace simrtc::sdp {

using internal::AppendUint;
using internal::EqualsIgnoreCase;
using internal::Excerpt;
using internal::ParseUnsigned;
using internal::Tokenizer;

std::string_view ToString(CandidateTransport t) {
  return t == CandidateTransport::kTcp ? "tcp" : "udp";
}

std::string_view ToString(CandidateType t) {
  switch (t) {
    case CandidateType::kHost:
      return "host";
    case CandidateType::kSrflx:
      return "srflx";
    case CandidateType::kPrflx:
      return "prflx";
    case CandidateType::kRelay:
      return "relay";
  }
  return "host";
}

std::string_view ToString(TcpType t) {
  switch (t) {
    case TcpType::kActive:
      return "active";
    case TcpType::kPassive:
      return "passive";
    case TcpType::kSimultaneousOpen:
      return "so";
  }
  return "active";
}

namespace {

absl::Status Bad(std::string_view text, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("candidate \"%s\": %s", Excerpt(text), what));
}

// A host name as RFC 8839 allows for connection-address: dot-separated
// labels of letters, digits, '-' and '_' (the last is not DNS-legal but
// shows up in mDNS names from some stacks).
bool IsHostName(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t label = 0;
  for (char c : s) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (!internal::IsAlnum(c) && c != '-' && c != '_') return false;
    if (++label > 63) return false;
  }
  return label > 0;
}

bool LooksNumeric(std::string_view s) {
  for (char c : s) {
    if (!internal::IsDigit(c) && c != '.') return false;
  }
  return true;
}

// IP literals must really be IP literals ("1.2.3.999" is an error, not a
// host name); anything else must be a plausible FQDN.
bool IsValidAddress(std::string_view s) {
  if (s.find(':') != std::string_view::npos || LooksNumeric(s)) {
    return IpAddress::Parse(s).ok();
  }
  return IsHostName(s);
}

bool IsPrintableToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!internal::IsVchar(c)) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<Candidate> Candidate::Parse(std::string_view text) {
  std::string_view v = text;
  if (v.substr(0, 2) == "a=") v.remove_prefix(2);
  if (v.substr(0, 10) == "candidate:") v.remove_prefix(10);
  // Signaling layers sometimes keep the line break.
  while (!v.empty() && (v.back() == '\r' || v.back() == '\n')) {
    v.remove_suffix(1);
  }

  Tokenizer tok(v);
  std::string_view f[8];
  for (int i = 0; i < 8; ++i) {
    if (!tok.Next(&f[i])) {
      return Bad(text,
                 "expected <foundation> <component> <transport> <priority> "
                 "<address> <port> typ <type>");
    }
  }
  Candidate c;
  if (f[0].size() > 32) {
    return Bad(text, "foundation is longer than 32 characters");
  }
  for (char ch : f[0]) {
    if (!internal::IsIceChar(ch)) {
      return Bad(text,
                 absl::StrFormat("foundation \"%s\" has characters other than "
                                 "letters, digits, '+' and '/'",
                                 Excerpt(f[0])));
    }
  }
  c.foundation.assign(f[0]);
  if (!ParseUnsigned(f[1], &c.component) || c.component < 1 ||
      c.component > 256) {
    return Bad(text, absl::StrFormat("component \"%s\" is not a number 1-256",
                                     Excerpt(f[1])));
  }
  if (EqualsIgnoreCase(f[2], "udp")) {
    c.transport = CandidateTransport::kUdp;
  } else if (EqualsIgnoreCase(f[2], "tcp")) {
    c.transport = CandidateTransport::kTcp;
  } else {
    return Bad(text, absl::StrFormat("transport \"%s\" is not udp or tcp",
                                     Excerpt(f[2])));
  }
  if (!ParseUnsigned(f[3], &c.priority)) {
    return Bad(text,
               absl::StrFormat("priority \"%s\" is not a number 0-4294967295",
                               Excerpt(f[3])));
  }
  if (!IsValidAddress(f[4])) {
    return Bad(text,
               absl::StrFormat("address \"%s\" is neither an IP address nor a "
                               "host name",
                               Excerpt(f[4])));
  }
  c.address.assign(f[4]);
  if (!ParseUnsigned(f[5], &c.port)) {
    return Bad(text, absl::StrFormat("port \"%s\" is not a number 0-65535",
                                     Excerpt(f[5])));
  }
  if (f[6] != "typ") {
    return Bad(text, absl::StrFormat("expected \"typ\" after the port, got "
                                     "\"%s\"",
                                     Excerpt(f[6])));
  }
  if (f[7] == "host") {
    c.type = CandidateType::kHost;
  } else if (f[7] == "srflx") {
    c.type = CandidateType::kSrflx;
  } else if (f[7] == "prflx") {
    c.type = CandidateType::kPrflx;
  } else if (f[7] == "relay") {
    c.type = CandidateType::kRelay;
  } else {
    return Bad(text, absl::StrFormat("type \"%s\" is not host, srflx, prflx or "
                                     "relay",
                                     Excerpt(f[7])));
  }

  std::string_view key, value;
  while (tok.Next(&key)) {
    if (!tok.Next(&value)) {
      return Bad(
          text, absl::StrFormat("extension \"%s\" has no value", Excerpt(key)));
    }
    auto dup = [&](bool present) {
      return present
                 ? Bad(text, absl::StrFormat("duplicate \"%s\"", Excerpt(key)))
                 : absl::OkStatus();
    };
    auto number = [&](auto* out) -> absl::Status {
      if (auto s = dup(out->has_value()); !s.ok()) return s;
      typename std::remove_reference_t<decltype(*out)>::value_type n;
      if (!ParseUnsigned(value, &n)) {
        return Bad(text, absl::StrFormat("%s \"%s\" is not a number in "
                                         "range",
                                         key, Excerpt(value)));
      }
      *out = n;
      return absl::OkStatus();
    };
    absl::Status s;
    if (key == "raddr") {
      s = dup(c.related_address.has_value());
      if (s.ok() && !IsValidAddress(value)) {
        s = Bad(text, absl::StrFormat("raddr \"%s\" is neither an IP address "
                                      "nor a host name",
                                      Excerpt(value)));
      }
      if (s.ok()) c.related_address.emplace(value);
    } else if (key == "rport") {
      s = number(&c.related_port);
    } else if (key == "tcptype") {
      s = dup(c.tcp_type.has_value());
      if (s.ok()) {
        if (value == "active") {
          c.tcp_type = TcpType::kActive;
        } else if (value == "passive") {
          c.tcp_type = TcpType::kPassive;
        } else if (value == "so") {
          c.tcp_type = TcpType::kSimultaneousOpen;
        } else {
          s = Bad(text, absl::StrFormat("tcptype \"%s\" is not active, "
                                        "passive or so",
                                        Excerpt(value)));
        }
      }
    } else if (key == "generation") {
      s = number(&c.generation);
    } else if (key == "ufrag") {
      s = dup(c.ufrag.has_value());
      if (s.ok() && !IsPrintableToken(value)) {
        s = Bad(text, "ufrag has non-printable characters");
      }
      if (s.ok()) c.ufrag.emplace(value);
    } else if (key == "network-id") {
      s = number(&c.network_id);
    } else if (key == "network-cost") {
      s = number(&c.network_cost);
    } else if (key == "typ") {
      s = Bad(text, "duplicate \"typ\"");
    } else {
      if (!internal::IsToken(key) || !IsPrintableToken(value)) {
        s = Bad(text, absl::StrFormat("extension \"%s\" is not a token with "
                                      "a printable value",
                                      Excerpt(key)));
      } else {
        c.extensions.push_back({std::string(key), std::string(value)});
      }
    }
    if (!s.ok()) return s;
  }
  if (c.tcp_type && c.transport != CandidateTransport::kTcp) {
    return Bad(text, "tcptype given for a UDP candidate");
  }
  return c;
}

std::string Candidate::ToAttributeValue() const {
  std::string out;
  out.reserve(96 + address.size());
  out.append(foundation);
  out.push_back(' ');
  AppendUint(&out, component);
  out.push_back(' ');
  out.append(sdp::ToString(transport));
  out.push_back(' ');
  AppendUint(&out, priority);
  out.push_back(' ');
  out.append(address);
  out.push_back(' ');
  AppendUint(&out, port);
  out.append(" typ ");
  out.append(sdp::ToString(type));
  if (related_address) {
    out.append(" raddr ");
    out.append(*related_address);
  }
  if (related_port) {
    out.append(" rport ");
    AppendUint(&out, *related_port);
  }
  if (tcp_type) {
    out.append(" tcptype ");
    out.append(sdp::ToString(*tcp_type));
  }
  if (generation) {
    out.append(" generation ");
    AppendUint(&out, *generation);
  }
  if (ufrag) {
    out.append(" ufrag ");
    out.append(*ufrag);
  }
  if (network_id) {
    out.append(" network-id ");
    AppendUint(&out, *network_id);
  }
  if (network_cost) {
    out.append(" network-cost ");
    AppendUint(&out, *network_cost);
  }
  for (const CandidateExtension& e : extensions) {
    out.push_back(' ');
    out.append(e.key);
    out.push_back(' ');
    out.append(e.value);
  }
  return out;
}

std::string Candidate::ToString() const {
  return "candidate:" + ToAttributeValue();
}

std::optional<IpAddress> Candidate::ip() const {
  auto ip = IpAddress::Parse(address);
  if (!ip.ok()) return std::nullopt;
  return *ip;
}

bool Candidate::is_mdns() const {
  return address.size() > 6 &&
         EqualsIgnoreCase(std::string_view(address).substr(address.size() - 6),
                          ".local");
}

}  // namespace simrtc::sdp
