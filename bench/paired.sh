#!/usr/bin/env bash
# paired.sh: two servers' efficiency on one path, in paired, alternating
# runs (A then B, then B then A, …), reported as the median of the per-pair
# ratios B/A of requests per server-CPU-second, with its quartiles. Each
# server runs alone on CPU 0 with GOMAXPROCS=1; wrk runs on CPU 1.
#
#   bench/paired.sh PAIRS SECONDS 'A command with {addr}' PATH_A 'B command with {addr}' PATH_B
#
# e.g. bench/paired.sh 10 2 'bin/fastbase -handler hello -quiet -loops 1 -addr {addr}' / \
#        'bin/fastbase -handler httpbin -quiet -loops 1 -addr {addr}' '/?size=1024'
# WRK_ARGS adds wrk options to every run, e.g. WRK_ARGS="-s cmd/runner/pipeline.lua"
# for 16 pipelined requests per write (the script takes the path from the URL).
# Only 127.0.0.1 is used; each run is bounded by wrk's duration.
set -euo pipefail
PAIRS=$1 SECS=$2 A=$3 PA=$4 B=$5 PB=$6
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
port=18950
run() { # command path -> requests per server CPU-second
  port=$((port + 1))
  local addr=127.0.0.1:$port
  GOMAXPROCS=1 taskset -c 0 ${1//\{addr\}/$addr} >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
  # shellcheck disable=SC2086
  taskset -c 1 wrk ${WRK_ARGS:-} -t1 -c64 -d1s "http://$addr$2" >/dev/null 2>&1 # warm-up
  local c0 r c1
  c0=$(awk '{print $14+$15}' /proc/$pid/stat)
  # shellcheck disable=SC2086
  r=$(taskset -c 1 wrk ${WRK_ARGS:-} -t1 -c64 -d"${SECS}s" "http://$addr$2" 2>/dev/null | awk '/requests in/{print $1}')
  c1=$(awk '{print $14+$15}' /proc/$pid/stat)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  awk -v r="$r" -v c=$((c1 - c0)) 'BEGIN{ printf "%.0f", r / (c / 100) }'
}
ratios=()
for i in $(seq 1 "$PAIRS"); do
  if ((i % 2)); then a=$(run "$A" "$PA"); b=$(run "$B" "$PB"); else b=$(run "$B" "$PB"); a=$(run "$A" "$PA"); fi
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN{ printf "%.3f", b / a }')
  ratios+=("$ratio")
  echo "pair $i: A $a req/CPU-s, B $b req/CPU-s, B/A $ratio"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END {
  printf "B/A median %.3f (quartiles %.3f–%.3f, %d pairs)\n", v[int((NR + 1) / 2)], v[int((NR + 3) / 4)], v[int((3 * NR + 1) / 4)], NR }'
