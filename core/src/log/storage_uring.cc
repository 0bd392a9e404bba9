#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "ringtail/base/logging.h"
#include "ringtail/core/log/storage.h"
#include "ringtail/io/file.h"
#include "ringtail/io/tail_map.h"

namespace ringtail::core::log {

namespace {

class uring_file final : public storage_file {
 public:
  explicit uring_file(io::file f) : f_(std::move(f)) {}
  io::task<io::result<size_t>> read_at(uint64_t offset, std::span<std::byte> buf) override {
    co_return co_await f_.read_at(offset, buf);
  }

  io::task<io::result<void>> write_at(uint64_t offset, std::span<const std::span<const std::byte>> data) override {
    if (append_capacity_ > 0 && !map_ && !map_refused_) {
      auto size = co_await f_.size();
      if (!size) co_return io::unexpected{size.error()};
      auto m = io::tail_map::create(f_.fd(), *size, append_capacity_);
      if (m) {
        map_.emplace(std::move(*m));
      } else {
        map_refused_ = true;  // e.g. a file system without shared writable mappings
        RT_LOG_WARN("storage: cannot map a file for appends (%s); writing it with io_uring",
                    m.error().message().c_str());
      }
    }
    uint64_t end = offset;
    for (const auto& d : data) end += d.size();
    if (map_) {
      auto w = co_await map_->write(offset, data);
      if (!w) co_return io::unexpected{w.error()};
      if (*w) co_return io::result<void>{};
    }
    auto r = co_await write_through(offset, data);
    if (map_) {
      // Even a failed write may have extended the file; the caller truncates it back.
      map_->wrote_through(r ? end : offset);
    }
    co_return r;
  }

  io::task<io::result<void>> sync() override {
    // Only the written range: the zeros prepared after it need no disk write.
    if (map_) co_return co_await f_.fdatasync_range(0, map_->written_end());
    co_return co_await f_.fdatasync();
  }

  io::task<io::result<void>> truncate(uint64_t size) override {
    if (!map_) co_return co_await f_.truncate(size);
    co_await map_->quiesce();
    auto t = co_await f_.truncate(size);
    if (!t) co_return t;
    map_->truncated(size);
    co_return t;
  }

  io::task<io::result<uint64_t>> size() override {
    if (map_) co_return map_->written_end();
    co_return co_await f_.size();
  }

  io::task<io::result<void>> close() override {
    auto e = co_await end_appends();
    auto c = co_await f_.close();
    if (!e) co_return e;
    co_return c;
  }

  void expect_appends(uint64_t max_bytes) override { append_capacity_ = max_bytes; }

  io::task<io::result<void>> end_appends() override {
    if (!map_) co_return io::result<void>{};
    co_await map_->quiesce();
    if (map_->file_end() > map_->written_end()) {
      auto t = co_await f_.truncate(map_->written_end());
      if (!t) co_return t;
    }
    map_.reset();  // the next append maps the file again
    co_return io::result<void>{};
  }

 private:
  io::task<io::result<void>> write_through(uint64_t offset, std::span<const std::span<const std::byte>> data) {
    if (data.size() == 1) co_return co_await f_.write_at(offset, data[0]);
    iov_.clear();
    for (const auto& d : data) {
      if (!d.empty()) iov_.push_back(iovec{const_cast<std::byte*>(d.data()), d.size()});
    }
    co_return co_await f_.writev_at(offset, iov_);
  }

  io::file f_;
  std::vector<iovec> iov_;  // reused; one write at a time per file (the log serialises them)
  uint64_t append_capacity_ = 0;  // expect_appends(); 0: written with io_uring only
  std::optional<io::tail_map> map_;
  bool map_refused_ = false;
};

}  // namespace

io::task<io::result<std::unique_ptr<storage_file>>> uring_storage::open(std::string path, bool create) {
  const int flags = O_RDWR | (create ? O_CREAT : 0);
  auto f = co_await io::file::open(path, flags, 0644);
  if (!f) co_return io::unexpected{f.error()};
  co_return std::unique_ptr<storage_file>(new uring_file(std::move(*f)));
}

io::task<io::result<void>> uring_storage::rename(std::string from, std::string to) {
  co_return co_await io::rename(std::move(from), std::move(to));
}
io::task<io::result<void>> uring_storage::unlink(std::string path) { co_return co_await io::unlink(std::move(path)); }
io::task<io::result<void>> uring_storage::make_directory(std::string path) {
  co_return co_await io::make_directory(std::move(path));
}
io::task<io::result<void>> uring_storage::remove_directory(std::string path) {
  co_return co_await io::remove_directory(std::move(path));
}

io::task<io::result<void>> uring_storage::sync_directory(std::string path) {
  // fsync of a directory fd persists the entries created, renamed and removed in it.
  auto f = co_await io::file::open(path, O_RDONLY | O_DIRECTORY, 0);
  if (!f) co_return io::unexpected{f.error()};
  auto r = co_await f->fsync();
  auto c = co_await f->close();
  if (!r) co_return r;
  co_return c;
}

io::task<io::result<bool>> uring_storage::exists(std::string path) {
  auto s = co_await io::file_size(std::move(path));
  if (s) co_return true;
  if (s.error() == io::errc::not_found) co_return false;
  co_return io::unexpected{s.error()};
}

io::result<std::vector<std::string>> uring_storage::list_directory(const std::string& dir) {
  // Blocking on purpose: startup/topic-creation path only (see storage.h).
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return io::unexpected{io::error::from_errno(errno)};
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    names.emplace_back(e->d_name);
  }
  ::closedir(d);
  return names;
}

}  // namespace ringtail::core::log
