#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "ringtail/codec/crc32c.h"
#include "ringtail/codec/record_batch.h"

namespace ringtail::codec {
namespace {

std::span<const std::byte> as_bytes(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }
std::string as_string(std::span<const std::byte> b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
std::vector<std::byte> hex(std::string_view h) {
  std::vector<std::byte> out;
  for (size_t i = 0; i + 1 < h.size();) {
    if (h[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(static_cast<std::byte>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    i += 2;
  }
  return out;
}

// One record (key "key", value "value", timestamp 1700000000000) laid out by hand from
// RECORD_FORMAT.md §2/§4. CRC computed independently (bit-at-a-time CRC-32C in Python).
const std::vector<std::byte> golden_batch = hex(
    "0000000000000000"  // base_offset
    "00000040"          // batch_length = 76 - 12
    "ffffffff"          // partition_leader_epoch
    "02"                // magic
    "db5e9cdd"          // crc
    "0000"              // attributes
    "00000000"          // last_offset_delta
    "0000018bcfe56800"  // base_timestamp
    "0000018bcfe56800"  // max_timestamp
    "ffffffffffffffff"  // producer_id
    "ffff"              // producer_epoch
    "ffffffff"          // base_sequence
    "00000001"          // record_count
    "1c"                // record length 14 (zig-zag 28)
    "00" "00" "00"      // attributes, timestamp_delta, offset_delta
    "06" "6b6579"       // key "key"
    "0a" "76616c7565"   // value "value"
    "00");              // header count

TEST(RecordBatch, GoldenBytesParse) {
  auto v = record_batch_view::parse(golden_batch);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->base_offset(), 0);
  EXPECT_EQ(v->batch_length(), 64);
  EXPECT_EQ(v->partition_leader_epoch(), -1);
  EXPECT_EQ(v->magic(), 2);
  EXPECT_EQ(v->crc(), 0xdb5e9cddu);
  EXPECT_EQ(v->compute_crc(), v->crc());
  EXPECT_EQ(v->attributes(), 0);
  EXPECT_EQ(v->last_offset_delta(), 0);
  EXPECT_EQ(v->base_timestamp(), 1700000000000);
  EXPECT_EQ(v->max_timestamp(), 1700000000000);
  EXPECT_EQ(v->producer_id(), -1);
  EXPECT_EQ(v->producer_epoch(), -1);
  EXPECT_EQ(v->base_sequence(), -1);
  EXPECT_EQ(v->record_count(), 1);
  EXPECT_TRUE(v->validate());
  auto reader = v->records();
  auto r = reader.next();
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(as_string(*(*r)->key), "key");
  EXPECT_EQ(as_string(*(*r)->value), "value");
  EXPECT_EQ((*r)->header_count, 0);
  EXPECT_EQ(v->timestamp_of(**r), 1700000000000);
  auto end = reader.next();
  ASSERT_TRUE(end);
  EXPECT_FALSE(end->has_value());
}

TEST(RecordBatch, BuilderProducesGoldenBytes) {
  record_batch_builder b;
  b.append(1700000000000, as_bytes("key"), as_bytes("value"));
  auto out = b.finish();
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), golden_batch.size());
  EXPECT_EQ(std::memcmp(out->data(), golden_batch.data(), golden_batch.size()), 0);
}

TEST(RecordBatch, RoundTripWithHeadersNullsAndProducer) {
  record_batch_builder b;
  b.set_producer(4242, 7, 100);
  b.set_transactional(true);
  const std::string big(1000, 'x');
  std::vector<record_header> headers = {{"h1", as_bytes("v1")}, {"h-null", std::nullopt}, {"", as_bytes("")}};
  b.append(1000, std::nullopt, as_bytes("tombstone-not"), headers);
  b.append(990, as_bytes("k2"), std::nullopt);
  b.append(1500, as_bytes(""), as_bytes(big));
  auto out = b.finish();
  ASSERT_TRUE(out);
  auto v = record_batch_view::parse(*out);
  ASSERT_TRUE(v);
  ASSERT_TRUE(v->validate());
  EXPECT_EQ(v->record_count(), 3);
  EXPECT_EQ(v->last_offset_delta(), 2);
  EXPECT_EQ(v->base_timestamp(), 1000);
  EXPECT_EQ(v->max_timestamp(), 1500);
  EXPECT_EQ(v->producer_id(), 4242);
  EXPECT_EQ(v->producer_epoch(), 7);
  EXPECT_EQ(v->base_sequence(), 100);
  EXPECT_EQ(v->last_sequence(), 102);
  EXPECT_TRUE(v->is_transactional());
  EXPECT_FALSE(v->is_control());
  auto reader = v->records();
  auto r0 = reader.next();
  ASSERT_TRUE(r0 && r0->has_value());
  EXPECT_FALSE((*r0)->key.has_value());
  EXPECT_EQ(as_string(*(*r0)->value), "tombstone-not");
  auto hr = (*r0)->headers();
  record_header_view h;
  ASSERT_TRUE(hr.next(h));
  EXPECT_EQ(h.key, "h1");
  EXPECT_EQ(as_string(*h.value), "v1");
  ASSERT_TRUE(hr.next(h));
  EXPECT_EQ(h.key, "h-null");
  EXPECT_FALSE(h.value.has_value());
  ASSERT_TRUE(hr.next(h));
  EXPECT_EQ(h.key, "");
  ASSERT_TRUE(h.value.has_value());
  EXPECT_TRUE(h.value->empty());
  EXPECT_FALSE(hr.next(h));
  auto r1 = reader.next();
  ASSERT_TRUE(r1 && r1->has_value());
  EXPECT_EQ((*r1)->timestamp_delta, -10);
  EXPECT_EQ(v->timestamp_of(**r1), 990);
  EXPECT_EQ((*r1)->offset_delta, 1);
  EXPECT_FALSE((*r1)->value.has_value());
  auto r2 = reader.next();
  ASSERT_TRUE(r2 && r2->has_value());
  EXPECT_EQ(as_string(*(*r2)->value), big);
  EXPECT_TRUE((*r2)->key.has_value());
  auto r3 = reader.next();
  ASSERT_TRUE(r3);
  EXPECT_FALSE(r3->has_value());
}

TEST(RecordBatch, SequenceWraps) {
  record_batch_builder b;
  b.set_producer(1, 0, INT32_MAX - 1);
  for (int i = 0; i < 4; ++i) b.append(0, std::nullopt, as_bytes("v"));
  auto out = b.finish();
  ASSERT_TRUE(out);
  auto v = record_batch_view::parse(*out);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->last_sequence(), 1);  // MAX-1, MAX, 0, 1
}

class RecordBatchCompressed : public ::testing::TestWithParam<compression_type> {};

TEST_P(RecordBatchCompressed, RoundTrip) {
  record_batch_builder b;
  b.set_compression(GetParam());
  std::vector<std::string> values;
  for (int i = 0; i < 200; ++i) values.push_back("{\"id\":" + std::to_string(i) + ",\"name\":\"record\"}");
  for (int i = 0; i < 200; ++i) b.append(5000 + i, as_bytes("key" + std::to_string(i % 7)), as_bytes(values[i]));
  auto out = b.finish();
  ASSERT_TRUE(out);
  auto v = record_batch_view::parse(*out);
  ASSERT_TRUE(v);
  ASSERT_TRUE(v->validate());
  EXPECT_EQ(v->compression(), GetParam());
  EXPECT_LT(out->size(), b.uncompressed_size_bytes());
  byte_buffer scratch;
  ASSERT_TRUE(v->validate_records(scratch, 1 << 20));
  auto reader = v->records(scratch, 1 << 20);
  ASSERT_TRUE(reader);
  for (int i = 0; i < 200; ++i) {
    auto r = reader->next();
    ASSERT_TRUE(r && r->has_value()) << i;
    EXPECT_EQ((*r)->offset_delta, i);
    EXPECT_EQ(v->timestamp_of(**r), 5000 + i);
    EXPECT_EQ(as_string(*(*r)->value), values[i]);
  }
  auto end = reader->next();
  ASSERT_TRUE(end);
  EXPECT_FALSE(end->has_value());
  // The decompression limit applies to the records.
  auto limited = v->records(scratch, 100);
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error(), errc::output_limit);
}

INSTANTIATE_TEST_SUITE_P(Codecs, RecordBatchCompressed,
                         ::testing::Values(compression_type::gzip, compression_type::snappy, compression_type::lz4,
                                           compression_type::zstd));

std::vector<std::byte> build_simple(int n = 3) {
  record_batch_builder b;
  for (int i = 0; i < n; ++i) b.append(100 + i, as_bytes("k"), as_bytes("value-" + std::to_string(i)));
  auto out = b.finish();
  return {out->begin(), out->end()};
}

void refresh_crc(std::vector<std::byte>& batch) {
  auto m = mutable_record_batch_view::parse(batch);
  ASSERT_TRUE(m);
  m->update_crc();
}

template <typename T>
void poke(std::vector<std::byte>& batch, size_t at, T v) {
  detail::store_be<T>(batch.data() + at, v);
}

errc validate_error(const std::vector<std::byte>& batch, const batch_validation& rules = {}) {
  auto v = record_batch_view::parse(batch);
  if (!v) return v.error();
  auto r = v->validate(rules);
  return r ? errc::ok : r.error();
}

TEST(RecordBatchValidate, RejectsWhatABrokerMust) {
  auto good = build_simple();
  EXPECT_EQ(validate_error(good), errc::ok);

  {  // CRC mismatch
    auto b = good;
    b.back() ^= std::byte{1};
    EXPECT_EQ(validate_error(b), errc::bad_crc);
  }
  {  // magic != 2
    auto b = good;
    b[batch_layout::magic] = std::byte{1};
    EXPECT_EQ(validate_error(b), errc::bad_magic);
  }
  {  // batch_length larger than the bytes
    auto b = good;
    poke<int32_t>(b, batch_layout::batch_length, static_cast<int32_t>(b.size()));
    EXPECT_EQ(validate_error(b), errc::invalid_record);
  }
  {  // negative batch_length
    auto b = good;
    poke<int32_t>(b, batch_layout::batch_length, -5);
    EXPECT_EQ(validate_error(b), errc::invalid_record);
  }
  {  // shorter than a header
    std::vector<std::byte> b(good.begin(), good.begin() + 40);
    EXPECT_EQ(validate_error(b), errc::truncated);
  }
  {  // last_offset_delta + 1 != record_count
    auto b = good;
    poke<int32_t>(b, batch_layout::last_offset_delta, 5);
    refresh_crc(b);
    EXPECT_EQ(validate_error(b), errc::invalid_record);
    batch_validation compacted;
    compacted.require_dense_offsets = false;
    EXPECT_EQ(validate_error(b, compacted), errc::ok);
  }
  {  // record_count <= 0
    auto b = good;
    poke<int32_t>(b, batch_layout::record_count, 0);
    poke<int32_t>(b, batch_layout::last_offset_delta, -1);
    refresh_crc(b);
    EXPECT_EQ(validate_error(b), errc::invalid_record);
  }
  {  // control batch from a client
    auto b = good;
    poke<uint16_t>(b, batch_layout::attributes, attr_control);
    refresh_crc(b);
    EXPECT_EQ(validate_error(b), errc::invalid_record);
    batch_validation from_coordinator;
    from_coordinator.from_client = false;
    EXPECT_EQ(validate_error(b, from_coordinator), errc::ok);
  }
  {  // producer id without a sequence
    auto b = good;
    poke<int64_t>(b, batch_layout::producer_id, 77);
    refresh_crc(b);
    EXPECT_EQ(validate_error(b), errc::invalid_record);
    poke<int32_t>(b, batch_layout::base_sequence, 0);
    refresh_crc(b);
    EXPECT_EQ(validate_error(b), errc::ok);
  }
  for (uint16_t codec = 5; codec <= 7; ++codec) {  // codec bits 5-7
    auto b = good;
    poke<uint16_t>(b, batch_layout::attributes, codec);
    refresh_crc(b);
    EXPECT_EQ(validate_error(b), errc::unsupported_compression);
  }
  {  // compressed batch with inconsistent counts
    record_batch_builder cb;
    cb.set_compression(compression_type::lz4);
    cb.append(0, std::nullopt, as_bytes("a"));
    cb.append(0, std::nullopt, as_bytes("b"));
    auto out = cb.finish();
    std::vector<std::byte> b(out->begin(), out->end());
    poke<int32_t>(b, batch_layout::record_count, 3);
    refresh_crc(b);
    EXPECT_EQ(validate_error(b), errc::invalid_record);
  }
}

TEST(RecordBatchValidate, RecordLevelChecks) {
  byte_buffer scratch;
  auto records_error = [&](const std::vector<std::byte>& b) {
    auto v = record_batch_view::parse(b);
    EXPECT_TRUE(v);
    auto r = v->validate_records(scratch, 1 << 20);
    return r ? errc::ok : r.error();
  };
  auto good = build_simple(3);
  EXPECT_EQ(records_error(good), errc::ok);
  const size_t first = record_batch_header_bytes;
  // Record layout here: len, attrs, ts delta, offset delta, ...
  {  // offset deltas not increasing: second record's offset delta -> 0
    auto b = good;
    const auto len0 = static_cast<size_t>(static_cast<uint8_t>(b[first])) / 2;
    const size_t second = first + 1 + len0;
    b[second + 3] = std::byte{0};
    EXPECT_EQ(records_error(b), errc::invalid_record);
  }
  {  // offset delta beyond last_offset_delta: third record -> 3 (zig-zag 6)
    auto b = good;
    size_t at = first;
    for (int i = 0; i < 2; ++i) at += 1 + static_cast<size_t>(static_cast<uint8_t>(b[at])) / 2;
    b[at + 3] = std::byte{6};
    EXPECT_EQ(records_error(b), errc::invalid_record);
  }
  {  // record length that does not match its fields
    auto b = good;
    b[first] = std::byte{static_cast<uint8_t>(static_cast<uint8_t>(b[first]) + 2)};
    EXPECT_EQ(records_error(b), errc::invalid_record);
  }
  {  // trailing garbage after the last record
    auto b = good;
    b.push_back(std::byte{0});
    poke<int32_t>(b, batch_layout::batch_length, static_cast<int32_t>(b.size() - 12));
    EXPECT_EQ(records_error(b), errc::invalid_record);
  }
  {  // fewer records than record_count
    auto b = good;
    poke<int32_t>(b, batch_layout::record_count, 4);
    poke<int32_t>(b, batch_layout::last_offset_delta, 3);
    EXPECT_EQ(records_error(b), errc::invalid_record);
  }
  {  // key length below -1 (zig-zag of -2 is 3)
    auto b = good;
    b[first + 4] = std::byte{3};
    EXPECT_EQ(records_error(b), errc::invalid_record);
  }
}

TEST(RecordBatchPatch, BaseOffsetAndEpochLeaveCrcValid) {
  auto b = build_simple();
  const uint32_t crc_before = record_batch_view::parse(b)->crc();
  auto m = mutable_record_batch_view::parse(b);
  ASSERT_TRUE(m);
  m->set_base_offset(123456789012);
  m->set_partition_leader_epoch(17);
  auto v = m->view();
  EXPECT_EQ(v.base_offset(), 123456789012);
  EXPECT_EQ(v.partition_leader_epoch(), 17);
  EXPECT_EQ(v.crc(), crc_before);
  EXPECT_TRUE(v.validate());
  EXPECT_EQ(v.last_offset(), 123456789014);
  EXPECT_EQ(v.next_offset(), 123456789015);
}

TEST(RecordBatchPatch, LogAppendTimeRecomputesCrc) {
  auto b = build_simple();
  auto m = mutable_record_batch_view::parse(b);
  ASSERT_TRUE(m);
  m->set_log_append_time(1800000000000);
  auto v = m->view();
  EXPECT_TRUE(v.validate());
  EXPECT_EQ(v.ts_type(), timestamp_type::log_append_time);
  EXPECT_EQ(v.max_timestamp(), 1800000000000);
  auto reader = v.records();
  auto r = reader.next();
  ASSERT_TRUE(r && r->has_value());
  EXPECT_EQ(v.timestamp_of(**r), 1800000000000);  // every record reports the append time
}

TEST(RecordBatchPatch, SetProducerRecomputesCrc) {
  auto b = build_simple();
  auto m = mutable_record_batch_view::parse(b);
  ASSERT_TRUE(m);
  m->set_producer(4242, 3, 77);
  auto v = m->view();
  EXPECT_TRUE(v.validate());
  EXPECT_EQ(v.producer_id(), 4242);
  EXPECT_EQ(v.producer_epoch(), 3);
  EXPECT_EQ(v.base_sequence(), 77);
  EXPECT_EQ(v.record_count(), 3);
}

TEST(RecordBatchReader, SplitsBlobAndStopsAtTruncatedTail) {
  auto a = build_simple(2);
  auto b = build_simple(5);
  std::vector<std::byte> blob = a;
  blob.insert(blob.end(), b.begin(), b.end());
  {
    record_batch_reader reader(blob);
    auto x = reader.next();
    ASSERT_TRUE(x && x->has_value());
    EXPECT_EQ((*x)->record_count(), 2);
    EXPECT_EQ(reader.last_position(), 0u);
    auto y = reader.next();
    ASSERT_TRUE(y && y->has_value());
    EXPECT_EQ((*y)->record_count(), 5);
    EXPECT_EQ(reader.last_position(), a.size());
    auto z = reader.next();
    ASSERT_TRUE(z);
    EXPECT_FALSE(z->has_value());
    EXPECT_FALSE(reader.truncated_tail());
  }
  for (size_t cut = a.size() + 1; cut < blob.size(); ++cut) {
    std::span<const std::byte> partial(blob.data(), cut);
    record_batch_reader reader(partial);
    auto x = reader.next();
    ASSERT_TRUE(x && x->has_value());
    auto y = reader.next();
    ASSERT_TRUE(y) << cut;
    EXPECT_FALSE(y->has_value());
    EXPECT_TRUE(reader.truncated_tail());
  }
}

TEST(RecordBatchReader, RejectsLegacyMagic) {
  auto a = build_simple(2);
  a[batch_layout::magic] = std::byte{1};
  record_batch_reader reader(a);
  auto x = reader.next();
  ASSERT_FALSE(x);
  EXPECT_EQ(x.error(), errc::bad_magic);
  EXPECT_EQ(peek_magic(a), 1);
}

TEST(ControlBatch, BuildAndParseCommitMarker) {
  record_batch_builder b;
  b.set_producer(99, 3, 0);
  b.append_end_txn_marker(control_record_type::commit, 12, 1700000000000);
  auto out = b.finish();
  ASSERT_TRUE(out);
  auto v = record_batch_view::parse(*out);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->is_control());
  EXPECT_TRUE(v->is_transactional());
  EXPECT_EQ(v->base_sequence(), -1);
  EXPECT_EQ(v->producer_id(), 99);
  EXPECT_EQ(v->producer_epoch(), 3);
  EXPECT_FALSE(v->validate());  // clients may not send control batches
  batch_validation rules;
  rules.from_client = false;
  EXPECT_TRUE(v->validate(rules));
  auto reader = v->records();
  auto rec = reader.next();
  ASSERT_TRUE(rec && rec->has_value());
  auto key = parse_control_record_key((*rec)->key);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->version, 0);
  EXPECT_EQ(key->type, static_cast<int16_t>(control_record_type::commit));
  auto marker = parse_end_txn_marker((*rec)->value);
  ASSERT_TRUE(marker);
  EXPECT_EQ(marker->version, 0);
  EXPECT_EQ(marker->coordinator_epoch, 12);
  EXPECT_EQ(as_string(*(*rec)->key), std::string("\x00\x00\x00\x01", 4));
  EXPECT_EQ(as_string(*(*rec)->value), std::string("\x00\x00\x00\x00\x00\x0c", 6));
}

TEST(ControlBatch, RejectsShortKeysAndValues) {
  EXPECT_FALSE(parse_control_record_key(std::nullopt));
  EXPECT_FALSE(parse_control_record_key(as_bytes("abc")));
  EXPECT_FALSE(parse_end_txn_marker(as_bytes("abcde")));
  auto higher = parse_control_record_key(as_bytes(std::string("\x00\x01\x00\x00\xff", 5)));
  ASSERT_TRUE(higher);
  EXPECT_EQ(higher->version, 1);
  EXPECT_EQ(higher->type, 0);
}

TEST(RecordBatchBuilder, ReusesBuffersAfterWarmUp) {
  record_batch_builder b;
  const std::string value(1024, 'v');
  const std::byte* first_data = nullptr;
  for (int round = 0; round < 5; ++round) {
    b.reset();
    for (int i = 0; i < 16; ++i) b.append(i, as_bytes("key"), as_bytes(value));
    auto out = b.finish();
    ASSERT_TRUE(out);
    if (round == 1) first_data = out->data();
    if (round > 1) {
      EXPECT_EQ(out->data(), first_data) << "buffer reallocated in round " << round;
    }
  }
}

// Every truncation and many random corruptions of valid batches: an error or a valid
// result, never a crash or a sanitizer report.
TEST(RecordBatchRobustness, TruncationsAndCorruptions) {
  std::vector<std::vector<std::byte>> samples;
  samples.push_back(build_simple(4));
  for (auto c : {compression_type::gzip, compression_type::snappy, compression_type::lz4, compression_type::zstd}) {
    record_batch_builder b;
    b.set_compression(c);
    std::vector<record_header> headers = {{"trace", as_bytes("abc")}};
    for (int i = 0; i < 20; ++i) b.append(i, as_bytes("k" + std::to_string(i)), as_bytes(std::string(50, 'a' + i % 26)), headers);
    auto out = b.finish();
    samples.emplace_back(out->begin(), out->end());
  }
  byte_buffer scratch;
  auto exercise = [&](std::span<const std::byte> bytes, bool check_crc) {
    record_batch_reader reader(bytes);
    for (int guard = 0; guard < 4; ++guard) {
      auto n = reader.next();
      if (!n || !n->has_value()) break;
      batch_validation rules;
      rules.verify_crc = check_crc;
      (void)(*n)->validate(rules);
      if ((*n)->compression_bits() <= compression_type_max) (void)(*n)->validate_records(scratch, 1 << 20);
    }
  };
  std::mt19937 rng(1234);
  for (const auto& s : samples) {
    for (size_t cut = 0; cut < s.size(); ++cut) exercise({s.data(), cut}, true);
    for (int i = 0; i < 2000; ++i) {
      auto b = s;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) b[rng() % b.size()] = static_cast<std::byte>(rng());
      exercise(b, false);  // skip CRC so the corruption reaches the record decoder
      exercise(b, true);
    }
  }
}

}  // namespace
}  // namespace ringtail::codec
