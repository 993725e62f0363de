#!/usr/bin/env bash
# Crawl benchmark (issue 2): arkisto with WARC writing on, arkisto with
# --dry-run (no WARC, index or dedup writing) and plain colly crawls of the
# same local test site, each site served by its own process so only the
# crawler's CPU is measured. Prints pages/s and CPU seconds per 1,000 pages
# (means over COUNT runs) and the CPU ratios.
#
#   scripts/bench.sh                   # COUNT=3 runs of each crawl
#   COUNT=5 scripts/bench.sh
#   ARKISTO_TEST_OVERLAY=overlay.json scripts/bench.sh   # build with go -overlay
#
# With an argument it runs a real-server benchmark instead (issue 11):
#   scripts/bench.sh real     # scripts/bench-real.sh: arkisto, wget and a bare fetcher over nginx
#   scripts/bench.sh memory   # scripts/bench-memory.sh: peak RSS of 16 x 100 MiB downloads
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
real | memory) exec "scripts/bench-$1.sh" ;;
"") ;;
*)
	echo "usage: scripts/bench.sh [real|memory]" >&2
	exit 2
	;;
esac

count=${COUNT:-3}
flags=()
if [[ -n "${ARKISTO_TEST_OVERLAY:-}" ]]; then
	flags+=(-overlay "$ARKISTO_TEST_OVERLAY")
fi

raw=$(go test "${flags[@]}" -run '^$' -bench '^BenchmarkCrawl$' -benchtime 1x -count "$count" ./crawler)
printf '%s\n\n' "$raw"

# A result line: "BenchmarkCrawl/NAME-P  1  NS ns/op  V1 unit1  V2 unit2 ...".
printf '%s\n' "$raw" | awk '
/^BenchmarkCrawl\// {
	name = $1
	sub(/^BenchmarkCrawl\//, "", name)
	sub(/-[0-9]+$/, "", name)
	if (!(name in runs)) order[++names] = name
	runs[name]++
	for (i = 3; i < NF; i++) {
		if ($(i+1) == "pages/s") rate[name] += $i
		if ($(i+1) == "cpu-s/kpage") cpu[name] += $i
		if ($(i+1) == "pages") pages[name] += $i
	}
}
END {
	if (!("arkisto" in runs) || !("colly" in runs)) { print "bench.sh: missing benchmark results" > "/dev/stderr"; exit 1 }
	printf "%-16s %6s %8s %10s %14s\n", "crawl", "runs", "pages", "pages/s", "cpu-s/1k pages"
	for (k = 1; k <= names; k++) {
		n = order[k]
		printf "%-16s %6d %8.0f %10.1f %14.3f\n", n, runs[n], pages[n]/runs[n], rate[n]/runs[n], cpu[n]/runs[n]
	}
	a = cpu["arkisto"]/runs["arkisto"]
	printf "\nCPU ratio arkisto / colly:           %.2f\n", a / (cpu["colly"]/runs["colly"])
	if ("arkisto-dry-run" in runs)
		printf "CPU ratio arkisto / arkisto-dry-run: %.2f  (what writing WARC, index and dedup entries costs)\n", a / (cpu["arkisto-dry-run"]/runs["arkisto-dry-run"])
	if ("colly-same-urls" in runs)
		printf "CPU ratio arkisto / colly-same-urls: %.2f  (same URL set: the cost of recording and writing)\n", a / (cpu["colly-same-urls"]/runs["colly-same-urls"])
}'
