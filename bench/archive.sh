#!/usr/bin/env bash
# Web archive export and import: WARC and WACZ export rates and peak memory over N snapshots, then the
# import rate of that WARC into an empty store. Each step runs in its own JVM (-Xmx512m).
# usage: bench/archive.sh [SNAPSHOTS=10000]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=server/target/pagekeep.jar
[ -f "$JAR" ] || { echo "build first: mvn -B clean package -DskipTests" >&2; exit 1; }
N=${1:-10000}
DIR=$(mktemp -d /tmp/pagekeep-archive-bench.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
run() { java -Xmx512m -cp "$JAR" bench/ArchiveBench.java "$@" 2>"$DIR/stderr.log" || { cat "$DIR/stderr.log" >&2; exit 1; }; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
run setup "$DIR/store" "$N"
run warc "$DIR/store" "$DIR/out.warc.gz"
run wacz "$DIR/store" "$DIR/out.wacz"
run import "$DIR/out.warc.gz" "$DIR/imported"
grep -o '"errors":\[[^]]*\]' "$DIR/stderr.log" || true
