#!/usr/bin/env bash
# Installs every build, test and interop dependency of Ringtail from Debian 12 (apt) and
# npm. Idempotent: packages already present are not touched, so a warm machine pays only
# a few dpkg queries. Runs as root (or with passwordless sudo).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

apt_packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  # libraries the code links
  liburing-dev libmimalloc-dev libxxhash-dev liblz4-dev libsnappy-dev libzstd-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # interop clients and measurement tools (Kafka's Java client and tools come from Maven)
  kcat librdkafka-dev python3 python3-confluent-kafka python3-kafka nodejs npm openjdk-17-jdk-headless maven
  strace iperf3 procps lz4 zstd
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${apt_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# node/npm may come from elsewhere (the image ships Node 20); accept any working npm.
if command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do
    case "$p" in nodejs|npm) ;; *) filtered+=("$p") ;; esac
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# kafkajs for the interop tests, installed into tests/interop/js (lock file committed).
if [ -f "$here/tests/interop/js/package.json" ] && [ ! -d "$here/tests/interop/js/node_modules/kafkajs" ]; then
  echo "install-deps: npm install (tests/interop/js)"
  (cd "$here/tests/interop/js" && npm install --no-audit --no-fund --silent)
fi
# Kafka's Java client and command-line tools for the interop tests (versions pinned in
# tests/interop/java/pom.xml), as a folder of jars under build/.
java_lib="$here/build/interop-java-lib"
if [ ! -f "$java_lib/.done" ] || [ "$here/tests/interop/java/pom.xml" -nt "$java_lib/.done" ]; then
  echo "install-deps: mvn dependency:copy-dependencies (tests/interop/java)"
  rm -rf "$java_lib"
  mkdir -p "$java_lib"
  mvn -q -B -f "$here/tests/interop/java/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$java_lib" -DincludeScope=runtime >"$java_lib/mvn.log" 2>&1 ||
    { echo "install-deps: maven failed:"; tail -20 "$java_lib/mvn.log"; exit 1; }
  touch "$java_lib/.done"
fi
echo "install-deps: ok"
