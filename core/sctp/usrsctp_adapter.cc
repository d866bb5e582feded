#include "core/sctp/usrsctp_adapter.h"

// usrsctp.h uses these types without including their headers.
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <usrsctp.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>

namespace simrtc::sctp::internal {
namespace {

// Largest single step handed to usrsctp_handle_timers. usrsctp fires each
// expired timer once per call, so a long jump in one call would collapse
// several retransmission-timer expiries into one; stepping keeps their count
// right when a driver sleeps longer than the association asked for.
constexpr int64_t kMaxStepMs = 10;
// Jumps beyond this are taken in one final step: nothing in an association
// can still be waiting after a minute of silence except the heartbeat and
// the give-up timers, which are single-shot anyway.
constexpr int64_t kMaxSteppedMs = 60'000;

struct State {
  bool initialized = false;
  // Ordered map: never let hash order reach anything observable.
  std::map<uintptr_t, UsrsctpClient*> clients;
  uintptr_t next_token = 1;
  std::optional<Timestamp> clock;
  int64_t carry_us = 0;
  // What usrsctp's gettimeofday() returns inside a Scope, in microseconds.
  // Starts well away from zero (usrsctp treats a zero timeval as "unset")
  // and only ever grows by the deltas the timer wheel sees.
  int64_t usrsctp_time_us = int64_t{1'000'000} * 1'000'000;
};

// Per thread: only the thread that is inside usrsctp (nothreads mode runs
// it on the caller's thread) sees the adapter's time; any other thread
// calling gettimeofday() at that moment still gets the real time of day.
thread_local int scope_depth = 0;

State& GlobalState() {
  // Function-local static: constructed on first use, never destroyed
  // (usrsctp itself is never finished either).
  static State* state = new State();
  return *state;
}

UsrsctpClient* Lookup(void* token) {
  auto& clients = GlobalState().clients;
  auto it = clients.find(reinterpret_cast<uintptr_t>(token));
  return it == clients.end() ? nullptr : it->second;
}

int ConnOutput(void* addr, void* buffer, size_t length, uint8_t /*tos*/,
               uint8_t /*set_df*/) {
  if (UsrsctpClient* client = Lookup(addr)) {
    client->OnUsrsctpPacket(static_cast<const uint8_t*>(buffer), length);
  }
  // Dropping output of a vanished association is what a network would do.
  return 0;
}

int UsrsctpReceiveCallback(struct socket* /*sock*/,
                           union sctp_sockstore /*addr*/, void* data,
                           size_t datalen, struct sctp_rcvinfo info, int flags,
                           void* ulp_info) {
  if (UsrsctpClient* client = Lookup(ulp_info)) {
    client->OnUsrsctpReceive(static_cast<const uint8_t*>(data), datalen, info,
                             flags);
  }
  // usrsctp allocated the buffer with malloc and passes ownership.
  std::free(data);
  return 1;
}

int UsrsctpSendCallback(struct socket* /*sock*/, uint32_t sb_free,
                        void* ulp_info) {
  if (UsrsctpClient* client = Lookup(ulp_info)) {
    client->OnUsrsctpSendSpace(sb_free);
  }
  return 0;
}

void ConfigureSysctls() {
  // ECN needs access to the IP header's ECN bits, which the DTLS/UDP
  // transport below never exposes; advertising it would be a lie.
  usrsctp_sysctl_set_sctp_ecn_enable(0);
  // Each association has exactly one AF_CONN address and it never changes,
  // so dynamic address reconfiguration (ASCONF) has nothing to do.
  usrsctp_sysctl_set_sctp_auto_asconf(0);
  usrsctp_sysctl_set_sctp_asconf_enable(0);
  // SCTP-AUTH is redundant under DTLS, which already authenticates every
  // record (RFC 8261 section 6); it would only grow the INIT. Must come
  // after ASCONF is off, since ASCONF requires AUTH.
  usrsctp_sysctl_set_sctp_auth_enable(0);
  // Partial reliability (RFC 3758) carries the max-retransmits and lifetime
  // data channel modes; stream reconfiguration (RFC 6525) closes channels.
  usrsctp_sysctl_set_sctp_pr_enable(1);
  usrsctp_sysctl_set_sctp_reconfig_enable(1);
  // Non-renegable SACKs and packet-drop reports are usrsctp extensions no
  // other WebRTC stack speaks; keep the INIT to what peers understand.
  usrsctp_sysctl_set_sctp_nrsack_enable(0);
  usrsctp_sysctl_set_sctp_pktdrop_enable(0);
  // The default of 512 queued chunks caps the send queue at ~0.5 MB of
  // 1 KiB messages, far below the send buffer; small-message throughput
  // would stall on it. The send buffer size is the real limit.
  usrsctp_sysctl_set_sctp_max_chunks_on_queue(1 << 16);
  // Chrome's and Pion's SCTP verify the CRC32c of every packet they get, so
  // outgoing packets need a real checksum; and verifying incoming ones is
  // what lets HandleDatagram() drop corrupted or foreign bytes before they
  // touch association state. DTLS integrity-protects the path, but our
  // input is not always DTLS-protected (tests, fuzzing, a misrouted
  // datagram), and CRC32c costs little next to the DTLS cipher. So the
  // checksum stays on in both directions (offload disabled).
  usrsctp_disable_crc32c_offload();
}

void EnsureInitialized() {
  State& s = GlobalState();
  if (s.initialized) return;
  UsrsctpAdapter::Scope scope;  // usrsctp reads the time while initializing
  // Port 0: no UDP encapsulation socket; all traffic is AF_CONN.
  usrsctp_init_nothreads(0, &ConnOutput, nullptr);
  ConfigureSysctls();
  s.initialized = true;
}

}  // namespace

void* UsrsctpAdapter::Register(UsrsctpClient* client) {
  EnsureInitialized();
  State& s = GlobalState();
  if (s.clients.empty()) {
    // A new clock epoch: the first AdvanceClock() sets the baseline.
    s.clock.reset();
    s.carry_us = 0;
  }
  uintptr_t token = s.next_token++;
  s.clients.emplace(token, client);
  return reinterpret_cast<void*>(token);
}

void UsrsctpAdapter::Unregister(void* token) {
  GlobalState().clients.erase(reinterpret_cast<uintptr_t>(token));
}

void UsrsctpAdapter::AdvanceClock(Timestamp now) {
  State& s = GlobalState();
  if (!s.initialized) return;
  if (!s.clock.has_value()) {
    s.clock = now;
    return;
  }
  if (now <= *s.clock) return;
  int64_t delta_us = (now - *s.clock).us();
  s.usrsctp_time_us += delta_us;
  int64_t total_us = delta_us + s.carry_us;
  s.clock = now;
  int64_t ms = total_us / 1000;
  s.carry_us = total_us % 1000;
  if (ms > kMaxSteppedMs) {
    usrsctp_handle_timers(static_cast<uint32_t>(ms - kMaxSteppedMs));
    ms = kMaxSteppedMs;
  }
  while (ms > 0) {
    int64_t step = ms < kMaxStepMs ? ms : kMaxStepMs;
    usrsctp_handle_timers(static_cast<uint32_t>(step));
    ms -= step;
  }
}

struct socket* UsrsctpAdapter::CreateSocket(void* token) {
  EnsureInitialized();
  // Threshold 0: the send callback runs after every processed SACK, which
  // is how the association learns how much of its send buffer drained.
  struct socket* sock =
      usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP,
                     &UsrsctpReceiveCallback, &UsrsctpSendCallback,
                     /*sb_threshold=*/0, token);
  return sock;
}

UsrsctpAdapter::Scope::Scope(Timestamp now) {
  ++scope_depth;
  AdvanceClock(now);
}

UsrsctpAdapter::Scope::Scope() { ++scope_depth; }

UsrsctpAdapter::Scope::~Scope() { --scope_depth; }

size_t UsrsctpAdapter::ClientCount() { return GlobalState().clients.size(); }

}  // namespace simrtc::sctp::internal

// The interposed time of day; see "Time of day" in usrsctp_adapter.h. A
// definition in our own code takes precedence over glibc's for every object
// in the process, libusrsctp included, which is the point; outside a Scope
// it behaves exactly like glibc's.
extern "C" int gettimeofday(struct timeval* __restrict tv,
                            void* __restrict /*tz*/) noexcept {
  if (simrtc::sctp::internal::scope_depth > 0) {
    const auto& s = simrtc::sctp::internal::GlobalState();
    tv->tv_sec = static_cast<time_t>(s.usrsctp_time_us / 1'000'000);
    tv->tv_usec = static_cast<suseconds_t>(s.usrsctp_time_us % 1'000'000);
    return 0;
  }
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return -1;
  tv->tv_sec = ts.tv_sec;
  tv->tv_usec = static_cast<suseconds_t>(ts.tv_nsec / 1000);
  return 0;
}
