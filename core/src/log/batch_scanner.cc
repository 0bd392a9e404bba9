#include "ringtail/core/log/batch_scanner.h"

#include <algorithm>

namespace ringtail::core::log {

using codec::detail::load_be;

io::task<io::result<bool>> batch_scanner::ensure(uint64_t from, size_t len) {
  if (buf_ && from >= buf_file_pos_ && from + len <= buf_file_pos_ + buf_len_) co_return true;
  // Read from the page boundary below `from` so the kernel copies page-aligned (MACHINE.md).
  const uint64_t aligned = from / page_bytes * page_bytes;
  const size_t want = std::max<size_t>(window_, len + (from - aligned));
  const size_t n_wanted = static_cast<size_t>(std::min<uint64_t>(want, end_ - aligned));
  if (!buf_ || buf_->size() < n_wanted || buf_.use_count() > 1) buf_ = buffer::make(std::max(n_wanted, window_));
  auto r = co_await file_.read_at(aligned, std::span(buf_->data(), n_wanted));
  if (!r) co_return io::unexpected{r.error()};
  buf_file_pos_ = aligned;
  buf_skip_ = 0;
  buf_len_ = *r;
  co_return from + len <= buf_file_pos_ + buf_len_;
}

io::task<io::result<std::optional<scanned_batch>>> batch_scanner::next() {
  if (invalid_ || pos_ >= end_) co_return std::optional<scanned_batch>{};
  if (end_ - pos_ < codec::record_batch_header_bytes) {
    invalid_ = true;
    co_return std::optional<scanned_batch>{};
  }
  auto h = co_await ensure(pos_, codec::record_batch_header_bytes);
  if (!h) co_return io::unexpected{h.error()};
  if (!*h) {
    invalid_ = true;  // the file is shorter than `end` said
    co_return std::optional<scanned_batch>{};
  }
  const std::byte* p = buf_->data() + (pos_ - buf_file_pos_);
  const int32_t length = load_be<int32_t>(p + codec::batch_layout::batch_length);
  if (length < codec::batch_length_min ||
      static_cast<uint64_t>(length) + codec::log_overhead_bytes > end_ - pos_ ||
      load_be<int8_t>(p + codec::batch_layout::magic) != codec::record_batch_magic) {
    invalid_ = true;
    co_return std::optional<scanned_batch>{};
  }
  const size_t total = static_cast<size_t>(length) + codec::log_overhead_bytes;
  auto w = co_await ensure(pos_, total);
  if (!w) co_return io::unexpected{w.error()};
  if (!*w) {
    invalid_ = true;
    co_return std::optional<scanned_batch>{};
  }
  p = buf_->data() + (pos_ - buf_file_pos_);
  auto view = codec::record_batch_view::parse(std::span(p, total));
  if (!view || view->last_offset_delta() < 0 || view->base_offset() < min_offset_ ||
      (dense_ && view->base_offset() != min_offset_) ||
      (verify_crc_ && view->compute_crc() != view->crc())) {
    invalid_ = true;
    co_return std::optional<scanned_batch>{};
  }
  scanned_batch out{pos_, *view};
  pos_ += total;
  min_offset_ = view->next_offset();
  co_return out;
}

}  // namespace ringtail::core::log
