// Callback<void(Args...)>: one application callback that any thread may set
// or clear while the loop thread invokes it.
//
// Contract: Set()/Clear() and Invoke() are thread-safe. Invoke() copies a
// reference to the current function under a private mutex, releases it and
// then calls the function, so no lock is held while application code runs
// and the callback may replace or clear itself (the running call finishes).
// A callback cleared on another thread may still be running (or about to
// run) when Clear() returns; callers that need "never again" synchronise
// with the loop thread afterwards.
#ifndef NET_CALLBACK_H_
#define NET_CALLBACK_H_

#include <functional>
#include <memory>
#include <mutex>
#include <utility>

namespace simrtc::net {

template <typename Signature>
class Callback;

template <typename... Args>
class Callback<void(Args...)> {
 public:
  using Function = std::function<void(Args...)>;

  void Set(Function f) { Exchange(std::move(f)); }
  // Installs `f` and returns the previous function, so callers holding a
  // lock of their own can destroy it after releasing that lock.
  std::shared_ptr<const Function> Exchange(Function f) {
    std::shared_ptr<const Function> p;
    if (f) p = std::make_shared<const Function>(std::move(f));
    std::lock_guard<std::mutex> lock(mu_);
    fn_.swap(p);
    return p;
  }
  void Clear() { Set(nullptr); }
  bool is_set() const {
    std::lock_guard<std::mutex> lock(mu_);
    return fn_ != nullptr;
  }
  // The current function (null if unset), for callers that decide under
  // their own lock and invoke after releasing it.
  std::shared_ptr<const Function> Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return fn_;
  }
  // Calls the current function, if any, with no lock held.
  template <typename... A>
  void Invoke(A&&... args) const {
    std::shared_ptr<const Function> f = Get();
    if (f) (*f)(std::forward<A>(args)...);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Function> fn_;
};

}  // namespace simrtc::net

#endif  // NET_CALLBACK_H_
