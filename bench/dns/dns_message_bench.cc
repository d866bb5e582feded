// Parse and pack cost of the mDNS messages WebRTC actually exchanges: the
// single-A-record answer for an ICE candidate's "<uuid>.local" name, and a
// larger DNS-SD style response where name compression matters.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <vector>

#include "core/base/socket_address.h"
#include "core/mdns/dns_message.h"

namespace simrtc::mdns {
namespace {

constexpr char kHost[] = "1f0e7d3a-5b2c-4c8e-9a6f-0123456789ab.local";

Message CandidateResponse() {
  Message m;
  m.header.response = true;
  m.header.authoritative = true;
  ResourceRecord rr;
  rr.name = kHost;
  rr.cache_flush = true;
  rr.ttl = 120;
  rr.rdata = AData{IpAddress::V4(192, 168, 1, 5)};
  m.answers.push_back(rr);
  return m;
}

Message ServiceResponse() {
  Message m;
  m.header.response = true;
  m.header.authoritative = true;
  const std::string instance = "Living Room._googlecast._tcp.local";
  const std::string host = "chromecast-1234.local";
  ResourceRecord ptr;
  ptr.name = "_googlecast._tcp.local";
  ptr.ttl = 4500;
  ptr.rdata = PtrData{instance};
  m.answers.push_back(ptr);
  ResourceRecord srv;
  srv.name = instance;
  srv.cache_flush = true;
  srv.ttl = 120;
  srv.rdata = SrvData{0, 0, 8009, host};
  m.additionals.push_back(srv);
  ResourceRecord txt = srv;
  txt.ttl = 4500;
  txt.rdata = TxtData{{"id=1234", "md=Chromecast", "fn=Living Room", "ve=05"}};
  m.additionals.push_back(txt);
  ResourceRecord a;
  a.name = host;
  a.cache_flush = true;
  a.ttl = 120;
  a.rdata = AData{IpAddress::V4(10, 0, 0, 7)};
  m.additionals.push_back(a);
  ResourceRecord aaaa = a;
  aaaa.rdata = AaaaData{*IpAddress::Parse("fe80::1:2:3:4")};
  m.additionals.push_back(aaaa);
  return m;
}

void BM_Parse(benchmark::State& state, Message (*make)()) {
  auto wire = PackMessage(make());
  if (!wire.ok()) std::abort();
  for (auto _ : state) {
    auto msg = ParseMessage(*wire);
    benchmark::DoNotOptimize(msg);
  }
  state.SetBytesProcessed(state.iterations() * wire->size());
  state.counters["wire_bytes"] = static_cast<double>(wire->size());
}

void BM_Pack(benchmark::State& state, Message (*make)(), bool compress) {
  const Message msg = make();
  std::vector<uint8_t> out;
  for (auto _ : state) {
    out.clear();  // keeps capacity, as a sender reusing its buffer would
    if (!PackMessage(msg, out, {.compress = compress}).ok()) std::abort();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * out.size());
  state.counters["wire_bytes"] = static_cast<double>(out.size());
}

BENCHMARK_CAPTURE(BM_Parse, candidate_a_response, CandidateResponse);
BENCHMARK_CAPTURE(BM_Pack, candidate_a_response, CandidateResponse, true);
BENCHMARK_CAPTURE(BM_Parse, service_response, ServiceResponse);
BENCHMARK_CAPTURE(BM_Pack, service_response, ServiceResponse, true);
BENCHMARK_CAPTURE(BM_Pack, service_response_uncompressed, ServiceResponse,
                  false);

}  // namespace
}  // namespace simrtc::mdns
