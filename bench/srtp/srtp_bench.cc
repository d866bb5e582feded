// SRTP protect/unprotect cost per 1200-byte RTP packet, for every profile,
// through simrtc::srtp::Session ("ours") and through the same libsrtp calls
// made directly ("raw"). The difference is the wrapper's overhead (header
// checks, status mapping); the target is ours <= raw + 10%.
//
// Both variants do identical work per iteration: write a new sequence
// number then protect; or copy a pre-protected packet into the working
// buffer then unprotect (the copy is needed because unprotect works in place
// and replay protection forbids reusing a packet).
#include <srtp2/srtp.h>
#include <time.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "core/base/byte_io.h"
#include "core/srtp/profile.h"
#include "core/srtp/session.h"

namespace simrtc::srtp {
namespace {

constexpr size_t kPacketLen = 1200;
constexpr size_t kBatch = 4096;
constexpr size_t kReplayWindow = 1024;

MasterKey KeyFor(Profile p, uint8_t fill) {
  const ProfileInfo& info = GetProfileInfo(p);
  return MasterKey{std::vector<uint8_t>(info.master_key_len, fill),
                   std::vector<uint8_t>(info.master_salt_len, fill ^ 0x5a)};
}

Session OurSession(Profile p) {
  SessionConfig c;
  c.profile = p;
  c.local = KeyFor(p, 1);
  c.remote = KeyFor(p, 1);
  c.replay_window = kReplayWindow;
  return std::move(*Session::Create(c));
}

// The policy Session builds, spelled out against the libsrtp API.
srtp_t RawSession(Profile p, bool outbound, std::vector<uint8_t>& key_buf) {
  MasterKey k = KeyFor(p, 1);
  key_buf = k.key;
  key_buf.insert(key_buf.end(), k.salt.begin(), k.salt.end());
  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  const auto profile = static_cast<srtp_profile_t>(static_cast<uint16_t>(p));
  srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, profile);
  srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, profile);
  policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
  policy.key = key_buf.data();
  policy.window_size = kReplayWindow;
  policy.allow_repeat_tx = 1;
  srtp_t s = nullptr;
  if (srtp_create(&s, &policy) != srtp_err_status_ok) std::abort();
  return s;
}

std::vector<uint8_t> Packet(uint16_t seq) {
  std::vector<uint8_t> p(kPacketLen + kMaxRtpOverhead, 0xab);
  p[0] = 0x80;
  p[1] = 96;
  StoreBE16(&p[2], seq);
  StoreBE32(&p[4], 90000);
  StoreBE32(&p[8], 0x12345678);
  return p;
}

// kBatch protected packets with sequence numbers 0..kBatch-1.
std::vector<std::vector<uint8_t>> ProtectedBatch(Profile p) {
  Session tx = OurSession(p);
  std::vector<std::vector<uint8_t>> out;
  for (size_t i = 0; i < kBatch; ++i) {
    std::vector<uint8_t> packet = Packet(static_cast<uint16_t>(i));
    packet.resize(*tx.ProtectRtp(packet, kPacketLen));
    out.push_back(std::move(packet));
  }
  return out;
}

void ProtectOurs(benchmark::State& state, Profile p) {
  Session s = OurSession(p);
  std::vector<uint8_t> buf = Packet(0);
  uint16_t seq = 0;
  for (auto _ : state) {
    StoreBE16(&buf[2], seq++);
    auto n = s.ProtectRtp(buf, kPacketLen);
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(state.iterations() * kPacketLen);
}

void ProtectRaw(benchmark::State& state, Profile p) {
  OurSession(p);  // srtp_init, as our first Session does
  std::vector<uint8_t> key_buf;
  srtp_t s = RawSession(p, /*outbound=*/true, key_buf);
  std::vector<uint8_t> buf = Packet(0);
  uint16_t seq = 0;
  for (auto _ : state) {
    StoreBE16(&buf[2], seq++);
    int len = static_cast<int>(kPacketLen);
    srtp_err_status_t err = srtp_protect(s, buf.data(), &len);
    benchmark::DoNotOptimize(err);
    benchmark::DoNotOptimize(len);
  }
  srtp_dealloc(s);
  state.SetBytesProcessed(state.iterations() * kPacketLen);
}

void UnprotectOurs(benchmark::State& state, Profile p) {
  const auto batch = ProtectedBatch(p);
  Session rx = OurSession(p);
  std::vector<uint8_t> buf(kPacketLen + kMaxRtpOverhead);
  size_t i = 0;
  for (auto _ : state) {
    if (i == kBatch) {
      // Sequence numbers start over: a fresh receiver, off the clock.
      state.PauseTiming();
      rx = OurSession(p);
      i = 0;
      state.ResumeTiming();
    }
    const auto& wire = batch[i++];
    std::memcpy(buf.data(), wire.data(), wire.size());
    auto n = rx.UnprotectRtp(std::span<uint8_t>(buf.data(), wire.size()));
    if (!n.ok()) state.SkipWithError("unprotect failed");
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(state.iterations() * kPacketLen);
}

void UnprotectRaw(benchmark::State& state, Profile p) {
  const auto batch = ProtectedBatch(p);
  std::vector<uint8_t> key_buf;
  srtp_t rx = RawSession(p, /*outbound=*/false, key_buf);
  std::vector<uint8_t> buf(kPacketLen + kMaxRtpOverhead);
  size_t i = 0;
  for (auto _ : state) {
    if (i == kBatch) {
      state.PauseTiming();
      srtp_dealloc(rx);
      rx = RawSession(p, /*outbound=*/false, key_buf);
      i = 0;
      state.ResumeTiming();
    }
    const auto& wire = batch[i++];
    std::memcpy(buf.data(), wire.data(), wire.size());
    int len = static_cast<int>(wire.size());
    srtp_err_status_t err = srtp_unprotect(rx, buf.data(), &len);
    if (err != srtp_err_status_ok) state.SkipWithError("unprotect failed");
    benchmark::DoNotOptimize(len);
  }
  srtp_dealloc(rx);
  state.SetBytesProcessed(state.iterations() * kPacketLen);
}

int64_t ThreadCpuNs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

// The same comparison, robust to a busy machine: blocks of packets through
// ours and raw alternate (in alternating order) within one benchmark, each
// block timed on this thread's CPU clock, so load drift hits both equally.
// Reports ns per packet for each and ours' overhead in percent.
void Overhead(benchmark::State& state, Profile p, bool protect) {
  constexpr size_t kBlock = 256;
  Session ours_tx = OurSession(p);
  Session ours_rx = OurSession(p);
  std::vector<uint8_t> key_tx, key_rx;
  srtp_t raw_tx = RawSession(p, /*outbound=*/true, key_tx);
  srtp_t raw_rx = RawSession(p, /*outbound=*/false, key_rx);
  const auto batch =
      protect ? std::vector<std::vector<uint8_t>>() : ProtectedBatch(p);
  std::vector<uint8_t> buf = Packet(0);
  uint16_t seq_ours = 0;
  uint16_t seq_raw = 0;
  size_t next_ours = 0;
  size_t next_raw = 0;
  int64_t ours_ns = 0;
  int64_t raw_ns = 0;
  int64_t packets = 0;
  bool failed = false;

  auto run_ours = [&] {
    if (protect) {
      for (size_t i = 0; i < kBlock; ++i) {
        StoreBE16(&buf[2], seq_ours++);
        failed |= !ours_tx.ProtectRtp(buf, kPacketLen).ok();
      }
      return;
    }
    for (size_t i = 0; i < kBlock; ++i) {
      const auto& wire = batch[next_ours++];
      std::memcpy(buf.data(), wire.data(), wire.size());
      failed |=
          !ours_rx.UnprotectRtp(std::span<uint8_t>(buf.data(), wire.size()))
               .ok();
    }
  };
  auto run_raw = [&] {
    if (protect) {
      for (size_t i = 0; i < kBlock; ++i) {
        StoreBE16(&buf[2], seq_raw++);
        int len = static_cast<int>(kPacketLen);
        failed |= srtp_protect(raw_tx, buf.data(), &len) != srtp_err_status_ok;
      }
      return;
    }
    for (size_t i = 0; i < kBlock; ++i) {
      const auto& wire = batch[next_raw++];
      std::memcpy(buf.data(), wire.data(), wire.size());
      int len = static_cast<int>(wire.size());
      failed |= srtp_unprotect(raw_rx, buf.data(), &len) != srtp_err_status_ok;
    }
  };

  bool ours_first = true;
  for (auto _ : state) {
    if (!protect && next_ours == kBatch) {
      // The batch's sequence numbers start over: fresh receivers, untimed.
      ours_rx = OurSession(p);
      srtp_dealloc(raw_rx);
      raw_rx = RawSession(p, /*outbound=*/false, key_rx);
      next_ours = next_raw = 0;
    }
    for (int pass = 0; pass < 2; ++pass) {
      const bool ours = (pass == 0) == ours_first;
      const int64_t t0 = ThreadCpuNs();
      if (ours) {
        run_ours();
      } else {
        run_raw();
      }
      (ours ? ours_ns : raw_ns) += ThreadCpuNs() - t0;
    }
    ours_first = !ours_first;
    packets += kBlock;
  }
  srtp_dealloc(raw_tx);
  srtp_dealloc(raw_rx);
  if (failed) state.SkipWithError("a packet failed");
  const double ours_pp = static_cast<double>(ours_ns) / packets;
  const double raw_pp = static_cast<double>(raw_ns) / packets;
  state.counters["ours_ns"] = ours_pp;
  state.counters["raw_ns"] = raw_pp;
  state.counters["overhead_%"] = 100.0 * (ours_pp / raw_pp - 1.0);
}

// Names like "Protect/AEAD_AES_128_GCM/ours", raw and ours side by side.
const bool kRegistered = [] {
  for (Profile p : kAllProfiles) {
    const std::string name(ProfileName(p).substr(5));
    benchmark::RegisterBenchmark(("Protect/" + name + "/raw").c_str(),
                                 ProtectRaw, p);
    benchmark::RegisterBenchmark(("Protect/" + name + "/ours").c_str(),
                                 ProtectOurs, p);
  }
  for (Profile p : kAllProfiles) {
    const std::string name(ProfileName(p).substr(5));
    benchmark::RegisterBenchmark(("Unprotect/" + name + "/raw").c_str(),
                                 UnprotectRaw, p);
    benchmark::RegisterBenchmark(("Unprotect/" + name + "/ours").c_str(),
                                 UnprotectOurs, p);
  }
  for (bool protect : {true, false}) {
    for (Profile p : kAllProfiles) {
      const std::string name(ProfileName(p).substr(5));
      benchmark::RegisterBenchmark(
          (std::string("Overhead/") + (protect ? "protect/" : "unprotect/") +
           name)
              .c_str(),
          Overhead, p, protect);
    }
  }
  return true;
}();

}  // namespace
}  // namespace simrtc::srtp
