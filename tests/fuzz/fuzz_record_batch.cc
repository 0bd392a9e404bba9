// libFuzzer target: a produce/fetch `records` blob, as the broker would see it. Splits
// it into batches (magic 2) or messages (magic 0/1), validates, decodes every record
// (decompressing with a limit), iterates headers and control records, and patches a copy.
// Any input must give an error or a result — never a crash, leak or UB.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ringtail/codec/legacy_message_set.h"
#include "ringtail/codec/record_batch.h"

namespace {

using namespace ringtail::codec;

constexpr size_t decompress_limit_bytes = 4 * 1024 * 1024;
constexpr int max_entries = 64;

void read_records(const record_batch_view& batch, byte_buffer& scratch) {
  auto reader = batch.records(scratch, decompress_limit_bytes);
  if (!reader) return;
  for (int i = 0; i < 100000; ++i) {
    auto r = reader->next();
    if (!r || !r->has_value()) return;
    const record_view& rec = **r;
    (void)batch.offset_of(rec);
    (void)batch.timestamp_of(rec);
    auto headers = rec.headers();
    record_header_view h;
    while (headers.next(h)) {
    }
    if (batch.is_control()) {
      (void)parse_control_record_key(rec.key);
      (void)parse_end_txn_marker(rec.value);
    }
  }
}

void fuzz_v2(std::span<const std::byte> blob, byte_buffer& scratch) {
  record_batch_reader reader(blob);
  for (int i = 0; i < max_entries; ++i) {
    auto next = reader.next();
    if (!next || !next->has_value()) break;
    const record_batch_view& batch = **next;
    batch_validation rules;
    rules.verify_crc = false;  // let mutated bytes reach the record decoder
    (void)batch.validate(rules);
    rules.from_client = false;
    rules.require_dense_offsets = false;
    if (batch.validate(rules)) read_records(batch, scratch);
    // Patching a copy must keep the frame parseable and the CRC right.
    std::vector<std::byte> copy(batch.bytes().begin(), batch.bytes().end());
    auto m = mutable_record_batch_view::parse(copy);
    if (m) {
      m->set_base_offset(42);
      m->set_partition_leader_epoch(7);
      m->set_log_append_time(1700000000000);
      if (m->view().compute_crc() != m->view().crc()) __builtin_trap();
    }
  }
}

void fuzz_legacy(std::span<const std::byte> blob, byte_buffer& scratch) {
  legacy_message_set_reader reader(blob, false);
  for (int i = 0; i < max_entries; ++i) {
    auto next = reader.next();
    if (!next || !next->has_value()) break;
    if ((*next)->is_compressed()) {
      auto inner = legacy_inner_reader::open(**next, scratch, decompress_limit_bytes);
      if (inner)
        while (inner->next()) {
        }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static byte_buffer scratch;
  const std::span<const std::byte> blob(reinterpret_cast<const std::byte*>(data), size);
  const auto magic = peek_magic(blob);
  if (!magic || *magic == 2) {
    fuzz_v2(blob, scratch);
  } else {
    fuzz_legacy(blob, scratch);
  }
  return 0;
}
