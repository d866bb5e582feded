// The sans-IO contract every stateful protocol object in core/ follows.
//
// A protocol object (STUN transaction, ICE agent, TURN server, DTLS endpoint,
// SCTP association, PeerConnection, ...) is a pure state machine:
//
//   Inputs   HandleDatagram(Timestamp now, const Datagram& d)
//            HandleTimeout(Timestamp now)
//            API commands, which take `now` whenever they may emit output.
//   Outputs  PollTransmit() -> std::optional<Transmit>   datagrams to send
//            PollEvent()    -> std::optional<Event>      things that happened
//            NextTimeout()  -> std::optional<Timestamp>  when to call
//                                                         HandleTimeout next
//
// Rules:
//  * No sockets, threads, sleeps, wall clock, system RNG or global mutable
//    state. Time arrives as `now`; randomness from an injected simrtc::Rng.
//    (usrsctp is the documented exception: it is process-global.)
//  * Outputs are queued and drained by the driver. An input never calls back
//    into the driver, so the driver is free to interleave many objects.
//  * Errors are values (absl::Status). Bad input is dropped or answered per
//    its RFC and may surface as an event; it never crashes or throws.
//  * `now` never goes backwards across calls on one object.
//
// A driver (sim::Simulator with virtual time, net::Runtime with real time)
// loops: deliver input; drain PollTransmit() and PollEvent() until empty;
// sleep until the earliest NextTimeout(); call HandleTimeout(now). Because
// the object sees only what the driver hands it, it behaves identically
// under both drivers, which is what makes simulation results trustworthy.
#ifndef CORE_BASE_SANS_IO_H_
#define CORE_BASE_SANS_IO_H_

#include <concepts>
#include <optional>

#include "core/base/datagram.h"
#include "core/base/time.h"

namespace simrtc {

// Satisfied by every datagram-driven protocol object; drivers may be written
// against it generically.
template <typename T>
concept SansIoEndpoint = requires(T t, Timestamp now, const Datagram& d) {
  t.HandleDatagram(now, d);
  t.HandleTimeout(now);
  { t.PollTransmit() } -> std::same_as<std::optional<Transmit>>;
  { t.NextTimeout() } -> std::same_as<std::optional<Timestamp>>;
};

}  // namespace simrtc

#endif  // CORE_BASE_SANS_IO_H_
