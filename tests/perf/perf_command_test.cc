// `ringtail perf` end to end against the real broker: produce / consume / e2e with the
// JSON report, whose schema is checked here.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ringtail/perf/options.h"
#include "ringtail/perf/perf_command.h"
#include "ringtail/perf/report.h"
#include "support/broker_process.h"

namespace ringtail::perf {
namespace {

using testing::broker_process;
using testing::read_file;
using testing::temp_dir;

void expect_schema(const std::string& json) {
  for (const char* key : {"\"records\":", "\"records_per_sec\":", "\"mib_per_sec\":", "\"errors\":", "\"latency_ms\":",
                          "\"avg\":", "\"p50\":", "\"p95\":", "\"p99\":", "\"p999\":", "\"max\":", "\"config\":",
                          "\"timeline\":", "\"latency_percentiles\":"}) {
    EXPECT_NE(json.find(key), std::string::npos) << key << " missing in\n" << json;
  }
  // A real JSON parser agrees (Python's, when present).
  auto r = testing::run_command({"python3", "-c", "import json,sys; d=json.loads(sys.stdin.read()); "
                                                  "assert set(['avg','p50','p95','p99','p999','max']) <= set(d['latency_ms'])"},
                                std::chrono::seconds(20), testing::command_options{json, {}, {}});
  if (r.exit_code != 127) {
    EXPECT_TRUE(r.ok()) << r.describe();
  }
}

TEST(PerfOptions, ParsesTheIssueForm) {
  options o;
  EXPECT_EQ(parse_options({"produce", "--bootstrap-server", "h:1", "--topic", "t", "--num-records", "10", "--record-size",
                           "100", "--throughput", "-1", "--partitions", "3", "--acks", "all", "--compression-type", "lz4",
                           "--batch-size", "1000", "--linger-ms", "2", "--json", "x.json"},
                          o),
            "");
  EXPECT_EQ(o.bootstrap, "h:1");
  EXPECT_EQ(o.num_records, 10);
  EXPECT_EQ(o.partitions, 3);
  EXPECT_EQ(o.acks, -1);
  EXPECT_EQ(o.compression, codec::compression_type::lz4);
  EXPECT_EQ(o.json_file, "x.json");
  options bad;
  EXPECT_NE(parse_options({"produce", "--nope", "1", "--num-records", "1"}, bad), "");
  EXPECT_NE(parse_options({"produce", "--compression-type", "brotli", "--num-records", "1"}, bad), "");
}

TEST(PerfOptions, ShippedWorkloadsParse) {
  const auto dir = testing::source_dir() / "perf" / "workloads";
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    options o;
    EXPECT_EQ(apply_workload_file(e.path().string(), o), "") << e.path();
    EXPECT_FALSE(o.workload_name.empty()) << e.path();
    ++n;
  }
  EXPECT_GE(n, 3);
}

TEST(PerfReport, JsonSchemaWithoutBroker) {
  run_result r;
  r.sides.emplace_back().name = "produce";
  r.sides[0].records = 10;
  r.sides[0].duration_s = 1;
  r.sides[0].latency.record(1'000'000);
  r.sides[0].timeline.push_back(timeline_point{1, 10, 0.1, 1, 1, 0});
  expect_schema(to_json(r));
  const std::string svg = to_svg(r);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("polyline"), std::string::npos);
}

class PerfAgainstBroker : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string e = broker_.start();
    ASSERT_EQ(e, "") << e;
  }
  broker_process broker_;
  temp_dir dir_{"ringtail-perf-test"};
};

TEST_F(PerfAgainstBroker, ProduceThenConsumeWithJson) {
  const std::string pj = (dir_.path() / "p.json").string();
  const std::string svg = (dir_.path() / "p.svg").string();
  int rc = run_perf_command({"produce", "--bootstrap-server", broker_.bootstrap(), "--topic", "perf-a", "--num-records",
                             "2000", "--record-size", "100", "--throughput", "-1", "--partitions", "3", "--acks", "1",
                             "--compression-type", "lz4", "--batch-size", "4096", "--linger-ms", "1", "--json", pj, "--svg",
                             svg, "--threads", "1", "--quiet"});
  ASSERT_EQ(rc, 0) << broker_.log();
  const std::string json = read_file(pj);
  expect_schema(json);
  EXPECT_NE(json.find("\"records\": 2000"), std::string::npos) << json;
  EXPECT_NE(read_file(svg).find("<svg"), std::string::npos);

  const std::string cj = (dir_.path() / "c.json").string();
  rc = run_perf_command({"consume", "--bootstrap-server", broker_.bootstrap(), "--topic", "perf-a", "--num-records", "2000",
                         "--timeout-ms", "5000", "--json", cj, "--threads", "1", "--quiet"});
  ASSERT_EQ(rc, 0) << broker_.log();
  const std::string cjson = read_file(cj);
  expect_schema(cjson);
  EXPECT_NE(cjson.find("\"records\": 2000"), std::string::npos) << cjson;
}

TEST_F(PerfAgainstBroker, EndToEndAtAFixedRate) {
  const std::string j = (dir_.path() / "e.json").string();
  const auto t0 = std::chrono::steady_clock::now();
  int rc = run_perf_command({"e2e", "--bootstrap-server", broker_.bootstrap(), "--topic", "perf-e2e", "--num-records", "1000",
                             "--record-size", "64", "--throughput", "1000", "--partitions", "2", "--key-cardinality", "10",
                             "--headers", "1", "--json", j, "--threads", "2", "--producers", "2", "--consumers", "2",
                             "--quiet"});
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(rc, 0) << broker_.log();
  const std::string json = read_file(j);
  expect_schema(json);
  EXPECT_NE(json.find("\"records\": 1000"), std::string::npos) << json;
  // 1000 records at 1000/s: about a second, not much less (the limiter) nor much more.
  EXPECT_GE(secs, 0.9);
  EXPECT_LT(secs, 30.0);
}

}  // namespace
}  // namespace ringtail::perf
