// The process-wide usrsctp adapter: the project's one allowed global.
//
// usrsctp keeps all of its state (sockets, the timer wheel, the AF_CONN
// output callback, sysctls) in process globals, so something has to own that
// once per process. This adapter does, and nothing else in core/ is global:
//
//  * Initialization happens once, on the first Register(): usrsctp runs in
//    usrsctp_init_nothreads mode (no timer or receive threads), with sysctls
//    tuned for WebRTC (see ConfigureSysctls() in the .cc for each choice).
//    usrsctp is never finished: usrsctp_finish() fails while closed sockets
//    still linger inside the library, and re-initializing after a finish is
//    not something usrsctp supports robustly. A process-lifetime init costs
//    a few kilobytes.
//  * Routing: every association registers and gets a token that is at the
//    same time its AF_CONN address (sconn_addr) and its socket's ulp_info.
//    usrsctp hands the token back in conn_output and in the receive/send
//    callbacks; the adapter maps it to the live client. Tokens are never
//    reused, so output from a closed-but-lingering usrsctp association can
//    never reach a newer client that happens to occupy the same memory, and
//    output for an unregistered token is dropped.
//  * Timers: usrsctp's timer wheel is global and advanced only through
//    usrsctp_handle_timers(). AdvanceClock(now) moves it by max(0, now - last)
//    (sub-millisecond remainders are carried), so any number of associations
//    driven from one clock share it correctly: whichever of them is called
//    first at a given time moves the wheel, and the others see a delta of 0.
//    When the last client unregisters the clock is forgotten, so a later,
//    independent clock (the next test, the next simulation) may start at 0.
//  * Time of day: besides its tick-driven timers, usrsctp reads
//    gettimeofday() to time RTT samples, PR-SCTP lifetimes, cookie ages and,
//    crucially, to decide which chunks a T3 timeout retransmits ("sent at
//    least one RTO ago"). Under virtual time the wall clock barely moves, so
//    a lost packet would never be retransmitted by timeout and the measured
//    RTT would be zero. gettimeofday() is the only clock libusrsctp imports
//    (checked with nm -D), so the adapter interposes it: while a Scope is
//    open (that is, while usrsctp runs on behalf of one of our associations)
//    it returns the adapter's clock, which advances exactly like the timer
//    wheel and never goes backwards, not even across clock epochs. Outside
//    a Scope, and on any other thread, it returns the real time of day, so
//    other code in the process is unaffected. On the real runtime the
//    driver's clock is the wall clock anyway (the adapter's values are
//    offset from it, which usrsctp does not mind: it only subtracts); under
//    the simulator this makes usrsctp run on virtual time.
//
// Not thread-safe: all associations of a process must be driven from one
// thread at a time, which both drivers (the single-threaded simulator and the
// runtime's one event-loop thread) guarantee.
#ifndef CORE_SCTP_USRSCTP_ADAPTER_H_
#define CORE_SCTP_USRSCTP_ADAPTER_H_

#include <cstddef>
#include <cstdint>

#include "core/base/time.h"

struct socket;
struct sctp_rcvinfo;

namespace simrtc::sctp::internal {

// Implemented by the association that owns a usrsctp socket. The adapter
// calls these from inside usrsctp calls (usrsctp_conninput, usrsctp_sendv,
// usrsctp_handle_timers...), possibly while a *different* association is the
// one being driven, because timers are global. Implementations must only
// record what happened: calling back into usrsctp from here is not allowed.
class UsrsctpClient {
 public:
  virtual ~UsrsctpClient() = default;
  // An SCTP packet usrsctp wants to send.
  virtual void OnUsrsctpPacket(const uint8_t* data, size_t size) = 0;
  // A received message part or a notification (flags has MSG_NOTIFICATION).
  // `data` is only valid during the call; it may be null at end of stream.
  virtual void OnUsrsctpReceive(const uint8_t* data, size_t size,
                                const sctp_rcvinfo& info, int flags) = 0;
  // Free space in the socket's send buffer after a SACK was processed.
  virtual void OnUsrsctpSendSpace(uint32_t free_bytes) = 0;
};

class UsrsctpAdapter {
 public:
  // Initializes usrsctp if needed and returns a fresh token for `client`.
  static void* Register(UsrsctpClient* client);
  // A non-blocking one-to-one AF_CONN SCTP socket whose receive and send
  // callbacks route to the client registered under `token`; nullptr with
  // errno set on failure.
  static struct socket* CreateSocket(void* token);
  // After this, nothing reaches `client` any more. Call before closing the
  // socket so that callbacks fired by the close are dropped.
  static void Unregister(void* token);
  // Brackets every call into usrsctp made for an association. The first
  // form advances the global clock to `now` (firing due timers of every
  // association in the process); both make usrsctp's gettimeofday() read
  // the adapter's clock until the scope ends. Scopes nest.
  class Scope {
   public:
    explicit Scope(Timestamp now);
    Scope();
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
  };

  // Advances usrsctp's global timer wheel to `now`, firing due timers of
  // every association in the process.
  static void AdvanceClock(Timestamp now);
  // Number of registered clients (for tests).
  static size_t ClientCount();
};

}  // namespace simrtc::sctp::internal

#endif  // CORE_SCTP_USRSCTP_ADAPTER_H_
