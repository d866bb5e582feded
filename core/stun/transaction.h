// STUN client transactions over UDP (RFC 8489 section 6.2.1), sans-IO.
//
// Contract:
//  - A ClientTransaction owns one encoded request. It transmits it at
//    creation time, then retransmits after RTO, 2*RTO, 4*RTO, ... until Rc
//    requests have been sent; after the last one it waits Rm*RTO (measured
//    with the initial RTO) and then times out. With the defaults (RTO 500 ms,
//    Rc 7, Rm 16) requests leave at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s and
//    the transaction fails at 39.5 s.
//  - A response matches on transaction id only (success or error class); the
//    caller decides what an error response means. Retransmission stops at
//    the first match; later duplicates are not matched again.
//  - Completion is reported exactly once, as an event carrying the response
//    bytes (owned copy) or kTimeout.
//  - TransactionTable multiplexes many transactions for one endpoint: it
//    routes a received datagram to the transaction with its id and merges
//    transmits, events and timeouts, ordered deterministically (by txid).
#ifndef CORE_STUN_TRANSACTION_H_
#define CORE_STUN_TRANSACTION_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/byte_io.h"
#include "core/base/datagram.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "core/stun/transaction_id.h"

namespace simrtc::stun {

struct TransactionConfig {
  TimeDelta initial_rto = TimeDelta::Millis(500);
  int max_requests = 7;        // Rc
  int final_wait_factor = 16;  // Rm
};

struct TransactionEvent {
  enum class Kind { kResponse, kTimeout };
  TransactionId id;
  Kind kind = Kind::kTimeout;
  std::vector<uint8_t> response;  // the whole response message for kResponse
};

class ClientTransaction {
 public:
  enum class State { kRunning, kResponded, kTimedOut };

  // `request` must be a complete STUN request; its transaction id is read
  // from the header. The first transmission is queued immediately.
  static absl::StatusOr<ClientTransaction> Start(Timestamp now,
                                                 std::vector<uint8_t> request,
                                                 SocketAddress local,
                                                 SocketAddress remote,
                                                 TransactionConfig config = {});

  const TransactionId& id() const { return id_; }
  State state() const { return state_; }
  bool done() const { return state_ != State::kRunning; }
  int requests_sent() const { return sent_; }
  const SocketAddress& remote() const { return remote_; }

  // True when `datagram` is a STUN response with this transaction's id while
  // it is still running (the response is then taken).
  bool HandleResponse(Timestamp now, ByteSpan datagram);
  void HandleTimeout(Timestamp now);
  std::optional<Transmit> PollTransmit();
  std::optional<TransactionEvent> PollEvent();
  std::optional<Timestamp> NextTimeout() const;

 private:
  ClientTransaction() = default;
  void QueueSend();

  TransactionId id_;
  std::vector<uint8_t> request_;
  SocketAddress local_, remote_;
  TransactionConfig config_;
  State state_ = State::kRunning;
  int sent_ = 0;
  TimeDelta rto_;
  Timestamp next_;
  std::deque<Transmit> transmits_;
  std::optional<TransactionEvent> event_;
};

class TransactionTable {
 public:
  explicit TransactionTable(TransactionConfig config = {}) : config_(config) {}

  // Starts a transaction for `request`; fails if the bytes are not a STUN
  // message or a transaction with that id is already running.
  absl::StatusOr<TransactionId> Start(Timestamp now,
                                      std::vector<uint8_t> request,
                                      SocketAddress local,
                                      SocketAddress remote);
  // Forgets a transaction without reporting it.
  void Cancel(const TransactionId& id);
  bool Contains(const TransactionId& id) const { return running_.contains(id); }
  size_t size() const { return running_.size(); }

  // True when the datagram completed a running transaction.
  bool HandleResponse(Timestamp now, ByteSpan datagram);
  void HandleTimeout(Timestamp now);
  std::optional<Transmit> PollTransmit();
  std::optional<TransactionEvent> PollEvent();
  std::optional<Timestamp> NextTimeout() const;

 private:
  void Collect(ClientTransaction& t);

  TransactionConfig config_;
  std::map<TransactionId, ClientTransaction> running_;
  std::deque<Transmit> transmits_;
  std::deque<TransactionEvent> events_;
};

}  // namespace simrtc::stun

#endif  // CORE_STUN_TRANSACTION_H_
