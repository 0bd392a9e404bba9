// kcat 1.7.1 (librdkafka 2.0.2) against the real broker: metadata, produce from a file
// with keys and headers, consume from beginning / end / absolute / relative offsets, and
// every compression codec kcat offers.
#include "interop.h"

namespace ringtail::interop {
namespace {

class kcat_test : public broker_test {};

// Lines "key:value" for kcat -K: and the records they should become.
struct kcat_input {
  std::string text;
  std::vector<record> expected;
};

kcat_input make_input(int partition, int count, const std::string& prefix, const std::string& headers,
                      int64_t first_offset = 0) {
  kcat_input in;
  for (int i = 0; i < count; ++i) {
    const std::string key = prefix + "-key-" + std::to_string(i);
    // Values of different lengths, some long enough to be worth compressing.
    std::string value = prefix + "-value-" + std::to_string(i) + "-" + std::string(static_cast<size_t>(i * 7), 'x');
    in.text += key + ":" + value + "\n";
    in.expected.push_back(record{partition, first_offset + i, key, value, headers});
  }
  return in;
}

// kcat -P with the file on stdin (`kcat -P ... < file`): one message per line. (A file
// named on the command line would be sent as one single message.)
command_result kcat_produce_file(const std::string& bootstrap, const std::string& topic, int partition,
                                 const std::filesystem::path& file, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"-P", "-b", bootstrap, "-t", topic, "-p", std::to_string(partition), "-K:",
                                   "-X", "request.required.acks=all"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_kcat(args, ringtail::testing::read_file(file));
}

TEST_F(kcat_test, MetadataListsBrokerAndTopic) {
  create_topic("kcat-meta", 3);
  const auto r = run_kcat({"-L", "-b", bootstrap(), "-t", "kcat-meta", "-m", "15"});
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_NE(r.out.find("1 brokers:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("at 127.0.0.1:" + std::to_string(broker_.port())), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("topic \"kcat-meta\" with 3 partitions:"), std::string::npos) << r.out;
  for (int p = 0; p < 3; ++p) {
    EXPECT_NE(r.out.find("partition " + std::to_string(p) + ", leader "), std::string::npos) << r.out;
  }
  // All topics (no -t): the topic is listed too, and no error markers.
  const auto all = run_kcat({"-L", "-b", bootstrap(), "-m", "15"});
  ASSERT_TRUE(all.ok()) << all.describe();
  EXPECT_NE(all.out.find("topic \"kcat-meta\" with 3 partitions:"), std::string::npos) << all.out;
  EXPECT_EQ(all.out.find("Broker: "), std::string::npos) << "metadata carries an error: " << all.out;
}

TEST_F(kcat_test, ProduceKeysAndHeadersThenConsumeFromOffsets) {
  const std::string topic = "kcat-keys-headers";
  create_topic(topic, 2);
  ringtail::testing::temp_dir dir("kcat-input");
  const std::string hdrs = "app=ringtail,trace=abc-123";
  auto p0 = make_input(0, 10, "p0", hdrs);
  auto p1 = make_input(1, 5, "p1", hdrs);
  ringtail::testing::write_file(dir.path() / "p0.txt", p0.text);
  ringtail::testing::write_file(dir.path() / "p1.txt", p1.text);
  for (auto [p, file] : {std::pair{0, "p0.txt"}, std::pair{1, "p1.txt"}}) {
    const auto r = kcat_produce_file(bootstrap(), topic, p, dir.path() / file, {"-H", "app=ringtail", "-H", "trace=abc-123"});
    ASSERT_TRUE(r.ok()) << r.describe();
  }

  // -o beginning: everything, in order, keys/values/headers intact.
  const auto b0 = kcat_consume(bootstrap(), topic, 0, "beginning");
  ASSERT_TRUE(b0.ok()) << b0.describe();
  EXPECT_EQ(parse_records(b0.out), p0.expected);
  const auto b1 = kcat_consume(bootstrap(), topic, 1, "beginning");
  ASSERT_TRUE(b1.ok()) << b1.describe();
  EXPECT_EQ(parse_records(b1.out), p1.expected);

  // -o <offset>: from offset 4 on.
  const auto from4 = kcat_consume(bootstrap(), topic, 0, "4");
  ASSERT_TRUE(from4.ok()) << from4.describe();
  EXPECT_EQ(parse_records(from4.out), std::vector<record>(p0.expected.begin() + 4, p0.expected.end()));

  // -o -3: the last three (relative to the end).
  const auto last3 = kcat_consume(bootstrap(), topic, 0, "-3");
  ASSERT_TRUE(last3.ok()) << last3.describe();
  EXPECT_EQ(parse_records(last3.out), std::vector<record>(p0.expected.end() - 3, p0.expected.end()));

  // -o past the end: OFFSET_OUT_OF_RANGE, which kcat's default auto.offset.reset
  // (latest) turns into "at the end": nothing, and it exits.
  const auto past = kcat_consume(bootstrap(), topic, 1, "1000");
  ASSERT_TRUE(past.ok()) << past.describe();
  EXPECT_TRUE(parse_records(past.out).empty()) << past.out;
  EXPECT_EQ(past.err.find("PROTOERR"), std::string::npos) << past.err;

  // -o end -e: nothing (and it exits).
  const auto end = kcat_consume(bootstrap(), topic, 1, "end");
  ASSERT_TRUE(end.ok()) << end.describe();
  EXPECT_TRUE(parse_records(end.out).empty()) << end.out;

  // -o end without -e: a live consumer sees only what is produced after it reached the end.
  ringtail::testing::child_process live({kcat, "-C", "-b", bootstrap(), "-t", topic, "-p", "1", "-o", "end", "-c", "3",
                                         "-f", kcat_record_format});
  ASSERT_TRUE(live.wait_for_output(
      [](const std::string&, const std::string& err) { return err.find("Reached end of topic") != std::string::npos; },
      client_timeout))
      << "kcat never reached the end of " << topic << " [1]: " << live.current_err();
  auto more = make_input(1, 3, "live", "", 5);
  ringtail::testing::write_file(dir.path() / "more.txt", more.text);
  const auto pr = kcat_produce_file(bootstrap(), topic, 1, dir.path() / "more.txt");
  ASSERT_TRUE(pr.ok()) << pr.describe();
  const auto got = live.wait(client_timeout);
  ASSERT_TRUE(got.ok()) << got.describe();
  EXPECT_EQ(parse_records(got.out), more.expected);
}

class kcat_codec_test : public kcat_test, public ::testing::WithParamInterface<const char*> {};

TEST_P(kcat_codec_test, ProduceCompressedConsumeExact) {
  const std::string codec = GetParam();
  const std::string topic = "kcat-codec-" + codec;
  create_topic(topic, 2);
  ringtail::testing::temp_dir dir("kcat-codec");
  // Two partitions, many records each: several records per (compressed) batch.
  std::vector<std::vector<record>> expected(2);
  for (int p = 0; p < 2; ++p) {
    auto in = make_input(p, 50 + p * 7, codec + "-p" + std::to_string(p), "codec=" + codec);
    ringtail::testing::write_file(dir.path() / "in.txt", in.text);
    const auto r = kcat_produce_file(bootstrap(), topic, p, dir.path() / "in.txt", {"-z", codec, "-H", "codec=" + codec});
    ASSERT_TRUE(r.ok()) << r.describe();
    expected[static_cast<size_t>(p)] = in.expected;
  }
  for (int p = 0; p < 2; ++p) {
    const auto c = kcat_consume(bootstrap(), topic, p, "beginning");
    ASSERT_TRUE(c.ok()) << c.describe();
    EXPECT_EQ(parse_records(c.out), expected[static_cast<size_t>(p)]) << "codec " << codec << " partition " << p;
  }
  // A second client reads the same bytes back identically.
  const auto py = ck({"consume", bootstrap(), topic, "1", "beginning"});
  ASSERT_TRUE(py.ok()) << py.describe();
  EXPECT_EQ(parse_records(py.out), expected[1]) << py.out;
}

INSTANTIATE_TEST_SUITE_P(Codecs, kcat_codec_test, ::testing::Values("gzip", "snappy", "lz4", "zstd"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace ringtail::interop
