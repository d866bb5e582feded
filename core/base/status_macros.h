// Early-return helpers for absl::Status / absl::StatusOr, the error type of
// every module boundary in this project (no exceptions cross modules).
#ifndef CORE_BASE_STATUS_MACROS_H_
#define CORE_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SIMRTC_RETURN_IF_ERROR(expr)                      \
  do {                                                    \
    ::absl::Status simrtc_status_ = (expr);               \
    if (!simrtc_status_.ok()) return simrtc_status_;      \
  } while (0)

#define SIMRTC_STATUS_CONCAT_INNER_(a, b) a##b
#define SIMRTC_STATUS_CONCAT_(a, b) SIMRTC_STATUS_CONCAT_INNER_(a, b)

// SIMRTC_ASSIGN_OR_RETURN(auto x, MakeX());
#define SIMRTC_ASSIGN_OR_RETURN(lhs, expr)                                 \
  SIMRTC_ASSIGN_OR_RETURN_IMPL_(                                           \
      SIMRTC_STATUS_CONCAT_(simrtc_statusor_, __LINE__), lhs, expr)

#define SIMRTC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

#endif  // CORE_BASE_STATUS_MACROS_H_
