#include "ringtail/codec/legacy_message_set.h"

#include <algorithm>
#include <limits>

#include "records_internal.h"
#include "ringtail/base/assert.h"
#include "ringtail/codec/crc32c.h"

namespace ringtail::codec {

using records_internal::cursor;
using records_internal::load_be;
using records_internal::store_be;

namespace {

// Codecs a legacy message may name: zstd (4) came with magic 2 only.
constexpr uint8_t legacy_compression_max = static_cast<uint8_t>(compression_type::lz4);

size_t nullable_size(const std::optional<std::span<const std::byte>>& b) { return 4 + (b ? b->size() : 0); }

// Appends one message; returns its position in `out`.
size_t write_message(byte_buffer& out, int64_t offset, int8_t magic, uint8_t attributes, int64_t timestamp_ms,
                     std::optional<std::span<const std::byte>> key, std::optional<std::span<const std::byte>> value) {
  const size_t fixed = magic == 0 ? legacy_message_overhead_v0_bytes : legacy_message_overhead_v1_bytes;
  const size_t total = fixed - 8 + nullable_size(key) + nullable_size(value);  // the two lengths are in `fixed`
  RT_ASSERT(total - 12 <= static_cast<size_t>(std::numeric_limits<int32_t>::max()), "message too large");
  const size_t at = out.size();
  out.resize(at + total);
  std::byte* p = out.data() + at;
  store_be<int64_t>(p + legacy_layout::offset, offset);
  store_be<int32_t>(p + legacy_layout::message_size, static_cast<int32_t>(total - 12));
  p[legacy_layout::magic] = std::byte{static_cast<uint8_t>(magic)};
  p[legacy_layout::attributes] = std::byte{attributes};
  std::byte* q = p + legacy_layout::key_length_v0;
  if (magic >= 1) {
    store_be<int64_t>(p + legacy_layout::timestamp_v1, timestamp_ms);
    q = p + legacy_layout::key_length_v1;
  }
  for (const auto* b : {&key, &value}) {
    store_be<int32_t>(q, *b ? static_cast<int32_t>((*b)->size()) : -1);
    q += 4;
    if (*b && !(*b)->empty()) {
      std::memcpy(q, (*b)->data(), (*b)->size());
      q += (*b)->size();
    }
  }
  RT_ASSERT(q == p + total, "message size computed and written agree");
  store_be<uint32_t>(p + legacy_layout::crc, crc32_ieee(p + legacy_layout::magic, total - legacy_layout::magic));
  return at;
}

}  // namespace

uint32_t legacy_message_view::compute_crc() const {
  return crc32_ieee(bytes.data() + legacy_layout::magic, bytes.size() - legacy_layout::magic);
}

result<std::optional<legacy_message_view>> legacy_message_set_reader::next() {
  const size_t left = blob_.size() - position_;
  if (left == 0) return std::optional<legacy_message_view>{};
  if (left < log_overhead_bytes) {
    truncated_tail_ = true;
    return std::optional<legacy_message_view>{};
  }
  const std::byte* p = blob_.data() + position_;
  const auto size = load_be<int32_t>(p + legacy_layout::message_size);
  if (size < legacy_message_size_min) return unexpected{errc::invalid_record};
  if (left > legacy_layout::magic) {
    const auto magic = static_cast<int8_t>(p[legacy_layout::magic]);
    if (magic != 0 && magic != 1) return unexpected{errc::bad_magic};
  }
  const size_t total = log_overhead_bytes + static_cast<size_t>(size);
  if (total > left) {
    truncated_tail_ = true;
    return std::optional<legacy_message_view>{};
  }

  legacy_message_view m;
  m.bytes = {p, total};
  cursor c(p, total);
  m.offset = c.fixed<int64_t>();
  (void)c.fixed<int32_t>();
  m.crc = c.fixed<uint32_t>();
  m.magic = c.fixed<int8_t>();
  m.attributes = c.fixed<uint8_t>();
  if (m.magic >= 1) m.timestamp = c.fixed<int64_t>();
  for (auto* field : {&m.key, &m.value}) {
    const auto n = c.fixed<int32_t>();
    if (n < -1) return unexpected{errc::invalid_record};
    if (n >= 0) *field = c.bytes(static_cast<size_t>(n));
  }
  // Lengths must fill message_size exactly.
  if (!c.ok() || c.remaining() != 0) return unexpected{errc::invalid_record};
  if ((m.attributes & legacy_attr_unused_mask) != 0) return unexpected{errc::invalid_record};
  if ((m.attributes & legacy_attr_compression_mask) > legacy_compression_max)
    return unexpected{errc::unsupported_compression};
  if (verify_crc_ && m.compute_crc() != m.crc) return unexpected{errc::bad_crc};
  if (m.is_compressed() && !m.value) return unexpected{errc::invalid_record};
  position_ += total;
  return std::optional<legacy_message_view>{m};
}

result<legacy_inner_reader> legacy_inner_reader::open(const legacy_message_view& wrapper, byte_buffer& scratch,
                                                      size_t output_limit_bytes) {
  if (!wrapper.is_compressed() || !wrapper.value) return unexpected{errc::invalid_record};
  scratch.clear();
  // Pre-0.10 clients wrote a broken LZ4 header checksum; it is only trusted from magic 1 on (§6.4).
  const auto hc = wrapper.magic == 0 ? lz4_header_checksum::ignore : lz4_header_checksum::verify;
  RT_TRY(decompress(wrapper.compression(), *wrapper.value, scratch, output_limit_bytes, hc));
  const std::span<const std::byte> inner{scratch.data(), scratch.size()};

  // Validate the whole inner set first so next() cannot fail, and learn the last relative
  // offset the v1 arithmetic needs.
  legacy_message_set_reader scan(inner, true);
  size_t count = 0;
  int64_t previous = std::numeric_limits<int64_t>::min();
  for (;;) {
    auto m = scan.next();
    if (!m) return unexpected{m.error()};
    if (!m->has_value()) break;
    const legacy_message_view& inner_message = **m;
    if (inner_message.magic != wrapper.magic || inner_message.is_compressed()) return unexpected{errc::invalid_record};
    if (wrapper.magic >= 1 && inner_message.offset <= previous) return unexpected{errc::invalid_record};
    previous = inner_message.offset;
    ++count;
  }
  if (scan.truncated_tail() || count == 0) return unexpected{errc::invalid_record};
  const int64_t adjust = wrapper.magic >= 1 ? wrapper.offset - previous : 0;
  return legacy_inner_reader(inner, wrapper, adjust, count);
}

std::optional<legacy_message_view> legacy_inner_reader::next() {
  auto m = reader_.next();
  RT_ASSERT(m.has_value(), "inner messages were validated by open()");
  if (!m->has_value()) return std::nullopt;
  legacy_message_view v = **m;
  v.offset += offset_adjust_;
  if (wrapper_.magic >= 1 && wrapper_.ts_type() == timestamp_type::log_append_time) v.timestamp = wrapper_.timestamp;
  return v;
}

void legacy_message_set_builder::reset(int8_t magic, compression_type compression) {
  RT_ASSERT(magic == 0 || magic == 1, "legacy message sets are magic 0 or 1");
  RT_ASSERT(static_cast<uint8_t>(compression) <= legacy_compression_max, "zstd needs magic 2");
  out_.clear();
  inner_.clear();
  magic_ = magic;
  compression_ = compression;
  first_offset_ = 0;
  last_offset_ = 0;
  max_timestamp_ = no_timestamp;
  count_ = 0;
  finished_ = false;
}

void legacy_message_set_builder::append(int64_t offset, int64_t timestamp_ms,
                                        std::optional<std::span<const std::byte>> key,
                                        std::optional<std::span<const std::byte>> value) {
  RT_ASSERT(!finished_, "append after finish");
  RT_ASSERT(count_ == 0 || offset > last_offset_, "offsets increase");
  if (count_ == 0) first_offset_ = offset;
  last_offset_ = offset;
  max_timestamp_ = count_ == 0 ? timestamp_ms : std::max(max_timestamp_, timestamp_ms);
  ++count_;
  if (compression_ == compression_type::none) {
    write_message(out_, offset, magic_, 0, timestamp_ms, key, value);
    return;
  }
  // v1 inner messages carry offsets relative to the first; v0 ones carry absolute offsets.
  const int64_t stored = magic_ >= 1 ? offset - first_offset_ : offset;
  write_message(inner_, stored, magic_, 0, timestamp_ms, key, value);
}

result<std::span<const std::byte>> legacy_message_set_builder::finish() {
  RT_ASSERT(!finished_, "finish() twice without reset()");
  finished_ = true;
  if (compression_ == compression_type::none) return std::span<const std::byte>(out_.data(), out_.size());
  RT_ASSERT(count_ > 0, "a wrapper holds at least one message");
  byte_buffer& compressed = compressed_;
  compressed.clear();
  compress_options options;
  options.lz4_legacy_header_checksum = magic_ == 0;  // what pre-0.10 readers expect
  RT_TRY(compress(compression_, {inner_.data(), inner_.size()}, compressed, options));
  write_message(out_, last_offset_, magic_, static_cast<uint8_t>(compression_), max_timestamp_, std::nullopt,
                std::span<const std::byte>(compressed.data(), compressed.size()));
  return std::span<const std::byte>(out_.data(), out_.size());
}

}  // namespace ringtail::codec
