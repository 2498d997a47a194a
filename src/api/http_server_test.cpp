// The HTTP server over real sockets (port 0): limits answered, never a dropped connection.
#include "api/http_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>

#include "api/http_probe.hpp"
#include "api/test_city.hpp"

namespace cg::api {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    city_ = std::make_unique<testing::TestCity>(
        std::string("server_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ServerOptions opt;
    opt.host = "127.0.0.1";
    opt.port = 0;
    opt.max_body_bytes = 64 * 1024;
    opt.max_upload_bytes = 512 * 1024;
    opt.max_header_bytes = 8 * 1024;
    opt.idle_timeout_s = 5;
    server_ = std::make_unique<HttpServer>(*city_->app, opt);
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override { server_->Stop(2000); }

  // Sends raw bytes, then reads until the server closes or `read_ms` passes.
  std::string Exchange(const std::string& raw, int read_ms = 3000, bool half_close = false) {
    asio::io_context ioc;
    tcp::socket s(ioc);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    boost::system::error_code ec;
    asio::write(s, asio::buffer(raw), ec);
    if (half_close) s.shutdown(tcp::socket::shutdown_send, ec);
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(read_ms);
    s.non_blocking(true);
    char buf[8192];
    while (std::chrono::steady_clock::now() < deadline) {
      std::size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::would_block) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      if (ec) break;
      out.append(buf, n);
    }
    return out;
  }

  static int Status(const std::string& response) {
    if (response.rfind("HTTP/1.1 ", 0) != 0) return 0;
    return std::stoi(response.substr(9, 3));
  }

  std::unique_ptr<testing::TestCity> city_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(ServerTest, Health) {
  auto r = Exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(Status(r), 200) << r;
  EXPECT_NE(r.find("\"status\":\"ok\""), std::string::npos);
  EXPECT_NE(r.find("Content-Security-Policy"), std::string::npos);
}

TEST_F(ServerTest, OversizeBodyGets413NotADroppedConnection) {
  std::string body(200 * 1024, 'a');
  auto r = Exchange("POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(Status(r), 413) << r.substr(0, 200);
  EXPECT_NE(r.find("\"code\":\"too_large\""), std::string::npos);
}

TEST_F(ServerTest, OversizeChunkedBodyGets413) {
  std::string chunk(32 * 1024, 'a');
  std::string raw = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n";
  char hex[16];
  std::snprintf(hex, sizeof hex, "%zx", chunk.size());
  for (int i = 0; i < 4; ++i) raw += std::string(hex) + "\r\n" + chunk + "\r\n";
  raw += "0\r\n\r\n";
  auto r = Exchange(raw);
  EXPECT_EQ(Status(r), 413) << r.substr(0, 200);
}

TEST_F(ServerTest, MultipartBodiesHaveTheirOwnLimit) {
  // 200 KiB: over the body limit, under the upload limit, so the request reaches the App, which
  // refuses the text part by name; over the upload limit the server answers 413, also chunked.
  const std::string head = "POST /api/v1/public/cases HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                           "Content-Type: multipart/form-data; boundary=b\r\n";
  std::string body = "--b\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n" +
                     std::string(200 * 1024, 'a') + "\r\n--b--\r\n";
  auto r = Exchange(head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(Status(r), 413) << r.substr(0, 300);  // the text part is over 64 KiB: the App's 413
  EXPECT_NE(r.find("part 1 ('description')"), std::string::npos) << r.substr(0, 300);
  std::string big(600 * 1024, 'a');
  r = Exchange(head + "Content-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big);
  EXPECT_EQ(Status(r), 413) << r.substr(0, 300);
  EXPECT_NE(r.find("larger than 524288 bytes"), std::string::npos) << r.substr(0, 300);
  std::string chunk(64 * 1024, 'a');
  std::string raw = head + "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 10; ++i) raw += "10000\r\n" + chunk + "\r\n";
  r = Exchange(raw + "0\r\n\r\n");
  EXPECT_EQ(Status(r), 413) << r.substr(0, 300);
}

TEST_F(ServerTest, HugeQueryStringGets431) {
  std::string q(100 * 1024, 'x');
  auto r = Exchange("GET /api/v1/grids/locate?lon=" + q + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(Status(r), 431) << r.substr(0, 200);
  EXPECT_NE(r.find("\"error\""), std::string::npos);
}

TEST_F(ServerTest, MalformedRequestsGet400) {
  for (const std::string& raw : {std::string("GARBAGE\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
                                std::string("GET /healthz HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
                                std::string("GET /api/v1/me%zz HTTP/1.1\r\nHost: x\r\n\r\n"),
                                std::string("GET http://evil/ HTTP/1.1\r\nHost: x\r\n\r\n")}) {
    auto r = Exchange(raw, 1500);
    EXPECT_EQ(Status(r), 400) << raw << " -> " << r.substr(0, 200);
  }
}

TEST_F(ServerTest, KeepAliveServesSeveralRequests) {
  std::string one = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  auto r = Exchange(one + one + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::size_t count = 0;
  for (std::size_t pos = 0; (pos = r.find("HTTP/1.1 200", pos)) != std::string::npos; ++pos) ++count;
  EXPECT_EQ(count, 3u) << r;
}

TEST_F(ServerTest, TraversalIsRefused) {
  for (const char* target : {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt",
                             "/..%2fsecret.txt", "/%2e%2e%5csecret.txt"}) {
    auto r = Exchange(std::string("GET ") + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(r.find("TOP-SECRET"), std::string::npos) << target;
    EXPECT_TRUE(Status(r) == 400 || Status(r) == 404) << target << " -> " << r.substr(0, 100);
  }
}

// Hostile values in every path and query parameter of every route: always a JSON answer
// below 500, never a crash.
TEST_F(ServerTest, HostileParametersOnEveryRoute) {
  auto login = city_->LogIn("alice");
  const std::vector<std::string> hostile = {
      "1502'%20OR%20'1'='1", "%25", "_", "%27%3B%20DROP%20TABLE%20org_units%3B--", "%00", "..",
      "%E4%B8%AD%E6%96%87", std::string(2000, '9'), "-1", "1e309", "%F0%28%8C%BC"};
  for (const Route& route : city_->app->router().routes()) {
    for (const auto& h : hostile) {
      std::string path;
      for (const auto& seg : route.segments) path += "/" + (seg.size() > 2 && seg[0] == '{' ? h : seg);
      std::string target = path + "?lon=" + h + "&lat=" + h + "&limit=" + h + "&offset=" + h + "&scope=" + h;
      std::string body = "{\"username\":\"" + h + "\",\"password\":\"" + h + "\"}";
      auto r = Exchange(route.method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        "Cookie: cg_session=" + login.cookie + "\r\nX-CSRF-Token: " + login.csrf +
                        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\n\r\n" + body, 2000);
      int status = Status(r);
      EXPECT_GT(status, 0) << route.pattern << " " << h << ": no response";
      EXPECT_LT(status, 500) << route.pattern << " " << h << ": " << r.substr(0, 300);
    }
  }
  // The database is intact afterwards.
  EXPECT_TRUE(city_->store->CheckIntegrity().ok());
  EXPECT_TRUE(city_->store->GetOrgUnit(model::Scope::System(), "1502", false).ok());
}

TEST_F(ServerTest, StopFinishesAndRefusesNewConnections) {
  auto r = Exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(Status(r), 200);
  auto port = server_->port();
  auto t0 = std::chrono::steady_clock::now();
  server_->Stop(2000);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  asio::io_context ioc;
  tcp::socket s(ioc);
  boost::system::error_code ec;
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  EXPECT_TRUE(ec) << "still accepting after Stop";
}

TEST_F(ServerTest, ProbeReadsHealthAndReportsWhatIsWrong) {
  auto ok = ProbeHttp("127.0.0.1", server_->port(), "/healthz");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->status, 200);
  EXPECT_NE(ok->body.find("ok"), std::string::npos) << ok->body;
  auto missing = ProbeHttp("127.0.0.1", server_->port(), "/api/v1/no-such-route");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(ProbeHttp("127.0.0.1", server_->port(), "/a b").error().code, ErrorCode::kInvalid);
  const auto port = server_->port();
  server_->Stop(2000);
  auto down = ProbeHttp("127.0.0.1", port, "/healthz", 500);
  ASSERT_FALSE(down.ok());
  EXPECT_NE(down.error().message.find("nothing listens"), std::string::npos) << down.error().message;
}

TEST(Probe, SomethingThatIsNotHttpIsReported) {
  asio::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = acceptor.local_endpoint().port();
  std::thread peer([&] {
    tcp::socket s(ioc);
    acceptor.accept(s);
    boost::system::error_code ec;
    asio::write(s, asio::buffer(std::string("SSH-2.0-OpenSSH_9.2\r\n")), ec);
    s.shutdown(tcp::socket::shutdown_both, ec);
  });
  auto r = ProbeHttp("127.0.0.1", port, "/healthz", 2000);
  peer.join();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("did not answer in HTTP"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace cg::api
