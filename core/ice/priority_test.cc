#include "core/ice/priority.h"

#include <gtest/gtest.h>

#include <set>

namespace simrtc::ice {
namespace {

IpAddress Ip(const char* s) { return IpAddress::Parse(s).value(); }

TEST(PriorityTest, TypePreferencesFollowRfc8445) {
  EXPECT_EQ(TypePreference(CandidateType::kHost), 126u);
  EXPECT_EQ(TypePreference(CandidateType::kPeerReflexive), 110u);
  EXPECT_EQ(TypePreference(CandidateType::kServerReflexive), 100u);
  EXPECT_EQ(TypePreference(CandidateType::kRelay), 0u);
}

TEST(PriorityTest, CandidatePriorityFormula) {
  // (2^24)*126 + (2^8)*65535 + (256 - 1): the classic host priority.
  EXPECT_EQ(CandidatePriority(CandidateType::kHost, 65535, 1), 2130706431u);
  EXPECT_EQ(CandidatePriority(CandidateType::kServerReflexive, 65535, 1),
            (100u << 24) + (65535u << 8) + 255u);
  EXPECT_EQ(CandidatePriority(CandidateType::kRelay, 0, 1), 255u);
  // Component 2 (RTCP without mux) is one lower.
  EXPECT_EQ(CandidatePriority(CandidateType::kHost, 65535, 2), 2130706430u);
  // Out-of-range inputs are clamped, not wrapped.
  EXPECT_EQ(CandidatePriority(200, 70000, 0), CandidatePriority(126, 65535, 1));
}

TEST(PriorityTest, PairPriorityFormula) {
  const uint32_t g = 2130706431, d = 1694498815;
  EXPECT_EQ(PairPriority(g, d),
            (uint64_t{d} << 32) + 2 * uint64_t{g} + 1);  // G > D
  EXPECT_EQ(PairPriority(d, g), (uint64_t{d} << 32) + 2 * uint64_t{g});
  EXPECT_EQ(PairPriority(g, g), (uint64_t{g} << 32) + 2 * uint64_t{g});
}

TEST(PriorityTest, BothAgentsComputeTheSamePairPriority) {
  const uint32_t a = 2130706431, b = 1862270975;
  // a is the controlling agent's candidate, b the controlled one's.
  EXPECT_EQ(PairPriority(Role::kControlling, a, b),
            PairPriority(Role::kControlled, b, a));
  // Swapping roles changes the tie-break bit only.
  EXPECT_NE(PairPriority(Role::kControlling, a, b),
            PairPriority(Role::kControlled, a, b));
}

TEST(PriorityTest, LocalPreferencesAreDistinctAndPreferIpv6Interleaved) {
  std::vector<IpAddress> ips = {Ip("192.168.1.2"), Ip("10.0.0.2"),
                                Ip("2001:db8::1"), Ip("2001:db8::2"),
                                Ip("127.0.0.1"),   Ip("fe80::1")};
  std::vector<uint32_t> prefs = LocalPreferences(ips);
  ASSERT_EQ(prefs.size(), ips.size());
  EXPECT_EQ(std::set<uint32_t>(prefs.begin(), prefs.end()).size(),
            prefs.size());
  for (uint32_t p : prefs) EXPECT_LE(p, kMaxLocalPreference);
  // Order: v6[0], v4[0], v6[1], v4[1], then the poor ones.
  EXPECT_GT(prefs[2], prefs[0]);
  EXPECT_GT(prefs[0], prefs[3]);
  EXPECT_GT(prefs[3], prefs[1]);
  EXPECT_GT(prefs[1], prefs[4]);
  EXPECT_GT(prefs[1], prefs[5]);
  EXPECT_EQ(prefs[2], kMaxLocalPreference);
}

TEST(PriorityTest, FoundationsFollowRfc8445Rules) {
  const IpAddress base = Ip("192.168.1.2");
  const IpAddress other = Ip("192.168.1.3");
  const IpAddress stun1 = Ip("203.0.113.1");
  const IpAddress stun2 = Ip("203.0.113.2");
  // Same type, base and server: shared.
  EXPECT_EQ(ComputeFoundation(CandidateType::kServerReflexive, base, stun1),
            ComputeFoundation(CandidateType::kServerReflexive, base, stun1));
  // Any difference: distinct.
  EXPECT_NE(ComputeFoundation(CandidateType::kServerReflexive, base, stun1),
            ComputeFoundation(CandidateType::kServerReflexive, base, stun2));
  EXPECT_NE(ComputeFoundation(CandidateType::kHost, base, IpAddress()),
            ComputeFoundation(CandidateType::kHost, other, IpAddress()));
  EXPECT_NE(ComputeFoundation(CandidateType::kHost, base, IpAddress()),
            ComputeFoundation(CandidateType::kRelay, base, IpAddress()));
  EXPECT_NE(ComputeFoundation(CandidateType::kHost, base, IpAddress(), "udp"),
            ComputeFoundation(CandidateType::kHost, base, IpAddress(), "tcp"));
  // Transport compares case-insensitively; the result is ice-chars.
  EXPECT_EQ(ComputeFoundation(CandidateType::kHost, base, IpAddress(), "UDP"),
            ComputeFoundation(CandidateType::kHost, base, IpAddress(), "udp"));
  const std::string f = ComputeFoundation(CandidateType::kHost, base, {});
  EXPECT_FALSE(f.empty());
  EXPECT_LE(f.size(), 32u);
  for (char c : f) EXPECT_TRUE(c >= '0' && c <= '9');
}

}  // namespace
}  // namespace simrtc::ice
