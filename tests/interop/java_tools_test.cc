// Kafka's own tools against Ringtail, from the kafka-tools jar (tests/interop/java/
// pom.xml, installed by scripts/install-deps.sh into build/interop-java-lib, or the
// folder named by RINGTAIL_JAVA_LIB).
//  - ProducerPerformance (kafka-producer-perf-test.sh), the first benchmark a Kafka user
//    runs, with the Java client's defaults: idempotent, acks=all, up to 5 requests in
//    flight per connection. Every record is acknowledged without an error or a retry
//    (a broker that applies pipelined requests out of order answers
//    OUT_OF_ORDER_SEQUENCE_NUMBER and the producer retries or fails), and the log holds
//    exactly the records sent.
//  - The same with idempotence off and 5 in flight: still no error and every record.
#include <cstdlib>

#include "interop.h"

namespace ringtail::interop {
namespace {

inline constexpr auto java_timeout = 180s;
constexpr int perf_records = 200'000;

std::string java_lib() {
  if (const char* e = std::getenv("RINGTAIL_JAVA_LIB")) return e;
  return (ringtail::testing::source_dir() / "build" / "interop-java-lib").string();
}

command_result run_java(const std::string& main_class, const std::vector<std::string>& args) {
  std::vector<std::string> a = {"-Xms256m", "-Xmx512m", "-cp", java_lib() + "/*", main_class};
  a.insert(a.end(), args.begin(), args.end());
  return run_program("java", a, java_timeout);
}

// "name:{tags} : value" lines of --print-metrics, for one metric name.
std::vector<double> metric_values(const std::string& out, const std::string& name) {
  std::vector<double> v;
  for (const auto& l : lines_of(out)) {
    if (l.rfind(name + ":{", 0) != 0) continue;
    const size_t close = l.find('}');
    const size_t colon = close == std::string::npos ? std::string::npos : l.find(':', close);
    if (colon == std::string::npos) continue;
    v.push_back(std::stod(l.substr(colon + 1)));
  }
  return v;
}

class java_tools_test : public broker_test {
 protected:
  void SetUp() override {
    broker_test::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    ASSERT_TRUE(std::filesystem::exists(java_lib() + "/kafka-tools-4.4.0.jar"))
        << "Kafka's tools are missing from " << java_lib() << ": run scripts/install-deps.sh";
  }

  // Latest offset of partition 0, read with Ringtail's own get-offsets tool.
  int64_t end_offset(const std::string& topic) {
    const auto r = run_program(ringtail::testing::broker_binary(),
                               {"get-offsets", "--bootstrap-server", bootstrap(), "--topic", topic}, client_timeout);
    EXPECT_TRUE(r.ok()) << r.describe();
    const std::string prefix = topic + ":0:";
    for (const auto& l : lines_of(r.out))
      if (l.rfind(prefix, 0) == 0) return std::stoll(l.substr(prefix.size()));
    ADD_FAILURE() << "no offset for " << topic << ":0 in\n" << r.describe();
    return -1;
  }

  void producer_performance(const std::string& topic, const std::vector<std::string>& props) {
    create_topic(topic, 1);
    std::vector<std::string> args = {"--topic",         topic,  "--num-records", std::to_string(perf_records),
                                     "--record-size",   "1024", "--throughput",  "-1",
                                     "--print-metrics", "--command-property",   "bootstrap.servers=" + bootstrap()};
    args.insert(args.end(), props.begin(), props.end());
    const auto r = run_java("org.apache.kafka.tools.ProducerPerformance", args);
    ASSERT_TRUE(r.ok()) << r.describe();
    EXPECT_NE(r.out.find(std::to_string(perf_records) + " records sent"), std::string::npos) << r.describe();
    const auto errors = metric_values(r.out, "producer-metrics:record-error-total");
    const auto retries = metric_values(r.out, "producer-metrics:record-retry-total");
    ASSERT_EQ(errors.size(), 1u) << r.describe();
    ASSERT_EQ(retries.size(), 1u) << r.describe();
    EXPECT_EQ(errors[0], 0) << "records the producer gave up on\n" << r.describe();
    EXPECT_EQ(retries[0], 0) << "batches the broker refused and the producer sent again\n" << r.describe();
    EXPECT_EQ(r.err.find("OutOfOrderSequence"), std::string::npos) << r.describe();
    EXPECT_EQ(end_offset(topic), perf_records);
  }
};

TEST_F(java_tools_test, ProducerPerformanceWithJavaDefaults) {
  // Only the workload's own settings: idempotence, acks and in-flight are the client's defaults.
  producer_performance("perf-java-defaults", {"linger.ms=5"});
}

TEST_F(java_tools_test, ProducerPerformanceWithoutIdempotence) {
  producer_performance("perf-plain", {"linger.ms=5", "enable.idempotence=false", "acks=1"});
}

}  // namespace
}  // namespace ringtail::interop
