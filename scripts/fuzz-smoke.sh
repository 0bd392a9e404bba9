#!/usr/bin/env bash
# Fuzz smoke test: builds every libFuzzer target (tests/fuzz/fuzz_*.cc) with clang in its
# own build directory (build/fuzz, RINGTAIL_FUZZ=ON, ASan+UBSan) and runs each for an equal
# share of FUZZ_SECONDS (default 60) starting from its seed corpus
# (tests/fuzz/corpus/<target>/, or <target> without its fuzz_ prefix). Only the fuzz
# targets and what they link (ringtail_codec) are built, never the whole tree.
# Prints one summary line per target and exits non-zero if any target crashes, leaks,
# hits UB or times out; the reproducer is left in build/fuzz/artifacts/.
#
#   scripts/fuzz-smoke.sh                                # ~60 s of fuzzing in total
#   FUZZ_SECONDS=600 scripts/fuzz-smoke.sh
#   FUZZ_TARGETS="fuzz_request" scripts/fuzz-smoke.sh    # a subset
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build/fuzz"
total_seconds=${FUZZ_SECONDS:-60}
jobs=${JOBS:-2}

for tool in clang clang++; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "fuzz-smoke: $tool not found (scripts/install-deps.sh installs clang and libclang-rt-14-dev)" >&2
    exit 1
  fi
done

if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  mapfile -t targets < <(cd "$root/tests/fuzz" && ls fuzz_*.cc 2>/dev/null | sed 's/\.cc$//' | sort)
fi
if [ "${#targets[@]}" -eq 0 ]; then
  echo "fuzz-smoke: no tests/fuzz/fuzz_*.cc" >&2
  exit 1
fi

mkdir -p "$build"
started=$SECONDS
if ! { CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja \
         -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRINGTAIL_FUZZ=ON -DRINGTAIL_BENCH=OFF -DRINGTAIL_SANITIZE=ON &&
       cmake --build "$build" -j "$jobs" --target "${targets[@]}"; } >"$build/build.log" 2>&1; then
  echo "fuzz-smoke: configure/build FAILED (log: $build/build.log)" >&2
  tail -n 40 "$build/build.log" >&2
  exit 1
fi
build_seconds=$((SECONDS - started))
echo "fuzz-smoke: built ${targets[*]} in ${build_seconds}s (log: $build/build.log)"

share=$(( total_seconds / ${#targets[@]} ))
[ "$share" -ge 1 ] || share=1
mkdir -p "$build/artifacts"
failed=()
started=$SECONDS
for t in "${targets[@]}"; do
  # Seeds live in tests/fuzz/corpus/<target>/ or tests/fuzz/corpus/<target without fuzz_>/.
  seeds="$root/tests/fuzz/corpus/$t"
  [ -d "$seeds" ] || seeds="$root/tests/fuzz/corpus/${t#fuzz_}"
  work="$build/corpus/$t"   # new inputs go here, not into the committed seeds
  mkdir -p "$work"
  dirs=("$work")
  nseeds=0
  if [ -d "$seeds" ]; then
    dirs+=("$seeds")
    nseeds=$(find "$seeds" -type f | wc -l)
  fi
  log="$build/$t.log"
  rc=0
  "$build/tests/fuzz/$t" -max_total_time="$share" -rss_limit_mb=2048 -timeout=10 \
      -artifact_prefix="$build/artifacts/$t-" -print_final_stats=1 "${dirs[@]}" >"$log" 2>&1 || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$done_line")
  if [ "$rc" -eq 0 ]; then
    echo "fuzz-smoke: $t ok: ${runs:-?} runs in ${share}s, ${nseeds} seeds, coverage ${cov:-?}, corpus ${corp:-?}, peak RSS ${rss:-?} MB"
  else
    failed+=("$t")
    echo "fuzz-smoke: $t FAILED (exit $rc) after ${runs:-?} runs (log: $log, reproducer: $build/artifacts/$t-*)" >&2
    # The sanitizer/libFuzzer verdict first (the tail is mostly shadow-byte legend).
    grep -E "ERROR: |SUMMARY: |runtime error:|Test unit written" "$log" | head -n 6 >&2 || true
    tail -n 30 "$log" >&2
  fi
done
fuzz_seconds=$((SECONDS - started))

if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz-smoke: FAILED: ${failed[*]} (build ${build_seconds}s, fuzzing ${fuzz_seconds}s)" >&2
  exit 1
fi
echo "fuzz-smoke: all ${#targets[@]} targets passed (build ${build_seconds}s, fuzzing ${fuzz_seconds}s)"
