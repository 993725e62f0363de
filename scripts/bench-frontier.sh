#!/usr/bin/env bash
# Measures the on-disk frontier at crawl scale: queue URLS URLs over HOSTS
# hosts, close and reopen, drain with one request per host and no delay;
# prints enqueue, reopen and dequeue rates and peak RSS.
#
#   scripts/bench-frontier.sh                          # bolt, 5,000,000 URLs over 50,000 hosts
#   URLS=100000 HOSTS=1000 scripts/bench-frontier.sh   # the small run CI can afford
#   STORES="bolt memory" scripts/bench-frontier.sh     # the in-memory store beside it
#   FETCH=5ms scripts/bench-frontier.sh                # each worker holds an item that long, as a fetch does
#   FSYNCS=1 scripts/bench-frontier.sh                 # also count fdatasync/fsync calls (strace)
#
# Set DIR to put the store on a particular disk (default: under TMPDIR).
set -euo pipefail
cd "$(dirname "$0")/.."

URLS=${URLS:-5000000}
HOSTS=${HOSTS:-50000}
WORKERS=${WORKERS:-128}
LINKS=${LINKS:-50}
FETCH=${FETCH:-0}
STORES=${STORES:-bolt}
FSYNCS=${FSYNCS:-}

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/store_bench" ./crawler/frontier/store_bench

for store in $STORES; do
	echo "== $store: $URLS URLs over $HOSTS hosts, $WORKERS workers, $LINKS links per host in a row, fetch $FETCH"
	dir=$(mktemp -d "${DIR:-${TMPDIR:-/tmp}}/frontier-bench.XXXXXX")
	args=(-store "$store" -dir "$dir" -urls "$URLS" -hosts "$HOSTS" -workers "$WORKERS" -links "$LINKS" -fetch "$FETCH")
	/usr/bin/time -f "max RSS %M KB (getrusage), %e s wall, %U s user, %S s system" \
		"$bin/store_bench" "${args[@]}"
	if [[ -n "$FSYNCS" ]]; then
		# A second run under strace, which slows it: only its counts matter.
		rm -rf "$dir" && mkdir -p "$dir"
		strace -f -c -e trace=fdatasync,fsync -o "$bin/strace.txt" "$bin/store_bench" "${args[@]}" >/dev/null
		awk '$NF == "fdatasync" || $NF == "fsync" { print "strace: " $4 " " $NF " calls" }' "$bin/strace.txt"
	fi
	rm -rf "$dir"
done
