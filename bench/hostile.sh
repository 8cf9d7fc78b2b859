#!/usr/bin/env bash
# bench/hostile.sh: fastbase under the loads that take servers down or make
# them hold memory, side by side with nginx, net/http and fasthttp.
#
#   bench/hostile.sh            all phases, about 3 minutes
#   PHASES="burst nonreading" bench/hostile.sh
#
# Phases:
#   burst       under `ulimit -n 256`, 2,000 connection attempts at once, held
#               1 s and closed, then 20 normal requests; SIGTERM, exit status
#   nonreading  1,000 connections that pipeline GETs and never read (4 KB
#               receive buffer) for 10 s: peak RSS, connections cut, then 20
#               normal requests
#   soak        fastbase echo -workers 8: wrk -c200 for 40 s while 200 curl
#               uploads of 300 KB run at once: RSS at start, peak, at the end
#   diskfull    TMPDIR on a 16 MB tmpfs filled to 15 MB: an 8 MB upload gets
#               507 and a log line, then succeeds once the filler is gone
#               (needs root for mount; skipped otherwise)
#   limits      2,000 concurrent GETs, a 32 MB header flood and a 10 MB body at
#               once against fastbase echo: peak RSS
#   resets      1,500 connections ask for /delay/1 and are all reset over
#               some 10 ms around the time the answers fall due, 5 rounds:
#               whether the server still answers, against go-httpbin
#
# Servers run pinned to CPU 0 (GOMAXPROCS=1, one nginx worker), the clients to
# CPU 1. Everything talks to 127.0.0.1 only, every step has a timeout, and
# every process started here is stopped by its PID. Missing tools (nginx, wrk,
# curl) are installed with apt-get. The results go to stdout and to
# bench/results/hostile.md.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=${PORT:-18480}
ADDR=127.0.0.1:$PORT
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
PHASES=${PHASES:-"burst nonreading soak diskfull limits resets"}
WORK=$(mktemp -d /tmp/fastbase-hostile.XXXXXX)
OUT=$ROOT/bench/results/hostile.md
PIDS=()

cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	if mountpoint -q "$WORK/tmp" 2>/dev/null; then umount "$WORK/tmp" || true; fi
	rm -rf "$WORK"
}
trap cleanup EXIT

need() { # command package
	command -v "$1" >/dev/null && return
	echo "installing $2" >&2
	for _ in $(seq 60); do # another apt may hold the lock
		if apt-get install -y -qq "$2" >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$2" >/dev/null 2>&1; }; then
			return
		fi
		sleep 5
	done
	echo "cannot install $2" >&2
	exit 1
}
need nginx nginx-light
need wrk wrk
need curl curl
need taskset util-linux

echo "building into $WORK" >&2
go build -o "$WORK/fastbase" ./cmd/fastbase
(cd bench && GOWORK=off go build -o "$WORK/" ./cmd/nethttp ./cmd/fasthttp ./cmd/gohttpbin ./cmd/hostile)
HOSTILE="taskset -c $CLIENT_CPU $WORK/hostile"

cat >"$WORK/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx-body;
    proxy_temp_path $WORK/nginx-proxy;
    fastcgi_temp_path $WORK/nginx-fastcgi;
    uwsgi_temp_path $WORK/nginx-uwsgi;
    scgi_temp_path $WORK/nginx-scgi;
    server {
        listen $ADDR;
        location / { default_type text/plain; return 200 "Hello, World!"; }
    }
}
EOF

# server_cmd NAME prints the command line of server NAME.
server_cmd() {
	case $1 in
	fastbase) echo "$WORK/fastbase -addr $ADDR -handler hello -quiet -loops 1" ;;
	fastbase-nocap) echo "$WORK/fastbase -addr $ADDR -handler hello -quiet -loops 1 -max-conns -1" ;;
	fastbase-httpbin) echo "$WORK/fastbase -addr $ADDR -handler httpbin -quiet -loops 1" ;;
	go-httpbin) echo "$WORK/gohttpbin -addr $ADDR" ;;
	nginx) echo "nginx -p $WORK -c $WORK/nginx.conf" ;;
	net/http) echo "$WORK/nethttp -addr $ADDR" ;;
	fasthttp) echo "$WORK/fasthttp -addr $ADDR" ;;
	esac
}

# start NAME [ULIMIT] starts a server in the background with its log in
# $WORK/server.log; SPID is its PID and MPIDS the PIDs to measure.
start() {
	local cmd limit=${2:-}
	cmd=$(server_cmd "$1")
	if [ -n "$limit" ]; then
		GOMAXPROCS=1 bash -c "ulimit -n $limit && exec taskset -c $SERVER_CPU $cmd" >"$WORK/server.log" 2>&1 &
	else
		GOMAXPROCS=1 taskset -c "$SERVER_CPU" $cmd >"$WORK/server.log" 2>&1 &
	fi
	SPID=$!
	PIDS+=("$SPID")
	for _ in $(seq 100); do
		curl -s -o /dev/null --max-time 1 "http://$ADDR/" && break
		sleep 0.1
	done
	MPIDS=$SPID
	if [ "$1" = nginx ]; then
		for c in $(pgrep -P "$SPID"); do MPIDS="$MPIDS,$c"; done
	fi
}

# stop sends SIGTERM and sets STATUS to the exit status, or "killed" when
# the server had not exited within 15 s.
stop() {
	kill -TERM "$SPID" 2>/dev/null || true
	for _ in $(seq 150); do
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$SPID" 2>/dev/null; then
		kill -KILL "$SPID" 2>/dev/null || true
		wait "$SPID" 2>/dev/null || true
		STATUS=killed
		return
	fi
	set +e
	wait "$SPID" 2>/dev/null
	STATUS=$?
	set -e
	[ "$1" = nginx ] && [ "$STATUS" = 143 ] && STATUS="0 (TERM)" # nginx exits by the signal
	true
}

# field KEY LINE prints the value of KEY=value in a hostile result line.
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }

declare -a REPORT
report() { REPORT+=("$1"); echo "$1"; }

phase_burst() {
	report ""
	report "### Descriptor limit: \`ulimit -n 256\`, 2,000 connections at once, then 20 requests"
	report ""
	report "| server | connected | answered 503 | accept failures logged | later requests answered | exit on SIGTERM |"
	report "|---|---|---|---|---|---|"
	for s in fastbase fastbase-nocap nginx net/http fasthttp; do
		start "$s" 256
		local r logged
		r=$(timeout 60 $HOSTILE burst -addr "$ADDR" -n 2000 -hold 1s -after 20)
		stop "$s"
		logged=$(grep -c "accept failing" "$WORK/server.log" || true)
		if [ "$logged" -gt 0 ]; then
			logged="$logged lines, $(grep -o 'accepting again" failures=[0-9]*' "$WORK/server.log" | awk -F= '{n += $NF} END {print n + 0}') failures counted"
		else
			logged="-"
		fi
		case $s in fastbase*) ;; *) logged="n/a" ;; esac
		report "| $s | $(field connected "$r") | $(field answered_503 "$r") | $logged | $(field after_ok "$r") of 20 | $STATUS |"
	done
}

phase_nonreading() {
	report ""
	report "### 1,000 pipelining connections that never read (4 KB receive buffer), 10 s"
	report ""
	report "| server | peak RSS | connections cut | requests sent by the clients | later requests answered |"
	report "|---|---|---|---|---|"
	for s in fastbase nginx net/http fasthttp; do
		start "$s"
		local r
		r=$(timeout 60 $HOSTILE nonreading -addr "$ADDR" -n 1000 -d 10s -pid "$MPIDS" -after 20)
		stop "$s"
		report "| $s | $(field peak_rss_mb "$r") MB | $(field cut "$r") of $(field connected "$r") | $(field sent_mb "$r") MB | $(field after_ok "$r") of 20 |"
	done
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

phase_soak() {
	report ""
	report "### Mixed soak: fastbase -handler echo -workers 8, wrk -c200 40 s, 200 concurrent 300 KB uploads"
	report ""
	head -c 307200 /dev/urandom >"$WORK/up.bin"
	GOMAXPROCS=1 taskset -c "$SERVER_CPU" "$WORK/fastbase" -addr "$ADDR" -handler echo -quiet -workers 8 >"$WORK/server.log" 2>&1 &
	SPID=$!
	PIDS+=("$SPID")
	sleep 0.5
	local start_kb codes wrk_pid
	start_kb=$(rss_kb "$SPID")
	taskset -c "$CLIENT_CPU" timeout 60 wrk -t1 -c200 -d40s "http://$ADDR/" >"$WORK/wrk.out" &
	wrk_pid=$!
	sleep 1
	local ups=()
	for _ in $(seq 200); do
		taskset -c "$CLIENT_CPU" curl -s -o /dev/null --max-time 30 -w '%{http_code}\n' -F "datafile=@$WORK/up.bin" "http://$ADDR/" >>"$WORK/curl.out" &
		ups+=($!)
	done
	wait "${ups[@]}" || true
	wait "$wrk_pid" || true
	sleep 1
	codes=$(sort "$WORK/curl.out" | uniq -c | awk '{printf "%s×%s ", $1, $2}')
	report "RSS at start $((start_kb / 1024)) MB, peak $(($(hwm_kb "$SPID") / 1024)) MB, at the end $(($(rss_kb "$SPID") / 1024)) MB; uploads: ${codes}; wrk: $(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.out") req/s"
	stop fastbase
}

phase_diskfull() {
	report ""
	report "### Disk full: TMPDIR on a 16 MB tmpfs holding a 15 MB file, 8 MB upload"
	report ""
	mkdir -p "$WORK/tmp"
	if ! mount -t tmpfs -o size=16m tmpfs "$WORK/tmp" 2>/dev/null; then
		report "skipped: cannot mount a tmpfs (not root?)"
		return
	fi
	head -c 15M /dev/zero >"$WORK/tmp/filler"
	head -c 8M /dev/urandom >"$WORK/up8m.bin"
	TMPDIR=$WORK/tmp GOMAXPROCS=1 taskset -c "$SERVER_CPU" "$WORK/fastbase" -addr "$ADDR" -handler echo -quiet >"$WORK/server.log" 2>&1 &
	SPID=$!
	PIDS+=("$SPID")
	sleep 0.5
	local full freed left logline
	full=$(curl -s -o /dev/null --max-time 30 -w '%{http_code}' -F "datafile=@$WORK/up8m.bin" "http://$ADDR/")
	left=$(find "$WORK/tmp" -mindepth 1 ! -name filler | wc -l)
	logline=$(grep -m1 "cannot spool" "$WORK/server.log" | sed 's/^time=[^ ]* //' || true)
	rm "$WORK/tmp/filler"
	freed=$(curl -s -o /dev/null --max-time 30 -w '%{http_code}' -F "datafile=@$WORK/up8m.bin" "http://$ADDR/")
	stop fastbase
	umount "$WORK/tmp"
	report "disk full: $full; files left in TMPDIR: $left; after the filler is removed: $freed"
	report ""
	report "log: \`$logline\`"
}

phase_limits() {
	report ""
	report "### Limits at once: 2,000 concurrent GETs, a 32 MB header flood, a 10 MB body (fastbase -handler echo)"
	report ""
	GOMAXPROCS=1 taskset -c "$SERVER_CPU" "$WORK/fastbase" -addr "$ADDR" -handler echo -quiet >"$WORK/server.log" 2>&1 &
	SPID=$!
	PIDS+=("$SPID")
	sleep 0.5
	local r
	r=$(timeout 60 $HOSTILE limits -addr "$ADDR" -n 2000 -pid "$SPID")
	stop fastbase
	report "peak RSS $(field peak_rss_mb "$r") MB; GETs answered $(field gets_ok "$r") of 2000; header flood: $(field header_flood_status "$r"); 10 MB body: $(field body_10mb_status "$r"); later requests $(field after_ok "$r") of 20"
}

phase_resets() {
	report ""
	report "### 1,500 connections ask for /delay/1 and are reset as the answers fall due, 5 rounds, then 20 requests"
	report ""
	report "| server | rounds the server survived | later requests answered | exit on SIGTERM |"
	report "|---|---|---|---|"
	for s in fastbase-httpbin go-httpbin; do
		start "$s"
		local r survived=0 after=0
		for _ in 1 2 3 4 5; do
			r=$(timeout 60 $HOSTILE resets -addr "$ADDR" -n 1500 -path /delay/1 -at 1s -after 20)
			kill -0 "$SPID" 2>/dev/null || break
			survived=$((survived + 1))
			after=$(field after_ok "$r")
		done
		stop "$s"
		report "| $s | $survived of 5 | $after of 20 | $STATUS |"
	done
}

report "## fastbase under hostile load ($(date -u +%Y-%m-%d), $(git rev-parse --short HEAD), $(nproc) CPUs, nginx $(nginx -v 2>&1 | sed 's/.*\///'))"
for p in $PHASES; do
	"phase_$p"
done
printf '%s\n' "${REPORT[@]}" >"$OUT"
echo >&2
echo "written to $OUT" >&2
