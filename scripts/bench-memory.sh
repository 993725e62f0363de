#!/usr/bin/env bash
# Memory benchmark (issue 11): nginx on loopback serves one page linking
# VIDEOS video files of VIDEO_SIZE bytes (default 16 x 100 MiB, video/mp4,
# sparse files with distinct heads) as <video src> and <a href>; arkisto
# crawls it with 16 workers, 16 requests at once to the host and no delay,
# under /usr/bin/time. Target: peak RSS under 150 MB. With BASE=REV the
# arkisto of that git revision crawls too, in turns with this tree's.
#
#   scripts/bench-memory.sh                         # one run
#   COUNT=3 VIDEOS=16 VIDEO_SIZE=$((100<<20)) scripts/bench-memory.sh
#   ARKISTO_FLAGS="--keep-alive=false" scripts/bench-memory.sh
#   BASE=main COUNT=3 scripts/bench-memory.sh       # before and after
#
# Installs nginx and time with apt-get when missing (needs root).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/bench-lib.sh
source scripts/bench-lib.sh

count=${COUNT:-1}
videos=${VIDEOS:-16}
size=${VIDEO_SIZE:-$((100 << 20))}
read -r -a extra <<<"${ARKISTO_FLAGS:-}"

bench_init
bench_install nginx:nginx /usr/bin/time:time python3:python3
bench_build
bench_sandbox_init

gen_videos() {
	"$work/bin/benchsite" -memory -out "$2" -videos "$videos" -video-size "$size" >"$work/site.txt"
}
bench_serve gen_videos
cat "$work/site.txt"
seed="http://127.0.0.1:$port/"
flags=(crawl --delay 0 --workers 16 --host-concurrency 16 --scope host
	--max-body-size $((2 * size)) --metrics-addr "" "${extra[@]}")
echo "== arkisto flags: ${flags[*]:1} --output DIR $seed"
variants=(arkisto)
if [[ -n "${BASE:-}" ]]; then
	bench_build_base "$BASE"
	variants+=(base)
fi

results=$work/results
for run in $(seq "$count"); do
	n=${#variants[@]}
	for i in $(seq 0 $((n - 1))); do
		v=${variants[$(((i + run - 1) % n))]}
		bin=$work/bin/arkisto
		[[ $v == base ]] && bin=$work/bin/arkisto-base
		arkisto=("$bin" "${flags[@]}")
		dir=$work/run$run/$v
		bench_crawl "$dir"
		# A video counts when it came whole: status 200 and every byte.
		whole=$(awk -v s="$size" '$4 ~ /\.mp4$/ && $2 == 200 && $3 >= s && $NF !~ /truncated/' "$dir/coll/logs/crawl.log" | wc -l)
		read -r wall cpu rss <"$dir/arkisto.m"
		echo "$v $wall $cpu $rss $whole" >>"$results"
		printf -- '-- run %d of %d, %s: %.2f s wall, %.2f CPU-s, peak RSS %.1f MB, %d of %d videos whole (load average %s)\n' \
			"$run" "$count" "$v" "$wall" "$cpu" "$(awk -v r="$rss" 'BEGIN { print r / 1024 }')" "$whole" "$videos" "$(cut -d' ' -f1 /proc/loadavg)"
		[[ -n "${KEEP:-}" ]] || rm -rf "$dir/coll/archive" # up to VIDEOS x VIDEO_SIZE of WARC
		if [[ $v == arkisto ]] && ((whole != videos)); then
			echo "$v captured $whole of $videos videos whole; their crawl.log lines:" >&2
			grep '\.mp4' "$dir/coll/logs/crawl.log" >&2 || true
			exit 1
		fi
	done
done

echo
for v in "${variants[@]}"; do
	for f in 2 3 4; do
		awk -v v="$v" -v f="$f" '$1 == v { print $f }' "$results" | bench_median
	done | paste -sd' ' | awk -v v="$v" -v n="$count" -v s="$size" -v k="$videos" '{
		printf "%-8s medians of %d runs, 16 workers fetching %d x %.0f MiB: %.2f s wall, %.2f CPU-s, peak RSS %.1f MB   target < 150\n", v, n, k, s / 1048576, $1, $2, $3 / 1024
	}'
done
