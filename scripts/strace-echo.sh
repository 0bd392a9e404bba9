#!/usr/bin/env bash
# Syscall evidence for the io runtime's data path (docs/PERFORMANCE.md, "io runtime").
#
# Starts the echo server (bench/echo_tool: the runtime's echo service, or the epoll
# baseline) in its own process, drives it with the benchmark's client from another
# process, and after a warm-up attaches `strace -f -c` to every thread of the server
# for a fixed window. Setup (ring creation, listeners, accepts) happens before the
# attach, so the table shows the steady-state data path only.
#
#   scripts/strace-echo.sh [BUILD_DIR] [uring|epoll] [CONNS] [MESSAGE_BYTES] [WINDOW]
#   defaults: build/h-iob uring 64 65536 4
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build/h-iob}
kind=${2:-uring}
conns=${3:-64}
message_bytes=${4:-65536}
window=${5:-4}
warmup_s=2
trace_s=5
tool="$build/bench/echo_tool"
[[ -x $tool ]] || { echo "missing $tool: ninja -C $build echo_tool" >&2; exit 1; }
command -v strace >/dev/null || { echo "strace is not installed" >&2; exit 1; }

work=$(mktemp -d)
trap 'kill $server_pid $client_pid 2>/dev/null || true; rm -rf "$work"' EXIT
server_pid=""
client_pid=""

"$tool" serve "$kind" 1 $((warmup_s + trace_s + 4)) >"$work/server.out" &
server_pid=$!
for _ in $(seq 100); do grep -q '^port' "$work/server.out" 2>/dev/null && break; sleep 0.05; done
port=$(awk '/^port/ {print $2}' "$work/server.out")
[[ -n $port ]] || { echo "server did not start" >&2; exit 1; }

"$tool" client "$port" "$conns" "$message_bytes" "$window" $((warmup_s + trace_s + 1)) >"$work/client.out" &
client_pid=$!
sleep "$warmup_s"

# With -f, strace -p attaches every thread of the process (the shards included).
for t in /proc/"$server_pid"/task/*; do echo "thread ${t##*/}: $(cat "$t/comm")"; done
echo "server: $kind, 1 thread serving; client: $conns connections, $message_bytes B messages, window $window"
echo "strace -f -c -p $server_pid for ${trace_s}s after ${warmup_s}s of warm-up:"
timeout -s INT "$trace_s" strace -f -c -p "$server_pid" -o "$work/strace.txt" || true
wait "$client_pid" || true
client_pid=""
cat "$work/strace.txt"
echo "client (MB/s per second; the traced seconds run slower under ptrace):"
cat "$work/client.out"
