#include <gtest/gtest.h>

#include <filesystem>

#include "auth/authenticator.hpp"
#include "auth/login_limiter.hpp"
#include "auth/password.hpp"
#include "auth/random.hpp"

namespace cg::auth {
namespace {

TEST(Password, HashAndVerify) {
  auto h = HashPassword("correct horse");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(VerifyPassword(*h, "correct horse"));
  EXPECT_FALSE(VerifyPassword(*h, "correct hors"));
  EXPECT_FALSE(VerifyPassword("garbage", "correct horse"));
  EXPECT_FALSE(VerifyPassword("", ""));
  EXPECT_FALSE(ValidateNewPassword("short").ok());
  EXPECT_FALSE(ValidateNewPassword(std::string(300, 'x')).ok());
}

TEST(Random, TokensAreLongAndDistinct) {
  auto a = RandomToken(), b = RandomToken();
  EXPECT_EQ(a.size(), 43u);  // 256 bits in base64url
  EXPECT_NE(a, b);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(SecureEquals("x", "x"));
  EXPECT_FALSE(SecureEquals("x", "y"));
}

TEST(Random, Sha256StreamMatchesOneShotAcrossSplits) {
  const std::string data = "citygrid-backup " + std::string(100000, 'x') + " end";
  for (std::size_t split : {std::size_t{0}, std::size_t{1}, std::size_t{64}, std::size_t{65537}, data.size()}) {
    Sha256Stream h;
    h.Update(std::string_view(data).substr(0, split));
    h.Update(std::string_view(data).substr(split));
    EXPECT_EQ(h.FinishHex(), Sha256Hex(data)) << split;
  }
  Sha256Stream empty;
  EXPECT_EQ(empty.FinishHex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(LoginLimiter, LocksAfterMaxFailuresAndRecovers) {
  ManualClock clock;
  LoginLimiter limiter(clock, 3, 60'000);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter.RetryAfterMs("k"), 0);
    limiter.RecordFailure("k");
    clock.Advance(1000);
  }
  EXPECT_EQ(limiter.RetryAfterMs("k"), 57'000);
  EXPECT_EQ(limiter.RetryAfterMs("other"), 0);
  clock.Advance(57'000);
  EXPECT_EQ(limiter.RetryAfterMs("k"), 0);
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/cg_auth_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
    std::filesystem::remove(path_);
    auto s = store::Store::Open("sqlite://" + path_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    model::OrgUnit city;
    city.code = "1502";
    city.kind = model::OrgKind::kCity;
    city.name = "包头市";
    ASSERT_TRUE(store_->UpsertOrgUnits({city}).ok());
    AuthOptions opt;
    opt.idle_ms = 10 * 60'000;
    opt.absolute_ms = 60 * 60'000;
    opt.max_failures = 3;
    auth_ = std::make_unique<Authenticator>(*store_, clock_, opt);
    ASSERT_TRUE(auth_->CreateUser("alice", "Alice", model::Role::kStaff, "1502", "password-1").ok());
  }
  std::string path_;
  ManualClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Authenticator> auth_;
};

TEST_F(AuthenticatorTest, LoginResolveLogout) {
  auto r = auth_->Login("alice", "password-1", "127.0.0.1");
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto p = auth_->Resolve(r->token);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->user.username, "alice");
  EXPECT_EQ(p->csrf_token, r->principal.csrf_token);
  ASSERT_TRUE(auth_->Logout(*p).ok());
  EXPECT_EQ(auth_->Resolve(r->token).error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AuthenticatorTest, TokenIsNotStored) {
  auto r = auth_->Login("alice", "password-1", "127.0.0.1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(store_->GetSession(r->token).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->GetSession(Sha256Hex(r->token)).ok());
}

TEST_F(AuthenticatorTest, IdleAndAbsoluteTimeouts) {
  auto r = auth_->Login("alice", "password-1", "127.0.0.1");
  ASSERT_TRUE(r.ok());
  // Used every 9 minutes: stays alive through the idle limit, dies at the absolute one.
  for (int i = 0; i < 6; ++i) {
    clock_.Advance(9 * 60'000);
    ASSERT_TRUE(auth_->Resolve(r->token).ok()) << "step " << i;
  }
  clock_.Advance(9 * 60'000);  // 63 minutes after login
  EXPECT_EQ(auth_->Resolve(r->token).error().code, ErrorCode::kUnauthenticated);

  auto r2 = auth_->Login("alice", "password-1", "127.0.0.1");
  ASSERT_TRUE(r2.ok());
  clock_.Advance(11 * 60'000);
  EXPECT_EQ(auth_->Resolve(r2->token).error().code, ErrorCode::kUnauthenticated);
}

// The session cache: logout and the timeouts act at once; a session deleted behind this node's
// back (another node, the CLI) is noticed within cache_ms.
TEST_F(AuthenticatorTest, CachedSessionsStillEndAtOnceOnLogoutAndTimeouts) {
  auto r = auth_->Login("alice", "password-1", "127.0.0.1");
  ASSERT_TRUE(r.ok());
  auto p = auth_->Resolve(r->token);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(auth_->Logout(*p).ok());
  EXPECT_EQ(auth_->Resolve(r->token).error().code, ErrorCode::kUnauthenticated);

  auto r2 = auth_->Login("alice", "password-1", "127.0.0.1");
  ASSERT_TRUE(r2.ok());
  ASSERT_TRUE(auth_->Resolve(r2->token).ok());  // now cached
  ASSERT_TRUE(store_->DeleteSession(Sha256Hex(r2->token)).ok());
  EXPECT_TRUE(auth_->Resolve(r2->token).ok());  // within cache_ms: still served from memory
  clock_.Advance(AuthOptions{}.cache_ms);
  EXPECT_EQ(auth_->Resolve(r2->token).error().code, ErrorCode::kUnauthenticated);

  // Idle timeout while cached: the cached idle timer is checked on every request.
  auto r3 = auth_->Login("alice", "password-1", "127.0.0.1");
  ASSERT_TRUE(r3.ok());
  ASSERT_TRUE(auth_->Resolve(r3->token).ok());
  clock_.Advance(10 * 60'000 + 1);
  EXPECT_EQ(auth_->Resolve(r3->token).error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(store_->GetSession(Sha256Hex(r3->token)).error().code, ErrorCode::kNotFound);
}

TEST_F(AuthenticatorTest, WithoutCacheADeletedSessionEndsAtOnce) {
  AuthOptions opt;
  opt.cache_ms = 0;
  Authenticator uncached(*store_, clock_, opt);
  auto r = uncached.Login("alice", "password-1", "127.0.0.1");
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(uncached.Resolve(r->token).ok());
  ASSERT_TRUE(store_->DeleteSession(Sha256Hex(r->token)).ok());
  EXPECT_EQ(uncached.Resolve(r->token).error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AuthenticatorTest, WrongPasswordsAreLimited) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(auth_->Login("alice", "nope-nope", "10.0.0.1").error().code, ErrorCode::kUnauthenticated);
  }
  // Even the right password is refused while locked out.
  auto r = auth_->Login("alice", "password-1", "10.0.0.2");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kRateLimited);
  clock_.Advance(16 * 60'000);
  EXPECT_TRUE(auth_->Login("alice", "password-1", "10.0.0.2").ok());
}

TEST_F(AuthenticatorTest, UnknownUserLooksLikeWrongPassword) {
  auto a = auth_->Login("nobody", "password-1", "127.0.0.1");
  auto b = auth_->Login("alice", "wrong-pass", "127.0.0.2");
  EXPECT_EQ(a.error().code, b.error().code);
  EXPECT_EQ(a.error().message, b.error().message);
}

TEST_F(AuthenticatorTest, CreateUserValidates) {
  EXPECT_EQ(auth_->CreateUser("alice", "", model::Role::kStaff, "1502", "password-1").error().code,
            ErrorCode::kConflict);
  EXPECT_EQ(auth_->CreateUser("bob'; drop", "", model::Role::kStaff, "1502", "password-1").error().code,
            ErrorCode::kInvalid);
  EXPECT_EQ(auth_->CreateUser("bob", "", model::Role::kStaff, "150299", "password-1").error().code,
            ErrorCode::kInvalid);
  EXPECT_EQ(auth_->CreateUser("bob", "", model::Role::kStaff, "1502", "short").error().code,
            ErrorCode::kInvalid);
}

}  // namespace
}  // namespace cg::auth
