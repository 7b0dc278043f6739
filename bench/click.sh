#!/usr/bin/env bash
# Click to "done" behind an import: COUNT URLs of the delay server (0..MAX_DELAY_MS per page)
# queued by `pagekeep import`, then CLICKS toolbar saves of another host, one a second
# (ClickBench.java). Prints each click and a table row with p50/p95/max.
# usage: bench/click.sh [COUNT=10000] [CLICKS=20] [MAX_DELAY_MS=1000]
# CLICK_ARGS adds ClickBench options (--html: the click carries the DOM, as the extension's does);
# SERVICE_ARGS adds `pagekeep serve` options; JAR=other.jar measures another build;
# SERVICE_JAVA_OPTS replaces the service's JVM options (default -Xmx256m), e.g. the launcher's.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
COUNT=${1:-10000}; CLICKS=${2:-20}; MAXDELAY=${3:-1000}
JAR=${JAR:-server/target/pagekeep.jar}
WORK=$(mktemp -d); DATA=$WORK/data
cleanup() { kill ${SVC:-} ${delay_pid:-} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
delay_server "$JAR" "$WORK" "$MAXDELAY" 3600
java ${SERVICE_JAVA_OPTS:--Xmx256m} -jar "$JAR" serve --port 0 --data "$DATA" ${SERVICE_ARGS:-} > "$WORK/service.log" 2>&1 &
SVC=$!
for _ in $(seq 300); do grep -q '^port ' "$WORK/service.log" && break; sleep 0.2; done
PAGES="http://127.0.0.1:$delay_port/"
SERVICE="http://127.0.0.1:$(awk '/^port /{print $2}' "$WORK/service.log")"
echo "delay server $PAGES (0..${MAXDELAY} ms, 450 KB pages); pagekeep $SERVICE ${SERVICE_JAVA_OPTS:--Xmx256m} ${SERVICE_ARGS:-}; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
seq 0 $((COUNT - 1)) | sed "s#^#$PAGES#" > "$WORK/urls.txt"
PAGEKEEP_HOME="$DATA" java -jar "$JAR" import --no-wait "$WORK/urls.txt"
sleep 5 # let the import saves take every page slot
java -cp "$JAR" bench/ClickBench.java --service "$SERVICE" --token-file "$DATA/token" --clicks "$CLICKS" ${CLICK_ARGS:-}
echo "load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
