#!/usr/bin/env bash
# Import (queueing) rate: a generated URL list of COUNT lines through `pagekeep import --no-wait`
# into `pagekeep serve` at -Xmx256m: URLs durably queued per second, and the service's peak RSS
# (the file is streamed, never held whole). The URLs point at a closed local port, so the archiver
# fails them fast and touches no network; the service is stopped right after queueing.
# usage: bench/import.sh [COUNT=1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-1000000}
JAR=server/target/pagekeep.jar
[ -f "$JAR" ] || { echo "build first: mvn -B clean package -DskipTests" >&2; exit 1; }
WORK=$(mktemp -d)
SERVE=""
trap '[ -n "$SERVE" ] && kill "$SERVE" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
seq 1 "$COUNT" | awk '{print "http://127.0.0.1:9/import/" $1}' > "$WORK/urls.txt"
java -Xmx256m -jar "$JAR" serve --port 0 --data "$WORK/data" > "$WORK/serve.log" 2>&1 &
SERVE=$!
for _ in $(seq 300); do [ -s "$WORK/data/service.json" ] && break; sleep 0.2; done
start=$(date +%s.%N)
java -jar "$JAR" import "$WORK/urls.txt" --no-wait --data "$WORK/data" 2>"$WORK/import.log"
end=$(date +%s.%N)
rss=$(awk '/VmHWM/{print $2}' "/proc/$SERVE/status")
tail -1 "$WORK/import.log"
awk -v n="$COUNT" -v s="$start" -v e="$end" -v rss="$rss" -v size="$(stat -c %s "$WORK/urls.txt")" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
  printf "\n| URLs | file | queued in | rate | service peak RSS (-Xmx256m) | load |\n|---|---|---|---|---|---|\n";
  printf "| %d | %.1f MB | %.1f s | %.0f URLs/s | %.0f MB | %s |\n", n, size/1048576, e-s, n/(e-s), rss/1024, load }'
