// Repeated log lines are rate-limited per call site (a full disk once logged 1,014
// identical WARN lines in 12 s): the same message prints a few times per window and
// the next print after the window says how many were suppressed; distinct messages
// from the same site all print.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "ringtail/base/logging.h"
#include "support/files.h"

namespace {

// Captures what the code under test writes to stderr (fd 2).
class stderr_capture {
 public:
  stderr_capture() : dir_("ringtail-log") {
    path_ = (dir_.path() / "stderr").string();
    saved_ = ::dup(2);
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    ::close(fd);
  }
  ~stderr_capture() { restore(); }
  std::string finish() {
    restore();
    return ringtail::testing::read_file(path_);
  }

 private:
  void restore() {
    if (saved_ >= 0) {
      ::dup2(saved_, 2);
      ::close(saved_);
      saved_ = -1;
    }
  }
  ringtail::testing::temp_dir dir_;
  std::string path_;
  int saved_ = -1;
};

size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

void disk_full(int i) { RT_LOG_WARN("log /data/t-0: write failed: no space left on device%s", i < 0 ? "!" : ""); }
void per_partition(int p) { RT_LOG_WARN("partition t-%d: recovered", p); }

}  // namespace

TEST(Logging, IdenticalLinesFromOneSiteAreRateLimitedAndCounted) {
  const int64_t window = ringtail::logging::window_ms().load();
  ringtail::logging::window_ms() = 200;
  stderr_capture cap;
  for (int i = 0; i < 1000; ++i) disk_full(i);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  disk_full(0);
  const std::string out = cap.finish();
  ringtail::logging::window_ms() = window;
  EXPECT_EQ(count_of(out, "no space left on device"), ringtail::logging::repeats_per_window + 1) << out;
  EXPECT_NE(out.find("(" + std::to_string(1000 - ringtail::logging::repeats_per_window) + " repeats suppressed)"),
            std::string::npos)
      << out;
}

TEST(Logging, DistinctLinesFromOneSiteAllPrint) {
  stderr_capture cap;
  for (int p = 0; p < 50; ++p) per_partition(p);
  const std::string out = cap.finish();
  EXPECT_EQ(count_of(out, ": recovered"), 50u) << out;
  EXPECT_EQ(out.find("suppressed"), std::string::npos) << out;
}
