#pragma once
// Logins, server-side sessions and accounts. Session tokens are 256-bit random values given
// to the client once; the store keeps only their SHA-256, so a database leak yields no
// usable session. Sessions end after `idle_ms` without use or `absolute_ms` after login.

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "auth/login_limiter.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "model/scope.hpp"
#include "model/user.hpp"
#include "store/store.hpp"

namespace cg::auth {

struct AuthOptions {
  std::int64_t idle_ms = 30LL * 60 * 1000;
  std::int64_t absolute_ms = 12LL * 3600 * 1000;
  int max_failures = 5;
  std::int64_t window_ms = 15LL * 60 * 1000;
  // How long a resolved session may be served from memory before the store is asked again
  // (0: ask the store on every request). Bounds how late this node notices a session deleted
  // or an account disabled by another process or node; its own logouts and the idle and
  // absolute timeouts take effect at once regardless.
  std::int64_t cache_ms = 5'000;
};

// Who is calling: the user, their scope in the org tree, and their session's CSRF token.
struct Principal {
  model::User user;
  std::string session_token_hash;
  std::string csrf_token;
  model::Scope scope() const { return model::Scope::Subtree(user.scope_code); }
};

struct LoginResult {
  Principal principal;
  std::string token;  // the cookie value; shown once, never stored
};

class Authenticator {
 public:
  // `store` and `clock` must outlive this object. Thread-safe.
  Authenticator(store::Store& store, const Clock& clock, AuthOptions options);

  // kUnauthenticated for an unknown user, a wrong password or a disabled account (one message
  // for all, so usernames cannot be probed); kRateLimited (message carries seconds to wait)
  // after too many failures for the username or the remote address.
  Result<LoginResult> Login(const std::string& username, const std::string& password,
                            const std::string& remote_address);
  // The principal of a live session; kUnauthenticated if the token is unknown or expired.
  // Refreshes the idle timer (in the store at most once a minute). Served from an in-memory
  // cache for up to options.cache_ms after the store was last read for this session.
  Result<Principal> Resolve(const std::string& token);
  Status Logout(const Principal& principal);

  // Creates an account after validating the username, role, scope (must exist) and password.
  Result<model::User> CreateUser(const std::string& username, const std::string& display_name,
                                 model::Role role, const std::string& scope_code,
                                 const std::string& password);

 private:
  struct CachedSession {
    store::Session session;  // last_seen_at as this node knows it
    model::User user;
    Timestamp read_at = 0;   // when the store was last read for it
  };
  void Forget(const std::string& token_hash);

  store::Store& store_;
  const Clock& clock_;
  AuthOptions options_;
  LoginLimiter limiter_;
  std::string dummy_hash_;  // verified against when the user is unknown, to equalise timing
  std::shared_mutex cache_mu_;
  std::unordered_map<std::string, CachedSession> cache_;  // by token hash; guarded by cache_mu_
};

// kInvalid unless 3..64 characters of [A-Za-z0-9._-].
Status ValidateUsername(const std::string& username);

}  // namespace cg::auth
