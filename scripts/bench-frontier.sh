#!/usr/bin/env bash
# Measures the on-disk frontier stores at crawl scale: queue URLS URLs over
# HOSTS hosts, close and reopen, drain with one request per host and no
# delay; prints enqueue, reopen and dequeue rates and peak RSS.
#
#   scripts/bench-frontier.sh                      # bolt, 5,000,000 URLs over 50,000 hosts
#   STORES="bolt pebble" scripts/bench-frontier.sh # both (pebble is built with -tags pebble)
#   URLS=100000 HOSTS=1000 scripts/bench-frontier.sh   # the small run CI can afford
#
# Set DIR to put the store on a particular disk (default: under TMPDIR).
set -euo pipefail
cd "$(dirname "$0")/.."

URLS=${URLS:-5000000}
HOSTS=${HOSTS:-50000}
WORKERS=${WORKERS:-128}
LINKS=${LINKS:-50}
STORES=${STORES:-bolt}

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
tags=""
case " $STORES " in *" pebble "*) tags="-tags pebble" ;; esac
# shellcheck disable=SC2086 # tags is empty or one flag
go build $tags -o "$bin/store_bench" ./crawler/frontier/store_bench

for store in $STORES; do
	echo "== $store: $URLS URLs over $HOSTS hosts, $WORKERS workers, $LINKS links per host in a row"
	dir=$(mktemp -d "${DIR:-${TMPDIR:-/tmp}}/frontier-bench.XXXXXX")
	/usr/bin/time -f "max RSS %M KB (getrusage), %e s wall, %U s user, %S s system" \
		"$bin/store_bench" -store "$store" -dir "$dir" \
		-urls "$URLS" -hosts "$HOSTS" -workers "$WORKERS" -links "$LINKS"
	rm -rf "$dir"
done
