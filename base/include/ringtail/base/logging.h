// Minimal logging to stderr: "2026-11-21T07:00:00.123Z INFO [shard-1] message".
// One formatted write per line (atomic for lines under PIPE_BUF), no locks, no allocation
// beyond a stack buffer. The thread name carries the shard.
#pragma once

#include <pthread.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace ringtail::logging {

enum class level : int { debug = 0, info = 1, warn = 2, error = 3 };

inline std::atomic<int>& threshold() {
  static std::atomic<int> t{static_cast<int>(level::info)};
  return t;
}

__attribute__((format(printf, 2, 3))) inline void write(level lv, const char* fmt, ...) {
  if (static_cast<int>(lv) < threshold().load(std::memory_order_relaxed)) return;
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
  if (n > 0 && n < static_cast<int>(sizeof buf)) n += std::vsnprintf(buf + n, sizeof buf - n, fmt, ap);
  va_end(ap);
  if (n > static_cast<int>(sizeof buf) - 2) n = sizeof buf - 2;
  buf[n++] = '\n';
  (void)!::write(2, buf, static_cast<size_t>(n));
}

}  // namespace ringtail::logging

#define RT_LOG_DEBUG(...) ::ringtail::logging::write(::ringtail::logging::level::debug, __VA_ARGS__)
#define RT_LOG_INFO(...) ::ringtail::logging::write(::ringtail::logging::level::info, __VA_ARGS__)
#define RT_LOG_WARN(...) ::ringtail::logging::write(::ringtail::logging::level::warn, __VA_ARGS__)
#define RT_LOG_ERROR(...) ::ringtail::logging::write(::ringtail::logging::level::error, __VA_ARGS__)
