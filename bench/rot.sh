#!/usr/bin/env bash
# Link rot: one pass of the real RotChecker over URLS archived URLs on HOSTS local host names
# (one server on 127.0.0.1 routing by Host; the checker's DNS maps the names to 127.0.0.1).
# usage: bench/rot.sh [URLS=10000] [HOSTS=100] [DELAY_MS=20]
set -euo pipefail
cd "$(dirname "$0")/.."
URLS=${1:-10000}; HOSTS=${2:-100}; DELAY=${3:-20}
JAR=server/target/pagekeep.jar
[ -f "$JAR" ] || { echo "build first: mvn -B clean package -DskipTests" >&2; exit 1; }
exec java -Xmx256m -XX:+UseSerialGC -cp "$JAR" bench/RotBench.java --urls "$URLS" --hosts "$HOSTS" --delay-ms "$DELAY"
