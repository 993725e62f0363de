#!/usr/bin/env bash
# Measures packaging a collection as WACZ: makes a synthetic collection of
# SIZE bytes of response bodies (random, so the WARC files are that large on
# disk), then runs `arkisto wacz` on it under /usr/bin/time and prints its
# peak RSS, time and the package's size. Packaging streams, so the peak RSS
# must not grow with the collection (issue 14 asks under 100 MB for 1 GB).
#
#   scripts/bench-wacz.sh                  # 1 GiB
#   SIZE=5368709120 scripts/bench-wacz.sh  # 5 GiB
#
# Set DIR to put the collection on a particular disk (default: under TMPDIR).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-1073741824}
work=$(mktemp -d "${DIR:-${TMPDIR:-/tmp}}/wacz-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
go build -o "$work/arkisto" .
go build -o "$work/makecoll" ./warc/wacz/makecoll

echo "== making a collection of $SIZE bytes of bodies in $work/coll"
"$work/makecoll" -dir "$work/coll" -size "$SIZE"
du -sb "$work/coll/archive"
echo "== arkisto wacz"
/usr/bin/time -v "$work/arkisto" wacz "$work/coll" -o "$work/coll.wacz" 2>"$work/time.log" || {
	cat "$work/time.log"
	exit 1
}
grep -E "Maximum resident set size|Elapsed \(wall clock\)|User time|System time" "$work/time.log"
ls -l "$work/coll.wacz"
