#include "ringtail/perf/options.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace ringtail::perf {

namespace {


std::string trim(std::string s) {
  auto ns = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), ns));
  s.erase(std::find_if(s.rbegin(), s.rend(), ns).base(), s.end());
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
  return s;
}

// One setting, by flag name (without "--"). Throws std::invalid_argument on bad values.
bool apply(options& o, const std::string& key, const std::string& v) {
  auto i64 = [&] { return std::stoll(v); };
  auto i32 = [&] { return static_cast<int32_t>(std::stol(v)); };
  if (key == "bootstrap-server" || key == "bootstrap-servers" || key == "broker-list") o.bootstrap = v;
  else if (key == "topic") o.topic = v;
  else if (key == "topics") o.topics = i32();
  else if (key == "partitions") o.partitions = i32();
  else if (key == "replication-factor") o.replication_factor = static_cast<int16_t>(i32());
  else if (key == "num-records" || key == "messages") o.num_records = i64();
  else if (key == "duration-s" || key == "duration") o.duration_s = std::stod(v);
  else if (key == "record-size") {
    const size_t dash = v.find('-');
    if (dash == std::string::npos) {
      o.record_size_min = o.record_size_max = i32();
    } else {
      o.record_size_min = std::stoi(v.substr(0, dash));
      o.record_size_max = std::stoi(v.substr(dash + 1));
    }
  } else if (key == "throughput") o.throughput = std::stod(v);
  else if (key == "key-cardinality" || key == "keys") o.key_cardinality = i64();
  else if (key == "headers") o.headers = i32();
  else if (key == "header-size") o.header_size = i32();
  else if (key == "payload") {
    if (v == "random") o.payload = payload_kind::random;
    else if (v == "json") o.payload = payload_kind::json;
    else if (v.rfind("file:", 0) == 0) {
      o.payload = payload_kind::file;
      o.payload_file = v.substr(5);
    } else throw std::invalid_argument("payload");
  } else if (key == "payload-file") {
    o.payload = payload_kind::file;
    o.payload_file = v;
  } else if (key == "acks") o.acks = v == "all" ? int16_t{-1} : static_cast<int16_t>(i32());
  else if (key == "compression-type" || key == "compression") {
    auto c = codec::compression_type_from_name(v);
    if (!c) throw std::invalid_argument("compression");
    o.compression = *c;
  } else if (key == "compression-level") o.compression_level = i32();
  else if (key == "batch-size") o.batch_size = i32();
  else if (key == "linger-ms") o.linger_ms = i32();
  else if (key == "idempotence" || key == "enable-idempotence") o.idempotence = v == "true" || v == "1";
  else if (key == "buffer-memory") o.buffer_memory = i64();
  else if (key == "max-in-flight") o.max_in_flight = i32();
  else if (key == "max-request-size") o.max_request_size = i32();
  else if (key == "producers") o.producers = i32();
  else if (key == "consumers") o.consumers = i32();
  else if (key == "group") o.group = v;
  else if (key == "from-beginning") o.from_beginning = v == "true" || v == "1";
  else if (key == "fetch-min-bytes") o.fetch_min_bytes = i32();
  else if (key == "fetch-max-wait-ms") o.fetch_max_wait_ms = i32();
  else if (key == "max-partition-fetch-bytes") o.max_partition_fetch_bytes = i32();
  else if (key == "timeout-ms" || key == "timeout") o.timeout_ms = i64();
  else if (key == "threads") o.threads = static_cast<unsigned>(i32());
  else if (key == "report-interval-ms" || key == "reporting-interval") o.report_interval_ms = i32();
  else if (key == "json") o.json_file = v;
  else if (key == "svg") o.svg_file = v;
  else return false;
  return true;
}

// OpenMessaging Benchmark workload keys → our flags.
const std::map<std::string, std::string>& workload_keys() {
  static const std::map<std::string, std::string> m = {
      {"topics", "topics"},
      {"partitionsPerTopic", "partitions"},
      {"messageSize", "record-size"},
      {"producersPerTopic", "producers"},
      {"consumerPerSubscription", "consumers"},
      {"producerRate", "throughput"},
      {"testDurationSeconds", "duration-s"},
      {"numRecords", "num-records"},
      {"keyCardinality", "key-cardinality"},
      {"batchSize", "batch-size"},
      {"lingerMs", "linger-ms"},
      {"compression", "compression-type"},
      {"acks", "acks"},
      {"payload", "payload"},
      {"headers", "headers"},
      {"topic", "topic"},
  };
  return m;
}

}  // namespace

std::string usage() {
  return "usage: ringtail perf produce|consume|e2e|workload [flags]\n"
         "  --bootstrap-server HOST:PORT   --topic T [--topics N] [--partitions P] [--replication-factor R]\n"
         "  --num-records N | --duration-s S   --record-size BYTES|MIN-MAX   --throughput RECORDS_PER_SEC|-1\n"
         "  --key-cardinality K (0 = null keys)  --headers N [--header-size B]  --payload random|json|file:PATH\n"
         "  producer: --acks 0|1|all --compression-type none|gzip|snappy|lz4|zstd --batch-size B --linger-ms L\n"
         "            --idempotence true|false --buffer-memory B --max-in-flight N --producers N\n"
         "  consumer: --consumers N [--group G] [--from-beginning true|false] --fetch-min-bytes B\n"
         "            --fetch-max-wait-ms MS --max-partition-fetch-bytes B --timeout-ms MS\n"
         "  runtime:  --threads N (shards)  --report-interval-ms MS  --json FILE  --svg FILE  --quiet\n"
         "  workload: ringtail perf workload --file perf/workloads/NAME.yaml --bootstrap-server HOST:PORT\n";
}

std::string parse_options(const std::vector<std::string>& args, options& o) {
  if (args.empty()) return "missing subcommand";
  const std::string& cmd = args[0];
  std::string workload;
  if (cmd == "produce") o.command = mode::produce;
  else if (cmd == "consume") o.command = mode::consume;
  else if (cmd == "e2e" || cmd == "workload") o.command = mode::e2e;
  else if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    o.help = true;
    return "";
  } else return "unknown subcommand '" + cmd + "'";
  // Workload files first, so that flags override them.
  for (size_t i = 1; i + 1 < args.size(); ++i) {
    if (args[i] == "--file" || args[i] == "--workload") workload = args[i + 1];
  }
  for (const auto& a : args) {
    if (a.rfind("--file=", 0) == 0) workload = a.substr(7);
    if (a.rfind("--workload=", 0) == 0) workload = a.substr(11);
  }
  if (!workload.empty()) {
    auto e = apply_workload_file(workload, o);
    if (!e.empty()) return e;
  }
  for (size_t i = 1; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "--help" || a == "-h") {
      o.help = true;
      continue;
    }
    if (a == "--quiet") {
      o.quiet = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) return "unexpected argument '" + a + "'";
    std::string key = a.substr(2), value;
    const size_t eq = key.find('=');
    if (eq != std::string::npos) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
    } else {
      if (i + 1 >= args.size()) return "flag --" + key + " needs a value";
      value = args[++i];
    }
    if (key == "file" || key == "workload") continue;
    try {
      if (!apply(o, key, value)) return "unknown flag --" + key;
    } catch (const std::exception&) {
      return "bad value for --" + key + ": '" + value + "'";
    }
  }
  if (o.num_records <= 0 && o.duration_s <= 0 && !o.help) return "give --num-records N or --duration-s S";
  if (o.record_size_min < 0 || o.record_size_max < o.record_size_min) return "bad --record-size";
  if (o.producers < 1 || o.consumers < 1 || o.topics < 1) return "--producers/--consumers/--topics must be >= 1";
  return "";
}

std::string apply_workload_file(const std::string& path, options& o) {
  std::ifstream in(path);
  if (!in) return "cannot read workload file " + path;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  // A flat JSON object is turned into "key: value" lines; YAML is read as such lines.
  std::vector<std::pair<std::string, std::string>> kv;
  const std::string t = trim(text);
  if (!t.empty() && t.front() == '{') {
    std::string body = t.substr(1, t.size() - 2);
    std::string cur;
    int depth = 0;
    bool quoted = false;
    std::vector<std::string> parts;
    for (char c : body) {
      if (c == '"') quoted = !quoted;
      if (!quoted && (c == '[' || c == '{')) ++depth;
      if (!quoted && (c == ']' || c == '}')) --depth;
      if (c == ',' && !quoted && depth == 0) {
        parts.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!trim(cur).empty()) parts.push_back(cur);
    for (auto& p : parts) {
      const size_t colon = p.find(':');
      if (colon == std::string::npos) return "bad JSON entry in " + path;
      kv.emplace_back(trim(p.substr(0, colon)), trim(p.substr(colon + 1)));
    }
  } else {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      const size_t hash = line.find('#');
      if (hash != std::string::npos) line = line.substr(0, hash);
      if (trim(line).empty()) continue;
      const size_t colon = line.find(':');
      if (colon == std::string::npos) return "bad line in " + path + ": " + line;
      kv.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
  }
  for (auto& [k, v] : kv) {
    if (k == "name") {
      o.workload_name = v;
      continue;
    }
    if (k == "testDurationMinutes") {
      o.duration_s = std::stod(v) * 60;
      continue;
    }
    if (k == "keyDistributor") {
      if (v == "NO_KEY") o.key_cardinality = 0;
      else if (o.key_cardinality == 0) o.key_cardinality = 1'000'000;
      continue;
    }
    if (k == "subscriptionsPerTopic" || k == "consumerBacklogSizeGB" || k == "payloadFile") continue;
    auto it = workload_keys().find(k);
    try {
      if (it == workload_keys().end() || !apply(o, it->second, v)) return "unknown workload key '" + k + "' in " + path;
    } catch (const std::exception&) {
      return "bad value for '" + k + "' in " + path;
    }
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> options::describe() const {
  const char* modes[] = {"produce", "consume", "e2e"};
  const char* payloads[] = {"random", "json", "file"};
  return {
      {"command", modes[static_cast<int>(command)]},
      {"workload", workload_name},
      {"bootstrap_server", bootstrap},
      {"topic", topic},
      {"topics", std::to_string(topics)},
      {"partitions", std::to_string(partitions)},
      {"num_records", std::to_string(num_records)},
      {"duration_s", std::to_string(duration_s)},
      {"record_size_min", std::to_string(record_size_min)},
      {"record_size_max", std::to_string(record_size_max)},
      {"throughput", std::to_string(throughput)},
      {"key_cardinality", std::to_string(key_cardinality)},
      {"headers", std::to_string(headers)},
      {"payload", payloads[static_cast<int>(payload)]},
      {"acks", std::to_string(acks)},
      {"compression_type", std::string(codec::to_string(compression))},
      {"batch_size", std::to_string(batch_size)},
      {"linger_ms", std::to_string(linger_ms)},
      {"idempotence", idempotence ? "true" : "false"},
      {"buffer_memory", std::to_string(buffer_memory)},
      {"max_in_flight", std::to_string(max_in_flight)},
      {"producers", std::to_string(producers)},
      {"consumers", std::to_string(consumers)},
      {"group", group},
      {"fetch_min_bytes", std::to_string(fetch_min_bytes)},
      {"fetch_max_wait_ms", std::to_string(fetch_max_wait_ms)},
      {"max_partition_fetch_bytes", std::to_string(max_partition_fetch_bytes)},
      {"threads", std::to_string(threads)},
  };
}

}  // namespace ringtail::perf
