#!/usr/bin/env bash
# Kafka's own producer benchmark (org.apache.kafka.tools.ProducerPerformance, what
# kafka-producer-perf-test.sh runs) against Ringtail and Apache Kafka 4.4.0 in one run,
# with the Java client's defaults (idempotent, acks=all, 5 requests in flight), with
# idempotence off, and with 1 request in flight (idempotent and not). 1 KiB records, linger.ms=5, one
# partition, no throttling; a warm-up run per broker is excluded (the JIT). Each config
# runs REPEAT times, round-robin over the configs; the table has the medians:
#   broker | producer config | records/s | MB/s | p99 ms | broker CPU s/GB | errors / retries
# Broker CPU is the broker process's utime+stime from /proc over the run. The host is
# noisy (single runs of one config swing by 2x here): compare medians of one run.
#
# usage: perf/java-producer-bench.sh [BUILD_DIR]   (default build/release; needs app/ringtail)
# env:   RECORDS (per run, default 1000000), WARMUP_RECORDS (default 200000), REPEAT
#        (default 3), VERBOSE=1 (print every run's row too),
#        JAVA_LIB (Kafka's client + tools jars, default build/interop-java-lib, from
#        scripts/install-deps.sh), KAFKA_PEER (default /work/shared/tools/kafka-peer.sh),
#        SKIP_KAFKA=1 to run Ringtail alone, ONLY (a regex: the configs to run),
#        REVERSE=1 (run the configs in reverse order, to see order effects)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build/release}
RT=$BUILD/app/ringtail
RECORDS=${RECORDS:-1000000}
WARMUP_RECORDS=${WARMUP_RECORDS:-200000}
REPEAT=${REPEAT:-3}
JAVA_LIB=${JAVA_LIB:-$ROOT/build/interop-java-lib}
KAFKA_PEER=${KAFKA_PEER:-/work/shared/tools/kafka-peer.sh}
[[ -x $RT ]] || { echo "no ringtail binary at $RT (build it first)" >&2; exit 2; }
[[ -f $JAVA_LIB/kafka-tools-4.4.0.jar ]] || { echo "no Kafka tools in $JAVA_LIB (run scripts/install-deps.sh)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/ringtail-javabench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$1/stat"; }

# Warm the VM's memory (MACHINE.md "cold"): write and delete about what a run writes.
dd if=/dev/zero of="$WORK/warm.bin" bs=1M count=$((RECORDS / 1000 + 64)) status=none && rm -f "$WORK/warm.bin"

CONFIGS=(
  "java-defaults|linger.ms=5"
  "idempotence-off|linger.ms=5 enable.idempotence=false"
  "1-in-flight|linger.ms=5 max.in.flight.requests.per.connection=1"
  "1-in-flight-idempotence-off|linger.ms=5 max.in.flight.requests.per.connection=1 enable.idempotence=false"
)

# run_perf NAME BOOT PID TOPIC RECORDS PROPS -> one table row on stdout (and the raw output in $WORK)
run_perf() {
  local broker=$1 boot=$2 pid=$3 topic=$4 n=$5 props=$6 label=$7
  "$RT" topics --bootstrap-server "$boot" --create --topic "$topic" --partitions 1 >/dev/null
  local c0 c1 out
  c0=$(cpu_seconds "$pid")
  out=$(java -Xms512m -Xmx512m -cp "$JAVA_LIB/*" org.apache.kafka.tools.ProducerPerformance \
    --topic "$topic" --num-records "$n" --record-size 1024 --throughput -1 --print-metrics \
    --command-property "bootstrap.servers=$boot" $props 2>&1)
  c1=$(cpu_seconds "$pid")
  echo "$out" >"$WORK/$broker-$topic.out"
  # Free the run's page cache for the next one (fresh VM memory costs more to touch:
  # MACHINE.md "cold"), so no config pays for the ones before it.
  "$RT" topics --bootstrap-server "$boot" --delete --topic "$topic" >/dev/null 2>&1 || true
  sleep 2
  python3 - "$broker" "$label" "$n" "$c0" "$c1" "$WORK/$broker-$topic.out" <<'PY'
import re, sys
broker, label, n, c0, c1 = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
text = open(sys.argv[6]).read()
m = re.search(r"(\d+) records sent, ([0-9.]+) records/sec \(([0-9.]+) MB/sec\).*?(\d+) ms 99th", text)
err = re.search(r"producer-metrics:record-error-total:\{[^}]*\}\s*:\s*([0-9.]+)", text)
retry = re.search(r"producer-metrics:record-retry-total:\{[^}]*\}\s*:\s*([0-9.]+)", text)
gb = n * 1024 / 1e9
if not m:
    print(f"| {broker} | {label} | failed: {text.strip().splitlines()[-1] if text.strip() else '?'} | | | |")
else:
    print(f"| {broker} | {label} | {float(m.group(2)):,.0f} | {float(m.group(3)):.1f} | {m.group(4)} | "
          f"{(c1 - c0) / gb:.2f} | {err.group(1) if err else '?'} / {retry.group(1) if retry else '?'} |")
PY
}

bench_broker() {
  local broker=$1 boot=$2 pid=$3
  run_perf "$broker" "$boot" "$pid" warmup "$WARMUP_RECORDS" "linger.ms=5" warmup >/dev/null
  local order=("${CONFIGS[@]}")
  if [[ -n ${REVERSE:-} ]]; then
    order=()
    for ((i = ${#CONFIGS[@]} - 1; i >= 0; i--)); do order+=("${CONFIGS[$i]}"); done
  fi
  for ((rep = 1; rep <= REPEAT; rep++)); do
    for c in "${order[@]}"; do
      local label=${c%%|*} props=${c#*|}
      [[ -n ${ONLY:-} && ! $label =~ $ONLY ]] && continue
      run_perf "$broker" "$boot" "$pid" "t-$label-$rep" "$RECORDS" "$props" "$label" | tee -a "$WORK/rows"
    done
  done
}

# Medians per (broker, config) of the rows collected in $WORK/rows.
print_medians() {
  python3 - "$WORK/rows" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = [x.strip() for x in line.strip().strip("|").split("|")]
    if len(f) < 7 or f[2].startswith("failed"):
        continue
    rows.setdefault((f[0], f[1]), []).append(f)
print("| broker | producer config | records/s | MB/s | p99 ms | broker CPU s/GB | errors / retries | runs |")
print("|---|---|---:|---:|---:|---:|---|---:|")
for (broker, label), fs in rows.items():
    med = lambda i, conv=float: statistics.median(conv(x[i].replace(",", "")) for x in fs)
    errs = "/".join(sorted({x[6] for x in fs}))
    print(f"| {broker} | {label} | {med(2):,.0f} | {med(3):.1f} | {med(4):.0f} | {med(5):.2f} | {errs} | {len(fs)} |")
PY
}

exec 3>&1
[[ -n ${VERBOSE:-} ]] || exec 1>/dev/null

# --- Ringtail ------------------------------------------------------------------------
RPORT=$(free_port)
mkdir -p "$WORK/ringtail-data"
"$RT" broker --override "listeners=PLAINTEXT://127.0.0.1:$RPORT" --override "log.dirs=$WORK/ringtail-data" \
  >"$WORK/ringtail.log" 2>&1 &
RPID=$!
PIDS+=("$RPID")
for _ in $(seq 100); do grep -q "listening on" "$WORK/ringtail.log" && break; sleep 0.1; done
bench_broker ringtail "127.0.0.1:$RPORT" "$RPID"
kill "$RPID"; wait "$RPID" 2>/dev/null || true
rm -rf "$WORK/ringtail-data"

# --- Apache Kafka 4.4.0 (one KRaft node, 1 GiB heap, data on the same filesystem) -----
if [[ -z ${SKIP_KAFKA:-} ]]; then
  KPORT=$(free_port)
  KPID=$(bash "$KAFKA_PEER" start "$WORK/kafka" "$KPORT" | tail -1)
  [[ $KPID =~ ^[0-9]+$ ]] || { echo "kafka did not start: $KPID" >&2; exit 1; }
  PIDS+=("$KPID")
  bench_broker kafka "127.0.0.1:$KPORT" "$KPID"
  bash "$KAFKA_PEER" stop "$KPID"
fi

exec 1>&3
print_medians
