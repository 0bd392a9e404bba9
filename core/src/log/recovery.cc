// partition_log: opening (with crash recovery), checkpoints, clean close and removal.
//
// Recovery (Kafka's LogLoader, simplified): without the clean-shutdown marker every
// segment that may hold offsets at or above the checkpointed recovery point is
// re-validated batch by batch (length, magic, offsets, CRC-32C). In the active (last)
// segment the first invalid byte ends the log: a torn tail, truncated there. A closed
// segment was flushed when it rolled (and after a clean shutdown the active one was
// too), so invalid bytes there are damage: they stay,
// reported with their positions and offsets, the scan resumes at the next valid batch
// and every later segment is kept (segment::recover, keep_damage). Indexes of re-validated
// segments are rebuilt; others are loaded and checked, and re-validated the same way
// when missing, short or inconsistent (even after a clean shutdown). With the marker
// nothing else is re-validated: the indexes are loaded and only the bytes after each
// segment's last index entry are read.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "ringtail/base/logging.h"
#include "ringtail/core/log/partition_log.h"

namespace ringtail::core::log {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct checkpoint {
  int64_t recovery_point = 0;
  int64_t log_start_offset = 0;
};

std::optional<checkpoint> parse_checkpoint(const std::vector<std::byte>& bytes) {
  std::string text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  long long version = 0, rp = 0, lso = 0;
  char nl = 0;
  if (std::sscanf(text.c_str(), "%lld %lld %lld%c", &version, &rp, &lso, &nl) != 4 || version != 1 || nl != '\n' ||
      rp < 0 || lso < 0)
    return std::nullopt;
  return checkpoint{rp, lso};
}

}  // namespace

io::task<result<std::unique_ptr<partition_log>>> partition_log::open(std::string dir, log_config cfg, storage& fs,
                                                                     clock& clk, recent_append_cache* cache) {
  if (cfg.segment_bytes < segment_bytes_min || cfg.index_interval_bytes < 0 || cfg.index_size_max_bytes < 8) {
    co_return unexpected{errc::invalid_config};
  }
  std::unique_ptr<partition_log> log(new partition_log(std::move(dir), cfg, fs, clk, cache));
  auto r = co_await log->load();
  if (!r) {
    for (auto& [base, s] : log->segments_) (void)co_await s->close();
    co_return unexpected{r.error()};
  }
  if (cfg.flush_ms != never_ms) {
    log->timer_running_ = true;
    io::spawn(log->flush_timer_loop());
  }
  co_return log;
}

io::task<result<void>> partition_log::load() {
  auto mk = co_await fs_.make_directory(dir_);
  if (!mk) co_return unexpected{to_log_errc(mk.error())};
  auto names = fs_.list_directory(dir_);
  if (!names) co_return unexpected{to_log_errc(names.error())};

  std::vector<int64_t> bases;
  for (const std::string& name : *names) {
    if (auto b = parse_segment_file_name(name, ".log")) bases.push_back(*b);
  }
  std::sort(bases.begin(), bases.end());
  for (const std::string& name : *names) {
    const std::string path = dir_ + "/" + name;
    bool stale = ends_with(name, ".deleted") || ends_with(name, ".tmp");
    for (const char* suffix : {".index", ".timeindex"}) {
      if (auto b = parse_segment_file_name(name, suffix)) {
        stale = !std::binary_search(bases.begin(), bases.end(), *b);  // an index without its log
      }
    }
    if (stale) {
      auto u = co_await fs_.unlink(path);
      if (!u && u.error() != io::errc::not_found) co_return unexpected{to_log_errc(u.error())};
    }
  }

  checkpoint cp;
  bool have_checkpoint = false;
  {
    const std::string path = dir_ + "/" + checkpoint_file_name;
    auto f = co_await fs_.open(path, false);
    if (f) {
      std::vector<std::byte> bytes(128);
      auto n = co_await (*f)->read_at(0, bytes);
      (void)co_await (*f)->close();
      if (n) {
        bytes.resize(*n);
        if (auto c = parse_checkpoint(bytes)) {
          cp = *c;
          have_checkpoint = true;
        }
      }
      if (!have_checkpoint) RT_LOG_WARN("log %s: unreadable %s; recovering every segment", dir_.c_str(), path.c_str());
    }
  }
  const std::string marker = dir_ + "/" + clean_shutdown_file_name;
  auto clean_r = co_await fs_.exists(marker);
  if (!clean_r) co_return unexpected{to_log_errc(clean_r.error())};
  const bool clean = *clean_r && have_checkpoint;
  open_stats_.clean = clean;

  const int64_t now = clock_.now_ms();
  bool dropping = false;  // after a corrupt segment every later one goes (Kafka)
  for (size_t i = 0; i < bases.size(); ++i) {
    auto s = co_await segment::open(fs_, dir_, bases[i], cfg_, now);
    if (!s) co_return unexpected{s.error()};
    std::shared_ptr<segment> seg = *s;
    if (dropping || (!segments_.empty() && seg->base_offset() < std::prev(segments_.end())->second->next_offset())) {
      RT_LOG_WARN("log %s: deleting segment %lld after the end of the valid log", dir_.c_str(),
                  static_cast<long long>(seg->base_offset()));
      ++open_stats_.segments_dropped;
      auto d = co_await seg->delete_files();
      if (!d) co_return unexpected{d.error()};
      continue;
    }
    const bool last = i + 1 == bases.size();
    bool recover = !clean && (!have_checkpoint || last || bases[i + 1] > cp.recovery_point);
    if (!recover) {
      auto ok = co_await seg->load_indexes();
      if (!ok) co_return unexpected{ok.error()};
      if (!*ok) {
        RT_LOG_WARN("log %s: index of segment %lld missing, short or inconsistent; rebuilding", dir_.c_str(),
                    static_cast<long long>(seg->base_offset()));
        recover = true;
      }
    }
    if (recover) {
      // A closed segment was flushed when it rolled, and after a clean shutdown the
      // active one was too: invalid bytes there are damage, not a torn tail. They cost
      // only themselves; the batches and segments after them stay.
      const auto mode = !last || clean ? segment::on_invalid::keep_damage : segment::on_invalid::truncate_invalid;
      ++open_stats_.segments_recovered;
      auto r = co_await seg->recover(mode);
      if (!r) co_return unexpected{r.error()};
      open_stats_.bytes_truncated += r->bytes_truncated;
      for (const auto& d : r->damage) {
        ++open_stats_.damaged_ranges;
        RT_LOG_ERROR("log recovery: %s: damaged bytes at positions %llu-%llu (offsets %lld-%s): kept as they are; "
                     "fetches of those offsets fail with CORRUPT_MESSAGE, the batches around them are served",
                     seg->log_path().c_str(), static_cast<unsigned long long>(d.position),
                     static_cast<unsigned long long>(d.end), static_cast<long long>(d.first_offset),
                     d.last_offset >= 0 ? std::to_string(d.last_offset).c_str() : "the segment's end");
      }
      if (mode == segment::on_invalid::truncate_invalid && r->bytes_truncated > 0) dropping = true;
      auto w = co_await seg->write_indexes();
      if (!w) co_return unexpected{w.error()};
      auto sy = co_await seg->sync_log();  // what recovery kept is durable from here on
      if (!sy) co_return unexpected{sy.error()};
    }
    segments_[seg->base_offset()] = seg;
  }
  // Empty segments other than the last carry no offsets; keep them (Kafka does too).

  if (segments_.empty()) {
    const int64_t base = have_checkpoint ? cp.log_start_offset : 0;
    auto s = co_await segment::create(fs_, dir_, base, cfg_, now);
    if (!s) co_return unexpected{s.error()};
    segments_[base] = *s;
  }
  active_ = std::prev(segments_.end())->second;
  log_end_offset_ = next_offset_ = active_->next_offset();
  log_start_offset_ = std::max(have_checkpoint ? cp.log_start_offset : 0, segments_.begin()->first);
  log_start_offset_ = std::min(log_start_offset_, log_end_offset_);
  high_watermark_ = log_end_offset_;
  flushed_offset_ = log_end_offset_;  // clean: flushed at close; unclean: synced above
  recovery_point_ = active_->base_offset();
  open_stats_.segments = segments_.size();

  if (*clean_r) {
    // The marker must go before anything is appended, or a crash later would be taken
    // for a clean shutdown.
    auto u = co_await fs_.unlink(marker);
    if (!u && u.error() != io::errc::not_found) co_return unexpected{to_log_errc(u.error())};
    auto sd = co_await fs_.sync_directory(dir_);
    if (!sd) co_return unexpected{to_log_errc(sd.error())};
  }
  co_return co_await write_checkpoint();
}

io::task<result<void>> partition_log::write_checkpoint() {
  if (recovery_point_ == checkpointed_recovery_point_ && log_start_offset_ == checkpointed_log_start_offset_) {
    co_return result<void>{};
  }
  char text[80];
  const int n = std::snprintf(text, sizeof text, "1 %lld %lld\n", static_cast<long long>(recovery_point_),
                              static_cast<long long>(log_start_offset_));
  const std::string path = dir_ + "/" + checkpoint_file_name;
  const std::string tmp = path + ".tmp";
  auto f = co_await fs_.open(tmp, true);
  if (!f) co_return unexpected{to_log_errc(f.error())};
  std::unique_ptr<storage_file> file = std::move(*f);
  auto t = co_await file->truncate(0);
  if (!t) co_return unexpected{to_log_errc(t.error())};
  const std::span<const std::byte> part(reinterpret_cast<const std::byte*>(text), static_cast<size_t>(n));
  const std::span<const std::byte> parts[1] = {part};
  auto w = co_await file->write_at(0, parts);
  if (!w) co_return unexpected{to_log_errc(w.error())};
  auto s = co_await file->sync();
  if (!s) co_return unexpected{errc::log_failed};
  (void)co_await file->close();
  auto r = co_await fs_.rename(tmp, path);
  if (!r) co_return unexpected{to_log_errc(r.error())};
  auto sd = co_await fs_.sync_directory(dir_);
  if (!sd) co_return unexpected{to_log_errc(sd.error())};
  checkpointed_recovery_point_ = recovery_point_;
  checkpointed_log_start_offset_ = log_start_offset_;
  co_return result<void>{};
}

io::task<result<void>> partition_log::close() {
  if (closed_) co_return result<void>{};
  co_await wait_appends_idle();
  appends_held_ = true;
  closed_ = true;  // appends queued from here on fail with errc::closed
  timer_cancel_.cancel();
  while (timer_running_) (void)co_await timer_done_.wait();
  result<void> out;
  if (failed_) out = unexpected{errc::log_failed};
  if (out) {
    auto f = co_await active_->finalize();  // last time index entry, indexes, fdatasync
    if (!f) out = f;
  }
  if (out) {
    flushed_offset_ = log_end_offset_;
    recovery_point_ = log_end_offset_;
    out = co_await write_checkpoint();
  }
  if (out) {
    // Everything is durable: the marker lets the next open skip recovery.
    const std::string marker = dir_ + "/" + clean_shutdown_file_name;
    auto m = co_await fs_.open(marker, true);
    if (!m) {
      out = unexpected{to_log_errc(m.error())};
    } else {
      auto s = co_await (*m)->sync();
      (void)co_await (*m)->close();
      auto sd = co_await fs_.sync_directory(dir_);
      if (!s || !sd) out = unexpected{errc::storage_error};
    }
  }
  for (auto& [base, s] : segments_) (void)co_await s->close();
  cache_.clear();
  resume_appends();
  co_return out;
}

io::task<result<void>> partition_log::remove() {
  if (!closed_) {
    co_await wait_appends_idle();
    appends_held_ = true;
    closed_ = true;
    timer_cancel_.cancel();
    while (timer_running_) (void)co_await timer_done_.wait();
    for (auto& [base, s] : segments_) (void)co_await s->close();
    cache_.clear();
    resume_appends();
  }
  segments_.clear();
  active_.reset();
  auto names = fs_.list_directory(dir_);
  if (!names) {
    if (names.error() == io::errc::not_found) co_return result<void>{};
    co_return unexpected{to_log_errc(names.error())};
  }
  for (const std::string& name : *names) {
    const std::string path = dir_ + "/" + name;
    auto u = co_await fs_.unlink(path);
    if (!u && u.error() != io::errc::not_found) co_return unexpected{to_log_errc(u.error())};
  }
  auto r = co_await fs_.remove_directory(dir_);
  if (!r && r.error() != io::errc::not_found) co_return unexpected{to_log_errc(r.error())};
  co_return result<void>{};
}

}  // namespace ringtail::core::log
