#!/usr/bin/env bash
# delay.sh: many answers that come later, fastbase beside the servers load
# tests use to simulate a slow backend. Each server runs alone on CPU 0 with
# GOMAXPROCS=1; bench/cmd/delayload on CPU 1 opens CONNS connections (source
# addresses spread over 127.0.0.0/8), sends one request on each at once,
# each to be answered after DELAY, and reports lateness, the server's RSS
# growth per pending request (its connection included) and the server's CPU
# while the answers wait. ROUNDS rounds, the servers' order rotating.
#
#   bench/delay.sh [CONNS [DELAY [ROUNDS]]]      (defaults 15000 1s 3)
#   SERVERS="fastbase fortio" bench/delay.sh     (a subset)
#
# The client runs with its garbage collector off (GOGC=off: it holds about
# 10 KB per connection for a few seconds), so that its own pauses are not
# counted as the servers' lateness.
#
# For fastbase the script also prints the server's own account, from its
# fastbase_answer_lateness_seconds histogram: how late the loop's timers
# sent the answers, apart from the time requests and answers spend in the
# sockets and in the client.
#
# Only 127.0.0.1 is used; every step is bounded in time.
set -euo pipefail
cd "$(dirname "$0")"
CONNS=${1:-15000}
DELAY=${2:-1s}
ROUNDS=${3:-3}
BIN=$(mktemp -d)
trap 'rm -rf "$BIN"' EXIT
export GOWORK=off
go build -o "$BIN/" ./cmd/delayload ./cmd/fortioecho ./cmd/sleephttp ./cmd/gohttpbin
(cd .. && go build -o "$BIN/fastbase" ./cmd/fastbase)
ulimit -n "$(ulimit -Hn)"
secs=$(awk -v d="$DELAY" 'BEGIN{ if (d ~ /ms$/) { sub(/ms$/, "", d); print d/1000 } else { sub(/s$/, "", d); print d } }')

declare -A cmd path
cmd[fastbase]="$BIN/fastbase -handler httpbin -quiet -loops 1 -max-conns -1 -admin 127.0.0.1:ADMIN -addr"
path[fastbase]="/?delay=$DELAY"
cmd[fortio]="$BIN/fortioecho -addr"
path[fortio]="/?delay=$DELAY"
cmd[nethttp-sleep]="$BIN/sleephttp -addr"
path[nethttp-sleep]="/?delay=$DELAY"
cmd[go-httpbin]="$BIN/gohttpbin -addr"
path[go-httpbin]="/delay/$secs"
read -r -a servers <<<"${SERVERS:-fastbase fortio nethttp-sleep go-httpbin}"

port=18900
for round in $(seq 1 "$ROUNDS"); do
  n=${#servers[@]}
  for k in $(seq 0 $((n - 1))); do
    s=${servers[$(((k + round - 1) % n))]}
    port=$((port + 1))
    admin=$((port + 500))
    GOMAXPROCS=1 taskset -c 0 ${cmd[$s]//ADMIN/$admin} "127.0.0.1:$port" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
    printf 'round %d %-14s ' "$round" "$s"
    GOGC=off timeout 120 taskset -c 1 "$BIN/delayload" -addr "127.0.0.1:$port" -pid "$pid" \
      -conns "$CONNS" -path "${path[$s]}" -delay "$DELAY" || echo "delayload failed"
    if [[ $s == fastbase ]] && command -v curl >/dev/null; then
      # The server's own account: how late its timers sent the answers.
      curl -s "127.0.0.1:$admin/metrics" | awk '
        /^fastbase_answer_lateness_seconds_bucket/ {
          le = $1; sub(/.*le="/, "", le); sub(/".*/, "", le); n[++k] = $2; b[k] = le }
        END { if (!k) exit; total = n[k]
          for (i = 1; i <= k; i++) { if (!p50 && n[i] >= total * 0.5) p50 = b[i]; if (!p99 && n[i] >= total * 0.99) p99 = b[i] }
          printf "    server side: %d timed answers, p50 <= %s s, p99 <= %s s late\n", total, p50, p99 }'
    fi
    kill "$pid"; wait "$pid" 2>/dev/null || true
    sleep 1
  done
done
