#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/base/socket_address.h"
#include "core/base/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "net/signal/http_client.h"
#include "net/signal/http_server.h"
#include "net/signal/raw_http.h"

namespace simrtc::signal {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A full, real-looking non-trickle data-channel offer.
constexpr char kOffer[] =
    "v=0\r\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0\r\n"
    "a=extmap-allow-mixed\r\n"
    "a=msid-semantic: WMS\r\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=candidate:3418105078 1 udp 2130706431 127.0.0.1 50000 typ host\r\n"
    "a=end-of-candidates\r\n"
    "a=ice-ufrag:Tdkl\r\n"
    "a=ice-pwd:lhEfLihlCWpcvvaSOLReCflO\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "ED:9F:2B:92:75:03:EF:80:D9:02:4E:CD:23:55:29:A5:"
    "97:5A:68:A0:7B:A0:AC:FA:8F:6C:6F:8B:F0:2E:60:87\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=sctp-port:5000\r\n"
    "a=max-message-size:262144\r\n";

std::string Msg(const absl::Status& status) {
  return std::string(status.message());
}

constexpr TimeDelta kTimeout = TimeDelta::Seconds(10);

// The answer the test handler returns for an offer.
std::string AnswerFor(std::string_view offer) {
  return absl::StrCat("v=0\r\ns=answer\r\na=x-offer-bytes:", offer.size(),
                      "\r\n");
}

std::unique_ptr<SdpHttpServer> StartServer(
    SdpHttpServer::OfferHandler handler = nullptr,
    SdpHttpServerOptions options = {}) {
  if (!handler) {
    handler = [](std::string offer) -> absl::StatusOr<std::string> {
      return AnswerFor(offer);
    };
  }
  auto server =
      SdpHttpServer::Start(SocketAddress(IpAddress::V4(127, 0, 0, 1), 0),
                           std::move(handler), options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

std::string PostRequest(std::string_view path, std::string_view content_type,
                        std::string_view body) {
  return RawPost(path, content_type, body);
}

void ExpectServing(SdpHttpServer& server) {
  auto answer = PostOffer(server.offer_url(), kOffer, kTimeout);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(*answer, AnswerFor(kOffer));
}

TEST(SdpHttpTest, PostOfferGetsTheAnswer) {
  std::atomic<int> calls{0};
  auto server =
      StartServer([&](std::string offer) -> absl::StatusOr<std::string> {
        ++calls;
        EXPECT_EQ(offer, kOffer);
        return AnswerFor(offer);
      });
  ASSERT_NE(server, nullptr);
  EXPECT_NE(server->port(), 0);
  EXPECT_EQ(server->offer_url(),
            absl::StrFormat("http://127.0.0.1:%d/offer", server->port()));
  ExpectServing(*server);
  EXPECT_EQ(calls.load(), 1);
}

TEST(SdpHttpTest, RepliesWith201AndApplicationSdp) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  const RawReply reply = RawExchange(
      server->port(), PostRequest("/offer", "application/sdp", kOffer));
  EXPECT_EQ(reply.status, 201) << reply.head;
  EXPECT_THAT(reply.head, HasSubstr("\r\ncontent-type: application/sdp"));
  EXPECT_EQ(reply.body, AnswerFor(kOffer));
  // Media type parameters and case do not matter.
  EXPECT_EQ(RawExchange(
                server->port(),
                PostRequest("/offer", "Application/SDP; charset=utf-8", kOffer))
                .status,
            201);
}

TEST(SdpHttpTest, ServesIpv6) {
  auto server = SdpHttpServer::Start(
      SocketAddress(*IpAddress::Parse("::1"), 0),
      [](std::string offer) -> absl::StatusOr<std::string> {
        return AnswerFor(offer);
      });
  if (!server.ok()) GTEST_SKIP() << "no IPv6 loopback: " << server.status();
  EXPECT_THAT((*server)->offer_url(), StartsWith("http://[::1]:"));
  ExpectServing(**server);
}

TEST(SdpHttpTest, OversizedBodyGets413AndTheServerKeepsServing) {
  SdpHttpServerOptions options;
  options.max_body_bytes = 4096;
  options.max_drain_bytes = 64 * 1024;
  auto server = StartServer(nullptr, options);
  ASSERT_NE(server, nullptr);
  const std::string big = std::string(kOffer) + std::string(5000, 'a');

  // Through the client: the body is read and dropped, so the client sees
  // the 413 rather than a reset.
  auto answer = PostOffer(server->offer_url(), big, kTimeout);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kResourceExhausted)
      << answer.status();
  EXPECT_THAT(Msg(answer.status()),
              HasSubstr("HTTP 413 Content Too Large: body of 5"));
  EXPECT_THAT(Msg(answer.status()), HasSubstr("limit of 4096 bytes"));
  ExpectServing(*server);

  // Declared far beyond the drain budget: rejected right after the headers.
  RawReply reply = RawExchange(
      server->port(),
      "POST /offer HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
      "Content-Type: application/sdp\r\nContent-Length: 100000000\r\n\r\nv=0");
  EXPECT_EQ(reply.status, 413) << reply.head;
  EXPECT_THAT(reply.body, HasSubstr("body of 100000000 bytes exceeds"));
  ExpectServing(*server);

  // Expect: 100-continue: rejected before the body is sent.
  reply =
      RawExchange(server->port(),
                  "POST /offer HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                  "Content-Type: application/sdp\r\nContent-Length: 5000\r\n"
                  "Expect: 100-continue\r\n\r\n");
  EXPECT_EQ(reply.status, 413) << reply.head;
  ExpectServing(*server);

  // Chunked, no Content-Length: found out while reading.
  std::string chunked =
      "POST /offer HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
      "Content-Type: application/sdp\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 5; ++i) {
    chunked += absl::StrFormat("%x\r\n%s\r\n", 1000, std::string(1000, 'v'));
  }
  chunked += "0\r\n\r\n";
  reply = RawExchange(server->port(), chunked);
  EXPECT_EQ(reply.status, 413) << reply.head;
  ExpectServing(*server);
}

TEST(SdpHttpTest, OfferBeyondTheDrainBudgetFailsCleanly) {
  SdpHttpServerOptions options;
  options.max_body_bytes = 4096;
  options.max_drain_bytes = 16 * 1024;
  auto server = StartServer(nullptr, options);
  ASSERT_NE(server, nullptr);
  // The server replies 413 after the headers and closes while the client is
  // still sending: the client sees the 413 or a reset, depending on timing,
  // but never hangs, and the server goes on.
  auto answer =
      PostOffer(server->offer_url(),
                std::string(kOffer) + std::string(4 << 20, 'a'), kTimeout);
  ASSERT_FALSE(answer.ok());
  EXPECT_THAT(answer.status().code(),
              testing::AnyOf(absl::StatusCode::kResourceExhausted,
                             absl::StatusCode::kUnavailable))
      << answer.status();
  ExpectServing(*server);
}

TEST(SdpHttpTest, EndlessBodyIsCutOffAndTheServerKeepsServing) {
  SdpHttpServerOptions options;
  options.max_body_bytes = 1024;
  options.max_drain_bytes = 8 * 1024;
  auto server = StartServer(nullptr, options);
  ASSERT_NE(server, nullptr);
  std::string chunked =
      "POST /offer HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
      "Content-Type: application/sdp\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 64; ++i) {
    chunked += absl::StrFormat("%x\r\n%s\r\n", 1000, std::string(1000, 'v'));
  }
  const RawReply reply = RawExchange(server->port(), chunked);
  EXPECT_EQ(reply.status, 0);  // closed without a reply
  ExpectServing(*server);
}

TEST(SdpHttpTest, WrongContentTypeGets415) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  RawReply reply =
      RawExchange(server->port(), PostRequest("/offer", "text/plain", kOffer));
  EXPECT_EQ(reply.status, 415) << reply.head;
  EXPECT_THAT(reply.body,
              HasSubstr("Content-Type \"text/plain\" is not supported: "
                        "expected application/sdp"));
  reply = RawExchange(server->port(),
                      PostRequest("/offer", "application/json",
                                  R"({"type":"offer","sdp":"v=0"})"));
  EXPECT_EQ(reply.status, 415);
  reply = RawExchange(server->port(),
                      "POST /offer HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      "Content-Length: 3\r\n\r\nv=0");
  EXPECT_EQ(reply.status, 415);
  EXPECT_THAT(reply.body, HasSubstr("Content-Type is missing"));
  // A large body with the wrong type is read and dropped before the reply.
  reply =
      RawExchange(server->port(),
                  PostRequest("/offer", "text/plain",
                              std::string(kOffer) + std::string(200000, 'x')));
  EXPECT_EQ(reply.status, 415) << reply.head;
  ExpectServing(*server);
}

TEST(SdpHttpTest, OtherMethodsGet405) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  for (const char* method : {"GET", "PUT", "DELETE", "OPTIONS"}) {
    const RawReply reply = RawExchange(
        server->port(),
        absl::StrFormat("%s /offer HTTP/1.1\r\nHost: x\r\nConnection: close"
                        "\r\n\r\n",
                        method));
    EXPECT_EQ(reply.status, 405) << method << " " << reply.head;
    EXPECT_THAT(reply.head, HasSubstr("\r\nallow: post"));
    EXPECT_THAT(reply.body, HasSubstr(absl::StrFormat(
                                "method %s is not allowed on /offer", method)));
  }
  ExpectServing(*server);
}

TEST(SdpHttpTest, OtherPathsGet404) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  RawReply reply = RawExchange(server->port(),
                               PostRequest("/sdp", "application/sdp", kOffer));
  EXPECT_EQ(reply.status, 404);
  EXPECT_THAT(reply.body, HasSubstr("no resource at \"/sdp\""));
  reply =
      RawExchange(server->port(),
                  PostRequest("/sdp", "application/sdp",
                              std::string(kOffer) + std::string(200000, 'x')));
  EXPECT_EQ(reply.status, 404) << reply.head;
  reply = RawExchange(server->port(),
                      "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.status, 404);

  auto answer =
      PostOffer(absl::StrFormat("http://127.0.0.1:%d/offers", server->port()),
                kOffer, kTimeout);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kNotFound)
      << answer.status();
  EXPECT_THAT(Msg(answer.status()), HasSubstr("HTTP 404"));
  ExpectServing(*server);
}

TEST(SdpHttpTest, EmptyOrGarbledBodyGets400) {
  std::atomic<int> calls{0};
  auto server =
      StartServer([&](std::string offer) -> absl::StatusOr<std::string> {
        ++calls;
        return AnswerFor(offer);
      });
  ASSERT_NE(server, nullptr);
  RawReply reply =
      RawExchange(server->port(), PostRequest("/offer", "application/sdp", ""));
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.body, HasSubstr("empty body: expected an SDP offer"));
  reply = RawExchange(server->port(),
                      PostRequest("/offer", "application/sdp", "hello\r\n"));
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.body, HasSubstr("body is not SDP"));
  reply = RawExchange(server->port(), PostRequest("/offer", "application/sdp",
                                                  std::string("v=0\r\n\0", 6)));
  EXPECT_EQ(reply.status, 400);

  auto answer = PostOffer(server->offer_url(), "\x89PNG\r\n", kTimeout);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(answer.status()), HasSubstr("HTTP 400"));
  EXPECT_EQ(calls.load(), 0);
  ExpectServing(*server);
}

TEST(SdpHttpTest, HandlerErrorGets400WithItsMessage) {
  auto server =
      StartServer([](std::string offer) -> absl::StatusOr<std::string> {
        if (offer.find("a=setup:actpass") == std::string::npos) {
          return absl::InvalidArgumentError("offer has no a=setup line");
        }
        return AnswerFor(offer);
      });
  ASSERT_NE(server, nullptr);
  auto answer = PostOffer(server->offer_url(), "v=0\r\ns=-\r\n", kTimeout);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(answer.status()),
              HasSubstr("HTTP 400 Bad Request: offer rejected: "
                        "INVALID_ARGUMENT: offer has no a=setup line"));
  ExpectServing(*server);
}

TEST(SdpHttpTest, ServesConcurrentRequests) {
  std::atomic<int> calls{0};
  auto server =
      StartServer([&](std::string offer) -> absl::StatusOr<std::string> {
        ++calls;
        return AnswerFor(offer);
      });
  ASSERT_NE(server, nullptr);
  constexpr int kThreads = 8;
  constexpr int kRequests = 10;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRequests; ++i) {
        // A distinct offer per request, so mixed-up replies would show.
        const std::string offer =
            absl::StrCat(kOffer, "a=x-request:", t, "-", i, "\r\n",
                         std::string(static_cast<size_t>(t * 100 + i), 'z'));
        auto answer = PostOffer(server->offer_url(), offer, kTimeout);
        if (answer.ok() && *answer == AnswerFor(offer)) {
          ++ok;
        } else {
          ADD_FAILURE() << (answer.ok() ? *answer : answer.status().ToString());
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), kThreads * kRequests);
  EXPECT_EQ(calls.load(), kThreads * kRequests);
  EXPECT_EQ(server->requests_answered(), uint64_t{kThreads * kRequests});
}

TEST(SdpHttpTest, StopIsThreadSafeAndIdempotent) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  ExpectServing(*server);
  const std::string url = server->offer_url();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&] { server->Stop(); });
  for (auto& thread : threads) thread.join();
  server->Stop();
  auto answer = PostOffer(url, kOffer, kTimeout);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnavailable)
      << answer.status();
  EXPECT_THAT(Msg(answer.status()), HasSubstr("cannot connect"));
}

TEST(SdpHttpTest, StopWaitsForARunningHandler) {
  absl::Notification entered;
  std::atomic<bool> finished{false};
  auto server =
      StartServer([&](std::string offer) -> absl::StatusOr<std::string> {
        entered.Notify();
        absl::SleepFor(absl::Milliseconds(200));
        finished = true;
        return AnswerFor(offer);
      });
  ASSERT_NE(server, nullptr);
  std::thread client(
      [&] { (void)PostOffer(server->offer_url(), kOffer, kTimeout); });
  entered.WaitForNotification();
  server->Stop();
  EXPECT_TRUE(finished.load());
  client.join();
}

TEST(SdpHttpTest, StopFromTheHandlerRefusesLaterRequests) {
  SdpHttpServer* self = nullptr;
  auto server =
      StartServer([&](std::string offer) -> absl::StatusOr<std::string> {
        self->Stop();  // must not deadlock
        return AnswerFor(offer);
      });
  ASSERT_NE(server, nullptr);
  self = server.get();
  ExpectServing(*server);  // the request that stopped it is still answered
  auto answer = PostOffer(server->offer_url(), kOffer, kTimeout);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(Msg(answer.status()), HasSubstr("HTTP 503"));
  server->Stop();
}

TEST(SdpHttpTest, StartErrorsNameTheProblem) {
  auto first = StartServer();
  ASSERT_NE(first, nullptr);
  auto second = SdpHttpServer::Start(
      first->address(), [](std::string) -> absl::StatusOr<std::string> {
        return std::string("v=0\r\n");
      });
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(Msg(second.status()), HasSubstr(first->address().ToString()));
  EXPECT_THAT(Msg(second.status()), HasSubstr("in use"));

  auto no_handler = SdpHttpServer::Start(
      SocketAddress(IpAddress::V4(127, 0, 0, 1), 0), nullptr);
  EXPECT_EQ(no_handler.status().code(), absl::StatusCode::kInvalidArgument);
  SdpHttpServerOptions bad;
  bad.max_body_bytes = 0;
  EXPECT_EQ(SdpHttpServer::Start(
                SocketAddress(IpAddress::V4(127, 0, 0, 1), 0),
                [](std::string) -> absl::StatusOr<std::string> {
                  return std::string("v=0\r\n");
                },
                bad)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PostOfferTest, BadUrlsAndUnreachableServers) {
  auto answer = PostOffer("not a url", kOffer, kTimeout);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(answer.status()), HasSubstr("expected http://"));
  answer = PostOffer("ftp://127.0.0.1/offer", kOffer, kTimeout);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(answer.status()), HasSubstr("scheme \"ftp\""));
  answer = PostOffer("http://127.0.0.1:1/offer", "", kTimeout);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(answer.status()), HasSubstr("offer SDP is empty"));

  // A port nobody listens on: bind one, note it, close it.
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  const std::string url = server->offer_url();
  server.reset();
  answer = PostOffer(url, kOffer, kTimeout);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(Msg(answer.status()), HasSubstr(url));
}

TEST(PostOfferTest, NonSdpSuccessReplyIsAnError) {
  auto server = StartServer([](std::string) -> absl::StatusOr<std::string> {
    return std::string("done");  // what Pion's example server replies
  });
  ASSERT_NE(server, nullptr);
  auto answer = PostOffer(server->offer_url(), kOffer, kTimeout);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(Msg(answer.status()),
              HasSubstr("HTTP 201 reply is not SDP (expected \"v=0\" first, "
                        "got \"done\")"));
}

}  // namespace
}  // namespace simrtc::signal
