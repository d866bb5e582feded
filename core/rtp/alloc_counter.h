// A process-wide count of global operator new calls, for tests and
// benchmarks that must prove a code path does not allocate. Linking the
// :alloc_counter library replaces the global operator new/delete in that
// binary; never link it into production code.
#ifndef CORE_RTP_ALLOC_COUNTER_H_
#define CORE_RTP_ALLOC_COUNTER_H_

#include <cstddef>

namespace simrtc::testing {

// Number of operator new calls so far in this process.
size_t AllocationCount();

// False when another runtime (ASan's) owns operator new and the counter
// never sees a call; zero-allocation checks are then meaningless.
bool AllocationCounterActive();

}  // namespace simrtc::testing

#endif  // CORE_RTP_ALLOC_COUNTER_H_
