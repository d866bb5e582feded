// SRTP/SRTCP (RFC 3711, RFC 7714) packet protection over libsrtp2.
//
// A Session holds the two directions of one DTLS-SRTP association: the local
// master key protects what we send, the remote master key unprotects what we
// receive. It is a pure transform with no clock and no I/O, so it needs none
// of the sans-IO plumbing; the caller owns all buffers.
//
// Contract:
//  * Protect and unprotect work in place. Protecting needs room after the
//    packet for the trailer: the buffer span must be at least
//    `packet_len + rtp_overhead()` (RTP) or `packet_len + rtcp_overhead()`
//    (RTCP) bytes, else InvalidArgument and the packet is untouched.
//  * Streams are per SSRC. By default any SSRC is accepted in both
//    directions and its stream (rollover counter, replay window) is created
//    the first time a packet for it is protected, or the first time one
//    from it authenticates; a forged packet never creates state. With
//    `any_local_ssrc` / `any_remote_ssrc` off, only SSRCs added with
//    AddLocalStream / AddRemoteStream are served.
//  * Errors, all naming the SSRC and the sequence number (or SRTCP index):
//      Unauthenticated   the tag did not verify (tampered, wrong key)
//      AlreadyExists     replay protection: a duplicate, or a packet older
//                        than the replay window
//      NotFound          no stream for this SSRC and wildcards are off
//      InvalidArgument   malformed packet or too small a buffer
//      FailedPrecondition  protect of a repeated sequence number with
//                        allow_repeat_tx off
//    On any error the caller must drop the packet; the buffer content is
//    then unspecified.
//  * Rollover counters follow RFC 3711 section 3.3.1: a sender counts
//    wraps of the 16-bit sequence number, a receiver estimates the index
//    from the highest one seen, so in-order and mildly reordered traffic
//    crosses the 65535 -> 0 wrap without loss.
//  * Not thread-safe; one Session belongs to one connection on one thread.
//
// libsrtp2 keeps process-wide state (its crypto kernel, initialised by
// srtp_init). That is the one global this module tolerates, like usrsctp's
// (see ARCHITECTURE.md): it is immutable after initialisation, holds no
// per-connection data, and is set up exactly once by a function-local
// static the first time a Session is created.
#ifndef CORE_SRTP_SESSION_H_
#define CORE_SRTP_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/srtp/profile.h"

// libsrtp's opaque session type, so that this header does not pull in
// <srtp2/srtp.h>.
struct srtp_ctx_t_;

namespace simrtc::srtp {

struct SessionConfig {
  Profile profile = Profile::kAes128CmHmacSha1_80;
  MasterKey local;   // protects what we send
  MasterKey remote;  // unprotects what we receive
  // Replay window in packets (RFC 3711 3.3.2). libsrtp accepts 64..32767;
  // 1024 tolerates the reordering of a jittery video burst.
  size_t replay_window = 1024;
  // Lets the sender protect the same sequence number twice, which a NACK
  // retransmission without RTX does. The payload must then be identical or
  // the keystream is reused.
  bool allow_repeat_tx = true;
  bool any_local_ssrc = true;
  bool any_remote_ssrc = true;

  // Local = our write key, remote = the peer's, per RFC 5764 section 4.2.
  static SessionConfig FromKeyingMaterial(const KeyingMaterial& keys,
                                          bool is_client);
};

class Session {
 public:
  // Validates key and salt lengths against the profile and the replay
  // window against libsrtp's range.
  static absl::StatusOr<Session> Create(const SessionConfig& config);

  Session(Session&& other) noexcept;
  Session& operator=(Session&& other) noexcept;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();

  Profile profile() const { return profile_; }
  size_t rtp_overhead() const { return rtp_overhead_; }
  size_t rtcp_overhead() const { return rtcp_overhead_; }

  // `buffer[0, packet_len)` holds a plaintext packet; returns the protected
  // length (packet_len + overhead).
  absl::StatusOr<size_t> ProtectRtp(std::span<uint8_t> buffer,
                                    size_t packet_len);
  absl::StatusOr<size_t> ProtectRtcp(std::span<uint8_t> buffer,
                                     size_t packet_len);
  // `packet` is exactly one received datagram; returns the plaintext length
  // (the plaintext starts at packet[0]).
  absl::StatusOr<size_t> UnprotectRtp(std::span<uint8_t> packet);
  absl::StatusOr<size_t> UnprotectRtcp(std::span<uint8_t> packet);

  // Explicit streams, e.g. with wildcards off or to start a receiver at a
  // known rollover counter (RFC 4568-style late join).
  absl::Status AddLocalStream(uint32_t ssrc);
  absl::Status AddRemoteStream(uint32_t ssrc);
  // Forgets a stream (SSRC left, e.g. RTCP BYE) so its state is freed.
  absl::Status RemoveLocalStream(uint32_t ssrc);
  absl::Status RemoveRemoteStream(uint32_t ssrc);
  absl::StatusOr<uint32_t> LocalRolloverCounter(uint32_t ssrc) const;
  absl::StatusOr<uint32_t> RemoteRolloverCounter(uint32_t ssrc) const;
  absl::Status SetRemoteRolloverCounter(uint32_t ssrc, uint32_t roc);

 private:
  Session() = default;
  absl::Status AddStream(bool local, std::optional<uint32_t> ssrc);

  void Reset();

  // Two libsrtp sessions because libsrtp allows one wildcard template per
  // session, and a wildcard may match only one direction.
  ::srtp_ctx_t_* tx_ = nullptr;
  ::srtp_ctx_t_* rx_ = nullptr;
  Profile profile_ = Profile::kAes128CmHmacSha1_80;
  size_t rtp_overhead_ = 0;
  size_t rtcp_overhead_ = 0;
  bool aead_ = false;
  SessionConfig config_;
};

}  // namespace simrtc::srtp

#endif  // CORE_SRTP_SESSION_H_
