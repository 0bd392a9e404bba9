// Minimal logging to stderr: "2026-11-21T07:00:00.123Z INFO [shard-1] message".
// One formatted write per line (atomic for lines under PIPE_BUF), no locks, no allocation
// beyond a stack buffer. The thread name carries the shard.
//
// Repeats are rate-limited: a call site of RT_LOG_INFO/WARN/ERROR prints the same
// message (same text after the prefix) at most repeats_per_window times per
// window_ms() on each thread, counts the rest, and says how many it suppressed the next
// time it prints that message. A full disk or a misbehaving client then costs a few
// lines, while distinct messages (another partition, another offset) all print.
#pragma once

#include <pthread.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdint>
#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace ringtail::logging {

enum class level : int { debug = 0, info = 1, warn = 2, error = 3 };

inline std::atomic<int>& threshold() {
  static std::atomic<int> t{static_cast<int>(level::info)};
  return t;
}

inline constexpr uint32_t repeats_per_window = 3;

// The rate-limit window; tests shorten it.
inline std::atomic<int64_t>& window_ms() {
  static std::atomic<int64_t> w{10'000};
  return w;
}

inline bool enabled(level lv) { return static_cast<int>(lv) >= threshold().load(std::memory_order_relaxed); }

// The recent messages of one call site on one thread (a thread_local the macros declare).
struct site_limiter {
  struct entry {
    uint64_t hash = 0;
    int64_t window_start_ms = INT64_MIN;
    uint32_t printed = 0;     // in this window
    uint32_t suppressed = 0;  // since this message last printed
  };
  entry recent[4];
  uint32_t next = 0;
};

// Whether a message with this hash may print now; `report` gets how many of it were
// suppressed since it last printed.
inline bool admit(site_limiter& s, uint64_t hash, uint32_t& report) {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  const int64_t now = int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1'000'000;
  site_limiter::entry* e = nullptr;
  for (auto& r : s.recent)
    if (r.window_start_ms != INT64_MIN && r.hash == hash) e = &r;
  if (!e) {
    e = &s.recent[s.next++ % 4];
    *e = site_limiter::entry{hash, now, 0, 0};
  } else if (now - e->window_start_ms >= window_ms().load(std::memory_order_relaxed)) {
    e->window_start_ms = now;
    e->printed = 0;
  }
  if (e->printed >= repeats_per_window) {
    ++e->suppressed;
    return false;
  }
  ++e->printed;
  report = e->suppressed;
  e->suppressed = 0;
  return true;
}

// `site`: the call site's limiter, or null for no limit.
__attribute__((format(printf, 3, 4))) inline void write(level lv, site_limiter* site, const char* fmt, ...) {
  if (!enabled(lv)) return;
  char buf[2048];
  timeval tv{};
  gettimeofday(&tv, nullptr);
  tm t{};
  gmtime_r(&tv.tv_sec, &t);
  char name[16] = "main";
  pthread_getname_np(pthread_self(), name, sizeof name);
  static const char* const names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %s [%s] ", t.tm_year + 1900,
                        t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, static_cast<int>(tv.tv_usec / 1000),
                        names[static_cast<int>(lv)], name);
  va_list ap;
  va_start(ap, fmt);
  const int prefix = n;
  if (n > 0 && n < static_cast<int>(sizeof buf)) n += std::vsnprintf(buf + n, sizeof buf - n, fmt, ap);
  va_end(ap);
  if (n > static_cast<int>(sizeof buf) - 2) n = sizeof buf - 2;
  if (site && prefix > 0 && n > prefix) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a of the message text
    for (int i = prefix; i < n; ++i) h = (h ^ static_cast<unsigned char>(buf[i])) * 1099511628211ull;
    uint32_t suppressed = 0;
    if (!admit(*site, h, suppressed)) return;
    if (suppressed > 0 && n < static_cast<int>(sizeof buf) - 2) {
      n += std::snprintf(buf + n, sizeof buf - n, " (%u repeats suppressed)", suppressed);
      if (n > static_cast<int>(sizeof buf) - 2) n = sizeof buf - 2;
    }
  }
  buf[n++] = '\n';
  (void)!::write(2, buf, static_cast<size_t>(n));
}

}  // namespace ringtail::logging

#define RT_LOG_LIMITED_(lv, ...)                                          \
  do {                                                                    \
    if (::ringtail::logging::enabled(lv)) {                               \
      static thread_local ::ringtail::logging::site_limiter rt_log_site_; \
      ::ringtail::logging::write(lv, &rt_log_site_, __VA_ARGS__);         \
    }                                                                     \
  } while (0)

#define RT_LOG_DEBUG(...) ::ringtail::logging::write(::ringtail::logging::level::debug, nullptr, __VA_ARGS__)
#define RT_LOG_INFO(...) RT_LOG_LIMITED_(::ringtail::logging::level::info, __VA_ARGS__)
#define RT_LOG_WARN(...) RT_LOG_LIMITED_(::ringtail::logging::level::warn, __VA_ARGS__)
#define RT_LOG_ERROR(...) RT_LOG_LIMITED_(::ringtail::logging::level::error, __VA_ARGS__)
