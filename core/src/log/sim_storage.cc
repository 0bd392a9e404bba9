#include "ringtail/core/log/sim_storage.h"

#include <algorithm>
#include <cerrno>

#include "ringtail/io/reactor.h"

namespace ringtail::core::log {

namespace {
// Every simulated operation goes through the shard's ready queue once, as a real
// completion does. Without it, chains of synchronously completing coroutines would nest
// stack frames without bound (symmetric transfer is not a guaranteed tail call at -O1).
struct reschedule {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const { io::local().schedule(h); }
  void await_resume() const noexcept {}
};
}  // namespace

class sim_file final : public storage_file {
 public:
  sim_file(sim_storage* fs, std::shared_ptr<sim_storage::file_state> st) : fs_(fs), st_(std::move(st)) {}

  io::task<io::result<size_t>> read_at(uint64_t offset, std::span<std::byte> buf) override {
    co_await reschedule{};
    ++fs_->reads_;
    const auto& d = st_->data;
    if (offset >= d.size()) co_return size_t{0};
    const size_t n = std::min<size_t>(buf.size(), d.size() - offset);
    std::copy_n(d.data() + offset, n, buf.data());
    co_return n;
  }

  io::task<io::result<void>> write_at(uint64_t offset, std::span<const std::span<const std::byte>> data) override {
    co_await reschedule{};
    ++fs_->writes_;
    if (st_->expects_appends) st_->appending = true;
    size_t total = 0;
    for (const auto& d : data) total += d.size();
    if (fs_->fail_writes_no_space_ > 0 || fs_->chance(fs_->faults_.no_space_probability)) {
      if (fs_->fail_writes_no_space_ > 0) --fs_->fail_writes_no_space_;
      co_return io::unexpected{io::error::from_errno(ENOSPC)};
    }
    size_t allowed = total;
    bool short_write = false;
    if (total > 0 && (fs_->fail_short_writes_ > 0 || fs_->chance(fs_->faults_.short_write_probability))) {
      if (fs_->fail_short_writes_ > 0) --fs_->fail_short_writes_;
      allowed = std::uniform_int_distribution<size_t>(0, total - 1)(fs_->rng_);
      short_write = true;
    }
    auto& f = st_->data;
    if (f.size() < offset) f.resize(offset, std::byte{0});
    uint64_t at = offset;
    for (const auto& d : data) {
      const size_t n = std::min(d.size(), allowed);
      if (f.size() < at + n) f.resize(at + n);
      std::copy_n(d.data(), n, f.data() + at);
      at += n;
      allowed -= n;
      if (allowed == 0) break;
    }
    if (short_write) co_return io::unexpected{io::error::from_errno(EIO)};
    co_return io::result<void>{};
  }

  io::task<io::result<void>> sync() override {
    co_await reschedule{};
    if (fs_->fail_syncs_ > 0 || fs_->chance(fs_->faults_.sync_error_probability)) {
      if (fs_->fail_syncs_ > 0) --fs_->fail_syncs_;
      co_return io::unexpected{io::error::from_errno(EIO)};
    }
    ++fs_->syncs_;
    st_->durable = st_->data;
    co_return io::result<void>{};
  }
  io::task<io::result<void>> truncate(uint64_t size) override {
    co_await reschedule{};
    st_->data.resize(size);
    co_return io::result<void>{};
  }
  io::task<io::result<uint64_t>> size() override { co_return static_cast<uint64_t>(st_->data.size()); }
  io::task<io::result<void>> close() override {
    st_->appending = false;
    co_return io::result<void>{};
  }
  void expect_appends(uint64_t) override { st_->expects_appends = true; }
  io::task<io::result<void>> end_appends() override {
    st_->appending = false;
    co_return io::result<void>{};
  }

 private:
  sim_storage* fs_;
  std::shared_ptr<sim_storage::file_state> st_;
};

io::task<io::result<std::unique_ptr<storage_file>>> sim_storage::open(std::string path, bool create) {
  co_await reschedule{};
  auto it = files_.find(path);
  if (it == files_.end()) {
    if (!create) co_return io::unexpected{io::error::from_errno(ENOENT)};
    it = files_.emplace(path, std::make_shared<file_state>()).first;
  }
  co_return std::unique_ptr<storage_file>(new sim_file(this, it->second));
}

io::task<io::result<void>> sim_storage::rename(std::string from, std::string to) {
  co_await reschedule{};
  auto it = files_.find(from);
  if (it == files_.end()) co_return io::unexpected{io::error::from_errno(ENOENT)};
  auto st = it->second;
  files_.erase(it);
  files_[to] = std::move(st);
  co_return io::result<void>{};
}

io::task<io::result<void>> sim_storage::unlink(std::string path) {
  co_await reschedule{};
  if (files_.erase(path) == 0) co_return io::unexpected{io::error::from_errno(ENOENT)};
  co_return io::result<void>{};
}

io::task<io::result<void>> sim_storage::make_directory(std::string path) {
  co_await reschedule{};
  dirs_[path] = true;
  co_return io::result<void>{};
}

io::task<io::result<void>> sim_storage::remove_directory(std::string path) {
  co_await reschedule{};
  const std::string prefix = path + "/";
  for (const auto& [name, st] : files_) {
    if (name.compare(0, prefix.size(), prefix) == 0) co_return io::unexpected{io::error::from_errno(ENOTEMPTY)};
  }
  if (dirs_.erase(path) == 0) co_return io::unexpected{io::error::from_errno(ENOENT)};
  co_return io::result<void>{};
}

io::task<io::result<void>> sim_storage::sync_directory(std::string path) {
  co_await reschedule{};
  (void)path;
  co_return io::result<void>{};
}

io::task<io::result<bool>> sim_storage::exists(std::string path) {
  co_await reschedule{};
  co_return files_.count(path) != 0 || dirs_.count(path) != 0;
}

io::result<std::vector<std::string>> sim_storage::list_directory(const std::string& dir) {
  if (dirs_.count(dir) == 0) return io::unexpected{io::error::from_errno(ENOENT)};
  std::vector<std::string> names;
  const std::string prefix = dir + "/";
  for (const auto& [name, st] : files_) {
    if (name.compare(0, prefix.size(), prefix) == 0 && name.find('/', prefix.size()) == std::string::npos) {
      names.push_back(name.substr(prefix.size()));
    }
  }
  return names;
}

void sim_storage::crash() {
  for (auto& [name, st] : files_) {
    std::vector<std::byte> next = st->durable;
    const bool appended = st->data.size() > st->durable.size() &&
                          std::equal(st->durable.begin(), st->durable.end(), st->data.begin());
    if (faults_.torn_writes_on_crash && appended) {
      const size_t extra = st->data.size() - st->durable.size();
      const size_t keep = std::uniform_int_distribution<size_t>(0, extra)(rng_);
      next.insert(next.end(), st->data.begin() + static_cast<ptrdiff_t>(st->durable.size()),
                  st->data.begin() + static_cast<ptrdiff_t>(st->durable.size() + keep));
      if (keep > 0 && chance(faults_.flip_on_crash_probability)) {
        const size_t at = st->durable.size() + std::uniform_int_distribution<size_t>(0, keep - 1)(rng_);
        next[at] ^= std::byte{0x5a};
      }
    }
    if (st->appending && faults_.prepared_zeros_on_crash_max > 0) {
      const size_t zeros = std::uniform_int_distribution<size_t>(0, faults_.prepared_zeros_on_crash_max)(rng_);
      next.resize(next.size() + zeros, std::byte{0});
    }
    st->appending = false;
    st->data = next;
    st->durable = std::move(next);
  }
}

void sim_storage::flip_byte(const std::string& path, uint64_t offset) {
  auto& st = *files_.at(path);
  if (offset < st.data.size()) st.data[offset] ^= std::byte{0xff};
  if (offset < st.durable.size()) st.durable[offset] ^= std::byte{0xff};
}

void sim_storage::cut(const std::string& path, uint64_t size) {
  auto& st = *files_.at(path);
  if (st.data.size() > size) st.data.resize(size);
  if (st.durable.size() > size) st.durable.resize(size);
}

std::vector<std::byte> sim_storage::contents(const std::string& path) const { return files_.at(path)->data; }

}  // namespace ringtail::core::log
