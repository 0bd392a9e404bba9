#include "ringtail/perf/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace ringtail::perf {

namespace {
double ms(int64_t ns) { return static_cast<double>(ns) / 1e6; }

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string json_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
      o += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      o += b;
    } else {
      o += c;
    }
  }
  return o;
}

std::string num(double v) {
  if (!std::isfinite(v)) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

void latency_json(std::ostringstream& o, const histogram& h) {
  o << "{\"count\":" << h.count() << ",\"avg\":" << num(h.mean() / 1e6) << ",\"min\":" << num(ms(h.min()))
    << ",\"p50\":" << num(ms(h.percentile(50))) << ",\"p95\":" << num(ms(h.percentile(95)))
    << ",\"p99\":" << num(ms(h.percentile(99))) << ",\"p999\":" << num(ms(h.percentile(99.9)))
    << ",\"p9999\":" << num(ms(h.percentile(99.99))) << ",\"max\":" << num(ms(h.max())) << "}";
}

const double percentile_curve[] = {0,    10,   25,    50,    75,     90,     95,      99,
                                   99.5, 99.9, 99.95, 99.99, 99.995, 99.999, 99.9999, 100};
}  // namespace

const side_result& run_result::primary() const {
  if (config.command == mode::produce || sides.size() == 1) return sides.front();
  return sides.back();
}

std::string progress_line(const std::string& name, const timeline_point& p) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "[%7.1fs] %-7s %10.0f records/s %8.2f MiB/s  p50 %8.3f ms  p99 %8.3f ms  errors %llu",
                p.t_s, name.c_str(), p.records_per_sec, p.mib_per_sec, p.p50_ms, p.p99_ms,
                static_cast<unsigned long long>(p.errors));
  return buf;
}

std::string summary_text(const run_result& r) {
  std::ostringstream o;
  for (const auto& s : r.sides) {
    const auto& h = s.latency;
    o << s.name << ": " << s.records << " records, " << fmt("%.1f", s.records_per_sec()) << " records/sec ("
      << fmt("%.2f", s.mib_per_sec()) << " MiB/sec), " << s.errors << " errors, " << fmt("%.2f", s.duration_s)
      << " s\n";
    o << "  latency ms" << (s.name == "produce" ? " (send → ack)" : " (produce timestamp → receive)")
      << ": avg " << fmt("%.3f", h.mean() / 1e6) << ", p50 " << fmt("%.3f", ms(h.percentile(50))) << ", p95 "
      << fmt("%.3f", ms(h.percentile(95))) << ", p99 " << fmt("%.3f", ms(h.percentile(99))) << ", p99.9 "
      << fmt("%.3f", ms(h.percentile(99.9))) << ", max " << fmt("%.3f", ms(h.max())) << "\n";
  }
  return o.str();
}

std::string to_json(const run_result& r) {
  std::ostringstream o;
  const side_result& p = r.primary();
  o << "{\n  \"records\": " << p.records << ",\n  \"records_per_sec\": " << num(p.records_per_sec())
    << ",\n  \"mib_per_sec\": " << num(p.mib_per_sec()) << ",\n  \"bytes\": " << p.bytes
    << ",\n  \"errors\": " << p.errors << ",\n  \"duration_s\": " << num(p.duration_s) << ",\n  \"latency_ms\": ";
  latency_json(o, p.latency);
  o << ",\n  \"config\": {";
  bool first = true;
  for (const auto& [k, v] : r.config.describe()) {
    o << (first ? "" : ", ") << "\"" << k << "\": \"" << json_escape(v) << "\"";
    first = false;
  }
  o << "},\n  \"sides\": [";
  for (size_t i = 0; i < r.sides.size(); ++i) {
    const auto& s = r.sides[i];
    o << (i ? ",\n" : "\n") << "    {\"name\": \"" << s.name << "\", \"records\": " << s.records
      << ", \"records_per_sec\": " << num(s.records_per_sec()) << ", \"mib_per_sec\": " << num(s.mib_per_sec())
      << ", \"bytes\": " << s.bytes << ", \"errors\": " << s.errors << ", \"duration_s\": " << num(s.duration_s)
      << ", \"latency_ms\": ";
    latency_json(o, s.latency);
    o << ", \"latency_percentiles\": [";
    bool f = true;
    for (double q : percentile_curve) {
      o << (f ? "" : ", ") << "[" << num(q) << ", " << num(ms(s.latency.percentile(q))) << "]";
      f = false;
    }
    o << "], \"timeline\": [";
    for (size_t k = 0; k < s.timeline.size(); ++k) {
      const auto& t = s.timeline[k];
      o << (k ? ", " : "") << "{\"t_s\": " << num(t.t_s) << ", \"records_per_sec\": " << num(t.records_per_sec)
        << ", \"mib_per_sec\": " << num(t.mib_per_sec) << ", \"p50_ms\": " << num(t.p50_ms)
        << ", \"p99_ms\": " << num(t.p99_ms) << ", \"errors\": " << t.errors << "}";
    }
    o << "]}";
  }
  o << "\n  ]\n}\n";
  return o.str();
}

std::string to_svg(const run_result& r) {
  // Two panels: throughput (records/s) over time per side, and the latency percentile
  // curve (x: 1/(1-p) on a log scale, as HdrHistogram plots do; y: ms, log scale).
  const int w = 900, h = 360, pad = 60;
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << 2 * h
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c"};
  // Panel 1.
  double tmax = 1, ymax = 1;
  for (const auto& s : r.sides) {
    for (const auto& p : s.timeline) {
      tmax = std::max(tmax, p.t_s);
      ymax = std::max(ymax, p.records_per_sec);
    }
  }
  o << "<text x=\"" << pad << "\" y=\"20\" font-size=\"14\">Throughput (records/s) over time — "
    << json_escape(r.config.workload_name.empty() ? r.config.topic : r.config.workload_name) << "</text>\n";
  o << "<line x1=\"" << pad << "\" y1=\"" << h - pad << "\" x2=\"" << w - 20 << "\" y2=\"" << h - pad
    << "\" stroke=\"black\"/><line x1=\"" << pad << "\" y1=\"30\" x2=\"" << pad << "\" y2=\"" << h - pad
    << "\" stroke=\"black\"/>\n";
  o << "<text x=\"" << w / 2 << "\" y=\"" << h - 20 << "\">time (s), max " << num(tmax) << "</text>\n";
  o << "<text x=\"5\" y=\"40\">" << num(ymax) << "</text><text x=\"5\" y=\"" << h - pad << "\">0</text>\n";
  for (size_t i = 0; i < r.sides.size(); ++i) {
    o << "<polyline fill=\"none\" stroke=\"" << colors[i % 3] << "\" stroke-width=\"2\" points=\"";
    for (const auto& p : r.sides[i].timeline) {
      const double x = pad + (w - 20 - pad) * p.t_s / tmax;
      const double y = (h - pad) - (h - pad - 30) * p.records_per_sec / ymax;
      o << num(x) << "," << num(y) << " ";
    }
    o << "\"/>\n<text x=\"" << w - 200 << "\" y=\"" << 40 + 16 * i << "\" fill=\"" << colors[i % 3] << "\">"
      << r.sides[i].name << "</text>\n";
  }
  // Panel 2.
  const int y0 = h;
  double lmax = 0.001, lmin = 1e9;
  for (const auto& s : r.sides) {
    if (s.latency.count() == 0) continue;
    lmax = std::max(lmax, ms(s.latency.max()));
    lmin = std::min(lmin, std::max(0.001, ms(s.latency.min())));
  }
  if (lmin > lmax) lmin = lmax / 10;
  const double ly0 = std::log10(lmin), ly1 = std::log10(lmax) + 1e-9;
  const double xmax = 6;  // up to 99.9999 %
  o << "<text x=\"" << pad << "\" y=\"" << y0 + 20 << "\" font-size=\"14\">Latency by percentile (ms, log scale)</text>\n";
  o << "<line x1=\"" << pad << "\" y1=\"" << y0 + h - pad << "\" x2=\"" << w - 20 << "\" y2=\"" << y0 + h - pad
    << "\" stroke=\"black\"/><line x1=\"" << pad << "\" y1=\"" << y0 + 30 << "\" x2=\"" << pad << "\" y2=\""
    << y0 + h - pad << "\" stroke=\"black\"/>\n";
  const char* labels[] = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
  for (int k = 0; k <= 6; ++k) {
    const double x = pad + (w - 20 - pad) * k / xmax;
    o << "<text x=\"" << num(x - 10) << "\" y=\"" << y0 + h - pad + 16 << "\">" << labels[k] << "</text>\n";
  }
  o << "<text x=\"5\" y=\"" << y0 + 40 << "\">" << num(lmax) << "</text><text x=\"5\" y=\"" << y0 + h - pad << "\">"
    << num(lmin) << "</text>\n";
  for (size_t i = 0; i < r.sides.size(); ++i) {
    const auto& s = r.sides[i];
    if (s.latency.count() == 0) continue;
    o << "<polyline fill=\"none\" stroke=\"" << colors[i % 3] << "\" stroke-width=\"2\" points=\"";
    for (int step = 0; step <= 120; ++step) {
      const double xl = xmax * step / 120.0;                 // log10(1/(1-p))
      const double q = 100.0 * (1.0 - std::pow(10.0, -xl));
      const double v = std::max(lmin, ms(s.latency.percentile(q)));
      const double x = pad + (w - 20 - pad) * xl / xmax;
      const double y = y0 + (h - pad) - (h - pad - 30) * (std::log10(v) - ly0) / (ly1 - ly0);
      o << num(x) << "," << num(y) << " ";
    }
    o << "\"/>\n<text x=\"" << w - 200 << "\" y=\"" << y0 + 40 + 16 * i << "\" fill=\"" << colors[i % 3] << "\">"
      << s.name << " p50 " << num(ms(s.latency.percentile(50))) << " ms, p99 " << num(ms(s.latency.percentile(99)))
      << " ms</text>\n";
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace ringtail::perf
