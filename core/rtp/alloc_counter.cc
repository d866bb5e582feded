#include "core/rtp/alloc_counter.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
// Benchmarks may run helper threads; the count must not tear.
std::atomic<size_t> g_allocations{0};

void* CountedAlloc(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
}  // namespace

// Kept in its own translation unit so the compiler cannot pair an inlined
// new with an inlined free and warn about a mismatch that is not one.
void* operator new(std::size_t n) { return CountedAlloc(n); }
void* operator new[](std::size_t n) { return CountedAlloc(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace simrtc::testing {
size_t AllocationCount() {
  return g_allocations.load(std::memory_order_relaxed);
}

bool AllocationCounterActive() {
  const size_t before = AllocationCount();
  // A direct call, not a new-expression, so it cannot be elided.
  ::operator delete(::operator new(16));
  return AllocationCount() != before;
}
}  // namespace simrtc::testing
