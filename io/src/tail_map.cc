#include "ringtail/io/tail_map.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "ringtail/io/event.h"
#include "ringtail/io/op.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14; Debian 12's headers predate it
#endif

namespace ringtail::io {

namespace {

constexpr uint64_t page = 4096;

uint64_t round_up(uint64_t n, uint64_t to) { return (n + to - 1) / to * to; }

// The source of the zeros that extend a file: read-only anonymous memory, which the
// kernel backs with its shared zero page (no memory of ours is spent on it).
const std::byte* zeros() {
  static const void* z = [] {
    void* p = ::mmap(nullptr, tail_map::prepare_max, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    RT_ASSERT(p != MAP_FAILED, "tail_map: cannot map the zero source");
    return p;
  }();
  return static_cast<const std::byte*>(z);
}

}  // namespace

struct tail_map::state {
  int fd = -1;  // dup of the owner's descriptor: outlives it while a preparation runs
  std::byte* base = nullptr;
  uint64_t capacity = 0;
  uint64_t ready = 0;  // [0, ready) is inside the file; what lies past the writes is prepared
  uint64_t written = 0;  // end of the last write
  uint64_t step = step_min;
  bool busy = false;  // a preparation is in flight
  bool populate = true;  // false once the kernel refused MADV_POPULATE_WRITE
  event idle;
  stats st;

  ~state() {
    if (base != nullptr) ::munmap(base, capacity);
    if (fd >= 0) ::close(fd);
  }
};

result<tail_map> tail_map::create(int fd, uint64_t size, uint64_t capacity) {
  auto s = std::make_shared<state>();
  s->capacity = round_up(std::max<uint64_t>(capacity, page), page);
  s->fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (s->fd < 0) return unexpected{error::from_errno(errno)};
  void* p = ::mmap(nullptr, s->capacity, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
  if (p == MAP_FAILED) return unexpected{error::from_errno(errno)};
  s->base = static_cast<std::byte*>(p);
  s->ready = s->written = size;
  return tail_map(std::move(s));
}

tail_map::~tail_map() = default;

task<result<void>> tail_map::prepare(state& s, uint64_t from, uint64_t len) {
  // The caller set `busy` (before spawning, for a background one: nothing else may
  // start a preparation, truncate or trim before this one ran).
  RT_ASSERT(s.busy && from == s.ready && len > 0 && len <= prepare_max && from + len <= s.capacity,
            "tail_map: one preparation at a time, from the end of the window");
  reactor& r = local();
  const bool populate = s.populate;
  linked_chain chain(populate ? 2 : 1);
  if (io_uring_sq_space_left(r.ring()) < 2) r.flush_submissions();
  io_uring_sqe* w = r.get_sqe();
  io_uring_prep_write(w, s.fd, zeros(), static_cast<unsigned>(len), from);
  io_uring_sqe_set_data(w, static_cast<completion*>(&chain.links()[0]));
  if (populate) {
    w->flags |= IOSQE_IO_LINK;
    io_uring_sqe* m = r.get_sqe();
    const uint64_t first_page = from / page * page;  // madvise wants a page-aligned start
    io_uring_prep_madvise(m, s.base + first_page, static_cast<off_t>(from + len - first_page), MADV_POPULATE_WRITE);
    io_uring_sqe_set_data(m, static_cast<completion*>(&chain.links()[1]));
  }
  co_await chain;
  const int32_t wrote = chain.links()[0].res;
  // A short write extends the file less far; the rest is asked for again.
  if (wrote > 0) s.ready = std::max(s.ready, from + static_cast<uint64_t>(wrote));
  ++s.st.preparations;
  if (populate && wrote > 0 && static_cast<uint64_t>(wrote) == len && chain.links()[1].res < 0) {
    ++s.st.populate_failures;
    if (chain.links()[1].res == -EINVAL) s.populate = false;  // kernel without it: stores fault instead
  }
  s.busy = false;
  s.idle.notify_all();
  if (wrote < 0) co_return unexpected{error::from_errno(-wrote)};
  if (wrote == 0) co_return unexpected{error::of(errc::io_error)};  // no progress: never spin
  co_return result<void>{};
}

task<void> tail_map::prepare_in_background(std::shared_ptr<state> s, uint64_t from, uint64_t len) {
  // A failure is not reported here: the write that needs the range prepares it itself
  // and gets the error then.
  (void)co_await prepare(*s, from, len);
}

task<result<bool>> tail_map::write(uint64_t offset, std::span<const std::span<const std::byte>> parts) {
  state& s = *s_;
  uint64_t total = 0;
  for (const auto& p : parts) total += p.size();
  const uint64_t end = offset + total;
  // Past the window, a big write goes to io_uring: preparing pages (zeros, then a
  // fault per page) costs more per byte than a write(2) does, and above
  // direct_write_min that outweighs the io_uring round trip the map saves.
  if (end > s.ready && (total >= direct_write_min || end - s.ready > prepare_max || end > s.capacity)) {
    co_await quiesce();
    co_return false;
  }
  bool waited = false;
  while (end > s.ready) {
    if (s.busy) {
      (void)co_await s.idle.wait();
      continue;
    }
    if (!waited) {
      waited = true;
      ++s.st.waits;
      s.step = std::min(s.step * 2, step_max);  // the appender caught up: look further ahead
    }
    const uint64_t len = std::min({round_up(end - s.ready, page) + s.step, prepare_max, s.capacity - s.ready});
    s.busy = true;
    auto r = co_await prepare(s, s.ready, len);
    if (!r) co_return unexpected{r.error()};
  }
  std::byte* to = s.base + offset;
  for (const auto& p : parts) {
    std::memcpy(to, p.data(), p.size());
    to += p.size();
  }
  s.written = std::max(s.written, end);
  // Top up after small writes only: big ones are cheaper through io_uring once the
  // window they used up is gone.
  if (total < direct_write_min && !s.busy && s.ready - end < s.step && s.ready < s.capacity) {
    s.busy = true;
    spawn(prepare_in_background(s_, s.ready, std::min(s.step, s.capacity - s.ready)));
  }
  co_return true;
}

void tail_map::wrote_through(uint64_t end) {
  RT_ASSERT(!s_->busy, "tail_map: a write around the map while a preparation runs");
  s_->written = std::max(s_->written, end);
  s_->ready = std::max(s_->ready, end);
}

task<void> tail_map::quiesce() {
  while (s_->busy) (void)co_await s_->idle.wait();
}

void tail_map::truncated(uint64_t size) {
  RT_ASSERT(!s_->busy, "tail_map: truncated while a preparation runs");
  s_->ready = s_->written = size;
}

uint64_t tail_map::written_end() const { return s_->written; }

uint64_t tail_map::file_end() const { return std::max(s_->ready, s_->written); }

tail_map::stats tail_map::statistics() const { return s_->st; }

}  // namespace ringtail::io
