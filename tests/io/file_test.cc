#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "ringtail/io/file.h"
#include "support/run.h"

namespace io = ringtail::io;
using ringtail::testing::run_on_shards;

namespace {
std::string temp_dir() {
  char tmpl[] = "/tmp/ringtail-io-test-XXXXXX";
  return mkdtemp(tmpl);
}
std::vector<std::byte> pattern(size_t n, uint8_t seed) {
  std::vector<std::byte> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = std::byte(static_cast<uint8_t>(i * 31 + seed));
  return v;
}
}  // namespace

TEST(File, WriteReadSyncRoundTrip) {
  const std::string dir = temp_dir();
  bool ok = false;
  run_on_shards(1, [&]() -> io::task<void> {
    const std::string path = dir + "/a.log";
    auto f = co_await io::file::open(path, O_RDWR | O_CREAT, 0644);
    EXPECT_TRUE(f.has_value());
    if (!f) co_return;
    auto data = pattern(1 << 20, 7);
    EXPECT_TRUE((co_await f->write_at(0, data)).has_value());
    EXPECT_TRUE((co_await f->fdatasync()).has_value());
    auto size = co_await f->size();
    EXPECT_EQ(*size, data.size());
    std::vector<std::byte> back(data.size() + 100);
    auto n = co_await f->read_at(0, back);
    EXPECT_EQ(*n, data.size());  // short only at end of file
    back.resize(*n);
    EXPECT_EQ(back, data);
    EXPECT_TRUE((co_await f->fallocate(0, 0, 4 << 20)).has_value());
    EXPECT_EQ(*(co_await f->size()), 4u << 20);
    EXPECT_TRUE((co_await f->truncate(data.size())).has_value());
    EXPECT_TRUE((co_await f->close()).has_value());
    ok = true;
  });
  EXPECT_TRUE(ok);
  std::filesystem::remove_all(dir);
}

TEST(File, LinkedWritesThenSyncLandInOrder) {
  const std::string dir = temp_dir();
  run_on_shards(1, [&]() -> io::task<void> {
    const std::string path = dir + "/b.log";
    auto f = co_await io::file::open(path, O_RDWR | O_CREAT, 0644);
    if (!f) co_return;
    auto a = pattern(4096, 1), b = pattern(4096, 2), c = pattern(100, 3);
    io::file::write_request w[] = {{0, a}, {4096, b}, {4096, c}};  // c overwrites the head of b: order matters
    EXPECT_TRUE((co_await f->write_linked(w, true)).has_value());
    std::vector<std::byte> back(8192);
    (void)co_await f->read_at(0, back);
    EXPECT_TRUE(std::equal(a.begin(), a.end(), back.begin()));
    EXPECT_TRUE(std::equal(c.begin(), c.end(), back.begin() + 4096));
    EXPECT_TRUE(std::equal(b.begin() + 100, b.end(), back.begin() + 4196));
    (void)co_await f->close();
  });
  std::filesystem::remove_all(dir);
}

TEST(File, ErrnoSurfacesAsTypedError) {
  const std::string dir = temp_dir();
  io::error open_missing{}, unlink_missing{}, mkdir_under_file{};
  run_on_shards(1, [&]() -> io::task<void> {
    const std::string nope = dir + "/nope/x", missing = dir + "/missing", plain = dir + "/plain",
                      sub = dir + "/plain/sub";
    auto f = co_await io::file::open(nope, O_RDONLY);
    if (!f) open_missing = f.error();
    auto u = co_await io::unlink(missing);
    if (!u) unlink_missing = u.error();
    auto g = co_await io::file::open(plain, O_RDWR | O_CREAT);
    if (g) (void)co_await g->close();
    auto m = co_await io::make_directory(sub);
    if (!m) mkdir_under_file = m.error();
  });
  EXPECT_EQ(open_missing.code, io::errc::not_found);
  EXPECT_EQ(open_missing.sys_errno, ENOENT);
  EXPECT_EQ(unlink_missing.code, io::errc::not_found);
  EXPECT_EQ(mkdir_under_file.code, io::errc::system);
  EXPECT_EQ(mkdir_under_file.sys_errno, ENOTDIR);
  EXPECT_NE(open_missing.message().find("No such file"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(File, RenameUnlinkAndDirectories) {
  const std::string dir = temp_dir();
  bool exists_after_rename = false, gone_after_unlink = false;
  run_on_shards(1, [&]() -> io::task<void> {
    const std::string d = dir + "/d", tmp = dir + "/d/x.tmp", x = dir + "/d/x";
    EXPECT_TRUE((co_await io::make_directory(d)).has_value());
    EXPECT_TRUE((co_await io::make_directory(d)).has_value());  // EEXIST is fine
    auto f = co_await io::file::open(tmp, O_WRONLY | O_CREAT);
    if (f) (void)co_await f->close();
    EXPECT_TRUE((co_await io::rename(tmp, x)).has_value());
    exists_after_rename = (co_await io::file_size(x)).has_value();
    EXPECT_TRUE((co_await io::unlink(x)).has_value());
    gone_after_unlink = !(co_await io::file_size(x)).has_value();
    EXPECT_TRUE((co_await io::remove_directory(d)).has_value());
  });
  EXPECT_TRUE(exists_after_rename);
  EXPECT_TRUE(gone_after_unlink);
  std::filesystem::remove_all(dir);
}
