#!/usr/bin/env bash
# Load-generator benchmark: starts Ringtail on loopback, measures this machine's limits in
# the same run (loopback TCP with iperf3, sequential write with dd), runs `ringtail perf`
# and librdkafka's producer and consumer (/work/shared/tools/rkbench.c, or $RKBENCH) at the same
# workloads, then the shipped OMB-style workloads end to end, and prints one table:
#   workload | tool | MiB/s | records/s | e2e p50/p99/p99.9 ms | broker CPU s/GiB | vs loopback
#
# usage: perf/run-bench.sh [BUILD_DIR]        (default build/rel; needs app/ringtail)
# env:   BROKER_BIN (broker binary, default the same ringtail), RECORDS (default 2000000), DURATION_S (workload runs, default 10),
#        THREADS (generator shards, default 2), RKBENCH_SRC (rkbench.c path),
#        DATA_DIR (the broker's log.dirs parent, default a temporary directory; a tmpfs such as
#        /dev/shm takes the disk's writeback out, so the clients' own ceilings show)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build/rel}
RT=$BUILD/app/ringtail
BROKER_BIN=${BROKER_BIN:-$RT}  # the broker may come from another build of the same tree
RECORDS=${RECORDS:-2000000}
DURATION_S=${DURATION_S:-10}
THREADS=${THREADS:-2}
RKBENCH_SRC=${RKBENCH_SRC:-/work/shared/tools/rkbench.c}
[[ -x $RT ]] || { echo "no ringtail binary at $RT (build it first)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/ringtail-bench.XXXXXX)
BROKER_PID=
cleanup() {
  [[ -n $BROKER_PID ]] && kill "$BROKER_PID" 2>/dev/null && wait "$BROKER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
BOOT=127.0.0.1:$PORT

# --- machine limits ---------------------------------------------------------------
LOOP_MBS=0
if command -v iperf3 >/dev/null; then
  IPORT=$(free_port)
  iperf3 -s -1 -p "$IPORT" >/dev/null 2>&1 &
  sleep 0.5
  LOOP_MBS=$(iperf3 -c 127.0.0.1 -p "$IPORT" -t 3 -J 2>/dev/null |
    python3 -c 'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/8e6))' || echo 0)
  wait || true
fi
DD_MBS=$(dd if=/dev/zero of="$WORK/dd.bin" bs=1M count=1024 conv=fdatasync 2>&1 | tail -1 |
  python3 -c 'import sys,re; l=sys.stdin.read(); m=re.search(r"([0-9.]+) ([GM])B/s", l); print(round(float(m.group(1))*(1000 if m.group(2)=="G" else 1)) if m else 0)')
rm -f "$WORK/dd.bin"  # also warms the VM's memory for the runs below (MACHINE.md "cold")
echo "machine: loopback TCP ${LOOP_MBS} MB/s (iperf3, 1 stream), sequential write ${DD_MBS} MB/s (dd, fdatasync at end)"

# --- the broker -------------------------------------------------------------------
DATA=${DATA_DIR:-$WORK}/ringtail-bench-data.$$
mkdir -p "$DATA"
trap 'cleanup; rm -rf "$DATA"' EXIT
echo "broker data: $DATA ($(findmnt -no FSTYPE -T "$DATA" 2>/dev/null | head -1))"
"$BROKER_BIN" broker --override "listeners=PLAINTEXT://$BOOT" --override "log.dirs=$DATA" >"$WORK/broker.log" 2>&1 &
BROKER_PID=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/broker.log" && break; sleep 0.1; done
grep -q "listening on" "$WORK/broker.log" || { cat "$WORK/broker.log"; exit 1; }

broker_cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' "/proc/$BROKER_PID/stat"; }

RKBENCH=${RKBENCH:-}
if [[ -z $RKBENCH && -f $RKBENCH_SRC ]] && cc -O2 -o "$WORK/rkbench" "$RKBENCH_SRC" -lrdkafka -lm 2>/dev/null; then
  RKBENCH=$WORK/rkbench
fi

ROWS=()
row() { ROWS+=("$(printf '%-44s %-10s %9s %11s %22s %10s %8s' "$@")"); }

# ringtail perf run → a table row. $1 = label, rest = perf args.
run_perf() {
  local label=$1; shift
  local json="$WORK/r.json" before after
  before=$(broker_cpu_s)
  "$RT" perf "$@" --bootstrap-server "$BOOT" --threads "$THREADS" --json "$json" --quiet >"$WORK/perf.out" 2>"$WORK/perf.err" ||
    { echo "perf failed: $label" >&2; cat "$WORK/perf.err" >&2; }
  after=$(broker_cpu_s)
  python3 - "$json" "$label" "$before" "$after" "$LOOP_MBS" <<'PY' >>"$WORK/rows"
import json, sys
d = json.load(open(sys.argv[1])); label = sys.argv[2]
cpu = float(sys.argv[4]) - float(sys.argv[3]); loop = float(sys.argv[5])
gib = d["bytes"] / 2**30
prod = d["sides"][0]
lat = d["latency_ms"]
mibs = d["mib_per_sec"]
vs = f'{mibs*1.048576/loop:.2f}' if loop > 0 else "-"
lats = "-" if label.startswith("consume") else f'{lat["p50"]:7.2f}/{lat["p99"]:6.2f}/{lat["p999"]:7.2f}'
print(f'{label:<44} {"ringtail":<10} {mibs:9.1f} {d["records_per_sec"]:11.0f} {lats:>22} {cpu/gib if gib>0 else 0:10.2f} {vs:>8}')
PY
}

run_rk() {
  local label=$1; shift
  [[ -n $RKBENCH ]] || return 0
  local before after
  before=$(broker_cpu_s)
  "$RKBENCH" "$@" -b "$BOOT" >"$WORK/rk.out" 2>&1 || { echo "rkbench failed: $label" >&2; tail -5 "$WORK/rk.out" >&2; }
  after=$(broker_cpu_s)
  python3 - "$WORK/rk.out" "$label" "$before" "$after" "$LOOP_MBS" <<'PY' >>"$WORK/rows"
import sys, re
kv = {}
for line in open(sys.argv[1]):
    if "=" in line and not line.startswith("summary"):
        k, _, v = line.strip().partition("=")
        kv[k] = v
label = sys.argv[2]; cpu = float(sys.argv[4]) - float(sys.argv[3]); loop = float(sys.argv[5])
def f(*names):
    for n in names:
        if n in kv:
            try: return float(kv[n].split()[0])
            except ValueError: pass
    return 0.0
mbs = f("MBps"); rps = f("records_per_s", "rate_achieved")
mibs = mbs / 1.048576
# produce/e2e: delivered records x record size; consume: payload MB/s x seconds
gib = (f("dr_ok") * f("record_bytes") if "dr_ok" in kv else f("MBps") * 1e6 * f("seconds")) / 2**30
pre = "e2e_lat" if "e2e_lat_p50_us" in kv else "dr_lat"  # consume: no latency (0)
p50 = f(pre + "_p50_us") / 1e3; p99 = f(pre + "_p99_us") / 1e3; p999 = f(pre + "_p99.9_us") / 1e3
vs = f'{mibs*1.048576/loop:.2f}' if loop > 0 else "-"
lats = "-" if label.startswith("consume") else f'{p50:7.2f}/{p99:6.2f}/{p999:7.2f}'
print(f'{label:<44} {"librdkafka":<10} {mibs:9.1f} {rps:11.0f} {lats:>22} {cpu/gib if gib>0 else 0:10.2f} {vs:>8}')
PY
}

: >"$WORK/rows"
# Warm-up, not measured: the first run against a fresh broker otherwise pays for the
# VM faulting in the broker's memory (MACHINE.md: cold memory is several times slower)
# and would penalise whichever tool goes first.
"$RT" perf produce --bootstrap-server "$BOOT" --topic warmup --partitions 1 --num-records "$RECORDS" --record-size 1024 \
  --acks 1 --linger-ms 5 --batch-size 65536 --threads "$THREADS" --quiet >/dev/null 2>&1 || true
"$RT" perf consume --bootstrap-server "$BOOT" --topic warmup --num-records "$RECORDS" --from-beginning true \
  --threads "$THREADS" --quiet >/dev/null 2>&1 || true
SMALL=$((RECORDS))
BIG=$((RECORDS / 4))
# Same producer settings for both tools: acks=1, linger 5 ms, batch 64 KiB, no compression.
run_perf "produce 1x1 100 B, acks=1" produce --topic small --partitions 1 --num-records "$SMALL" --record-size 100 --acks 1 --linger-ms 5 --batch-size 65536
run_rk   "produce 1x1 100 B, acks=1" produce -t small -n "$SMALL" -s 100 -a 1 -l 5 -B 65536 -M 1000000
run_perf "produce 1x1 1 KiB, acks=1" produce --topic big --partitions 1 --num-records "$BIG" --record-size 1024 --acks 1 --linger-ms 5 --batch-size 65536
run_rk   "produce 1x1 1 KiB, acks=1" produce -t big -n "$BIG" -s 1024 -a 1 -l 5 -B 65536 -M 1000000
# Consume what the two produce rows above wrote (both tools read the same topic from the
# start; the topic holds what both producers wrote, each tool reads the first N records).
run_perf "consume 1x1 100 B" consume --topic small --num-records "$SMALL" --from-beginning true
run_rk   "consume 1x1 100 B" consume -t small -n "$SMALL"
run_perf "consume 1x1 1 KiB" consume --topic big --num-records "$BIG" --from-beginning true
run_rk   "consume 1x1 1 KiB" consume -t big -n "$BIG"
run_perf "produce 1x1 1 KiB, lz4 json, acks=all" produce --topic lz --partitions 1 --num-records "$BIG" --record-size 1024 --payload json --compression-type lz4 --linger-ms 5 --batch-size 65536
for w in "$ROOT"/perf/workloads/*; do
  run_perf "e2e $(basename "${w%.*}")" workload --file "$w" --topic "w-$(basename "${w%.*}")" --duration-s "$DURATION_S"
done
if [[ -n $RKBENCH ]]; then
  run_rk "e2e 1x1 1 KiB @ 20k rec/s (librdkafka)" e2e -t rke2e -r 20000 -d "$DURATION_S" -s 1024
fi
run_perf "e2e 1x1 1 KiB @ 20k rec/s" e2e --topic e2e20k --partitions 1 --duration-s "$DURATION_S" --record-size 1024 --throughput 20000
# The same with rkbench's producer settings (acks=1, linger 5 ms, batch.size 1 MB), so the
# broker CPU per GiB of the two e2e rows can be compared like for like.
run_perf "e2e 1x1 1 KiB @ 20k rec/s, rkbench settings" e2e --topic e2e20kb --partitions 1 --duration-s "$DURATION_S" --record-size 1024 --throughput 20000 --acks 1 --linger-ms 5 --batch-size 1000000

printf '%-44s %-10s %9s %11s %22s %10s %8s\n' workload tool MiB/s records/s "e2e/ack p50/p99/p99.9" "CPU s/GiB" "vs loop"
cat "$WORK/rows"
echo "(latency: produce rows = send→ack, consume rows none, e2e rows = produce timestamp→consumer receive; CPU = broker user+sys seconds per GiB of payload; vs loop = payload MB/s ÷ iperf3 loopback MB/s)"
