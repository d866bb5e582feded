#include "examples/common/http.h"

#include <gtest/gtest.h>

namespace simrtc::examples {
namespace {

TEST(ParseHttpAddressTest, TakesAnAddressOrLocalhost) {
  auto ip = ParseHttpAddress("192.0.2.7:8080");
  ASSERT_TRUE(ip.ok()) << ip.status();
  EXPECT_EQ(ip->ToString(), "192.0.2.7:8080");
  auto localhost = ParseHttpAddress("localhost:0");
  ASSERT_TRUE(localhost.ok()) << localhost.status();
  EXPECT_EQ(localhost->ToString(), "127.0.0.1:0");
}

TEST(ParseHttpAddressTest, RejectsWhatIsNoAddress) {
  for (const char* bad : {"", "localhost", "localhost:", "example.org:80",
                          "127.0.0.1", "localhost:99999"}) {
    EXPECT_FALSE(ParseHttpAddress(bad).ok()) << bad;
  }
}

TEST(EndpointUrlTest, AppendsThePathUnlessThere) {
  EXPECT_EQ(EndpointUrl("http://h:1", "/offer"), "http://h:1/offer");
  EXPECT_EQ(EndpointUrl("http://h:1/", "/offer"), "http://h:1/offer");
  EXPECT_EQ(EndpointUrl("http://h:1//", "/offer"), "http://h:1/offer");
  EXPECT_EQ(EndpointUrl("http://h:1/offer", "/offer"), "http://h:1/offer");
  EXPECT_EQ(EndpointUrl("http://h:1/x/doSignaling", "/doSignaling"),
            "http://h:1/x/doSignaling");
  EXPECT_EQ(EndpointUrl("", "/offer"), "/offer");
}

TEST(RefusalTest, CarriesTheStatusAndMessage) {
  signal::HttpResponse r =
      Refusal(400, absl::InvalidArgumentError("expected an offer"), "an offer");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "text/plain");
  EXPECT_EQ(r.body, "expected an offer\n");
}

}  // namespace
}  // namespace simrtc::examples
