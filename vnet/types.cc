#include "vnet/types.h"

namespace simrtc::vnet {

std::string_view DropReasonName(DropReason r) {
  switch (r) {
    case DropReason::kLoss:
      return "loss";
    case DropReason::kQueueFull:
      return "queue_full";
    case DropReason::kMtu:
      return "mtu";
    case DropReason::kLinkDown:
      return "link_down";
    case DropReason::kFiltered:
      return "filtered";
    case DropReason::kNoRoute:
      return "no_route";
    case DropReason::kNoBinding:
      return "no_binding";
    case DropReason::kExpiredBinding:
      return "expired_binding";
    case DropReason::kNoPortFree:
      return "no_port_free";
    case DropReason::kFirewall:
      return "firewall";
    case DropReason::kNoHairpin:
      return "no_hairpin";
    case DropReason::kCount:
      break;
  }
  return "unknown";
}

std::string_view TraceKindName(TraceRecord::Kind k) {
  switch (k) {
    case TraceRecord::Kind::kSend:
      return "send";
    case TraceRecord::Kind::kDeliver:
      return "deliver";
    case TraceRecord::Kind::kDrop:
      return "drop";
    case TraceRecord::Kind::kNatOut:
      return "nat_out";
    case TraceRecord::Kind::kNatIn:
      return "nat_in";
  }
  return "unknown";
}

int64_t TrafficCounters::total_dropped() const {
  int64_t sum = 0;
  for (int64_t d : dropped) sum += d;
  return sum;
}

int64_t NatStats::total_dropped() const {
  int64_t sum = 0;
  for (int64_t d : dropped) sum += d;
  return sum;
}

}  // namespace simrtc::vnet
