// Shared pieces of the tools tests (tests/tools/*_test.cc): a fixture that starts one
// real broker per test on loopback (random port, fresh data directory, no initial
// rebalance delay so group tests stay fast), and `tool()`, which runs the real
// `ringtail <tool> ...` binary as a subprocess with a deadline and captured output.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/broker_fixture.h"
#include "support/broker_process.h"
#include "support/ports.h"

namespace ringtail::tools_test {

using namespace std::chrono_literals;
using ringtail::testing::child_process;
using ringtail::testing::command_options;
using ringtail::testing::command_result;
using ringtail::testing::unused_port;

inline constexpr auto tool_timeout = 30s;  // any single tool invocation

// Runs `ringtail <args...>` to completion; `input` becomes its stdin.
inline command_result run_ringtail(const std::vector<std::string>& args, const std::string& input = {}) {
  command_options opts;
  opts.stdin_data = input;
  return ringtail::testing::run_program(ringtail::testing::broker_binary(), args, tool_timeout, opts);
}

inline std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == '\n') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// A line's whitespace-separated fields.
inline std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == ' ' || c == '\t') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Replaces every occurrence of `from` with `to`.
inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); !from.empty() && at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

class tools_test : public ringtail::testing::broker_fixture {
 protected:
  std::vector<std::string> extra_overrides() const override {
    return {"group.initial.rebalance.delay.ms=0", "num.partitions=1"};
  }

  // `ringtail <tool> --bootstrap-server B <args...>`.
  command_result tool(const std::string& name, std::vector<std::string> args, const std::string& input = {}) {
    args.insert(args.begin(), {name, "--bootstrap-server", bootstrap()});
    return run_ringtail(args, input);
  }

  void create_topic(const std::string& topic, int partitions, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--create", "--topic", topic, "--partitions", std::to_string(partitions)};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = tool("topics", args);
    ASSERT_TRUE(r.ok()) << r.describe();
    ASSERT_EQ(r.out, "Created topic " + topic + ".\n") << r.describe();
  }

  // Sends `lines` (one record each) with the console producer.
  void produce(const std::string& topic, const std::string& lines, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--topic", topic};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = tool("console-producer", args, lines);
    ASSERT_TRUE(r.ok()) << r.describe();
  }
};

}  // namespace ringtail::tools_test
