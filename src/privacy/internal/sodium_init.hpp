#pragma once

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace cg::privacy {

// Initialises libsodium once; aborts if it cannot (a broken start-up, not an expected error).
inline void EnsureSodium() {
  static const bool ok = [] { return sodium_init() >= 0; }();
  if (!ok) {
    std::fputs("fatal: libsodium failed to initialise\n", stderr);
    std::abort();
  }
}

}  // namespace cg::privacy
