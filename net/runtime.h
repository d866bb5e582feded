// net::Runtime: the real-socket driver of sans-IO PeerConnections.
//
// Contract:
//  * One event-loop thread per Runtime (epoll), started by Create() and
//    joined by Stop() or the destructor. It drives any number of
//    core::peer::PeerConnections with the wall clock: steady_clock read as a
//    simrtc::Timestamp whose epoch is shared by every Runtime of the
//    process (usrsctp's timer wheel is process-global and must see one
//    clock).
//  * Sockets: AddPeerConnection() binds one non-blocking UDP socket per
//    usable local address (IPv4 and IPv6, from getifaddrs; interfaces that
//    are down, IPv6 link-local addresses and, unless include_loopback,
//    loopback interfaces are left out; RuntimeOptions filters narrow the
//    set further), each on its specific address, never the wildcard, so a
//    received Datagram's `local` is exactly the bound address that ICE
//    gathered as a host candidate. Config.interfaces, when the caller
//    fills it, names the addresses to bind instead (port 0: chosen per
//    the port options). Transmits leave from the socket bound at
//    Transmit::local (else the first socket of the remote's family); send
//    errors are counted and otherwise treated as loss.
//  * mDNS (RuntimeOptions::mdns_mode, query-only by default): for each
//    bound address whose interface carries the mDNS group (224.0.0.251 /
//    ff02::fb), AddPeerConnection also opens a multicast socket on port
//    5353 (shared with other processes) and gives the PeerConnection's ICE
//    agent an mDNS resolver on it, so peers' "<uuid>.local" host
//    candidates (browsers' default) are resolved and, in kQueryAndGather,
//    our host candidates are published as such names. An interface that
//    cannot join (lo has no IPv6 multicast route) is left out; with none
//    left, .local candidates are refused as in kDisabled.
//  * Timers: the loop sleeps until the earliest NextTimeout() of its
//    PeerConnections (millisecond granularity), then calls HandleTimeout.
//  * Threads and locks: every core object is touched only on its loop
//    thread. Calls into core hold one process-wide mutex, because usrsctp
//    (and the adapter's clock) is process-global and Runtimes run on
//    different threads; with one Runtime it is never contended. Observer
//    callbacks run on the loop thread with no runtime lock held.
//  * Calls from other threads (WithPeerConnection, RunOnLoop,
//    AddPeerConnection, RemovePeerConnection) are posted to the loop and
//    wait for it; on the loop thread they run at once, so they may be used
//    from observer callbacks without deadlock. A loop blocked in a call to
//    ANOTHER Runtime waits for that Runtime's loop: two Runtimes that call
//    each other synchronously from their callbacks can deadlock, so hand
//    such work to another thread (or drive both PeerConnections from one
//    Runtime).
//  * Shutdown: Stop() refuses new work (Unavailable), cancels queued calls
//    (their callers get Unavailable), closes every PeerConnection (its
//    close_notify / SCTP ABORT still go out, its final events are
//    delivered), reports OnRemoved, destroys them, closes every socket and
//    joins the thread. Stop() on the loop thread only requests the stop;
//    the thread ends after the current callback returns.
#ifndef NET_RUNTIME_H_
#define NET_RUNTIME_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/logging.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "core/ice/types.h"
#include "core/peer/configuration.h"
#include "core/peer/peer_connection.h"
#include "net/interfaces.h"
#include "net/multicast.h"

namespace simrtc::net {

struct RuntimeOptions {
  // Interfaces to use, by name ("eth0"); unset: all.
  std::function<bool(std::string_view name)> interface_filter;
  // Addresses to use; unset: all. Applied after the other rules.
  std::function<bool(const IpAddress&)> ip_filter;
  // Loopback interfaces (lo: 127.0.0.1, ::1) are skipped unless set.
  bool include_loopback = false;
  bool ipv4 = true;
  bool ipv6 = true;
  // Local ports: both 0 lets the kernel pick; otherwise each socket takes
  // the first free port of [port_min, port_max] (equal: a fixed port).
  uint16_t port_min = 0;
  uint16_t port_max = 0;
  // SO_RCVBUF / SO_SNDBUF for each socket (best effort); 0 keeps the
  // kernel default.
  int socket_buffer_bytes = 1 << 20;
  // mDNS for ICE (see the file comment); replaces the mode and resolver
  // of each Configuration's ice settings unless the caller set a resolver.
  ice::MdnsMode mdns_mode = ice::MdnsMode::kQueryOnly;
  // Handed to every PeerConnection; used on the loop thread only.
  const Logger* logger = nullptr;

  absl::Status Validate() const;
};

// An address a Runtime binds on and the interface that has it.
struct LocalAddress {
  IpAddress ip;
  std::string interface_name;
  friend bool operator==(const LocalAddress&, const LocalAddress&) = default;
};

// Pure: the addresses `options` selects from `interfaces` (as
// ListInterfaces() reports them), in the list's order: interfaces that are
// up, loopback only with include_loopback, no IPv6 link-local address (it
// needs a scope id the Datagram model does not carry), then the family
// switches and the name and IP filters.
std::vector<LocalAddress> SelectLocalAddresses(
    const std::vector<NetInterface>& interfaces, const RuntimeOptions& options);

// Replaces host names in ICE server URLs ("stun:stun.example.org:3478")
// by an address literal (the first IPv4 address getaddrinfo() returns, else
// the first IPv6 one), since the core takes literals only. Blocks on DNS;
// AddPeerConnection calls it on the caller's thread. NotFound naming the
// URL and host when a name does not resolve.
absl::Status ResolveIceServerHosts(std::vector<peer::IceServer>& servers);

// The loop thread and the PeerConnections it drives. Shared by the Runtime
// that owns it and by the facade objects (net::PeerConnection,
// net::DataChannel), so those may outlive the Runtime: once stopped, every
// call returns Unavailable.
class RuntimeLoop : public std::enable_shared_from_this<RuntimeLoop> {
 public:
  using PcId = uint64_t;

  // Receives what a driven PeerConnection reports. Runs on the loop
  // thread, never under a runtime lock; may call back into the runtime.
  class Observer {
   public:
    virtual ~Observer() = default;
    // Events in the order the PeerConnection emitted them.
    virtual void OnEvents(PcId id, std::vector<peer::Event>& events) = 0;
    // The PeerConnection was removed (RemovePeerConnection or Stop) after
    // its final events; nothing follows.
    virtual void OnRemoved(PcId id) = 0;
  };

  ~RuntimeLoop();
  RuntimeLoop(const RuntimeLoop&) = delete;
  RuntimeLoop& operator=(const RuntimeLoop&) = delete;

  // Resolves ICE server host names, binds the sockets (see the file
  // comment; an enumerated address the kernel refuses with EADDRNOTAVAIL is
  // skipped), fills config.interfaces, generates an ECDSA P-256 certificate
  // when none is given, then creates the PeerConnection on the loop
  // thread. Errors name the address or step that failed.
  absl::StatusOr<PcId> AddPeerConnection(peer::Configuration config,
                                         std::shared_ptr<Observer> observer);
  // Runs `fn` with the PeerConnection and the current time on the loop
  // thread (holding the process-wide core mutex: `fn` must not call into
  // any Runtime or invoke application callbacks), then drains its
  // transmits and events. NotFound for an unknown or removed id,
  // Unavailable once stopped.
  absl::Status WithPeerConnection(
      PcId id, absl::FunctionRef<void(peer::PeerConnection&, Timestamp)> fn);
  // Closes and removes it: marked on the loop (waiting for it when called
  // from another thread), then closed, its final events delivered,
  // OnRemoved called, its sockets closed and the object destroyed on the
  // loop thread once the current work is done. Unknown ids are ignored.
  void RemovePeerConnection(PcId id);

  // Runs `fn` on the loop thread and waits (at once on the loop thread).
  absl::Status RunOnLoop(absl::FunctionRef<void()> fn);
  // Queues `fn` for the loop thread without waiting (also from the loop
  // thread: it runs after the current callback). False once stopped.
  bool Post(std::function<void()> fn);

  void Stop();
  bool stopped() const;
  bool IsLoopThread() const;
  Timestamp Now() const;
  const RuntimeOptions& options() const { return options_; }
  // Sends that failed (no socket for the source, or sendto() refused).
  uint64_t send_errors() const { return send_errors_.load(); }

 private:
  friend class Runtime;
  struct Driven;
  struct Completion;
  struct Task {
    std::function<void()> run;
    // Set for callers that wait; signalled once run or cancelled.
    std::shared_ptr<Completion> completion;
  };
  struct SocketInfo {
    PcId pc = 0;
    SocketAddress local;
    std::optional<MulticastMembership> multicast;  // mDNS sockets only
  };

  explicit RuntimeLoop(RuntimeOptions options);
  absl::Status Start();
  void Run();
  void Wake();
  void ReadSockets(int fd, std::vector<uint8_t>& buf,
                   std::vector<std::pair<PcId, Datagram>>& inputs);
  void RunTasks();
  // Drains dirty PeerConnections, sends, delivers events, tears down
  // removed ones; repeats while callbacks made more work.
  void FlushAndDispatch();
  void TearDown(PcId id);
  void CloseSockets(Driven& d);
  void Shutdown();
  int TimeoutMs() const;
  void Send(int fd, const Transmit& t);

  const RuntimeOptions options_;
  int epoll_fd_ = -1;
  int event_fd_ = -1;
  std::thread thread_;
  std::atomic<std::thread::id> loop_thread_id_{};
  std::mutex join_mu_;  // serialises joining thread_

  mutable std::mutex mu_;  // guards tasks_, stop_requested_, stopping_
  std::deque<Task> tasks_;
  bool stop_requested_ = false;
  bool stopping_ = false;  // no new work accepted

  // Loop thread only.
  std::map<PcId, std::unique_ptr<Driven>> driven_;
  std::map<int, SocketInfo> sockets_;
  std::atomic<PcId> next_id_{1};
  std::atomic<uint64_t> send_errors_{0};
};

// Owns a RuntimeLoop: starts it, stops and joins it when destroyed.
class Runtime {
 public:
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(
      RuntimeOptions options = {});
  // Stop(). On the loop thread (from a callback) the thread is left to
  // finish on its own.
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  void Stop() { loop_->Stop(); }
  Timestamp Now() const { return loop_->Now(); }
  bool IsLoopThread() const { return loop_->IsLoopThread(); }
  const std::shared_ptr<RuntimeLoop>& loop() const { return loop_; }

 private:
  explicit Runtime(std::shared_ptr<RuntimeLoop> loop)
      : loop_(std::move(loop)) {}
  std::shared_ptr<RuntimeLoop> loop_;
};

}  // namespace simrtc::net

#endif  // NET_RUNTIME_H_
