#include "core/mdns/mdns_conn.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <set>
#include <utility>

#include "absl/strings/str_format.h"
#include "core/base/sans_io.h"
#include "core/base/status_macros.h"

namespace simrtc::mdns {

static_assert(SansIoEndpoint<MdnsConn>);

namespace {

// RFC 6762 section 6.7: legacy resolvers do not understand long mDNS TTLs.
constexpr uint32_t kLegacyUnicastMaxTtl = 10;
// RFC 6762 section 6: at most one multicast of a record per interface per
// second, so a flood of queries cannot turn into a flood of answers.
constexpr TimeDelta kMulticastRateLimit = TimeDelta::Seconds(1);
// RFC 6762 section 10.2: records a cache-flush response did not repeat live
// one more second, in case the rest of the set is in a following packet.
constexpr TimeDelta kCacheFlushGrace = TimeDelta::Seconds(1);

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool FamilyMatches(IpFamily wanted, IpFamily have) {
  return wanted == IpFamily::kNone || wanted == have;
}

std::string_view FamilyName(IpFamily family) {
  switch (family) {
    case IpFamily::kIPv4:
      return "IPv4";
    case IpFamily::kIPv6:
      return "IPv6";
    case IpFamily::kNone:
      return "any family";
  }
  return "?";
}

int CommonPrefixBits(const IpAddress& a, const IpAddress& b) {
  std::span<const uint8_t> x = a.bytes();
  std::span<const uint8_t> y = b.bytes();
  int bits = 0;
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    const uint8_t diff = x[i] ^ y[i];
    if (diff == 0) {
      bits += 8;
      continue;
    }
    for (int bit = 7; bit >= 0 && !(diff & (1 << bit)); --bit) ++bits;
    break;
  }
  return bits;
}

// Addresses a peer could actually use as an ICE candidate.
bool IsUsableUnicast(const IpAddress& ip) {
  if (!ip.is_set() || ip.IsUnspecified() || ip.IsMulticast()) return false;
  return !(ip.is_v4() && ip.v4_host_order() == 0xffffffffu);
}

// The address in an A or AAAA record, if the rdata has the family the type
// promises.
std::optional<IpAddress> AddressOf(const ResourceRecord& r) {
  if (const auto* a = std::get_if<AData>(&r.rdata)) {
    if (a->address.is_v4()) return a->address;
  } else if (const auto* aaaa = std::get_if<AaaaData>(&r.rdata)) {
    if (aaaa->address.is_v6()) return aaaa->address;
  }
  return std::nullopt;
}

// Upper bounds of the wire size: a dotted name is never shorter than its
// wire form minus two (length bytes replace dots, escapes only grow text).
size_t EstimateSize(const Question& q) { return q.name.size() + 2 + 4; }
size_t EstimateSize(const ResourceRecord& r) {
  size_t rdata = 0;
  if (std::holds_alternative<AData>(r.rdata)) {
    rdata = 4;
  } else if (std::holds_alternative<AaaaData>(r.rdata)) {
    rdata = 16;
  } else if (const auto* u = std::get_if<UnknownData>(&r.rdata)) {
    rdata = u->data.size();
  } else {
    rdata = 512;  // never emitted here; keeps the bound honest
  }
  return r.name.size() + 2 + 10 + rdata;
}

bool SameRecord(const ResourceRecord& a, const ResourceRecord& b) {
  return a.rrclass == b.rrclass && a.rdata == b.rdata &&
         NamesEqual(a.name, b.name);
}

// RFC 6762 section 7.1: the querier already holds this record with at least
// half its TTL left, so repeating it would be wasted airtime.
bool IsKnownAnswer(const std::vector<ResourceRecord>& known,
                   const ResourceRecord& r) {
  for (const ResourceRecord& k : known) {
    if (SameRecord(k, r) && k.ttl >= r.ttl / 2) return true;
  }
  return false;
}

Header ResponseHeader(uint16_t id) {
  Header h;
  h.id = id;
  h.response = true;
  h.authoritative = true;
  return h;
}

}  // namespace

std::string_view MulticastDnsModeName(MulticastDnsMode mode) {
  switch (mode) {
    case MulticastDnsMode::kDisabled:
      return "disabled";
    case MulticastDnsMode::kQueryOnly:
      return "query-only";
    case MulticastDnsMode::kQueryAndGather:
      return "query-and-gather";
  }
  return "unknown";
}

SocketAddress MdnsGroupV4() {
  return SocketAddress(IpAddress::V4(224, 0, 0, 251), kMdnsPort);
}

SocketAddress MdnsGroupV6() {
  std::array<uint8_t, 16> bytes{};
  bytes[0] = 0xff;
  bytes[1] = 0x02;
  bytes[15] = 0xfb;
  return SocketAddress(IpAddress::V6(bytes), kMdnsPort);
}

SocketAddress MdnsGroup(IpFamily family) {
  switch (family) {
    case IpFamily::kIPv4:
      return MdnsGroupV4();
    case IpFamily::kIPv6:
      return MdnsGroupV6();
    case IpFamily::kNone:
      break;
  }
  return SocketAddress();
}

std::string GenerateLocalName(Rng& rng) {
  std::array<uint8_t, 16> b;
  rng.Fill(b);
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // variant 10
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36 + 6);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0f]);
  }
  out += ".local";
  return out;
}

absl::StatusOr<std::string> ValidateLocalName(std::string_view name) {
  auto labels = SplitName(name);
  if (!labels.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "mDNS name \"%s\": %s", name, labels.status().message()));
  }
  // Checked on labels, not text: "a\.local" is one label and not in .local.
  if (labels->size() < 2 || LowerAscii(labels->back()) != "local") {
    return absl::InvalidArgumentError(
        absl::StrFormat("mDNS name \"%s\": expected <label>.local", name));
  }
  return JoinLabels(*labels);
}

absl::StatusOr<MdnsConn> MdnsConn::Create(Config config) {
  std::vector<IpAddress> unique;
  for (size_t i = 0; i < config.local_addresses.size(); ++i) {
    const IpAddress& a = config.local_addresses[i];
    if (!IsUsableUnicast(a)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "mDNS Config.local_addresses[%d] = %s: expected a unicast address", i,
          a.ToString()));
    }
    if (std::find(unique.begin(), unique.end(), a) == unique.end()) {
      unique.push_back(a);
    }
  }
  config.local_addresses = std::move(unique);
  if (config.mode != MulticastDnsMode::kDisabled &&
      config.local_addresses.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "mDNS Config.local_addresses: empty, but mode %s needs an interface",
        MulticastDnsModeName(config.mode)));
  }
  if (config.record_ttl_seconds == 0) {
    return absl::InvalidArgumentError(
        "mDNS Config.record_ttl_seconds: expected > 0");
  }
  if (config.announcements < 0 ||
      (config.announcements > 0 &&
       config.announcement_interval <= TimeDelta::Zero())) {
    return absl::InvalidArgumentError(
        "mDNS Config.announcements: expected >= 0 with a positive "
        "announcement_interval");
  }
  if (config.initial_query_interval <= TimeDelta::Zero() ||
      config.max_query_transmissions < 1 ||
      config.query_timeout <= TimeDelta::Zero()) {
    return absl::InvalidArgumentError(
        "mDNS Config: initial_query_interval and query_timeout must be "
        "positive and max_query_transmissions >= 1");
  }
  if (config.max_message_size < 512) {
    return absl::InvalidArgumentError(
        absl::StrFormat("mDNS Config.max_message_size = %d: expected >= 512",
                        config.max_message_size));
  }
  return MdnsConn(std::move(config));
}

void MdnsConn::Advance(Timestamp now) {
  if (now > now_) now_ = now;
}

// ---- publishing ------------------------------------------------------------

absl::Status MdnsConn::Publish(Timestamp now, std::string_view name,
                               std::vector<IpAddress> addresses) {
  if (config_.mode != MulticastDnsMode::kQueryAndGather) {
    return absl::FailedPreconditionError(
        absl::StrFormat("mDNS Publish \"%s\": mode %s does not publish", name,
                        MulticastDnsModeName(config_.mode)));
  }
  SIMRTC_ASSIGN_OR_RETURN(std::string canonical, ValidateLocalName(name));
  if (addresses.empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("mDNS Publish \"%s\": no addresses", name));
  }
  for (const IpAddress& a : addresses) {
    if (!IsUsableUnicast(a)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("mDNS Publish \"%s\": %s is not a unicast address",
                          name, a.ToString()));
    }
  }
  std::sort(addresses.begin(), addresses.end());
  addresses.erase(std::unique(addresses.begin(), addresses.end()),
                  addresses.end());
  std::string key = LowerAscii(canonical);
  if (published_.contains(key)) {
    return absl::AlreadyExistsError(
        absl::StrFormat("mDNS Publish \"%s\": already published", name));
  }
  Advance(now);
  Published p;
  p.name = std::move(canonical);
  p.addresses = std::move(addresses);
  p.announcements_left = config_.announcements;
  p.next_announcement = now_;
  p.announcement_interval = config_.announcement_interval;
  published_.emplace(std::move(key), std::move(p));
  SendDueAnnouncements();
  return absl::OkStatus();
}

absl::Status MdnsConn::Unpublish(Timestamp now, std::string_view name) {
  auto canonical = CanonicalName(name);
  auto it = canonical.ok() ? published_.find(LowerAscii(*canonical))
                           : published_.end();
  if (it == published_.end()) {
    return absl::NotFoundError(
        absl::StrFormat("mDNS Unpublish \"%s\": not published", name));
  }
  Advance(now);
  if (config_.goodbye_on_unpublish) {
    Message goodbye;
    goodbye.header = ResponseHeader(0);
    goodbye.answers = RecordsFor(it->second, IpFamily::kNone, /*ttl=*/0,
                                 /*cache_flush=*/true);
    for (const IpAddress& local : config_.local_addresses) {
      QueueMessages(goodbye, local, MdnsGroup(local.family()));
    }
  }
  const std::string key = it->first;
  published_.erase(it);
  std::erase_if(last_multicast_, [&](const auto& entry) {
    return std::get<0>(entry.first) == key;
  });
  return absl::OkStatus();
}

bool MdnsConn::IsPublished(std::string_view name) const {
  auto canonical = CanonicalName(name);
  return canonical.ok() && published_.contains(LowerAscii(*canonical));
}

std::vector<ResourceRecord> MdnsConn::RecordsFor(const Published& p,
                                                 IpFamily family, uint32_t ttl,
                                                 bool cache_flush) const {
  std::vector<ResourceRecord> out;
  for (const IpAddress& a : p.addresses) {
    if (!FamilyMatches(family, a.family())) continue;
    ResourceRecord r;
    r.name = p.name;
    r.rrclass = kClassIn;
    r.cache_flush = cache_flush;
    r.ttl = ttl;
    if (a.is_v4()) {
      r.rdata = AData{a};
    } else {
      r.rdata = AaaaData{a};
    }
    out.push_back(std::move(r));
  }
  return out;
}

void MdnsConn::SendDueAnnouncements() {
  for (auto& [key, p] : published_) {
    if (p.announcements_left <= 0 || p.next_announcement > now_) continue;
    Message announcement;
    announcement.header = ResponseHeader(0);
    announcement.answers =
        RecordsFor(p, IpFamily::kNone, config_.record_ttl_seconds, true);
    for (const IpAddress& local : config_.local_addresses) {
      QueueMessages(announcement, local, MdnsGroup(local.family()));
      for (const ResourceRecord& r : announcement.answers) {
        last_multicast_[{key, r.type(), local}] = now_;
      }
    }
    --p.announcements_left;
    p.next_announcement = now_ + p.announcement_interval;
    p.announcement_interval = p.announcement_interval * 2;
  }
}

// ---- resolving -------------------------------------------------------------

absl::StatusOr<QueryId> MdnsConn::Query(Timestamp now, std::string_view name,
                                        IpFamily family) {
  if (config_.mode == MulticastDnsMode::kDisabled) {
    return absl::FailedPreconditionError(
        absl::StrFormat("mDNS Query \"%s\": mDNS is disabled", name));
  }
  if (family != IpFamily::kIPv4 && family != IpFamily::kIPv6 &&
      family != IpFamily::kNone) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "mDNS Query \"%s\": bad family %d", name, static_cast<int>(family)));
  }
  SIMRTC_ASSIGN_OR_RETURN(std::string canonical, ValidateLocalName(name));
  Advance(now);
  const QueryId id = next_query_id_++;

  // Our own names never come back to us (our multicast echo is ignored), so
  // answer them here; two peers in one process rely on it.
  if (auto it = published_.find(LowerAscii(canonical));
      it != published_.end()) {
    std::vector<IpAddress> own;
    for (const IpAddress& a : it->second.addresses) {
      if (FamilyMatches(family, a.family())) own.push_back(a);
    }
    if (!own.empty()) {
      events_.push_back(Resolved{id, std::move(canonical), std::move(own)});
      return id;
    }
  }
  std::vector<IpAddress> cached = CachedAddresses(now_, canonical, family);
  if (!cached.empty()) {
    events_.push_back(Resolved{id, std::move(canonical), std::move(cached)});
    return id;
  }

  PendingQuery q;
  q.name = std::move(canonical);
  q.family = family;
  q.next_transmission = now_;
  q.interval = config_.initial_query_interval;
  q.deadline = now_ + config_.query_timeout;
  queries_.emplace(id, std::move(q));
  SendDueQueries();
  return id;
}

void MdnsConn::CancelQuery(QueryId id) { queries_.erase(id); }

void MdnsConn::SendDueQueries() {
  Message query;  // id 0, QR=0: RFC 6762 section 18.1
  std::set<std::pair<std::string, RrType>> asked;
  for (auto& [id, q] : queries_) {
    if (q.transmissions >= config_.max_query_transmissions ||
        q.next_transmission > now_ || q.deadline <= now_) {
      continue;
    }
    std::vector<RrType> types;
    if (FamilyMatches(q.family, IpFamily::kIPv4)) types.push_back(RrType::kA);
    if (FamilyMatches(q.family, IpFamily::kIPv6)) {
      types.push_back(RrType::kAaaa);
    }
    for (RrType type : types) {
      // Concurrent queries for one name share a question.
      if (!asked.emplace(LowerAscii(q.name), type).second) continue;
      Question question;
      question.name = q.name;
      question.type = type;
      question.qclass = kClassIn;
      // Section 5.4: only the first query asks for unicast; later ones are
      // multicast so that every cache on the link hears the answer.
      question.unicast_response =
          config_.request_unicast_response && q.transmissions == 0;
      query.questions.push_back(std::move(question));
    }
    if (q.transmissions > 0) ++stats_.retransmissions;
    ++q.transmissions;
    q.next_transmission = now_ + q.interval;
    q.interval = q.interval * 2;
  }
  // One question per message: browsers' responders (Chromium's among
  // them) answer only single-question queries for their .local names.
  for (const Question& q : query.questions) {
    Message single;
    single.header = query.header;
    single.questions.push_back(q);
    for (const IpAddress& local : config_.local_addresses) {
      QueueMessages(single, local, MdnsGroup(local.family()));
    }
  }
}

void MdnsConn::ExpireQueries() {
  for (auto it = queries_.begin(); it != queries_.end();) {
    const PendingQuery& q = it->second;
    if (q.deadline > now_) {
      ++it;
      continue;
    }
    events_.push_back(ResolveFailed{
        it->first, q.name,
        absl::DeadlineExceededError(absl::StrFormat(
            "mDNS query for \"%s\" (%s): no answer within %s after %d "
            "transmissions",
            q.name, FamilyName(q.family), config_.query_timeout.ToString(),
            q.transmissions))});
    it = queries_.erase(it);
  }
}

// ---- cache -----------------------------------------------------------------

std::vector<IpAddress> MdnsConn::CachedAddresses(Timestamp now,
                                                 std::string_view name,
                                                 IpFamily family) const {
  std::vector<IpAddress> out;
  auto canonical = CanonicalName(name);
  if (!canonical.ok()) return out;
  auto it = cache_.find(LowerAscii(*canonical));
  if (it == cache_.end()) return out;
  for (const auto& [address, record] : it->second) {
    if (record.expires > now && FamilyMatches(family, address.family())) {
      out.push_back(address);
    }
  }
  return out;  // already sorted: std::map order
}

bool MdnsConn::CacheRecord(const std::string& key, const IpAddress& address,
                           uint32_t ttl, bool evict_if_full) {
  const Timestamp expires = now_ + TimeDelta::Seconds(ttl);
  if (auto it = cache_.find(key); it != cache_.end()) {
    if (auto rec = it->second.find(address); rec != it->second.end()) {
      rec->second = CachedRecord{now_, expires};
      return true;
    }
  }
  if (cached_records_ >= config_.max_cache_records) PurgeCache();
  if (cached_records_ >= config_.max_cache_records) {
    if (!evict_if_full || cache_.empty()) return false;
    // The record closest to expiry is the one losing least; map order breaks
    // ties so eviction stays deterministic.
    auto victim_name = cache_.begin();
    auto victim = victim_name->second.begin();
    for (auto n = cache_.begin(); n != cache_.end(); ++n) {
      for (auto r = n->second.begin(); r != n->second.end(); ++r) {
        if (r->second.expires < victim->second.expires) {
          victim_name = n;
          victim = r;
        }
      }
    }
    victim_name->second.erase(victim);
    if (victim_name->second.empty()) cache_.erase(victim_name);
    --cached_records_;
  }
  cache_[key][address] = CachedRecord{now_, expires};
  ++cached_records_;
  return true;
}

void MdnsConn::PurgeCache() {
  for (auto n = cache_.begin(); n != cache_.end();) {
    cached_records_ -= std::erase_if(
        n->second, [&](const auto& r) { return r.second.expires <= now_; });
    n = n->second.empty() ? cache_.erase(n) : std::next(n);
  }
}

// ---- input -----------------------------------------------------------------

bool MdnsConn::IsOwnAddress(const IpAddress& ip) const {
  return std::find(config_.local_addresses.begin(),
                   config_.local_addresses.end(),
                   ip) != config_.local_addresses.end();
}

IpAddress MdnsConn::PickLocalAddress(const Datagram& d) const {
  if (d.local.is_set() && IsOwnAddress(d.local.ip())) return d.local.ip();
  IpAddress best;
  int best_bits = -1;
  for (const IpAddress& local : config_.local_addresses) {
    if (local.family() != d.remote.family()) continue;
    const int bits = CommonPrefixBits(local, d.remote.ip());
    if (bits > best_bits) {
      best = local;
      best_bits = bits;
    }
  }
  return best;
}

void MdnsConn::HandleDatagram(Timestamp now, const Datagram& datagram) {
  Advance(now);
  ++stats_.datagrams_received;
  if (config_.mode == MulticastDnsMode::kDisabled ||
      datagram.transport != Transport::kUdp ||
      !IsUsableUnicast(datagram.remote.ip())) {
    ++stats_.ignored;
    return;
  }
  // Multicast loopback hands our own packets back; answering our own query
  // or caching our own answer would only add noise.
  if (IsEcho(datagram)) {
    ++stats_.echoes_ignored;
    return;
  }
  absl::StatusOr<Message> msg = ParseMessage(datagram.payload);
  if (!msg.ok()) {
    ++stats_.malformed_dropped;
    return;
  }
  // RFC 6762 section 18.3 and 18.11: other opcodes and rcodes are silently
  // ignored.
  if (msg->header.opcode != 0 || msg->header.rcode != 0) {
    ++stats_.ignored;
    return;
  }
  if (msg->header.response) {
    HandleResponse(datagram, *msg);
  } else {
    HandleQuery(datagram, *msg);
  }
}

void MdnsConn::HandleQuery(const Datagram& d, const Message& query) {
  if (config_.mode != MulticastDnsMode::kQueryAndGather) {
    ++stats_.ignored;
    return;
  }
  ++stats_.queries_received;
  if (published_.empty()) return;
  const IpAddress local = PickLocalAddress(d);
  if (!local.is_set()) {
    ++stats_.ignored;
    return;
  }

  // Candidate answers, deduplicated; `unicast_ok` holds when every question
  // asking for the record set the QU bit.
  std::vector<ResourceRecord> candidates;
  std::vector<bool> unicast_ok;
  std::vector<Question> answered;
  std::set<std::string> names;
  for (const Question& q : query.questions) {
    if (q.qclass != kClassIn && q.qclass != kClassAny) continue;
    IpFamily family;
    if (q.type == RrType::kA) {
      family = IpFamily::kIPv4;
    } else if (q.type == RrType::kAaaa) {
      family = IpFamily::kIPv6;
    } else if (q.type == RrType::kAny) {
      family = IpFamily::kNone;
    } else {
      continue;
    }
    std::string key = LowerAscii(q.name);
    auto it = published_.find(key);
    if (it == published_.end()) continue;
    std::vector<ResourceRecord> records =
        RecordsFor(it->second, family, config_.record_ttl_seconds, true);
    if (records.empty()) continue;
    answered.push_back(q);
    names.insert(std::move(key));
    for (ResourceRecord& r : records) {
      auto same = std::find_if(
          candidates.begin(), candidates.end(),
          [&](const ResourceRecord& c) { return SameRecord(c, r); });
      if (same != candidates.end()) {
        const size_t i = static_cast<size_t>(same - candidates.begin());
        unicast_ok[i] = unicast_ok[i] && q.unicast_response;
        continue;
      }
      candidates.push_back(std::move(r));
      unicast_ok.push_back(q.unicast_response);
    }
  }

  std::vector<ResourceRecord> answers;
  std::vector<bool> answer_unicast_ok;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (IsKnownAnswer(query.answers, candidates[i])) {
      ++stats_.known_answers_suppressed;
      continue;
    }
    answers.push_back(candidates[i]);
    answer_unicast_ok.push_back(unicast_ok[i]);
  }
  if (answers.empty()) return;

  // Section 6.2: the other family's addresses save the querier a round trip.
  std::vector<ResourceRecord> additionals;
  for (const std::string& key : names) {
    for (ResourceRecord& r : RecordsFor(published_.at(key), IpFamily::kNone,
                                        config_.record_ttl_seconds, true)) {
      bool present = false;
      for (const ResourceRecord& a : answers) present |= SameRecord(a, r);
      for (const ResourceRecord& c : candidates) present |= SameRecord(c, r);
      if (!present && !IsKnownAnswer(query.answers, r)) {
        additionals.push_back(std::move(r));
      }
    }
  }

  if (d.remote.port() != kMdnsPort) {
    // A legacy resolver (section 6.7) is waiting on its own socket for a
    // conventional DNS answer.
    Message reply;
    reply.header = ResponseHeader(query.header.id);
    reply.questions = std::move(answered);
    reply.answers = std::move(answers);
    reply.additionals = std::move(additionals);
    for (auto* section : {&reply.answers, &reply.additionals}) {
      for (ResourceRecord& r : *section) {
        r.ttl = std::min(r.ttl, kLegacyUnicastMaxTtl);
        r.cache_flush = false;
      }
    }
    QueueMessages(reply, local, d.remote);
    return;
  }

  // Section 5.5: a query sent straight to our address wants a unicast reply.
  // (A driver on a wildcard socket may report 0.0.0.0 as `local`: that says
  // nothing about how the query was addressed.)
  const bool direct = d.local.is_set() && IsOwnAddress(d.local.ip());
  const TimeDelta quarter_ttl =
      TimeDelta::Seconds(config_.record_ttl_seconds) / 4;
  Message multicast;
  multicast.header = ResponseHeader(0);
  Message unicast;
  unicast.header = ResponseHeader(query.header.id);
  for (size_t i = 0; i < answers.size(); ++i) {
    ResourceRecord& r = answers[i];
    auto last = last_multicast_.find({LowerAscii(r.name), r.type(), local});
    const bool recent = last != last_multicast_.end();
    if (direct ||
        (answer_unicast_ok[i] && recent && now_ - last->second < quarter_ttl)) {
      unicast.answers.push_back(std::move(r));
    } else if (recent && now_ - last->second < kMulticastRateLimit) {
      ++stats_.rate_limited;
    } else {
      multicast.answers.push_back(std::move(r));
    }
  }
  if (!multicast.answers.empty()) {
    multicast.additionals = std::move(additionals);
    QueueMessages(multicast, local, MdnsGroup(local.family()));
    for (const auto* section : {&multicast.answers, &multicast.additionals}) {
      for (const ResourceRecord& r : *section) {
        last_multicast_[{LowerAscii(r.name), r.type(), local}] = now_;
      }
    }
  }
  if (!unicast.answers.empty()) {
    if (multicast.answers.empty()) unicast.additionals = std::move(additionals);
    QueueMessages(unicast, local, d.remote);
  }
}

void MdnsConn::HandleResponse(const Datagram& d, const Message& response) {
  // Section 6: only a responder on port 5353 is a real mDNS responder.
  if (d.remote.port() != kMdnsPort) {
    ++stats_.ignored;
    return;
  }
  ++stats_.responses_received;

  struct Fresh {
    std::string key;
    const ResourceRecord* record;
    IpAddress address;
  };
  std::vector<Fresh> fresh;
  for (const auto* section : {&response.answers, &response.additionals}) {
    for (const ResourceRecord& r : *section) {
      if (r.type() != RrType::kA && r.type() != RrType::kAaaa) continue;
      std::optional<IpAddress> address = AddressOf(r);
      if (r.rrclass != kClassIn || !address || !IsUsableUnicast(*address)) {
        ++stats_.records_filtered;
        continue;
      }
      std::string key = LowerAscii(r.name);
      if (published_.contains(key)) {
        ++stats_.conflicts;
        continue;
      }
      fresh.push_back(Fresh{std::move(key), &r, *address});
    }
  }

  auto solicited = [&](const ResourceRecord& r) {
    for (const auto& [id, q] : queries_) {
      if (NamesEqual(q.name, r.name)) return true;
    }
    return false;
  };
  std::set<std::pair<std::string, IpFamily>> flushed;
  for (const Fresh& f : fresh) {
    if (f.record->ttl == 0) {
      if (auto it = cache_.find(f.key); it != cache_.end()) {
        cached_records_ -= it->second.erase(f.address);
        if (it->second.empty()) cache_.erase(it);
      }
      continue;
    }
    if (!CacheRecord(f.key, f.address, f.record->ttl, solicited(*f.record))) {
      ++stats_.cache_full_dropped;
    }
    if (f.record->cache_flush) flushed.emplace(f.key, f.address.family());
  }
  for (const auto& [key, family] : flushed) {
    auto it = cache_.find(key);
    if (it == cache_.end()) continue;
    for (auto& [address, record] : it->second) {
      if (address.family() == family &&
          now_ - record.received > kCacheFlushGrace) {
        record.expires = std::min(record.expires, now_ + kCacheFlushGrace);
      }
    }
  }

  bool answered_any = false;
  for (auto it = queries_.begin(); it != queries_.end();) {
    const PendingQuery& q = it->second;
    std::vector<IpAddress> addresses;
    for (const Fresh& f : fresh) {
      if (f.record->ttl > 0 && NamesEqual(q.name, f.record->name) &&
          FamilyMatches(q.family, f.address.family())) {
        addresses.push_back(f.address);
      }
    }
    if (addresses.empty()) {
      ++it;
      continue;
    }
    answered_any = true;
    for (const IpAddress& a : CachedAddresses(now_, q.name, q.family)) {
      addresses.push_back(a);
    }
    std::sort(addresses.begin(), addresses.end());
    addresses.erase(std::unique(addresses.begin(), addresses.end()),
                    addresses.end());
    events_.push_back(Resolved{it->first, q.name, std::move(addresses)});
    it = queries_.erase(it);
  }
  if (!answered_any) ++stats_.unsolicited_responses;
}

// ---- output ----------------------------------------------------------------

void MdnsConn::HandleTimeout(Timestamp now) {
  Advance(now);
  if (config_.mode == MulticastDnsMode::kDisabled) return;
  ExpireQueries();
  SendDueQueries();
  SendDueAnnouncements();
  PurgeCache();
}

std::optional<Timestamp> MdnsConn::NextTimeout() const {
  std::optional<Timestamp> next;
  auto consider = [&](Timestamp t) {
    if (!next || t < *next) next = t;
  };
  for (const auto& [id, q] : queries_) {
    consider(q.deadline);
    if (q.transmissions < config_.max_query_transmissions) {
      consider(q.next_transmission);
    }
  }
  for (const auto& [key, p] : published_) {
    if (p.announcements_left > 0) consider(p.next_announcement);
  }
  return next;
}

std::optional<Transmit> MdnsConn::PollTransmit() {
  if (transmits_.empty()) return std::nullopt;
  Transmit t = std::move(transmits_.front());
  transmits_.pop_front();
  return t;
}

std::optional<Event> MdnsConn::PollEvent() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

void MdnsConn::QueueMessages(const Message& msg, const IpAddress& local,
                             const SocketAddress& remote) {
  const size_t limit = config_.max_message_size;
  Message current;
  current.header = msg.header;
  size_t size = kHeaderSize;
  auto flush = [&] {
    if (current.questions.empty() && current.answers.empty()) return;
    Queue(current, local, remote);
    current.questions.clear();
    current.answers.clear();
    current.additionals.clear();
    size = kHeaderSize;
  };
  for (const Question& q : msg.questions) {
    if (size + EstimateSize(q) > limit) flush();
    current.questions.push_back(q);
    size += EstimateSize(q);
  }
  for (const ResourceRecord& r : msg.answers) {
    if (size + EstimateSize(r) > limit) flush();
    current.answers.push_back(r);
    size += EstimateSize(r);
  }
  // Additional records are a courtesy (section 6.2): they go where they fit
  // and are otherwise left out.
  for (const ResourceRecord& r : msg.additionals) {
    if (size + EstimateSize(r) > limit) continue;
    current.additionals.push_back(r);
    size += EstimateSize(r);
  }
  flush();
}

namespace {

uint64_t Fnv1a(ByteSpan bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint8_t b : bytes) h = (h ^ b) * 0x100000001b3ull;
  return h;
}

// How long, and how many, sent packets are remembered for echo detection:
// loopback returns them at once, so a few seconds is plenty.
constexpr TimeDelta kEchoMemory = TimeDelta::Seconds(5);
constexpr size_t kMaxRemembered = 256;

}  // namespace

bool MdnsConn::IsEcho(const Datagram& d) const {
  if (d.remote.port() != kMdnsPort || !IsOwnAddress(d.remote.ip())) {
    return false;
  }
  const uint64_t h = Fnv1a(d.payload);
  for (const auto& [at, sent] : recently_sent_) {
    if (sent == h) return true;
  }
  return false;
}

void MdnsConn::Queue(const Message& msg, const IpAddress& local,
                     const SocketAddress& remote) {
  absl::StatusOr<std::vector<uint8_t>> bytes = PackMessage(msg);
  // Everything queued here is built from validated names and addresses, so
  // packing cannot fail; if it ever did, sending nothing is the safe answer.
  if (!bytes.ok()) return;
  while (!recently_sent_.empty() &&
         (recently_sent_.size() >= kMaxRemembered ||
          recently_sent_.front().first + kEchoMemory < now_)) {
    recently_sent_.pop_front();
  }
  recently_sent_.emplace_back(now_, Fnv1a(*bytes));
  Transmit t;
  t.local = SocketAddress(local, kMdnsPort);
  t.remote = remote;
  t.transport = Transport::kUdp;
  t.payload = std::move(*bytes);
  transmits_.push_back(std::move(t));
  if (msg.header.response) {
    ++stats_.responses_sent;
  } else {
    ++stats_.queries_sent;
  }
}

}  // namespace simrtc::mdns
