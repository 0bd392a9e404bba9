#include "ringtail/core/log/segment.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

#include "ringtail/base/logging.h"
#include "ringtail/core/log/batch_scanner.h"

namespace ringtail::core::log {

std::string segment_file_stem(int64_t base_offset) {
  char name[32];
  std::snprintf(name, sizeof name, "%020lld", static_cast<long long>(base_offset));
  return name;
}

std::optional<int64_t> parse_segment_file_name(const std::string& name, const std::string& suffix) {
  constexpr size_t digits = 20;
  if (name.size() != digits + suffix.size() || name.compare(digits, suffix.size(), suffix) != 0) return std::nullopt;
  int64_t v = 0;
  for (size_t i = 0; i < digits; ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    if (v > (INT64_MAX - 9) / 10) return std::nullopt;
    v = v * 10 + (name[i] - '0');
  }
  return v;
}

errc to_log_errc(const io::error& e) {
  return e.code == io::errc::no_space ? errc::no_space : errc::storage_error;
}

segment::segment(storage& fs, std::string dir, int64_t base_offset, const log_config& cfg, int64_t now_ms)
    : fs_(fs),
      dir_(std::move(dir)),
      base_offset_(base_offset),
      cfg_(cfg),
      index_(base_offset, cfg.max_index_entries()),
      time_index_(base_offset, cfg.index_size_max_bytes / time_index_entry_bytes),
      next_offset_(base_offset),
      created_ms_(now_ms),
      last_modified_ms_(now_ms) {}

std::string segment::log_path() const { return dir_ + "/" + segment_file_stem(base_offset_) + ".log"; }
std::string segment::index_path() const { return dir_ + "/" + segment_file_stem(base_offset_) + ".index"; }
std::string segment::time_index_path() const { return dir_ + "/" + segment_file_stem(base_offset_) + ".timeindex"; }

io::task<result<void>> segment::open_files(bool create) {
  const std::string lp = log_path();
  auto l = co_await fs_.open(lp, create);
  if (!l) co_return unexpected{to_log_errc(l.error())};
  log_ = std::move(*l);
  log_->expect_appends(static_cast<uint64_t>(cfg_.segment_bytes));
  const std::string ip = index_path();
  auto i = co_await fs_.open(ip, true);
  if (!i) co_return unexpected{to_log_errc(i.error())};
  index_file_ = std::move(*i);
  const std::string tp = time_index_path();
  auto t = co_await fs_.open(tp, true);
  if (!t) co_return unexpected{to_log_errc(t.error())};
  time_index_file_ = std::move(*t);
  co_return result<void>{};
}

io::task<result<std::shared_ptr<segment>>> segment::create(storage& fs, std::string dir, int64_t base_offset,
                                                           log_config cfg, int64_t now_ms) {
  std::shared_ptr<segment> s(new segment(fs, std::move(dir), base_offset, cfg, now_ms));
  auto r = co_await s->open_files(true);
  if (!r) co_return unexpected{r.error()};
  // A file left over by an earlier life of the log (e.g. after truncation) must not leak
  // old bytes into the new segment. Only non-empty files are cut: on ext4 a truncate to
  // size 0 marks the file for "auto_da_alloc", so closing it later starts writeback of
  // all its dirty pages inside close() — on the shard thread, for up to a segment's
  // worth of pages (seen in profiles of the benchmarks).
  const std::array<storage_file*, 3> files{s->log_.get(), s->index_file_.get(), s->time_index_file_.get()};
  for (storage_file* f : files) {
    auto size = co_await f->size();
    if (!size) co_return unexpected{to_log_errc(size.error())};
    if (*size == 0) continue;
    auto t = co_await f->truncate(0);
    if (!t) co_return unexpected{to_log_errc(t.error())};
  }
  co_return s;
}

io::task<result<std::shared_ptr<segment>>> segment::open(storage& fs, std::string dir, int64_t base_offset,
                                                         log_config cfg, int64_t now_ms) {
  std::shared_ptr<segment> s(new segment(fs, std::move(dir), base_offset, cfg, now_ms));
  auto r = co_await s->open_files(false);
  if (!r) co_return unexpected{r.error()};
  co_return s;
}

io::task<result<std::vector<std::byte>>> segment::read_whole(storage_file& f) {
  auto size = co_await f.size();
  if (!size) co_return unexpected{to_log_errc(size.error())};
  std::vector<std::byte> bytes(*size);
  auto n = co_await f.read_at(0, bytes);
  if (!n) co_return unexpected{to_log_errc(n.error())};
  bytes.resize(*n);
  co_return bytes;
}

void segment::reset_state() {
  index_.clear();
  time_index_.clear();
  index_.bytes().mark_file_empty();
  time_index_.bytes().mark_file_empty();
  size_bytes_ = 0;
  next_offset_ = base_offset_;
  max_timestamp_ = codec::no_timestamp;
  offset_of_max_timestamp_ = -1;
  first_batch_timestamp_ = codec::no_timestamp;
  bytes_since_index_entry_ = 0;
  read_positions_.fill(known_position{});
  ++positions_epoch_;
}

void segment::on_batch_appended(const codec::record_batch_view& batch, uint64_t position, int64_t now_ms) {
  RT_ASSERT(position == size_bytes_, "segment appends are contiguous");
  RT_ASSERT(batch.base_offset() >= next_offset_, "offsets increase within a segment");
  const int64_t ts = batch.max_timestamp();
  if (size_bytes_ == 0) first_batch_timestamp_ = ts;
  if (ts > max_timestamp_) {
    max_timestamp_ = ts;
    offset_of_max_timestamp_ = batch.base_offset();
  }
  // Kafka's LogSegment.append: an entry once more than index.interval.bytes went by.
  if (bytes_since_index_entry_ > static_cast<uint64_t>(cfg_.index_interval_bytes)) {
    index_.append(batch.base_offset(), static_cast<uint32_t>(position));
    if (max_timestamp_ >= 0) time_index_.maybe_append(max_timestamp_, offset_of_max_timestamp_);
    bytes_since_index_entry_ = 0;
  }
  bytes_since_index_entry_ += batch.size_bytes();
  size_bytes_ += batch.size_bytes();
  next_offset_ = batch.next_offset();
  last_modified_ms_ = now_ms;
}

io::task<result<bool>> segment::load_indexes() {
  auto log_size = co_await log_->size();
  if (!log_size) co_return unexpected{to_log_errc(log_size.error())};
  auto ib = co_await read_whole(*index_file_);
  if (!ib) co_return unexpected{ib.error()};
  auto tb = co_await read_whole(*time_index_file_);
  if (!tb) co_return unexpected{tb.error()};
  reset_state();
  if (!index_.load(*ib, *log_size)) co_return false;
  // Spot-check a few entries (first, last, quartiles) against the log: each must point
  // at the start of a batch holding its offset. Checking all would read the whole
  // segment and defeat a fast clean start; a bad entry elsewhere is caught by find(),
  // which falls back to a scan from the start of the segment.
  if (const size_t n = index_.entries(); n > 0) {
    const size_t probes[] = {0, n / 4, n / 2, 3 * n / 4, n - 1};
    for (size_t i : probes) {
      const auto e = index_.at(i);
      std::byte header[codec::record_batch_header_bytes];
      auto got = co_await log_->read_at(e.position, header);
      if (!got) co_return unexpected{to_log_errc(got.error())};
      if (*got != sizeof header) co_return false;
      const int64_t base = codec::detail::load_be<int64_t>(header + codec::batch_layout::base_offset);
      const int32_t delta = codec::detail::load_be<int32_t>(header + codec::batch_layout::last_offset_delta);
      if (codec::detail::load_be<int8_t>(header + codec::batch_layout::magic) != codec::record_batch_magic ||
          e.offset < base || e.offset > base + delta)
        co_return false;
    }
  }
  // Walk from the last indexed batch to the end of the file: finds the end offset and
  // the max timestamp of the tail, and catches an index that is short.
  uint64_t start = 0;
  int64_t min_offset = base_offset_;
  if (auto last = index_.last()) {
    start = last->position;
    min_offset = last->offset;
  }
  batch_scanner scan(*log_, start, *log_size, /*verify_crc=*/false, min_offset, 64 * 1024);
  scan.require_dense_offsets();
  bool first = true;
  while (true) {
    auto b = co_await scan.next();
    if (!b) co_return unexpected{to_log_errc(b.error())};
    if (!*b) break;
    const auto& batch = (*b)->batch;
    if (first && index_.last() && batch.base_offset() != index_.last()->offset) co_return false;  // inconsistent
    first = false;
    const int64_t ts = batch.max_timestamp();
    if (ts > max_timestamp_) {
      max_timestamp_ = ts;
      offset_of_max_timestamp_ = batch.base_offset();
    }
    if (bytes_since_index_entry_ > static_cast<uint64_t>(cfg_.index_interval_bytes)) co_return false;  // short index
    bytes_since_index_entry_ += batch.size_bytes();
    next_offset_ = batch.next_offset();
  }
  if (scan.invalid() || scan.position() != *log_size) co_return false;
  if (!time_index_.load(*tb, next_offset_)) co_return false;
  if (auto t = time_index_.last(); t && t->timestamp > max_timestamp_) {
    max_timestamp_ = t->timestamp;
    offset_of_max_timestamp_ = t->offset;
  }
  size_bytes_ = *log_size;
  if (size_bytes_ > 0) {
    std::byte header[codec::record_batch_header_bytes];
    auto n = co_await log_->read_at(0, header);
    if (!n) co_return unexpected{to_log_errc(n.error())};
    if (*n != sizeof header) co_return false;
    first_batch_timestamp_ = codec::detail::load_be<int64_t>(header + codec::batch_layout::max_timestamp);
  }
  co_return true;
}

namespace {

// Whether [from, to) of `f` holds only zero bytes.
io::task<result<bool>> all_zero(storage_file& f, uint64_t from, uint64_t to) {
  std::vector<std::byte> buf(std::min<uint64_t>(to - from, 1 << 20));
  while (from < to) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(to - from, buf.size()));
    auto got = co_await f.read_at(from, std::span(buf.data(), n));
    if (!got) co_return unexpected{to_log_errc(got.error())};
    if (*got != n) co_return false;
    if (std::any_of(buf.begin(), buf.begin() + static_cast<ptrdiff_t>(n), [](std::byte b) { return b != std::byte{0}; }))
      co_return false;
    from += n;
  }
  co_return true;
}

}  // namespace

void segment::skip_damaged(uint64_t bytes) {
  size_bytes_ += bytes;
  bytes_since_index_entry_ = UINT64_MAX / 2;  // the next good batch is where lookups resume
}

namespace {

// The first position in [from, end) where a valid batch with offsets >= min_offset starts
// (magic 2, length within the file, CRC-32C matching), or nullopt. Byte by byte: only
// damaged segments are searched, once, at start.
io::task<result<std::optional<uint64_t>>> find_next_batch(storage_file& f, uint64_t from, uint64_t end,
                                                          int64_t min_offset) {
  constexpr size_t window = 1 << 20;
  std::vector<std::byte> buf;
  for (uint64_t at = from; at + codec::record_batch_header_bytes <= end;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(end - at, window + codec::record_batch_header_bytes));
    buf.resize(n);
    auto got = co_await f.read_at(at, std::span(buf.data(), n));
    if (!got) co_return unexpected{to_log_errc(got.error())};
    buf.resize(*got);
    const size_t candidates = buf.size() >= codec::record_batch_header_bytes ? buf.size() - codec::record_batch_header_bytes + 1 : 0;
    for (size_t i = 0; i < std::min(candidates, window); ++i) {
      const std::byte* h = buf.data() + i;
      if (static_cast<int8_t>(h[codec::batch_layout::magic]) != 2) continue;
      const int32_t len = codec::detail::load_be<int32_t>(h + codec::batch_layout::batch_length);
      const int64_t base = codec::detail::load_be<int64_t>(h + codec::batch_layout::base_offset);
      const uint64_t size = static_cast<uint64_t>(len) + codec::log_overhead_bytes;
      if (len < 49 || at + i + size > end || base < min_offset) continue;
      std::vector<std::byte> whole(size);
      auto w = co_await f.read_at(at + i, std::span(whole));
      if (!w) co_return unexpected{to_log_errc(w.error())};
      if (*w != size) continue;
      auto v = codec::record_batch_view::parse(whole);
      if (v && v->last_offset_delta() >= 0 && v->compute_crc() == v->crc()) co_return std::optional<uint64_t>{at + i};
    }
    if (candidates <= window) break;
    at += window;
  }
  co_return std::optional<uint64_t>{};
}

}  // namespace

io::task<result<segment::recovery_outcome>> segment::recover(on_invalid mode) {
  auto log_size = co_await log_->size();
  if (!log_size) co_return unexpected{to_log_errc(log_size.error())};
  reset_state();
  recovery_outcome out;
  uint64_t start = 0;
  int64_t min_offset = base_offset_;
  for (;;) {
    batch_scanner scan(*log_, start, *log_size, /*verify_crc=*/true, min_offset);
    scan.require_dense_offsets();
    while (true) {
      auto b = co_await scan.next();
      if (!b) co_return unexpected{to_log_errc(b.error())};
      if (!*b) break;
      on_batch_appended((*b)->batch, (*b)->position, last_modified_ms_);
    }
    const uint64_t bad = scan.position();
    if (bad >= *log_size) break;
    auto zeros = co_await all_zero(*log_, bad, *log_size);
    if (!zeros) co_return unexpected{zeros.error()};
    if (*zeros || mode == on_invalid::truncate_invalid) {
      if (*zeros) {
        // What a crash leaves of the space prepared for appends (io/tail_map.h): expected.
        RT_LOG_INFO("log recovery: %s: cutting %llu bytes of zeros after the last batch (space prepared for appends)",
                    log_path().c_str(), static_cast<unsigned long long>(*log_size - bad));
      } else {
        RT_LOG_WARN("log recovery: %s: truncating %llu invalid bytes at position %llu", log_path().c_str(),
                    static_cast<unsigned long long>(*log_size - bad), static_cast<unsigned long long>(bad));
      }
      auto t = co_await log_->truncate(bad);
      if (!t) co_return unexpected{to_log_errc(t.error())};
      out.bytes_truncated = *log_size - bad;
      break;
    }
    auto next = co_await find_next_batch(*log_, bad + 1, *log_size, next_offset_);
    if (!next) co_return unexpected{next.error()};
    damaged_range d;
    d.position = bad;
    d.first_offset = next_offset_;
    d.end = *next ? **next : *log_size;
    // The offsets the damage held: up to the next valid batch; at the end of the file,
    // those in the damaged batch's own header if it is exactly one batch that still
    // names the expected offsets (a flipped magic or CRC byte): acknowledged offsets
    // stay taken. Otherwise unknown.
    std::array<std::byte, codec::record_batch_header_bytes> h{};
    auto got = co_await log_->read_at(*next ? d.end : bad, std::span(h));
    if (!got) co_return unexpected{to_log_errc(got.error())};
    if (*got == h.size()) {
      const int64_t base = codec::detail::load_be<int64_t>(h.data() + codec::batch_layout::base_offset);
      if (*next) {
        d.last_offset = base - 1;
      } else {
        const int32_t len = codec::detail::load_be<int32_t>(h.data() + codec::batch_layout::batch_length);
        const int32_t delta = codec::detail::load_be<int32_t>(h.data() + codec::batch_layout::last_offset_delta);
        if (base == next_offset_ && delta >= 0 && len >= codec::batch_length_min &&
            bad + static_cast<uint64_t>(len) + codec::log_overhead_bytes == d.end) {
          d.last_offset = base + delta;
        }
      }
    }
    out.damage.push_back(d);
    skip_damaged(d.end - bad);
    if (d.last_offset >= 0) next_offset_ = d.last_offset + 1;
    if (!*next) break;
    start = d.end;
    min_offset = next_offset_;
  }
  unsynced_ = true;
  co_return out;
}

io::task<result<void>> segment::write_at(uint64_t position, std::span<const std::span<const std::byte>> parts,
                                         uint64_t total_bytes) {
  RT_ASSERT(position >= size_bytes_ && position + total_bytes <= static_cast<uint64_t>(INT32_MAX),
            "segment writes go after the accounted bytes; positions are int32");
  auto r = co_await log_->write_at(position, parts);
  if (r) {
    unsynced_ = true;
    co_return result<void>{};
  }
  RT_LOG_WARN("log %s: write of %llu bytes at %llu failed: %s", log_path().c_str(),
              static_cast<unsigned long long>(total_bytes), static_cast<unsigned long long>(position),
              r.error().message().c_str());
  co_return unexpected{to_log_errc(r.error())};
}

io::task<result<void>> segment::cut_back() {
  // A short write may have left part of a batch behind (and later writes bytes after
  // it); the file must hold only accounted batches, or the next append would land after
  // garbage.
  auto t = co_await log_->truncate(size_bytes_);
  if (!t) co_return unexpected{errc::log_failed};
  co_return result<void>{};
}

io::task<result<void>> segment::write_index_file(storage_file& f, index_bytes& b) {
  if (b.file_needs_truncate()) {
    auto t = co_await f.truncate(b.unwritten_from());
    if (!t) co_return unexpected{to_log_errc(t.error())};
  }
  if (!b.unwritten().empty()) {
    const std::span<const std::byte> part = b.unwritten();
    const std::span<const std::byte> parts[1] = {part};
    auto w = co_await f.write_at(b.unwritten_from(), parts);
    if (!w) co_return unexpected{to_log_errc(w.error())};
  }
  b.mark_written();
  co_return result<void>{};
}

io::task<result<void>> segment::write_indexes() {
  auto a = co_await write_index_file(*index_file_, index_.bytes());
  if (!a) co_return a;
  co_return co_await write_index_file(*time_index_file_, time_index_.bytes());
}

io::task<result<void>> segment::sync_log() {
  // Cleared before the sync: a write that completes while it runs sets it again, since
  // the sync may not cover it.
  unsynced_ = false;
  auto r = co_await log_->sync();
  if (!r) {
    unsynced_ = true;
    co_return unexpected{errc::log_failed};  // fsyncgate: durability is now unknown
  }
  co_return result<void>{};
}

io::task<result<void>> segment::finalize() {
  // The file must end where its batches do before a later segment exists: recovery
  // takes bytes after the last valid batch of a segment that is not the last one for
  // corruption, and drops every later segment.
  auto e = co_await log_->end_appends();
  if (!e) co_return unexpected{to_log_errc(e.error())};
  if (max_timestamp_ >= 0) time_index_.maybe_append(max_timestamp_, offset_of_max_timestamp_);
  auto w = co_await write_indexes();
  if (!w) co_return w;
  if (unsynced_) {
    auto s = co_await sync_log();
    if (!s) co_return s;
  }
  const std::array<storage_file*, 2> files{index_file_.get(), time_index_file_.get()};
  for (storage_file* f : files) {
    auto s = co_await f->sync();
    if (!s) co_return unexpected{errc::log_failed};
  }
  co_return result<void>{};
}

io::task<result<void>> segment::close() {
  result<void> out;
  const std::array<std::unique_ptr<storage_file>*, 3> files{&log_, &index_file_, &time_index_file_};
  for (auto* f : files) {
    if (!*f) continue;
    auto r = co_await (*f)->close();
    if (!r && out) out = unexpected{to_log_errc(r.error())};
  }
  co_return out;
}

io::task<result<std::optional<batch_position>>> segment::find(int64_t offset) {
  uint64_t start = 0;
  int64_t min_offset = base_offset_;
  if (auto e = index_.lookup(offset)) {
    start = e->position;
    min_offset = e->offset;
  }
  const size_t window = std::max<size_t>(16 * 1024, 2 * static_cast<size_t>(cfg_.index_interval_bytes));
  uint64_t damaged_at = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    batch_scanner scan(*log_, start, size_bytes_, false, min_offset, window);
    while (true) {
      auto b = co_await scan.next();
      if (!b) co_return unexpected{to_log_errc(b.error())};
      if (!*b) break;
      const auto& batch = (*b)->batch;
      if (batch.last_offset() >= offset) {
        co_return batch_position{(*b)->position, batch.base_offset(), batch.last_offset(),
                                 static_cast<uint32_t>(batch.size_bytes())};
      }
    }
    if (!scan.invalid()) co_return std::optional<batch_position>{};
    damaged_at = scan.position();
    if (start == 0) break;
    // The index entry pointed at something that is not a batch: distrust it, scan all.
    RT_LOG_WARN("log %s: index entry for offset %lld is wrong; scanning the segment", log_path().c_str(),
                static_cast<long long>(offset));
    start = 0;
    min_offset = base_offset_;
  }
  // Damaged bytes where a batch should start (a bad magic, length or CRC): every read
  // through here fails with CORRUPT_MESSAGE, as Kafka answers; say so once per place,
  // not once per consumer retry.
  if (damaged_at != reported_damage_position_) {
    reported_damage_position_ = damaged_at;
    RT_LOG_ERROR("log %s: no valid batch at position %llu (reading offset %lld): the segment is damaged there; "
                 "fetches of these offsets fail with CORRUPT_MESSAGE",
                 log_path().c_str(), static_cast<unsigned long long>(damaged_at), static_cast<long long>(offset));
  }
  co_return unexpected{errc::corrupt};
}

io::task<result<chunk>> segment::read(uint64_t position, size_t len) {
  const size_t skew = position % page_bytes;  // same alignment as the page cache
  buffer_ref buf = buffer::make(skew + len);
  auto n = co_await log_->read_at(position, std::span(buf->data() + skew, len));
  if (!n) co_return unexpected{to_log_errc(n.error())};
  if (*n != len) co_return unexpected{errc::storage_error};
  const std::span<const std::byte> bytes(buf->data() + skew, len);
  co_return chunk{std::move(buf), bytes};
}

std::optional<uint64_t> segment::known_batch_start(int64_t offset) const {
  for (const known_position& k : read_positions_) {
    if (k.offset == offset && k.position < size_bytes_) return k.position;
  }
  return std::nullopt;
}

void segment::remember_batch_start(int64_t offset, uint64_t position, uint64_t epoch) {
  if (epoch != positions_epoch_ || position > size_bytes_) return;  // cut while the read ran
  for (known_position& k : read_positions_) {
    if (k.offset == offset) {
      k.position = position;
      return;
    }
  }
  read_positions_[read_positions_next_] = known_position{offset, position};
  read_positions_next_ = (read_positions_next_ + 1) % read_positions_.size();
}

size_t segment::read_extent(uint64_t start, size_t budget) const {
  const uint64_t end = start + budget;
  if (end >= size_bytes_) return budget;  // to the end of the segment: ends on a boundary
  // Reading past the last known boundary is worth it while the tail is short (small
  // batches: index entries every index.interval.bytes, so the tail holds whole batches
  // and at most one cut one); a long tail is (part of) one big batch that cannot fit.
  const uint64_t tail_bytes_max = std::max<uint64_t>(2 * page_bytes, 2 * static_cast<uint64_t>(cfg_.index_interval_bytes));
  const auto e = index_.lookup_position(end);
  if (e && e->position > start && end - e->position > tail_bytes_max) return static_cast<size_t>(e->position - start);
  return budget;
}

io::task<result<int64_t>> segment::truncate_to(int64_t offset) {
  auto f = co_await find(offset);
  if (!f) co_return unexpected{f.error()};
  if (!*f) co_return next_offset_;
  const uint64_t cut_at = (*f)->position;
  auto t = co_await log_->truncate(cut_at);
  if (!t) co_return unexpected{errc::log_failed};
  // Rare (replication, recovery): rebuild the bookkeeping by walking what is left.
  reset_state();
  batch_scanner scan(*log_, 0, cut_at, false, base_offset_);
  while (true) {
    auto b = co_await scan.next();
    if (!b) co_return unexpected{to_log_errc(b.error())};
    if (!*b) break;
    on_batch_appended((*b)->batch, (*b)->position, last_modified_ms_);
  }
  if (scan.invalid()) co_return unexpected{errc::corrupt};
  auto s = co_await sync_log();  // a truncation that is not durable would resurrect records
  if (!s) co_return unexpected{s.error()};
  auto w = co_await write_indexes();
  if (!w) co_return unexpected{w.error()};
  co_return next_offset_;
}

io::task<result<void>> segment::delete_files() {
  // The files are not closed here: a read in flight may still hold this segment; the
  // descriptors close when the last reference goes (Kafka: file.delete.delay.ms).
  const std::array<std::string, 3> paths{log_path(), index_path(), time_index_path()};
  for (const std::string& p : paths) {
    const std::string deleted = p + ".deleted";
    auto r = co_await fs_.rename(p, deleted);
    if (!r && r.error() != io::errc::not_found) co_return unexpected{to_log_errc(r.error())};
  }
  for (const std::string& p : paths) {
    const std::string deleted = p + ".deleted";
    auto r = co_await fs_.unlink(deleted);
    if (!r && r.error() != io::errc::not_found) co_return unexpected{to_log_errc(r.error())};
  }
  co_return result<void>{};
}

}  // namespace ringtail::core::log
