#include "api/http_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "api/errors.hpp"
#include "api/multipart.hpp"
#include "api/request_target.hpp"

namespace cg::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, App& app, const ServerOptions& opt, std::atomic<int>& in_flight)
      : stream_(std::move(socket)), app_(app), opt_(opt), in_flight_(in_flight) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }
  ~Connection() { EndRequest(); }

  void Start() { ReadHeader(); }

 private:
  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(opt_.max_header_bytes));
    // The larger limit until the header shows the content type (Beast checks Content-Length
    // against it while parsing the header); OnHeader narrows it.
    parser_->body_limit(std::max(opt_.max_body_bytes, opt_.max_upload_bytes));
    stream_.expires_after(std::chrono::seconds(opt_.idle_timeout_s));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              self->OnHeader(ec);
                            });
  }

  void OnHeader(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      return Close();
    }
    if (ec == http::error::body_limit) {  // Content-Length above the limit, seen with the header
      return SendErrorAndClose(413, "too_large", "request body is larger than " +
                                                     std::to_string(std::max(opt_.max_body_bytes, opt_.max_upload_bytes)) +
                                                     " bytes");
    }
    if (ec == http::error::header_limit) {
      return SendErrorAndClose(431, "header_too_large", "request line or headers are too large (limit " +
                                                             std::to_string(opt_.max_header_bytes) + " bytes)");
    }
    if (ec) return SendErrorAndClose(400, "bad_request", "malformed HTTP request: " + ec.message());
    BeginRequest();
    auto& h = parser_->get();
    // Uploads (multipart/form-data) get their own, larger limit; everything else the body limit.
    body_limit_ = IsMultipartFormData(std::string(h[http::field::content_type])) ? opt_.max_upload_bytes
                                                                                 : opt_.max_body_bytes;
    if (auto len = parser_->content_length(); len && *len > body_limit_) {
      return SendErrorAndClose(413, "too_large", "request body is larger than " +
                                                     std::to_string(body_limit_) + " bytes");
    }
    parser_->body_limit(body_limit_);
    if (beast::iequals(h[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code ec, std::size_t) {
        if (ec) return self->Close();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return SendErrorAndClose(413, "too_large", "request body is larger than " +
                                                     std::to_string(body_limit_) + " bytes");
    }
    if (ec == beast::error::timeout || ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == http::error::end_of_stream) {
      return Close();
    }
    if (ec) return SendErrorAndClose(400, "bad_request", "malformed HTTP request: " + ec.message());

    auto msg = parser_->release();
    Request req;
    req.method = std::string(msg.method_string());
    req.raw_target = std::string(msg.target());
    req.remote_address = remote_;
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto [it, inserted] = req.headers.emplace(name, std::string(f.value()));
      if (!inserted) it->second += ", " + std::string(f.value());
    }
    req.body = std::move(msg.body());
    keep_alive_ = msg.keep_alive();
    Response res;
    if (auto s = ParseTarget(req.raw_target, req); !s.ok()) {
      res = ErrorResponse(s.error());
      AddSecurityHeaders(res);
    } else {
      res = app_.Handle(req);
    }
    Write(std::move(res), msg.version(), req.method == "HEAD");
  }

  void Write(Response res, unsigned version, bool head) {
    if (!res.file_path.empty()) {
      http::file_body::value_type file;
      beast::error_code ec;
      file.open(res.file_path.c_str(), beast::file_mode::scan, ec);
      if (ec) {
        res = ErrorResponse(404, "not_found", "no such file");
        AddSecurityHeaders(res);
      } else {
        auto out = std::make_shared<http::response<http::file_body>>(
            std::piecewise_construct, std::make_tuple(std::move(file)),
            std::make_tuple(http::status::ok, version));
        FillHeaders(*out, res);
        out->prepare_payload();
        if (head) {
          auto size = out->body().size();
          auto empty = std::make_shared<http::response<http::empty_body>>(http::status::ok, version);
          for (const auto& f : *out) empty->set(f.name_string(), f.value());
          empty->content_length(size);
          empty->keep_alive(keep_alive_);
          return SendResponse(empty, !keep_alive_);
        }
        return SendResponse(out, !keep_alive_);
      }
    }
    auto out = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(res.status), version);
    FillHeaders(*out, res);
    std::size_t size = res.body.size();
    out->body() = std::move(res.body);
    out->prepare_payload();
    if (head) out->content_length(size);
    SendResponse(out, !keep_alive_);
  }

  template <class Msg>
  void FillHeaders(Msg& out, const Response& res) {
    out.set(http::field::server, "citygrid");
    if (!res.content_type.empty()) out.set(http::field::content_type, res.content_type);
    for (const auto& [k, v] : res.headers) out.insert(k, v);
    out.keep_alive(keep_alive_);
  }

  template <class Msg>
  void SendResponse(std::shared_ptr<Msg> msg, bool close) {
    stream_.expires_after(std::chrono::seconds(opt_.idle_timeout_s));
    http::async_write(stream_, *msg, [self = shared_from_this(), msg, close](beast::error_code ec, std::size_t) {
      self->EndRequest();
      if (ec || close) return self->DrainAndClose();
      self->ReadHeader();
    });
  }

  void SendErrorAndClose(int status, const std::string& code, const std::string& message) {
    keep_alive_ = false;
    Response res = ErrorResponse(status, code, message);
    AddSecurityHeaders(res);
    Write(std::move(res), 11, false);
  }

  // Half-closes, then discards whatever the client is still sending (bounded in time and
  // size), so the kernel does not reset the connection before the client reads our answer.
  void DrainAndClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    DrainSome();
  }
  void DrainSome() {
    drain_buf_.resize(64 * 1024);
    stream_.async_read_some(asio::buffer(drain_buf_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > (64u << 20)) return self->Close();
      self->DrainSome();
    });
  }

  void BeginRequest() {
    if (!in_request_) { in_request_ = true; ++in_flight_; }
  }
  void EndRequest() {
    if (in_request_) { in_request_ = false; --in_flight_; }
  }

  void Close() {
    EndRequest();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  App& app_;
  const ServerOptions& opt_;
  std::atomic<int>& in_flight_;  // requests between header and written response, server-wide
  bool in_request_ = false;
  std::string remote_;
  bool keep_alive_ = true;
  std::size_t body_limit_ = 0;  // of the request being read
  std::vector<char> drain_buf_;
  std::size_t drained_ = 0;
};

}  // namespace

struct HttpServer::Impl {
  Impl(App& a, ServerOptions o) : app(a), opt(std::move(o)), ioc(static_cast<int>(opt.threads)), acceptor(ioc) {}

  void Accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) std::make_shared<Connection>(std::move(socket), app, opt, in_flight)->Start();
      Accept();
    });
  }

  App& app;
  ServerOptions opt;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::atomic<int> in_flight{0};
  std::uint16_t port = 0;
  bool running = false;
};

HttpServer::HttpServer(App& app, ServerOptions options) : impl_(std::make_unique<Impl>(app, std::move(options))) {}

HttpServer::~HttpServer() { Stop(1000); }

Status HttpServer::Start() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->opt.host, ec);
  if (ec) return MakeError(ErrorCode::kInvalid, "bad listen address '" + impl_->opt.host + "'");
  tcp::endpoint ep(address, impl_->opt.port);
  auto& acc = impl_->acceptor;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return MakeError(ErrorCode::kUnavailable, "cannot listen on " + impl_->opt.host + ":" +
                                                  std::to_string(impl_->opt.port) + ": " + ec.message());
  }
  impl_->port = acc.local_endpoint().port();
  impl_->work.emplace(impl_->ioc.get_executor());
  impl_->Accept();
  for (std::size_t i = 0; i < std::max<std::size_t>(1, impl_->opt.threads); ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
  impl_->running = true;
  return {};
}

std::uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::Stop(int grace_ms) {
  if (!impl_->running) return;
  impl_->running = false;
  std::promise<void> closed;
  asio::post(impl_->ioc, [this, &closed] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    closed.set_value();
  });
  closed.get_future().wait();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  // Requests in flight finish; idle keep-alive connections are cut when the threads stop.
  while (impl_->in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  impl_->work.reset();
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

}  // namespace cg::api
