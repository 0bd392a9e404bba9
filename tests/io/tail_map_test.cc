// io::tail_map: appends through a prepared mapping land in the file byte for byte, mixed
// with big ones the caller writes itself; the prepared window stays ahead of them,
// writes it cannot take are handed back untouched,
// truncation restarts the window, and a file that cannot grow fails the write with an
// error instead of a SIGBUS.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ringtail/io/file.h"
#include "ringtail/io/tail_map.h"
#include "support/files.h"
#include "support/run.h"

namespace io = ringtail::io;
using ringtail::testing::run_on_shards;

namespace {

struct temp_file {
  temp_file() {
    const std::string path = (dir.path() / "00000000000000000000.log").string();
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  }
  ~temp_file() { ::close(fd); }
  uint64_t size() const {
    struct stat st {};
    ::fstat(fd, &st);
    return static_cast<uint64_t>(st.st_size);
  }
  std::vector<std::byte> read_all() const {
    std::vector<std::byte> out(size());
    EXPECT_EQ(::pread(fd, out.data(), out.size(), 0), static_cast<ssize_t>(out.size()));
    return out;
  }
  ringtail::testing::temp_dir dir{"ringtail-tail-map"};
  int fd = -1;
};

std::vector<std::byte> pattern(size_t n, uint32_t seed) {
  std::vector<std::byte> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = std::byte(static_cast<uint8_t>((i * 131 + seed * 7) >> 3));
  return v;
}

// Small writes (through the map) of 4000 bytes each; the first failure or refusal.
io::task<io::result<bool>> write_in_pieces(io::tail_map& m, uint64_t at, std::span<const std::byte> bytes) {
  for (size_t i = 0; i < bytes.size(); i += 4000) {
    const std::span<const std::byte> p[1] = {bytes.subspan(i, std::min<size_t>(4000, bytes.size() - i))};
    auto w = co_await m.write(at + i, p);
    if (!w || !*w) co_return w;
  }
  co_return true;
}

}  // namespace

TEST(TailMap, AppendsLandByteForByteAndTheWindowStaysAhead) {
  temp_file f;
  std::vector<std::byte> expected;
  io::tail_map::stats st{};
  uint64_t file_end = 0;
  int handed_back = 0, mapped = 0;
  run_on_shards(1, [&]() -> io::task<void> {
    auto m = io::tail_map::create(f.fd, 0, 64 << 20);
    EXPECT_TRUE(m.has_value());
    if (!m) co_return;
    std::mt19937 rng(7);
    // Sizes from 1 byte to 300 KiB, each split in up to three parts, so writes straddle
    // pages and the window's edge.
    for (uint32_t i = 0; expected.size() < (24u << 20); ++i) {
      const size_t n = 1 + rng() % (i % 7 == 0 ? 300 * 1024 : 3000);
      const auto bytes = pattern(n, i);
      const size_t cut1 = rng() % (n + 1), cut2 = cut1 + rng() % (n - cut1 + 1);
      const std::span<const std::byte> parts[3] = {std::span(bytes).subspan(0, cut1),
                                                   std::span(bytes).subspan(cut1, cut2 - cut1),
                                                   std::span(bytes).subspan(cut2)};
      auto w = co_await m->write(expected.size(), parts);
      EXPECT_TRUE(w.has_value());
      if (!w) co_return;
      if (!*w) {
        // Big and past the window: the caller's to write (as uring_storage does).
        EXPECT_GE(n, io::tail_map::direct_write_min);
        ++handed_back;
        EXPECT_EQ(::pwrite(f.fd, bytes.data(), n, static_cast<off_t>(expected.size())), static_cast<ssize_t>(n));
        m->wrote_through(expected.size() + n);
      } else {
        ++mapped;
      }
      expected.insert(expected.end(), bytes.begin(), bytes.end());
      EXPECT_GE(m->file_end(), expected.size());
    }
    co_await m->quiesce();
    st = m->statistics();
    file_end = m->file_end();
  });
  EXPECT_GT(st.preparations, 10u);
  EXPECT_GT(handed_back, 0);
  EXPECT_GT(mapped, 10 * handed_back);
  EXPECT_EQ(st.populate_failures, 0u);
  EXPECT_EQ(f.size(), file_end);  // the window is inside the file
  EXPECT_GT(file_end, expected.size());
  EXPECT_LE(file_end - expected.size(), 2 * io::tail_map::step_max + io::tail_map::prepare_max);
  auto got = f.read_all();
  const std::vector<std::byte> tail(got.begin() + static_cast<ptrdiff_t>(expected.size()), got.end());
  got.resize(expected.size());
  EXPECT_TRUE(got == expected);
  EXPECT_TRUE(std::all_of(tail.begin(), tail.end(), [](std::byte b) { return b == std::byte{0}; }));
}

TEST(TailMap, WritesItCannotTakeAreHandedBackUntouched) {
  temp_file f;
  const auto head = pattern(5000, 1);
  const auto big = pattern(io::tail_map::prepare_max + 512 * 1024, 2);
  const auto after = pattern(7000, 3);
  const uint64_t capacity = 2 * io::tail_map::prepare_max;
  std::vector<bool> took;
  run_on_shards(1, [&]() -> io::task<void> {
    auto m = io::tail_map::create(f.fd, 0, capacity);
    if (!m) co_return;
    const std::span<const std::byte> p1[1] = {head};
    auto w = co_await m->write(0, p1);
    took.push_back(w && *w);
    // More than one preparation may cover: the caller writes it itself.
    const std::span<const std::byte> p2[1] = {big};
    w = co_await m->write(head.size(), p2);
    took.push_back(w && *w);
    auto r = co_await io::file(::dup(f.fd)).write_at(head.size(), big);
    EXPECT_TRUE(r.has_value());
    m->wrote_through(head.size() + big.size());
    const std::span<const std::byte> p3[1] = {after};
    w = co_await m->write(head.size() + big.size(), p3);
    took.push_back(w && *w);
    // Past the mapping: handed back.
    w = co_await m->write(capacity - 10, p3);
    took.push_back(w && *w);
    co_await m->quiesce();
    EXPECT_EQ(::ftruncate(f.fd, static_cast<off_t>(head.size() + big.size() + after.size())), 0);
    m->truncated(head.size() + big.size() + after.size());
  });
  EXPECT_EQ(took, (std::vector<bool>{true, false, true, false}));
  std::vector<std::byte> expected(head);
  expected.insert(expected.end(), big.begin(), big.end());
  expected.insert(expected.end(), after.begin(), after.end());
  EXPECT_TRUE(f.read_all() == expected);
}

TEST(TailMap, TruncationRestartsTheWindowAtTheCut) {
  temp_file f;
  const auto first = pattern(1 << 20, 4);
  const auto second = pattern(300 * 1024, 5);
  const uint64_t cut = 123457;
  run_on_shards(1, [&]() -> io::task<void> {
    auto m = io::tail_map::create(f.fd, 0, 16 << 20);
    if (!m) co_return;
    auto w = co_await write_in_pieces(*m, 0, first);
    EXPECT_TRUE(w && *w);
    co_await m->quiesce();
    EXPECT_EQ(::ftruncate(f.fd, cut), 0);
    m->truncated(cut);
    EXPECT_EQ(m->file_end(), cut);
    w = co_await write_in_pieces(*m, cut, second);
    EXPECT_TRUE(w && *w);
    co_await m->quiesce();
    EXPECT_EQ(::ftruncate(f.fd, static_cast<off_t>(cut + second.size())), 0);
  });
  std::vector<std::byte> expected(first.begin(), first.begin() + cut);
  expected.insert(expected.end(), second.begin(), second.end());
  EXPECT_TRUE(f.read_all() == expected);
}

TEST(TailMap, AFileThatCannotGrowFailsTheWriteAndNothingFaults) {
  // RLIMIT_FSIZE stands in for a full disk: the zeros that would extend the file fail
  // (EFBIG; ENOSPC takes the same path), and the write reports it instead of storing
  // into pages past the end of the file (a SIGBUS).
  temp_file f;
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto* old_handler = ::signal(SIGXFSZ, SIG_IGN);
  const rlimit small{1 << 20, old.rlim_max};
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const auto bytes = pattern(4096, 6);  // small: through the map
  int ok_writes = 0;
  bool failed = false;
  run_on_shards(1, [&]() -> io::task<void> {
    auto m = io::tail_map::create(f.fd, 0, 16 << 20);
    if (!m) co_return;
    for (uint64_t at = 0; at < (4u << 20); at += bytes.size()) {
      const std::span<const std::byte> p[1] = {bytes};
      auto w = co_await m->write(at, p);
      if (!w) {
        failed = true;
        break;
      }
      EXPECT_TRUE(*w);
      ++ok_writes;
    }
    co_await m->quiesce();
  });
  ::setrlimit(RLIMIT_FSIZE, &old);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_TRUE(failed);
  EXPECT_GE(ok_writes, 1);
  EXPECT_LE(static_cast<uint64_t>(ok_writes) * bytes.size(), 1u << 20);
  const auto got = f.read_all();
  for (int i = 0; i < ok_writes; ++i) {
    EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), got.begin() + static_cast<ptrdiff_t>(i * bytes.size())));
  }
}
