// log::clock: the wall clock the log reads for LogAppendTime, segment roll by age, flush
// by age and retention. Injectable so tests drive time deterministically (fake_clock).
// Shard-local like the log that uses it; the real one is stateless.
#pragma once

#include <chrono>
#include <cstdint>

namespace ringtail::core::log {

class clock {
 public:
  virtual ~clock() = default;
  // Milliseconds since the Unix epoch (Kafka's timestamp unit).
  virtual int64_t now_ms() const = 0;
};

class real_clock final : public clock {
 public:
  int64_t now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

class fake_clock final : public clock {
 public:
  explicit fake_clock(int64_t start_ms = 1'700'000'000'000) : now_ms_(start_ms) {}
  int64_t now_ms() const override { return now_ms_; }
  void set_ms(int64_t t) { now_ms_ = t; }
  void advance_ms(int64_t d) { now_ms_ += d; }

 private:
  int64_t now_ms_;
};

}  // namespace ringtail::core::log
