// HttpServer's routes and HttpRequestTo on loopback (kernel-chosen ports):
// a page, a JSON API, every rejection, and that the server keeps serving.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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

constexpr TimeDelta kTimeout = TimeDelta::Seconds(10);
constexpr char kPage[] = "<!doctype html><title>t</title><p>hello</p>\n";

std::string Msg(const absl::Status& status) {
  return std::string(status.message());
}

// GET / (a page), GET and POST /api (JSON echo with the request's details),
// POST /any (any content type).
std::vector<HttpRoute> TestRoutes(std::atomic<int>* calls = nullptr) {
  std::vector<HttpRoute> routes;
  routes.push_back(
      {"GET", "/", {}, [calls](const HttpRequest& r) {
         if (calls != nullptr) ++*calls;
         HttpResponse out;
         out.content_type = "text/html; charset=utf-8";
         out.body = kPage;
         out.headers = {{"Cache-Control", "no-store"}, {"X-Query", r.query}};
         return out;
       }});
  routes.push_back({"GET", "/api", {}, [calls](const HttpRequest& r) {
                      if (calls != nullptr) ++*calls;
                      HttpResponse out;
                      out.content_type = "application/json";
                      out.body = absl::StrCat(R"({"get":")", r.query, R"("})");
                      return out;
                    }});
  routes.push_back(
      {"POST",
       "/api",
       {"application/json", "text/plain"},
       [calls](const HttpRequest& r) {
         if (calls != nullptr) ++*calls;
         HttpResponse out;
         out.status = 201;
         out.content_type = "application/json";
         out.body = absl::StrFormat(
             R"({"method":"%s","path":"%s","query":"%s","type":"%s","body":%s})",
             r.method, r.path, r.query, r.content_type, r.body);
         return out;
       }});
  routes.push_back({"POST", "/any", {}, [](const HttpRequest& r) {
                      HttpResponse out;
                      out.body = absl::StrCat("type=", r.content_type,
                                              " bytes=", r.body.size());
                      return out;
                    }});
  return routes;
}

std::unique_ptr<HttpServer> StartServer(std::vector<HttpRoute> routes,
                                        HttpServerOptions options = {}) {
  auto server = HttpServer::Start(SocketAddress(IpAddress::V4(127, 0, 0, 1), 0),
                                  std::move(routes), options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

void ExpectServing(HttpServer& server) {
  auto reply = HttpRequestTo("GET", server.url("/"), "", "", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, kPage);
}

TEST(HttpServerTest, ServesAPage) {
  std::atomic<int> calls{0};
  auto server = StartServer(TestRoutes(&calls));
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->url("/"),
            absl::StrFormat("http://127.0.0.1:%d/", server->port()));
  EXPECT_EQ(server->url("x"),
            absl::StrFormat("http://127.0.0.1:%d/x", server->port()));
  auto reply = HttpRequestTo("GET", server->url("/"), "", "", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->content_type, "text/html");  // parameters stripped
  EXPECT_EQ(reply->body, kPage);
  EXPECT_EQ(calls.load(), 1);

  // Extra headers and the raw query reach the client.
  const RawReply raw = RawExchange(
      server->port(),
      "GET /?a=1&b=%20x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(raw.status, 200) << raw.head;
  EXPECT_THAT(raw.head,
              HasSubstr("\r\ncontent-type: text/html; charset=utf-8"));
  EXPECT_THAT(raw.head, HasSubstr("\r\ncache-control: no-store"));
  EXPECT_THAT(raw.head, HasSubstr("\r\nx-query: a=1&b=%20x"));
  EXPECT_EQ(raw.body, kPage);
  EXPECT_EQ(server->requests_answered(), 2u);
}

TEST(HttpServerTest, PostsJsonAndSeesTheRequest) {
  auto server = StartServer(TestRoutes());
  ASSERT_NE(server, nullptr);
  auto reply =
      HttpRequestTo("POST", server->url("/api?k=v"),
                    "Application/JSON; charset=utf-8", R"({"n":1})", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 201);
  EXPECT_EQ(reply->content_type, "application/json");
  EXPECT_EQ(reply->body, R"({"method":"POST","path":"/api","query":"k=v",)"
                         R"("type":"application/json","body":{"n":1}})");
  // The second accepted type; GET on the same path goes to its own route.
  reply =
      HttpRequestTo("POST", server->url("/api"), "text/plain", "7", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 201);
  EXPECT_THAT(reply->body, HasSubstr(R"("type":"text/plain","body":7)"));
  reply = HttpRequestTo("GET", server->url("/api?q"), "", "", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->body, R"({"get":"q"})");
  // A route with no type list takes anything, also no Content-Type.
  reply = HttpRequestTo("POST", server->url("/any"), "", "abc", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->body, "type= bytes=3");
  reply = HttpRequestTo("POST", server->url("/any"), "image/png", "", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->body, "type=image/png bytes=0");
}

TEST(HttpServerTest, UnknownPathGets404) {
  std::atomic<int> calls{0};
  auto server = StartServer(TestRoutes(&calls));
  ASSERT_NE(server, nullptr);
  auto reply = HttpRequestTo("GET", server->url("/nope"), "", "", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();  // a status, not an error
  EXPECT_EQ(reply->status, 404);
  EXPECT_EQ(reply->content_type, "text/plain");
  EXPECT_THAT(reply->body, HasSubstr("no resource at \"/nope\""));
  // Exact match: no prefix or trailing-slash leniency.
  reply = HttpRequestTo("GET", server->url("/api/"), "", "", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 404);
  // With a body to drain.
  const RawReply raw = RawExchange(
      server->port(),
      RawPost("/nope", "application/json", std::string(200000, 'x')));
  EXPECT_EQ(raw.status, 404) << raw.head;
  EXPECT_EQ(calls.load(), 0);
  ExpectServing(*server);
}

TEST(HttpServerTest, OtherMethodGets405WithAllow) {
  auto server = StartServer(TestRoutes());
  ASSERT_NE(server, nullptr);
  auto reply = HttpRequestTo("DELETE", server->url("/api"), "", "", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 405);
  EXPECT_THAT(reply->body,
              HasSubstr("method DELETE is not allowed on /api: use GET or "
                        "POST"));
  RawReply raw =
      RawExchange(server->port(),
                  "PUT /api HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                  "Content-Length: 5\r\n\r\nhello");
  EXPECT_EQ(raw.status, 405) << raw.head;
  EXPECT_THAT(raw.head, HasSubstr("\r\nallow: get, post"));
  raw = RawExchange(server->port(), RawPost("/", "text/plain", "x"));
  EXPECT_EQ(raw.status, 405) << raw.head;
  EXPECT_THAT(raw.head, HasSubstr("\r\nallow: get"));
  ExpectServing(*server);
}

TEST(HttpServerTest, UnsupportedContentTypeGets415) {
  std::atomic<int> calls{0};
  auto server = StartServer(TestRoutes(&calls));
  ASSERT_NE(server, nullptr);
  auto reply =
      HttpRequestTo("POST", server->url("/api"),
                    "application/x-www-form-urlencoded", "a=1", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 415);
  EXPECT_THAT(reply->body,
              HasSubstr("Content-Type \"application/x-www-form-urlencoded\" "
                        "is not supported: expected application/json or "
                        "text/plain"));
  reply = HttpRequestTo("POST", server->url("/api"), "", "{}", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 415);
  EXPECT_THAT(reply->body, HasSubstr("Content-Type is missing"));
  const RawReply raw = RawExchange(
      server->port(), RawPost("/api", "image/png", std::string(300000, 'p')));
  EXPECT_EQ(raw.status, 415) << raw.head;
  EXPECT_EQ(calls.load(), 0);
  ExpectServing(*server);
}

TEST(HttpServerTest, OversizedBodyGets413) {
  HttpServerOptions options;
  options.max_body_bytes = 1000;
  options.max_drain_bytes = 100000;
  std::atomic<int> calls{0};
  auto server = StartServer(TestRoutes(&calls), options);
  ASSERT_NE(server, nullptr);
  auto reply = HttpRequestTo("POST", server->url("/api"), "application/json",
                             std::string(1001, ' ') + "1", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 413);
  EXPECT_THAT(reply->body,
              HasSubstr("body of 1002 bytes exceeds the limit of 1000 bytes"));
  // Exactly at the limit is fine.
  reply = HttpRequestTo("POST", server->url("/api"), "application/json",
                        std::string(999, ' ') + "1", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 201);
  // Chunked: found out while reading.
  std::string chunked =
      "POST /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) {
    chunked += absl::StrFormat("%x\r\n%s\r\n", 600, std::string(600, 'c'));
  }
  chunked += "0\r\n\r\n";
  const RawReply raw = RawExchange(server->port(), chunked);
  EXPECT_EQ(raw.status, 413) << raw.head;
  EXPECT_EQ(calls.load(), 1);
  ExpectServing(*server);
}

TEST(HttpServerTest, BadHandlerStatusGets500) {
  std::vector<HttpRoute> routes = TestRoutes();
  routes.push_back({"GET", "/bad", {}, [](const HttpRequest&) {
                      HttpResponse out;
                      out.status = 42;
                      return out;
                    }});
  routes.push_back({"GET", "/teapot", {}, [](const HttpRequest&) {
                      HttpResponse out;
                      out.status = 418;
                      out.body = "short and stout";
                      // Ignored or dropped, never sent as given.
                      out.headers = {{"Content-Length", "1"},
                                     {"X-Bad", "a\r\nInjected: 1"},
                                     {"Bad Name", "x"}};
                      return out;
                    }});
  auto server = StartServer(std::move(routes));
  ASSERT_NE(server, nullptr);
  auto reply = HttpRequestTo("GET", server->url("/bad"), "", "", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 500);
  EXPECT_THAT(reply->body, HasSubstr("returned status 42"));
  const RawReply raw =
      RawExchange(server->port(),
                  "GET /teapot HTTP/1.1\r\nHost: x\r\nConnection: close"
                  "\r\n\r\n");
  EXPECT_EQ(raw.status, 418);
  EXPECT_EQ(raw.body, "short and stout");
  EXPECT_THAT(raw.head, testing::Not(HasSubstr("injected")));
  EXPECT_THAT(raw.head, testing::Not(HasSubstr("x-bad")));
  ExpectServing(*server);
}

TEST(HttpServerTest, StopFromAHandlerRefusesLaterRequests) {
  HttpServer* self = nullptr;
  std::vector<HttpRoute> routes = TestRoutes();
  routes.push_back({"POST", "/stop", {}, [&](const HttpRequest&) {
                      self->Stop();  // must not deadlock
                      HttpResponse out;
                      out.body = "stopping";
                      return out;
                    }});
  auto server = StartServer(std::move(routes));
  ASSERT_NE(server, nullptr);
  self = server.get();
  auto reply = HttpRequestTo("POST", server->url("/stop"), "", "", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->body, "stopping");
  reply = HttpRequestTo("GET", server->url("/"), "", "", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 503);
  server->Stop();
  reply = HttpRequestTo("GET", server->url("/"), "", "", kTimeout);
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
}

TEST(HttpServerTest, ServesConcurrentRequests) {
  std::atomic<int> calls{0};
  auto server = StartServer(TestRoutes(&calls));
  ASSERT_NE(server, nullptr);
  constexpr int kThreads = 6;
  constexpr int kRequests = 10;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRequests; ++i) {
        const std::string body = absl::StrCat("[", t, ",", i, "]");
        auto reply = HttpRequestTo("POST", server->url("/api"),
                                   "application/json", body, kTimeout);
        if (reply.ok() && reply->status == 201 &&
            reply->body.find(absl::StrCat(R"("body":)", body, "}")) !=
                std::string::npos) {
          ++ok;
        } else {
          ADD_FAILURE() << (reply.ok() ? reply->body
                                       : reply.status().ToString());
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), kThreads * kRequests);
  EXPECT_EQ(calls.load(), kThreads * kRequests);
}

TEST(HttpServerTest, SdpOfferRouteNextToOtherRoutes) {
  std::vector<HttpRoute> routes = TestRoutes();
  routes.push_back(
      SdpOfferRoute([](std::string offer) -> absl::StatusOr<std::string> {
        return absl::StrCat("v=0\r\ns=answer-to-", offer.size(), "\r\n");
      }));
  auto server = StartServer(std::move(routes));
  ASSERT_NE(server, nullptr);
  auto answer = PostOffer(server->url(kOfferPath), "v=0\r\ns=-\r\n", kTimeout);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(*answer, "v=0\r\ns=answer-to-10\r\n");
  ExpectServing(*server);
}

TEST(HttpServerTest, StartRejectsBadRoutes) {
  const SocketAddress any(IpAddress::V4(127, 0, 0, 1), 0);
  auto handler = [](const HttpRequest&) { return HttpResponse{}; };
  auto start = [&](std::vector<HttpRoute> routes) {
    return HttpServer::Start(any, std::move(routes)).status();
  };
  EXPECT_THAT(Msg(start({})), HasSubstr("no routes"));
  EXPECT_THAT(Msg(start({{"GET", "page", {}, handler}})),
              HasSubstr("does not start with '/'"));
  EXPECT_THAT(Msg(start({{"GE T", "/", {}, handler}})),
              HasSubstr("not an HTTP token"));
  EXPECT_THAT(Msg(start({{"", "/", {}, handler}})),
              HasSubstr("not an HTTP token"));
  EXPECT_THAT(Msg(start({{"GET", "/", {}, nullptr}})),
              HasSubstr("handler is empty"));
  EXPECT_THAT(
      Msg(start({{"GET", "/", {}, handler}, {"GET", "/", {}, handler}})),
      HasSubstr("route 1: GET / is already routed"));
  EXPECT_EQ(
      start({{"GET", "/", {}, handler}, {"POST", "/", {}, handler}}).code(),
      absl::StatusCode::kOk);
  HttpServerOptions bad;
  bad.max_connections = 0;
  EXPECT_EQ(
      HttpServer::Start(any, {{"GET", "/", {}, handler}}, bad).status().code(),
      absl::StatusCode::kInvalidArgument);
}

// Serves `size` bytes at GET /big.
std::unique_ptr<HttpServer> BigServer(size_t size) {
  std::vector<HttpRoute> routes;
  routes.push_back({"GET", "/big", {}, [size](const HttpRequest&) {
                      HttpResponse out;
                      out.body = std::string(size, 'b');
                      return out;
                    }});
  return StartServer(std::move(routes));
}

TEST(HttpRequestToTest, ErrorsAreForTransportAndUsageOnly) {
  auto reply = HttpRequestTo("GET", "not a url", "", "", kTimeout);
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(reply.status()), HasSubstr("expected http://"));
  reply = HttpRequestTo("GET", "ftp://127.0.0.1/x", "", "", kTimeout);
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kInvalidArgument);
  reply = HttpRequestTo("GE T", "http://127.0.0.1:1/", "", "", kTimeout);
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(reply.status()), HasSubstr("not an HTTP token"));
  reply = HttpRequestTo("POST", "http://127.0.0.1:1/", "text/plain\r\nX: 1", "",
                        kTimeout);
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kInvalidArgument);

  auto server = BigServer(kMaxReplyBytes);
  ASSERT_NE(server, nullptr);
  reply = HttpRequestTo("GET", server->url("/big"), "", "", kTimeout);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->body.size(), kMaxReplyBytes);
  const std::string url = server->url("/big");
  server.reset();
  reply = HttpRequestTo("GET", url, "", "", kTimeout);
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(Msg(reply.status()), HasSubstr("GET " + url));

  server = BigServer(kMaxReplyBytes + 1);
  ASSERT_NE(server, nullptr);
  reply = HttpRequestTo("GET", server->url("/big"), "", "", kTimeout);
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kResourceExhausted)
      << reply.status();
}

}  // namespace
}  // namespace simrtc::signal
