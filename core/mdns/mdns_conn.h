// The mDNS endpoint ICE uses to hide and reveal host candidate addresses
// (RFC 6762 as profiled by draft-ietf-mmusic-mdns-ice-candidates): it
// publishes random "<uuid>.local" names for our addresses and resolves the
// names a peer put in its candidates.
//
// Contract (see core/base/sans_io.h):
//  * Inputs: HandleDatagram(now, d) with every UDP datagram received on port
//    5353 (multicast to 224.0.0.251 / ff02::fb, or unicast to us),
//    HandleTimeout(now) at NextTimeout(), and the commands Publish,
//    Unpublish, Query and CancelQuery. Outputs: PollTransmit(), PollEvent(),
//    NextTimeout(). Nothing here reads a clock or draws randomness; the one
//    random thing, a name, comes from GenerateLocalName(rng).
//  * Addressing: every Transmit has `local` = one of Config::local_addresses
//    with port 5353, so the driver knows which socket/interface to send it
//    on. Queries, announcements and ordinary answers go to the group of that
//    address's family; a query is sent once per local address (once per
//    interface). Answers go out from the local address the query most likely
//    arrived on: the one it was addressed to, else the one of the sender's
//    family sharing the longest prefix with the sender.
//  * Publishing (kQueryAndGather only): a published name is answered with
//    one A record per IPv4 and one AAAA record per IPv6 address, TTL
//    Config::record_ttl_seconds (120), cache-flush set, in authoritative
//    responses (QR=1, AA=1, id 0, no questions). The other family's records
//    ride in the additional section (RFC 6762 section 6.2). No probing: the
//    names are 122-bit random UUIDs, which is why the draft lets WebRTC skip
//    it. Multicast answers are limited to one per record set per interface
//    per second (section 6); known answers in the query suppress ours
//    (section 7.1); QU questions are answered by unicast when the records
//    were multicast within a quarter TTL (section 5.4), and so are queries
//    addressed to one of our own addresses (section 5.5, id echoed); queries
//    from a port other than 5353 get a legacy unicast reply (section 6.7: id
//    echoed, question repeated, TTL <= 10, no cache-flush).
//  * Echoes: a packet from one of our addresses on port 5353 is our own
//    multicast looped back only if its bytes equal something we sent in
//    the last few seconds; anything else from that address (another
//    process on the host) is handled normally.
//  * Resolving: Query sends the question(s) at once, one question per
//    message (browsers answer only single-question queries), retransmits after
//    Config::initial_query_interval, doubling, up to
//    Config::max_query_transmissions in all, and fails with ResolveFailed
//    (DeadlineExceeded) at Config::query_timeout. It completes with Resolved
//    on the first response carrying an address of the asked family for the
//    name (compared ASCII case-insensitively), straight from the cache, or
//    straight from our own published names. Each Query gets exactly one
//    event unless cancelled.
//  * Cache: A/AAAA records from every well-formed response, solicited or
//    not, are kept for their TTL (bounded by Config::max_cache_records).
//    Cache-flush records retire older records of the same name and family
//    after one second (section 10.2); TTL 0 (goodbye) removes a record at
//    once, because ICE must not start checks towards a withdrawn address.
//  * Robustness: datagrams that do not parse are dropped and counted in
//    Stats::malformed_dropped; responses from a port other than 5353,
//    messages with a non-zero opcode or rcode, our own multicast looped back
//    (source = one of our addresses, port 5353) and, in kDisabled, all
//    datagrams are ignored and counted. Address records of another class,
//    with rdata of the wrong family, or carrying unspecified or multicast
//    addresses are filtered out. Every output is a well-formed DNS message no
//    larger than Config::max_message_size (extra records split into further
//    messages), so hostile input can cost at most a bounded reply.
//  * Determinism: outputs depend only on inputs; events and transmits come
//    out in a fixed order (queries by id, names by lower-cased name).
#ifndef CORE_MDNS_MDNS_CONN_H_
#define CORE_MDNS_MDNS_CONN_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/datagram.h"
#include "core/base/rng.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "core/mdns/dns_message.h"

namespace simrtc::mdns {

// What ICE does with mDNS (webrtc-rs MulticastDnsMode).
enum class MulticastDnsMode : uint8_t {
  kDisabled,        // neither resolve nor answer; every datagram is ignored
  kQueryOnly,       // resolve peers' .local names, never answer
  kQueryAndGather,  // resolve and publish our own names
};
std::string_view MulticastDnsModeName(MulticastDnsMode mode);

// 224.0.0.251:5353 and [ff02::fb]:5353.
SocketAddress MdnsGroupV4();
SocketAddress MdnsGroupV6();
// The group for an IPv4 or IPv6 interface; unset for kNone.
SocketAddress MdnsGroup(IpFamily family);

// A fresh "<uuid>.local" name: an RFC 4122 version 4 UUID (random bits from
// `rng`, version nibble 4, variant bits 10) in lower-case hex.
std::string GenerateLocalName(Rng& rng);

// Checks that `name` is a valid DNS name ending in ".local" with at least
// one label before it; returns its canonical spelling.
absl::StatusOr<std::string> ValidateLocalName(std::string_view name);

struct Config {
  MulticastDnsMode mode = MulticastDnsMode::kQueryAndGather;
  // The interface addresses we send from and recognise as our own. At least
  // one unless kDisabled; no unspecified or multicast addresses.
  std::vector<IpAddress> local_addresses;

  // Publishing.
  uint32_t record_ttl_seconds = 120;
  // Unsolicited responses sent on Publish (RFC 6762 section 8.3 asks for at
  // least two, one second apart, then doubling); 0 disables them.
  int announcements = 2;
  TimeDelta announcement_interval = TimeDelta::Seconds(1);
  // Unpublish multicasts the records with TTL 0 so peers drop them.
  bool goodbye_on_unpublish = true;

  // Resolving.
  // Sets the QU bit on a query's first transmission (RFC 6762 section 5.4).
  bool request_unicast_response = false;
  TimeDelta initial_query_interval = TimeDelta::Seconds(1);
  int max_query_transmissions = 3;
  TimeDelta query_timeout = TimeDelta::Seconds(5);
  // Bounds the memory unsolicited traffic can take. When full, a record for
  // an outstanding query evicts the one expiring soonest; others are dropped.
  size_t max_cache_records = 256;

  // Largest DNS message emitted (UDP payload bytes).
  size_t max_message_size = 1200;
};

using QueryId = uint64_t;

// A Query found addresses. `name` is spelled as the query spelled it;
// `addresses` are sorted, unique and all of the asked family (both families
// for kNone).
struct Resolved {
  QueryId id = 0;
  std::string name;
  std::vector<IpAddress> addresses;
};
// A Query ended without an answer (DeadlineExceeded after the timeout).
struct ResolveFailed {
  QueryId id = 0;
  std::string name;
  absl::Status reason;
};
using Event = std::variant<Resolved, ResolveFailed>;

struct Stats {
  uint64_t datagrams_received = 0;
  // Did not parse as a DNS message.
  uint64_t malformed_dropped = 0;
  // Our own multicast delivered back to us.
  uint64_t echoes_ignored = 0;
  // Well-formed but not for us: kDisabled, non-UDP, bad source, non-zero
  // opcode or rcode, response from a port other than 5353, query in
  // kQueryOnly.
  uint64_t ignored = 0;
  uint64_t queries_received = 0;
  uint64_t responses_received = 0;
  // Datagrams sent.
  uint64_t queries_sent = 0;
  uint64_t responses_sent = 0;
  // Query transmissions after each query's first.
  uint64_t retransmissions = 0;
  // Address records dropped for class, family or address.
  uint64_t records_filtered = 0;
  // Responses that answered none of our outstanding queries.
  uint64_t unsolicited_responses = 0;
  // Someone else answered for a name we publish.
  uint64_t conflicts = 0;
  // Answer records left out because the querier already knew them.
  uint64_t known_answers_suppressed = 0;
  // Answer records not multicast again within one second.
  uint64_t rate_limited = 0;
  // Records not cached because the cache was full.
  uint64_t cache_full_dropped = 0;
};

class MdnsConn {
 public:
  // Fails (InvalidArgument, naming the field) on a bad Config.
  static absl::StatusOr<MdnsConn> Create(Config config);

  // Starts answering for `name` (validated with ValidateLocalName) with
  // `addresses` (non-empty; no unspecified or multicast ones). Sends the
  // configured announcements. FailedPrecondition unless kQueryAndGather;
  // AlreadyExists if the name (in any case) is published.
  absl::Status Publish(Timestamp now, std::string_view name,
                       std::vector<IpAddress> addresses);
  // Stops answering for `name` and, if configured, sends goodbyes. NotFound
  // if it is not published.
  absl::Status Unpublish(Timestamp now, std::string_view name);
  bool IsPublished(std::string_view name) const;

  // Resolves `name` to addresses of `family` (kNone: either family). The
  // result arrives as an event carrying the returned id, possibly before
  // Query returns (from the cache or our own names). FailedPrecondition in
  // kDisabled; InvalidArgument for a name ValidateLocalName refuses or a
  // bad family.
  absl::StatusOr<QueryId> Query(Timestamp now, std::string_view name,
                                IpFamily family);
  // Forgets an outstanding query without an event. Unknown ids are ignored.
  void CancelQuery(QueryId id);
  size_t outstanding_queries() const { return queries_.size(); }

  void HandleDatagram(Timestamp now, const Datagram& datagram);
  void HandleTimeout(Timestamp now);
  std::optional<Transmit> PollTransmit();
  std::optional<Event> PollEvent();
  std::optional<Timestamp> NextTimeout() const;

  // Unexpired cached addresses of `family` (kNone: both) for `name`,
  // sorted.
  std::vector<IpAddress> CachedAddresses(Timestamp now, std::string_view name,
                                         IpFamily family) const;
  size_t cached_record_count() const { return cached_records_; }

  MulticastDnsMode mode() const { return config_.mode; }
  const Config& config() const { return config_; }
  const Stats& stats() const { return stats_; }

 private:
  struct Published {
    std::string name;                  // canonical, as published
    std::vector<IpAddress> addresses;  // sorted, unique
    int announcements_left = 0;
    Timestamp next_announcement;
    TimeDelta announcement_interval;
  };
  struct PendingQuery {
    std::string name;  // canonical, as asked
    IpFamily family = IpFamily::kNone;
    int transmissions = 0;
    Timestamp next_transmission;
    TimeDelta interval;
    Timestamp deadline;
  };
  struct CachedRecord {
    Timestamp received;
    Timestamp expires;
  };
  // One record set on one interface: (lower-cased name, type, local ip).
  using MulticastKey = std::tuple<std::string, RrType, IpAddress>;

  explicit MdnsConn(Config config) : config_(std::move(config)) {}

  void Advance(Timestamp now);
  void HandleQuery(const Datagram& d, const Message& query);
  void HandleResponse(const Datagram& d, const Message& response);
  void SendDueAnnouncements();
  void SendDueQueries();
  void ExpireQueries();
  void PurgeCache();
  // Inserts or refreshes one record; false if the cache had no room.
  bool CacheRecord(const std::string& key, const IpAddress& address,
                   uint32_t ttl, bool evict_if_full);
  std::vector<ResourceRecord> RecordsFor(const Published& p, IpFamily family,
                                         uint32_t ttl, bool cache_flush) const;
  IpAddress PickLocalAddress(const Datagram& d) const;
  bool IsOwnAddress(const IpAddress& ip) const;
  // Packs `msg` with the records split over as many messages as needed to
  // respect max_message_size and queues one Transmit per message.
  void QueueMessages(const Message& msg, const IpAddress& local,
                     const SocketAddress& remote);
  void Queue(const Message& msg, const IpAddress& local,
             const SocketAddress& remote);

  Config config_;
  Timestamp now_ = Timestamp::Zero();
  Stats stats_;
  QueryId next_query_id_ = 1;
  // Keyed by lower-cased canonical name.
  std::map<std::string, Published> published_;
  std::map<QueryId, PendingQuery> queries_;
  std::map<std::string, std::map<IpAddress, CachedRecord>> cache_;
  size_t cached_records_ = 0;
  std::map<MulticastKey, Timestamp> last_multicast_;
  std::deque<Transmit> transmits_;
  // Hashes of what we sent lately: a packet from one of our addresses is
  // our own multicast echo only if it is one of these (another endpoint may
  // share the address, e.g. two processes on one host).
  std::deque<std::pair<Timestamp, uint64_t>> recently_sent_;
  bool IsEcho(const Datagram& d) const;
  std::deque<Event> events_;
};

}  // namespace simrtc::mdns

#endif  // CORE_MDNS_MDNS_CONN_H_
