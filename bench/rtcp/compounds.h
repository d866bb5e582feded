// The two RTCP compounds the RTCP benchmarks parse and marshal, shared by
// //bench/rtcp:rtcp_bench and //bench/rtcp:write_compounds (which writes
// their bytes for bench/pion_compare.sh, so Pion parses the same input).
#ifndef BENCH_RTCP_COMPOUNDS_H_
#define BENCH_RTCP_COMPOUNDS_H_

#include <vector>

#include "core/rtcp/packet.h"

namespace simrtc::rtcp {

// Sender side: SR with one report block + SDES CNAME + REMB (104 bytes).
std::vector<Packet> SrSdesRemb();

// Receiver side: RR with one report block + generic NACK + transport-cc
// feedback for 48 of 50 packets, about 100 ms of ~1 Mbps video (128 bytes).
std::vector<Packet> RrNackTwcc();

}  // namespace simrtc::rtcp

#endif  // BENCH_RTCP_COMPOUNDS_H_
