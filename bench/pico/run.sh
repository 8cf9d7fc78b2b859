#!/bin/sh
# run.sh builds harness.c against picohttpparser and runs it on CPU 0:
# picohttpparser's figures on bench/codec's four inputs, on this machine.
#
# picohttpparser is not part of this repository. run.sh clones
# github.com/h2o/picohttpparser at PICO_REF (default master) into a
# temporary directory, or uses the checkout in PICO_DIR when that is set
# (for a machine without access to GitHub: copy picohttpparser.c and
# picohttpparser.h there by hand). Needs gcc, and git unless PICO_DIR is
# given.
#
#   bench/pico/run.sh                 # clone, build with -O3 -march=native, run
#   PICO_DIR=/path/to/picohttpparser bench/pico/run.sh
#   PICO_REF=<commit> bench/pico/run.sh
#   KEEP=/tmp/pico-harness bench/pico/run.sh   # also keep the built harness, for compare.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "${PICO_DIR:-}" ]; then
	git clone --quiet https://github.com/h2o/picohttpparser "$tmp/pico"
	git -C "$tmp/pico" checkout --quiet "${PICO_REF:-master}"
	PICO_DIR=$tmp/pico
	echo "picohttpparser $(git -C "$PICO_DIR" rev-parse HEAD)"
fi
${CC:-gcc} -O3 -march=native -I"$PICO_DIR" -o "$tmp/harness" "$here/harness.c" "$PICO_DIR/picohttpparser.c"
${CC:-gcc} --version | head -1
taskset -c 0 "$tmp/harness"
if [ -n "${KEEP:-}" ]; then cp "$tmp/harness" "$KEEP"; fi
