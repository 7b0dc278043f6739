#!/usr/bin/env bash
# bench/smallpages.sh [PAGES=300] [WARM=100] [PROCS=8]: small real pages, pagekeep against wget.
# The Python library reference (Debian's python3-doc) served by nginx on 127.0.0.1; PAGES of its
# library/*.html pages fetched by `wget -p -k` in PROCS processes (timed; the bytes of the files it
# wrote), then by `pagekeep serve --port 0` on a temp data dir, warmed first (untimed) with rounds
# of WARM other pages of the same docs, taken in turn from all of them, until the JIT compiler
# threads take under 10% of a round's CPU (at most MAX_WARM_ROUNDS, 30); once the service is quiet,
# PAGES queued in one POST /api/saves and timed to the last one's finish (its updatedAt; the poll
# that sees it is printed too; the polls spawn no process, so the poller does not take the cores
# from the service it times). Then a second service on a fresh data dir saves the same PAGES, for
# their bytes. Prints pages/s of both, the ratio, wget's bytes against what the fresh data dir grew by
# (store, journal and search index), the service's CPU per page and by thread, and a verdict per
# target (issue 14: pages/s >= 0.5 x wget's, bytes <= 0.5 x wget's).
#
# One host serves every page, so the service runs as a user archiving one docs site would run it:
# `--max-pages-per-host 16` (pages of one host at once; default 4) and `--max-per-host 16`
# (requests to one host at once; default 6). SERVICE_ARGS replaces those options, SERVICE_JAVA_OPTS
# adds JVM options. JFR=FILE records the timed part (JFR's "profile" settings: CPU samples, parks,
# monitor waits) into FILE; `java -cp server/target/pagekeep.jar bench/E2eBench.java --jfr-summary
# FILE` summarises its CPU samples (starting JFR makes the JIT recompile: add
# SERVICE_JAVA_OPTS=-XX:StartFlightRecording=settings=profile so it runs through the warm-up).
# KEEP_LOG=FILE keeps the service's log. Installs nginx and python3-doc with apt when they are
# missing (as root). Traffic stays on 127.0.0.1; everything started here is stopped here.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${PAGEKEEP_JAR:-$here/server/target/pagekeep.jar}"
pages="${1:-300}"
warm="${2:-100}"
procs="${3:-8}"
service_args="${SERVICE_ARGS:---max-pages-per-host 16 --max-per-host 16}"
[ -f "$jar" ] || { echo "build first: mvn -B clean package -DskipTests" >&2; exit 1; }

need=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v wget >/dev/null || need+=(wget)
docs=/usr/share/doc/python3-doc/html
[ -d "$docs/library" ] || need+=(python3-doc)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "missing: ${need[*]} (apt-get install ${need[*]}, as root)" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >/dev/null
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

work="$(mktemp -d /tmp/pagekeep-smallpages.XXXXXX)"
chmod 755 "$work"
nginx_pid=""
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  [ -n "${KEEP_LOG:-}" ] && cp "$work/serve.log" "$KEEP_LOG"; rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# nginx: its own config, pid, logs and temp paths in $work; no root config is read or changed.
nport="$(free_port)"
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  log_format bare '\$request_uri';
  access_log $work/nginx/access.log bare;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nport;
    root $docs;
  }
}
EOF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/start.log" &
nginx_pid=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$nport/library/json.html" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$nport/library/json.html" || { cat "$work/nginx/start.log" "$work/nginx/error.log" >&2; exit 1; }
base="http://127.0.0.1:$nport"

# The timed pages: the first PAGES of library/*.html; the warm-up: WARM pages from elsewhere.
(cd "$docs" && ls library/*.html | sort | head -n "$pages") | sed "s|^|$base/|" >"$work/pages.txt"
# The warm-up pool is every other page of the docs (the other sections, and the library pages
# past the first PAGES); each round takes the next WARM of them in turn, so the JIT compiles for
# pages of many kinds, as in a daemon that has saved a while, not for one round's 100 pages saved
# again and again (compiled that narrowly, the timed pages' new branches deoptimised the hot
# methods and had them compiled again in the timed part). WARM_POOL=first keeps the first WARM of
# the other sections for every round (the harness up to the ninth session).
{ (cd "$docs" && find reference tutorial howto c-api faq using extending whatsnew -name '*.html' | sort)
  (cd "$docs" && ls library/*.html | sort | tail -n +$((pages + 1))); } | sed "s|^|$base/|" >"$work/pool.txt"
[ "${WARM_POOL:-all}" = first ] && head -n "$warm" "$work/pool.txt" >"$work/pool.first" && mv "$work/pool.first" "$work/pool.txt"
pool_size=$(wc -l <"$work/pool.txt")
warm_round() { # the WARM pool pages of round $1 (0-based), cycling through the pool
  awk -v from=$(( ($1 * warm) % pool_size )) -v n="$warm" '{ p[NR - 1] = $0 }
    END { for (i = 0; i < n; i++) print p[(from + i) % NR] }' "$work/pool.txt" >"$work/warm.txt"
}
[ "$(wc -l <"$work/pages.txt")" -eq "$pages" ] || { echo "only $(wc -l <"$work/pages.txt") library pages" >&2; exit 1; }

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"

# ---- wget -p -k in PROCS processes, each its own directory (as PROCS separate mirrors would be).
split -n "r/$procs" -d "$work/pages.txt" "$work/part."
t0=$(date +%s.%N)
wget_pids=()
for part in "$work"/part.*; do
  wget -q -p -k -e robots=off -P "$work/wget/${part##*.}" -i "$part" &
  wget_pids+=($!)
done
wait "${wget_pids[@]}" || true # wget exits 8 when a requisite answers 404
t1=$(date +%s.%N)
wget_s=$(echo "$t1 - $t0" | bc -l)
requests() { wc -l <"$work/nginx/access.log"; }
wget_requests=$(requests)
wget_bytes=$(find "$work/wget" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
wget_files=$(find "$work/wget" -type f | wc -l)
wget_pages=$(find "$work/wget" -path '*/library/*.html' | wc -l)

# ---- pagekeep, warm, on a temp data dir
start_service() { # on data dir $1: sets data, serve_pid, token, api
  data="$1"
  # shellcheck disable=SC2086
  PAGEKEEP_HOME="$data" java ${SERVICE_JAVA_OPTS:-} -Xmx256m -XX:+UseG1GC -Xss512k -XX:-UsePerfData -jar "$jar" \
    serve --port 0 $service_args >>"$work/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 300); do [ -s "$data/service.json" ] && break; sleep 0.1; done
  [ -s "$data/service.json" ] || { cat "$work/serve.log" >&2; exit 1; }
  pport="$(sed 's/.*"port":\([0-9]*\).*/\1/' "$data/service.json")"
  token="$(cat "$data/token")"
  api="http://127.0.0.1:$pport"
}
stop_service() { kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true; serve_pid=""; }
start_service "$work/data"

body_of() { # the POST /api/saves body queuing the URLs of file $1, into $1.json
  printf '{"urls":[%s],"source":"api"}' "$(sed 's/.*/"&"/' "$1" | paste -sd, -)" >"$1.json"
}
post() { # queue the URLs of file $1 in one request: the body body_of built, so the timed part is the request
  curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data-binary @"$1.json" "$api/api/saves"
}
# The polls below spawn no process: this machine's fork and exec cost 4-5 ms of CPU each, and a poll
# as a subshell, a curl and a sleep took some 40 ms of CPU, every 60 ms: half a core taken from the
# service it timed (wget's run has no poller). A poll is a GET over bash's /dev/tcp, read with the
# read builtin, and the pause between polls is a read with a timeout on a FIFO nobody writes.
mkfifo "$work/never"
exec {pause_fd}<>"$work/never"
pause() { read -r -t "$1" -u "$pause_fd" _ || true; }
response=""
api_get() { # GET path $1 from the service into $response (headers and body); $(...) would fork
  local fd line
  response=""
  exec {fd}<>"/dev/tcp/127.0.0.1/$pport" || return 1
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n' \
    "$1" "$pport" "$token" >&"$fd"
  while IFS= read -r -u "$fd" line || [ -n "$line" ]; do response+="$line"$'\n'; done
  exec {fd}>&-
}
finished_n=0 finished_f=0
finished() { # sets finished_n to saves done + failed (+ needs-browser), finished_f to failed: no subshell
  local n=0 f=0
  api_get /api/stats
  [[ $response =~ \"done\":([0-9]+) ]] && n=$((n + BASH_REMATCH[1]))
  [[ $response =~ \"needsBrowser\":([0-9]+) ]] && n=$((n + BASH_REMATCH[1]))
  [[ $response =~ \"failed\":([0-9]+) ]] && f=${BASH_REMATCH[1]}
  finished_n=$((n + f)) finished_f=$f
}
wait_for() { # until $1 saves have finished; sets failed
  while :; do
    finished
    [ "$finished_n" -ge "$1" ] && { failed=$finished_f; return; }
    pause 0.02
  done
}
store_bytes() { du -sb "$data" | cut -f1; }

ticks() { awk '{print $14 + $15}' "/proc/$serve_pid/stat"; }
thread_ticks() { # "name ticks" per live thread, digits in names folded (capture-3 -> capture-N)
  for t in /proc/"$serve_pid"/task/*; do
    printf '%s %s\n' "$(sed 's/[0-9][0-9]*/N/g; s/ /_/g' "$t/comm" 2>/dev/null)" "$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null)"
  done
}
# Warm means the JIT has compiled the hot paths, as in a daemon that has run a while: rounds of the
# WARM pages (each round saves them again: new snapshots of the same pages) until the compiler
# threads take under 10% of a round's CPU, at most MAX_WARM_ROUNDS (30) rounds. (On 2 cores the
# JIT takes some 3,000 pages to settle: after 100 it was a third of the timed part's CPU.)
jit_ticks() { thread_ticks | awk '$1 ~ /Compiler/ { s += $2 } END { print s + 0 }'; }
rounds=0
warmed=0
jit_share=100
while :; do
  c0=$(ticks); j0=$(jit_ticks)
  warm_round "$rounds"
  body_of "$work/warm.txt"
  post "$work/warm.txt"
  warmed=$((warmed + warm))
  wait_for "$warmed"
  rounds=$((rounds + 1))
  c1=$(ticks); j1=$(jit_ticks)
  jit_share=$(( (j1 - j0) * 100 / (c1 - c0 + 1) ))
  echo "warm-up round $rounds: $warm pages, JIT compiler threads ${jit_share}% of the service's CPU"
  [ "$jit_share" -lt 10 ] || [ "$rounds" -ge "${MAX_WARM_ROUNDS:-30}" ] && break
done
# Before the timed part, the service goes quiet: the search index commits the warm-up's adds once
# they pause for 2 s (its check runs every second, and the commit with its merges takes a while),
# so a fixed 2 s sleep left that commit running into the timed part in some runs. Wait until the
# service has used at most 20 ms of CPU in each half second for 3.5 s in a row (so past the
# commit's check), at most 30 s.
quiet=0 waited=0
for _ in $(seq 60); do
  q0=$(ticks); sleep 0.5; q1=$(ticks); waited=$((waited + 1))
  if [ $((q1 - q0)) -le 2 ]; then quiet=$((quiet + 1)); else quiet=0; fi
  [ "$quiet" -ge 7 ] && break
done
if [ "$quiet" -ge 7 ]; then
  echo "service quiet after $((waited * 5 / 10)).$((waited * 5 % 10)) s"
else
  echo "service still busy after $((waited * 5 / 10)) s: timing anyway (read this run's figures with that)"
fi
body_of "$work/pages.txt"
thread_ticks >"$work/threads.0"
cpu0=$(ticks)
req0=$(requests)
[ -n "${JFR:-}" ] && jcmd "$serve_pid" JFR.start name=smallpages settings=profile >/dev/null
t0=$(date +%s.%N)
post "$work/pages.txt"
wait_for $((warmed + pages))
t1=$(date +%s.%N)
cpu1=$(ticks)
# The time is taken to the last of the PAGES saves' own finish time (its updatedAt, set in the
# store write that marks it done; its commit follows within milliseconds), not to the poll that saw
# it: on 2 busy cores a poll (a curl and a bash) waits 100-300 ms for CPU behind the service's
# threads, so the polled end was late by a varying part of a 2 s run. Both are printed.
polled_s=$(echo "$t1 - $t0" | bc -l)
last_ms=$(curl -s -H "Authorization: Bearer $token" "$api/api/saves?limit=$pages" \
  | grep -o '"updatedAt":[0-9]*' | cut -d: -f2 | sort -n | tail -n 1)
pk_s=$(echo "$last_ms / 1000 - $t0" | bc -l)
thread_ticks >"$work/threads.1"
pk_requests=$(( $(requests) - req0 ))
[ -n "${JFR:-}" ] && jcmd "$serve_pid" JFR.dump name=smallpages filename="$JFR" >/dev/null

# ---- bytes: what the same pages take in an archive of their own. (The warm service's data dir
# is no measure: thousands of warm-up snapshots and index merges grow and shrink it meanwhile.)
stop_service
start_service "$work/bytes"
sleep 1
before=$(store_bytes)
post "$work/pages.txt"
wait_for "$pages"
sleep 4 # the search index commits once adds pause for 2 s: count its files too
after=$(store_bytes)
pk_bytes=$((after - before))
stop_service
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
hz=$(getconf CLK_TCK)

wget_rate=$(echo "$pages / $wget_s" | bc -l)
pk_rate=$(echo "$pages / $pk_s" | bc -l)
ratio=$(echo "$pk_rate / $wget_rate" | bc -l)
bytes_ratio=$(echo "$pk_bytes / $wget_bytes" | bc -l)
mb() { echo "$1" | awk '{printf "%.1f MB", $1 / 1e6}'; }

echo
echo "$pages pages of the Python library reference (nginx, 127.0.0.1); pagekeep: serve $service_args, warmed with $rounds rounds of $warm other pages, in turn from $pool_size (JIT ${jit_share}% of the last round's CPU)"
echo
echo "| client | time | pages/s | bytes | bytes per page | notes |"
echo "|---|---|---|---|---|---|"
printf '| wget -p -k, %s processes | %.2f s | %.0f | %s | %.0f KB | %s files, %s pages, %s requests |\n' "$procs" "$wget_s" "$wget_rate" \
  "$(mb "$wget_bytes")" "$(echo "$wget_bytes / $pages / 1000" | bc -l)" "$wget_files" "$wget_pages" "$wget_requests"
printf '| pagekeep (warm) | %.2f s | %.0f | %s | %.0f KB | a fresh data dir'"'"'s growth for the same pages (store, journal, search index); %s requests; %s failed; time to the last save'"'"'s finish (the poll saw it at %.2f s) |\n' "$pk_s" "$pk_rate" \
  "$(mb "$pk_bytes")" "$(echo "$pk_bytes / $pages / 1000" | bc -l)" "$pk_requests" "$failed" "$polled_s"
echo
printf 'pages/s: pagekeep / wget = %.2f (target >= 0.5): %s\n' "$ratio" "$(echo "$ratio >= 0.5" | bc -l | sed 's/1/met/;s/0/NOT met/')"
printf 'bytes: pagekeep / wget = %.2f (target <= 0.5): %s\n' "$bytes_ratio" "$(echo "$bytes_ratio <= 0.5" | bc -l | sed 's/1/met/;s/0/NOT met/')"
printf 'pagekeep CPU (user + system) during the %s pages: %.1f s, %.1f ms per page; load average at the end: %s\n' "$pages" \
  "$(echo "($cpu1 - $cpu0) / $hz" | bc -l)" "$(echo "($cpu1 - $cpu0) * 1000 / $hz / $pages" | bc -l)" "$load_end"
echo
echo "pagekeep CPU by thread group during the $pages pages (threads alive at both ends; ms per page):"
awk -v hz="$hz" -v pages="$pages" 'NR == FNR { a[$1] += $2; next } { b[$1] += $2 }
  END { for (k in b) { d = b[k] - a[k]; if (d > 0) printf "  %-18s %6.1f\n", k, d * 1000 / hz / pages } }' \
  "$work/threads.0" "$work/threads.1" | sort -k2 -nr
