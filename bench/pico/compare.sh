#!/bin/sh
# compare.sh HARNESS ROUNDS TEST_BINARY... alternates bench/codec test
# binaries (go test -c of ./codec/ in bench/, one per version of the parser)
# and picohttpparser's harness (run.sh with KEEP=...), all on CPU 0 with
# GOMAXPROCS=1. Each round takes, per input, the best of eleven 50 ms runs of
# each binary and the best of the harness's eleven rounds of about 50 ms:
# short runs, so that a round's best is a moment the shared core was quiet.
# It prints, per parser and input, the best and the quartiles of the rounds'
# figures in ns per op, and the allocations per op the Go runs reported.
#
#   cd bench && GOWORK=off go test -c -o /tmp/new.test ./codec/
#   KEEP=/tmp/pico-harness pico/run.sh
#   pico/compare.sh /tmp/pico-harness 12 /tmp/old.test /tmp/new.test
set -eu
harness=$1 rounds=$2
shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
r=0
while [ "$r" -lt "$rounds" ]; do
	r=$((r + 1))
	for bin in "$@"; do
		GOMAXPROCS=1 taskset -c 0 "$bin" -test.run '^$' -test.bench 'Parse/.*/fastbase' \
			-test.benchtime 50ms -test.count 11 -test.benchmem |
			awk -v b="$(basename "$bin")" '/^Benchmark/ {split($1, a, "/"); print b, a[2], $3, $(NF-1)}' |
			sort -k2,2 -k3,3n | awk '!seen[$2]++' >>"$out"
	done
	taskset -c 0 "$harness" | awk '{print "picohttpparser", $1, $8, 0}' >>"$out"
done
sort -k1,1 -k2,2 -k3,3n "$out" | awk '
	{ k = $1 " " $2; v[k] = v[k] " " $3; if ($4 > al[k]) al[k] = $4 }
	END {
		for (k in v) {
			n = split(v[k], a, " ")
			printf "%-36s best %8.1f  q1 %8.1f  median %8.1f  q3 %8.1f  ns/op  (%d rounds, max %d allocs/op)\n",
				k, a[1], a[int((n + 3) / 4)], a[int((n + 1) / 2)], a[int((3 * n + 3) / 4)], n, al[k]
		}
	}' | sort -k2,2 -k1,1
