# Shared by the bench scripts: `. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"` (after `set -euo pipefail`).

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# delay_server JAR DIR MAX_DELAY_MS MAX_SECONDS [PORT=0]: starts bench/DelayServer.java in the
# background (450 KB pages after 0..MAX_DELAY_MS each, on 127.0.0.1, -Xmx512m, stopping by itself
# after MAX_SECONDS) and waits up to 30 s for its port. Its log is DIR/delay.log (appended to), its
# port file DIR/delay.port. Sets delay_pid (for the caller's cleanup) and delay_port; fails, with the
# log's last lines, if the server does not come up. Call it directly, not in $(...): it sets them
# in the calling shell.
delay_server() {
  local jar="$1" dir="$2" max_delay="$3" max_seconds="$4" port="${5:-0}"
  rm -f "$dir/delay.port"
  java -Xmx512m -cp "$jar" "$bench_dir/DelayServer.java" --max-delay-ms "$max_delay" --max-seconds "$max_seconds" \
    --port "$port" --port-file "$dir/delay.port" >>"$dir/delay.log" 2>&1 &
  delay_pid=$!
  for _ in $(seq 150); do
    [ -s "$dir/delay.port" ] && break
    kill -0 "$delay_pid" 2>/dev/null || break
    sleep 0.2
  done
  if [ ! -s "$dir/delay.port" ]; then
    echo "the delay server did not start; $dir/delay.log ends:" >&2
    tail -5 "$dir/delay.log" >&2
    return 1
  fi
  delay_port="$(cat "$dir/delay.port")"
}

# stop_pids PID...: SIGTERM to each, then SIGKILL to what is left after 15 s (a JVM out of memory
# may never finish its shutdown hooks). Pass the variables unquoted: empty ones drop out.
stop_pids() {
  local p
  for p in "$@"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 30); do kill -0 "$@" 2>/dev/null || break; sleep 0.5; done
  for p in "$@"; do kill -9 "$p" 2>/dev/null || true; done
}

# show_logs_on_error DIR: an ERR trap that names the failed line and command and shows the last
# lines of DIR/*.err and DIR/serve.log.
show_logs_on_error() {
  bench_log_dir="$1"
  trap 'echo "$0: failed at line $LINENO: $BASH_COMMAND" >&2; for f in "$bench_log_dir"/*.err "$bench_log_dir"/serve.log; do [ -s "$f" ] && { echo "--- $f" >&2; tail -15 "$f" >&2; }; done' ERR
}
