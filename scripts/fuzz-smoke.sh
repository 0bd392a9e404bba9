#!/usr/bin/env bash
# Fuzz smoke test: builds every libFuzzer target (tests/fuzz/fuzz_*.cc) with clang in its
# own build directory (build/fuzz, RINGTAIL_FUZZ=ON, ASan+UBSan) and runs each for an equal
# share of FUZZ_SECONDS (default 60) starting from its seed corpus
# (tests/fuzz/corpus/<target>/, or <target> without its fuzz_ prefix). Exits non-zero if any target crashes, leaks or hits UB;
# the reproducer is left in build/fuzz/artifacts/.
#
#   scripts/fuzz-smoke.sh            # ~60 s in total
#   FUZZ_SECONDS=600 scripts/fuzz-smoke.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build/fuzz"
total_seconds=${FUZZ_SECONDS:-60}
jobs=${JOBS:-2}

mapfile -t targets < <(cd "$root/tests/fuzz" && ls fuzz_*.cc 2>/dev/null | sed 's/\.cc$//' | sort)
if [ "${#targets[@]}" -eq 0 ]; then
  echo "fuzz-smoke: no tests/fuzz/fuzz_*.cc" >&2
  exit 1
fi

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRINGTAIL_FUZZ=ON -DRINGTAIL_BENCH=OFF -DRINGTAIL_SANITIZE=ON >/dev/null
# Only the fuzz targets (and what they link): the rest of the tree is not needed here.
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

share=$(( total_seconds / ${#targets[@]} ))
[ "$share" -ge 1 ] || share=1
mkdir -p "$build/artifacts"
status=0
for t in "${targets[@]}"; do
  # Seeds live in tests/fuzz/corpus/<target>/ or tests/fuzz/corpus/<target without fuzz_>/.
  seeds="$root/tests/fuzz/corpus/$t"
  [ -d "$seeds" ] || seeds="$root/tests/fuzz/corpus/${t#fuzz_}"
  work="$build/corpus/$t"   # new inputs go here, not into the committed seeds
  mkdir -p "$work"
  dirs=("$work")
  [ -d "$seeds" ] && dirs+=("$seeds")
  echo "fuzz-smoke: $t for ${share}s"
  if ! "$build/tests/fuzz/$t" -max_total_time="$share" -rss_limit_mb=2048 -timeout=10 \
      -artifact_prefix="$build/artifacts/$t-" -print_final_stats=1 "${dirs[@]}" \
      >"$build/$t.log" 2>&1; then
    echo "fuzz-smoke: $t FAILED (log: $build/$t.log, reproducer in $build/artifacts/)" >&2
    tail -n 40 "$build/$t.log" >&2
    status=1
  else
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$build/$t.log" | sed "s/^/  $t /" || true
  fi
done
exit "$status"
