#include "auth/authenticator.hpp"

#include <optional>

#include "auth/password.hpp"
#include "auth/random.hpp"

namespace cg::auth {
namespace {

// Sessions are touched at most this often, so a busy client does not write on every request.
constexpr std::int64_t kTouchGranularityMs = 60'000;
// Above this many cached sessions the cache is dropped and refilled (a bound, not an LRU).
constexpr std::size_t kMaxCachedSessions = 100'000;

Error BadCredentials() {
  return MakeError(ErrorCode::kUnauthenticated, "wrong username or password");
}

}  // namespace

Status ValidateUsername(const std::string& username) {
  if (username.size() < 3 || username.size() > 64)
    return MakeError(ErrorCode::kInvalid, "username must be 3 to 64 characters");
  for (char c : username) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return MakeError(ErrorCode::kInvalid, "username may contain only letters, digits, '.', '_' and '-'");
  }
  return {};
}

Authenticator::Authenticator(store::Store& store, const Clock& clock, AuthOptions options)
    : store_(store),
      clock_(clock),
      options_(options),
      limiter_(clock, options.max_failures, options.window_ms) {
  auto h = HashPassword(RandomToken(16));
  if (h.ok()) dummy_hash_ = *h;
}

Result<LoginResult> Authenticator::Login(const std::string& username, const std::string& password,
                                         const std::string& remote_address) {
  const std::string user_key = "u:" + username;
  const std::string addr_key = "a:" + remote_address;
  std::int64_t wait = std::max(limiter_.RetryAfterMs(user_key), limiter_.RetryAfterMs(addr_key));
  if (wait > 0) {
    return MakeError(ErrorCode::kRateLimited, "too many failed logins; try again in " +
                                                  std::to_string((wait + 999) / 1000) + " s");
  }
  if (username.empty() || username.size() > 64 || password.empty() || password.size() > 256) {
    limiter_.RecordFailure(user_key);
    limiter_.RecordFailure(addr_key);
    return BadCredentials();
  }
  auto user = store_.FindUserByUsername(username);
  if (!user.ok() && user.error().code != ErrorCode::kNotFound) return user.error();
  bool good = user.ok() ? VerifyPassword(user->password_hash, password)
                        : (VerifyPassword(dummy_hash_, password), false);
  if (!good || user->disabled) {
    limiter_.RecordFailure(user_key);
    limiter_.RecordFailure(addr_key);
    return BadCredentials();
  }
  limiter_.RecordSuccess(user_key);

  LoginResult result;
  result.token = RandomToken(32);
  store::Session session;
  session.token_hash = Sha256Hex(result.token);
  session.user_id = user->id;
  session.csrf_token = RandomToken(32);
  session.created_at = session.last_seen_at = clock_.Now();
  CG_RETURN_IF_ERROR(store_.CreateSession(session));
  result.principal = Principal{std::move(user).value(), session.token_hash, session.csrf_token};
  return result;
}

Result<Principal> Authenticator::Resolve(const std::string& token) {
  if (token.empty() || token.size() > 128) return MakeError(ErrorCode::kUnauthenticated, "not logged in");
  const std::string hash = Sha256Hex(token);
  Timestamp now = clock_.Now();
  std::optional<CachedSession> entry;
  if (options_.cache_ms > 0) {
    std::shared_lock lock(cache_mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && now - it->second.read_at < options_.cache_ms && now >= it->second.read_at) {
      entry = it->second;
    }
  }
  if (!entry) {
    auto session = store_.GetSession(hash);
    if (!session.ok()) {
      Forget(hash);
      if (session.error().code == ErrorCode::kNotFound)
        return MakeError(ErrorCode::kUnauthenticated, "not logged in");
      return session.error();
    }
    auto user = store_.GetUser(session->user_id);
    if (!user.ok() || user->disabled) {
      Forget(hash);
      (void)store_.DeleteSession(hash);
      return MakeError(ErrorCode::kUnauthenticated, "not logged in");
    }
    entry = CachedSession{std::move(session).value(), std::move(user).value(), now};
    if (options_.cache_ms > 0) {
      std::unique_lock lock(cache_mu_);
      auto& slot = cache_[hash];
      // Keep the newer idle timer: this node may have touched it since the store was read.
      if (slot.session.last_seen_at > entry->session.last_seen_at) entry->session.last_seen_at = slot.session.last_seen_at;
      if (cache_.size() > kMaxCachedSessions) cache_.clear();  // bounded; refilled on demand
      cache_[hash] = *entry;
    }
  }
  const store::Session& session = entry->session;
  if (now - session.last_seen_at > options_.idle_ms || now - session.created_at > options_.absolute_ms) {
    Forget(hash);
    (void)store_.DeleteSession(hash);
    return MakeError(ErrorCode::kUnauthenticated, "session expired; log in again");
  }
  if (now - session.last_seen_at > kTouchGranularityMs) {
    CG_RETURN_IF_ERROR(store_.TouchSession(hash, now));
    std::unique_lock lock(cache_mu_);
    if (auto it = cache_.find(hash); it != cache_.end()) it->second.session.last_seen_at = now;
  }
  return Principal{std::move(entry->user), hash, session.csrf_token};
}

void Authenticator::Forget(const std::string& token_hash) {
  std::unique_lock lock(cache_mu_);
  cache_.erase(token_hash);
}

Status Authenticator::Logout(const Principal& principal) {
  Forget(principal.session_token_hash);
  return store_.DeleteSession(principal.session_token_hash);
}

Result<model::User> Authenticator::CreateUser(const std::string& username,
                                              const std::string& display_name, model::Role role,
                                              const std::string& scope_code,
                                              const std::string& password) {
  CG_RETURN_IF_ERROR(ValidateUsername(username));
  CG_RETURN_IF_ERROR(ValidateNewPassword(password));
  CG_RETURN_IF_ERROR(model::ValidateOrgCode(scope_code));
  auto unit = store_.GetOrgUnit(model::Scope::System(), scope_code, /*with_geometry=*/false);
  if (!unit.ok()) {
    if (unit.error().code == ErrorCode::kNotFound)
      return MakeError(ErrorCode::kInvalid, "scope " + scope_code + " is not an org unit");
    return unit.error();
  }
  auto hash = HashPassword(password);
  if (!hash.ok()) return hash.error();
  model::User user;
  user.username = username;
  user.display_name = display_name.empty() ? username : display_name;
  user.role = role;
  user.scope_code = scope_code;
  user.password_hash = *hash;
  user.created_at = clock_.Now();
  return store_.CreateUser(user);
}

}  // namespace cg::auth
