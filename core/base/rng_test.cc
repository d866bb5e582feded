#include "core/base/rng.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <set>
#include <vector>

namespace simrtc {
namespace {

TEST(RngTest, SameSeedSameStream) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.NextU64();
    EXPECT_EQ(x, b.NextU64());
    differs |= x != c.NextU64();
  }
  EXPECT_TRUE(differs);
}

TEST(RngTest, ForkIsIndependentOfDrawsAndLabelled) {
  Rng parent(7);
  Rng child1 = parent.Fork("nat");
  parent.NextU64();
  parent.NextU64();
  Rng child2 = parent.Fork("nat");
  Rng other = parent.Fork("link");
  Rng by_index = parent.Fork(uint64_t{3});
  EXPECT_EQ(child1.NextU64(), child2.NextU64());
  EXPECT_NE(child1.NextU64(), other.NextU64());
  EXPECT_NE(parent.Fork(uint64_t{3}).NextU64(),
            parent.Fork(uint64_t{4}).NextU64());
  EXPECT_EQ(by_index.NextU64(), parent.Fork(uint64_t{3}).NextU64());
}

TEST(RngTest, UniformStaysInRangeAndCoversIt) {
  Rng rng(1);
  std::array<int, 10> counts{};
  for (int i = 0; i < 100000; ++i) {
    uint64_t v = rng.Uniform(10);
    ASSERT_LT(v, 10u);
    counts[v]++;
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 600);
  for (int i = 0; i < 1000; ++i) {
    int64_t v = rng.UniformInt(-3, 3);
    EXPECT_GE(v, -3);
    EXPECT_LE(v, 3);
  }
  EXPECT_EQ(rng.Uniform(1), 0u);
  EXPECT_EQ(rng.UniformInt(5, 5), 5);
}

TEST(RngTest, DistributionsHaveExpectedMoments) {
  Rng rng(99);
  const int n = 200000;
  double sum_u = 0, sum_n = 0, sum_n2 = 0, sum_e = 0;
  int hits = 0;
  for (int i = 0; i < n; ++i) {
    double u = rng.UniformDouble();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum_u += u;
    double x = rng.Normal(5.0, 2.0);
    sum_n += x;
    sum_n2 += x * x;
    sum_e += rng.Exponential(3.0);
    hits += rng.Bernoulli(0.2);
  }
  EXPECT_NEAR(sum_u / n, 0.5, 0.01);
  double mean = sum_n / n;
  EXPECT_NEAR(mean, 5.0, 0.03);
  EXPECT_NEAR(std::sqrt(sum_n2 / n - mean * mean), 2.0, 0.03);
  EXPECT_NEAR(sum_e / n, 3.0, 0.05);
  EXPECT_NEAR(static_cast<double>(hits) / n, 0.2, 0.005);
}

TEST(RngTest, FillAndAlphaNumeric) {
  Rng rng(5);
  std::vector<uint8_t> bytes(37, 0);
  rng.Fill(bytes);
  std::set<uint8_t> distinct(bytes.begin(), bytes.end());
  EXPECT_GT(distinct.size(), 20u);
  std::string s = rng.AlphaNumeric(24);
  EXPECT_EQ(s.size(), 24u);
  for (char c : s) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '+' ||
                c == '/');
  }
}

TEST(RngTest, WorksAsStandardBitGenerator) {
  Rng rng(11);
  std::vector<int> v = {1, 2, 3, 4, 5, 6, 7, 8};
  std::shuffle(v.begin(), v.end(), rng);
  std::sort(v.begin(), v.end());
  EXPECT_EQ(v, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8}));
  std::uniform_int_distribution<int> dist(1, 6);
  int roll = dist(rng);
  EXPECT_GE(roll, 1);
  EXPECT_LE(roll, 6);
}

}  // namespace
}  // namespace simrtc
