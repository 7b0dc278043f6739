#!/usr/bin/env bash
# bench/idle-rss.sh [PAGES=300] [IDLE_SECONDS=45]: anonymous memory (RssAnon) of an idle service,
# for each JVM flag set below: just started, right after archiving PAGES of the delay server's
# 450 KB pages, and after IDLE_SECONDS of doing nothing. One service at a time, on a temp data
# dir, port 0; everything started here is stopped here. Needs server/target/pagekeep.jar.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/server/target/pagekeep.jar"
pages="${1:-300}"
idle="${2:-45}"
work="$(mktemp -d)"
delay_pid=""
cleanup() {
  [ -n "$delay_pid" ] && kill "$delay_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

delay_server "$jar" "$work" 0 3600
dport="$delay_port"

rss() { awk '/^RssAnon/ {printf "%d", $2/1024}' "/proc/$1/status"; }

measure() {
  local name="$1"; shift
  local data="$work/data-$RANDOM"
  PAGEKEEP_HOME="$data" java "$@" -jar "$jar" serve --port 0 >"$work/serve.log" 2>&1 &
  local pid=$!
  for _ in $(seq 300); do [ -s "$data/service.json" ] && break; sleep 0.1; done
  local port token
  port="$(sed 's/.*"port":\([0-9]*\).*/\1/' "$data/service.json")"
  token="$(cat "$data/token")"
  sleep 3
  local started; started="$(rss "$pid")"
  local urls; urls="$(seq 1 "$pages" | sed "s|.*|\"http://127.0.0.1:$dport/$name-&\"|" | paste -sd, -)"
  curl -s -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"urls\":[$urls],\"source\":\"api\"}" "http://127.0.0.1:$port/api/saves"
  while :; do
    local s; s="$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/stats")"
    local left; left="$(echo "$s" | sed 's/.*"queued":\([0-9]*\),"fetching":\([0-9]*\).*/\1 \2/' | awk '{print $1+$2}')"
    [ "$left" = "0" ] && break
    sleep 0.5
  done
  local busy; busy="$(rss "$pid")"
  local hwm; hwm="$(awk '/^VmHWM/ {printf "%d", $2/1024}' "/proc/$pid/status")"
  sleep "$idle"
  local after; after="$(rss "$pid")"
  PAGEKEEP_HOME="$data" java -jar "$jar" stop >/dev/null
  wait "$pid" || true
  printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$started" "$busy" "$after" "$hwm" "$*"
}

echo "$pages pages of 450 KB archived, then ${idle} s idle; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| flags | RssAnon started (MB) | RssAnon after the pages (MB) | RssAnon after ${idle} s idle (MB) | VmHWM (MB) | JVM options |"
echo "|---|---|---|---|---|---|"
measure "jvm-defaults" -Xshare:auto
measure "serial-256m" -Xmx256m -XX:+UseSerialGC -Xss512k -XX:-UsePerfData -Xshare:auto
measure "g1-concurrent-periodic" -Xmx256m -XX:+UseG1GC -XX:G1PeriodicGCInterval=30000 -Xss512k -XX:-UsePerfData -Xshare:auto
measure "g1-full-periodic" -Xmx256m -XX:+UseG1GC -XX:G1PeriodicGCInterval=30000 -XX:-G1PeriodicGCInvokesConcurrent -Xss512k -XX:-UsePerfData -Xshare:auto
measure "shipped" -Xmx256m -XX:+UseG1GC -XX:G1PeriodicGCInterval=30000 -XX:-G1PeriodicGCInvokesConcurrent -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:TrimNativeHeapInterval=60000 -Xss512k -XX:-UsePerfData -Xshare:auto
