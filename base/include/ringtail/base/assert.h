// Always-on invariant checks. Operating errors are values (see result.h); a broken
// invariant is a programmer error and aborts with a message, in every build type,
// because the invariants that protect data must hold in production too.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace ringtail::detail {
[[noreturn]] inline void assert_fail(const char* expr, const char* file, int line, const char* msg) {
  std::fprintf(stderr, "ringtail: invariant failed: %s (%s) at %s:%d\n", msg, expr, file, line);
  std::fflush(stderr);
  std::abort();
}
}  // namespace ringtail::detail

// RT_ASSERT(cond, "what must hold") — checked in every build.
#define RT_ASSERT(cond, msg)                                                  \
  do {                                                                        \
    if (__builtin_expect(!(cond), 0)) [[unlikely]]                            \
      ::ringtail::detail::assert_fail(#cond, __FILE__, __LINE__, (msg));      \
  } while (0)
