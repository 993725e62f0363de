#!/usr/bin/env bash
# Real-server benchmark (issue 11): a generated static news site (about
# 2,000 articles of ~20 KB of HTML with their images, listings, CSS,
# robots.txt and a sitemap; scripts/benchsite) served by nginx on loopback,
# crawled in one run by arkisto, by wget --warc-file and by a bare Go
# fetcher of the URL list arkisto fetched (scripts/barefetch). Every crawl
# runs under the DNS sandbox, so the outside hosts some pages link fail at
# once with NXDOMAIN. Prints wall, CPU and peak RSS medians of each, the
# targets' ratios, which URLs each fetched, and (STRACE=1) the fsync and
# fdatasync calls of one more arkisto crawl under strace, and (PROFILE=DIR)
# the CPU profiles of one more whole crawl and one more dry run, with where
# the whole crawl spends what the dry run does not.
#
# Besides the whole crawl ("arkisto"), each run crawls the site twice more:
# "arkisto-pages" skips every image, font and script (--exclude), so its CPU
# divided by the HTML pages it fetched is the CPU per page; "arkisto-dry"
# is the whole crawl with --dry-run, whose CPU against the whole crawl's is
# what writing the WARC costs. With BASE=REV the arkisto of that git
# revision crawls too ("base", "base-pages" and, if it has --dry-run,
# "base-dry"): the crawls of a run go in an order that rotates from run to
# run, so a busy machine weighs on both sides alike.
#
#   scripts/bench-real.sh                        # COUNT=3 runs of each
#   COUNT=5 ARTICLES=4000 scripts/bench-real.sh
#   BASE=main COUNT=5 scripts/bench-real.sh      # before and after, alternating
#   ARKISTO_FLAGS="--retries 0" scripts/bench-real.sh   # extra crawl flags
#   STRACE=0 scripts/bench-real.sh               # skip the strace crawl
#   KEEP=1 scripts/bench-real.sh                 # keep the temp folder
#   PROFILE=DIR scripts/bench-real.sh            # CPU profiles of two more crawls into DIR
#
# Installs nginx, wget, time and strace with apt-get when missing (needs
# root, as the sandbox does). Figures from a busy machine are noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/bench-lib.sh
source scripts/bench-lib.sh

count=${COUNT:-3}
articles=${ARTICLES:-2000}
use_strace=${STRACE:-1}
read -r -a extra <<<"${ARKISTO_FLAGS:-}"

bench_init
needs=(nginx:nginx wget:wget /usr/bin/time:time python3:python3)
if [[ $use_strace == 1 ]]; then needs+=(strace:strace); fi
bench_install "${needs[@]}"
bench_build
bench_sandbox_init

gen_news() {
	"$work/bin/benchsite" -out "$2" -base "http://127.0.0.1:$1" -articles "$articles" -seed "${SEED:-1}" >"$work/site.txt"
}
bench_serve gen_news
cat "$work/site.txt"
seed="http://127.0.0.1:$port/"
flags=(crawl --delay 0 --host-concurrency 8 --workers 16 --scope host --metrics-addr "" "${extra[@]}")
echo "== arkisto flags: ${flags[*]:1} --output DIR $seed"
# What arkisto-pages leaves out: everything but HTML, CSS, robots.txt and the sitemap.
pages_only=(--exclude '\.(jpg|png|webp|gif|svg|ico|woff2|js)$')

variants=(arkisto arkisto-pages arkisto-dry)
if [[ -n "${BASE:-}" ]]; then
	bench_build_base "$BASE"
	variants+=(base base-pages)
	if "$work/bin/arkisto-base" crawl --help 2>&1 | grep -q -- --dry-run; then variants+=(base-dry); fi
fi

# variant_command NAME sets arkisto, the command of that crawl.
variant_command() {
	local bin=$work/bin/arkisto
	[[ $1 == base* ]] && bin=$work/bin/arkisto-base
	arkisto=("$bin" "${flags[@]}")
	case $1 in
	*-pages) arkisto+=("${pages_only[@]}") ;;
	*-dry) arkisto+=(--dry-run) ;;
	esac
}

# html_pages CRAWL_LOG: the fetches that got an HTML page.
html_pages() {
	awk '$2 > 0 && $7 == "text/html"' "$1" | wc -l
}

results=$work/results
for run in $(seq "$count"); do
	# Rotate the order of the crawls from run to run.
	n=${#variants[@]}
	order=()
	for i in $(seq 0 $((n - 1))); do order+=("${variants[$(((i + run - 1) % n))]}"); done
	for v in "${order[@]}"; do
		dir=$work/run$run/$v
		variant_command "$v"
		bench_crawl "$dir"
		bench_fetched "$dir/coll/logs/crawl.log" >"$dir/fetched.urls"
		echo "$v $(cat "$dir/arkisto.m") $(wc -l <"$dir/fetched.urls") $(html_pages "$dir/coll/logs/crawl.log")" >>"$results"
		if [[ $v == arkisto ]]; then
			echo "active $(bench_active "$dir/coll/logs/crawl.log")" >>"$results"
		fi
		[[ -n "${KEEP:-}" ]] || rm -rf "$dir/coll/archive"
	done
	dir=$work/run$run
	cp "$dir/arkisto/fetched.urls" "$dir/arkisto.urls"
	ln -s arkisto/coll "$dir/coll"

	# wget exits 8 when the server answered an error (a 404) somewhere: not a failure here.
	mkdir -p "$dir/wget"
	wstatus=0
	bench_time "$dir/wget.m" "$sandbox" wget --recursive --level=inf --page-requisites --no-parent \
		--delete-after --no-verbose -e robots=on --warc-file="$dir/wget/site" -P "$dir/wget/files" \
		-o "$dir/wget.log" "$seed" || wstatus=$?
	if ((wstatus != 0 && wstatus != 8)); then
		tail -20 "$dir/wget.log" >&2
		exit 1
	fi
	sed -n 's/^.* URL: *\([^ ]*\) .*$/\1/p' "$dir/wget.log" >"$dir/wget.urls"
	echo "wget $(cat "$dir/wget.m") $(wc -l <"$dir/wget.urls") 0" >>"$results"

	bench_time "$dir/barefetch.m" "$sandbox" "$work/bin/barefetch" -urls "$dir/arkisto.urls" -conns 16 >"$dir/barefetch.out"
	echo "barefetch $(cat "$dir/barefetch.m") $(wc -l <"$dir/arkisto.urls") 0" >>"$results"

	echo "-- run $run of $count (tool wall-s cpu-s rss-KiB fetched html; load average$(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/ /')):"
	grep -v '^active ' "$results" | tail -$((n + 2)) | sed 's/^/   /'
	echo "   arkisto's HTTP fetches spanned $(awk '$1 == "active" { v = $2 } END { print v }' "$results") s of its wall time"
done

median() { # TOOL FIELD: the median of FIELD (2 wall, 3 cpu, 4 rss, 5 fetched, 6 html pages) over the runs
	awk -v t="$1" -v f="$2" '$1 == t { print $f }' "$results" | bench_median
}

echo
echo "== medians of $count runs"
printf '%-14s %8s %8s %10s %8s %6s %10s %11s\n' tool wall-s cpu-s rss-MB fetched html cpu-ms/URL cpu-ms/html
for tool in "${variants[@]}" wget barefetch; do
	wall=$(median "$tool" 2) cpu=$(median "$tool" 3) rss=$(median "$tool" 4) n=$(median "$tool" 5) html=$(median "$tool" 6)
	printf '%-14s %8.2f %8.2f %10.1f %8d %6d %10.2f %11s\n' "$tool" "$wall" "$cpu" "$(echo "$rss" | awk '{ print $1 / 1024 }')" \
		"$n" "$html" "$(awk -v c="$cpu" -v n="$n" 'BEGIN { print (n > 0) ? 1000 * c / n : 0 }')" \
		"$(awk -v c="$cpu" -v n="$html" 'BEGIN { if (n > 0) printf "%.2f", 1000 * c / n; else print "-" }')"
done

# targets NAME: the ratios issue 11 sets targets for, of the crawls NAME, NAME-pages and NAME-dry.
targets() {
	local dry=-1
	if [[ " ${variants[*]} " == *" $1-dry "* ]]; then dry=$(median "$1-dry" 3); fi
	echo
	echo "== targets, $1"
	awk -v aw="$(median "$1" 2)" -v ww="$(median wget 2)" -v bw="$(median barefetch 2)" \
		-v ac="$(median "$1" 3)" -v an="$(median "$1" 5)" -v ar="$(median "$1" 4)" \
		-v pc="$(median "$1-pages" 3)" -v ph="$(median "$1-pages" 6)" -v dc="$dry" 'BEGIN {
		printf "%-48s %8.2f   target <= 0.33\n", "wall / wget wall", aw / ww
		printf "%-48s %8.3f   target >= 0.6\n", "bare fetcher wall / wall", bw / aw
		printf "%-48s %8.2f\n", "CPU-ms per fetched URL", 1000 * ac / an
		printf "%-48s %8.2f   target <= 1.0\n", "CPU-ms per HTML page (pages-only crawl)", 1000 * pc / ph
		if (dc > 0) printf "%-48s %8.2f   target <= 1.30\n", "CPU / CPU of the same crawl with --dry-run", ac / dc
		printf "%-48s %8.1f   target < 150\n", "peak RSS MB", ar / 1024
	}'
}
targets arkisto
if [[ -n "${BASE:-}" ]]; then
	targets base
	echo
	echo "== this tree against $BASE (medians; below 1 is better)"
	for v in "" -pages; do
		awk -v n="arkisto$v" -v nw="$(median "arkisto$v" 2)" -v bw="$(median "base$v" 2)" \
			-v nc="$(median "arkisto$v" 3)" -v bc="$(median "base$v" 3)" \
			'BEGIN { printf "%-16s wall %.2f   CPU %.2f\n", n, nw / bw, nc / bc }'
	done
fi
active=$(median active 2)
awk -v a="$active" -v aw="$(median arkisto 2)" -v ww="$(median wget 2)" 'BEGIN {
	printf "\narkisto fetched over HTTP for %.2f s of its %.2f s (first to last crawl.log line with a status);\n", a, aw
	printf "that span / wget wall: %.2f (where the rest goes: the crawl.log lines without a status below)\n", a / ww
}'

# What each fetched, from the last run: the same site, told apart by kind.
kind() {
	sed -e 's#^[a-z]*://[^/]*##' -e 's/?.*//' | awk '{
		k = "page"
		if ($0 ~ /robots\.txt$/) k = "robots.txt"
		else if ($0 ~ /sitemap/) k = "sitemap"
		else if (match($0, /\.[a-z0-9]+$/) && substr($0, RSTART) != ".html") k = substr($0, RSTART + 1)
		n[k]++
	} END { for (k in n) printf "%s %d, ", k, n[k]; print "" }' | sed 's/, $//'
}
dir=$work/run$count
sort -u "$dir/arkisto.urls" >"$dir/a.sorted"
sort -u "$dir/wget.urls" >"$dir/w.sorted"
echo
echo "== URLs fetched in run $count"
echo "arkisto:   $(wc -l <"$dir/arkisto.urls") ($(kind <"$dir/arkisto.urls"))"
echo "wget:      $(wc -l <"$dir/wget.urls") ($(kind <"$dir/wget.urls"))"
echo "barefetch: the arkisto list; $(cat "$dir/barefetch.out")"
echo "both:      $(comm -12 "$dir/a.sorted" "$dir/w.sorted" | wc -l)"
echo "only arkisto: $(comm -23 "$dir/a.sorted" "$dir/w.sorted" | wc -l) ($(comm -23 "$dir/a.sorted" "$dir/w.sorted" | kind))"
comm -23 "$dir/a.sorted" "$dir/w.sorted" | head -3 | sed 's/^/   /'
missed=$(comm -13 "$dir/a.sorted" "$dir/w.sorted" | wc -l)
echo "only wget:    $missed ($(comm -13 "$dir/a.sorted" "$dir/w.sorted" | kind))"
comm -13 "$dir/a.sorted" "$dir/w.sorted" | head -3 | sed 's/^/   /'
echo "arkisto's crawl.log lines without an HTTP status, by code and host:"
awk '$2 <= 0 { h = $4; sub(/^[a-z]*:\/\//, "", h); sub(/\/.*/, "", h); n[$2 " " h]++ } END { for (k in n) print "   " k ": " n[k] }' \
	"$dir/coll/logs/crawl.log" | sort
cat <<'EOF'
   (wget reads CSS url() and srcset as arkisto does, so the sets differ only by what wget never
   fetches: the sitemap named in robots.txt, and page requisites on other hosts, which arkisto
   tries: -1 no such host, -8 dropped with a host given up. -5000 are links out of scope and
   -9998 a page robots.txt disallows, which wget skips too.)
EOF

if ((missed > 0)); then
	echo "arkisto missed $missed URLs that wget fetched (listed above)" >&2
	exit 1
fi

if [[ $use_strace == 1 ]]; then
	echo
	echo "== fsync and fdatasync of one more arkisto crawl (strace -f -c -w: wall time in the calls)"
	dir=$work/strace
	variant_command arkisto
	mkdir -p "$dir"
	"$sandbox" strace -f -c -w -e trace=fdatasync,fsync -o "$dir/strace.txt" \
		"${arkisto[@]}" --output "$dir/coll" "$seed" 2>"$dir/arkisto.err"
	fetched=$(bench_fetched "$dir/coll/logs/crawl.log" | wc -l)
	awk -v n="$fetched" '$NF == "fsync" || $NF == "fdatasync" {
		printf "%-10s %7d calls  %8.3f s  %8.3f ms/call  %.2f per fetched URL (%d)\n", $NF, $4, $2, $3 / 1000, $4 / n, n
		found = 1
	} END { if (!found) print "no fsync or fdatasync calls" }' "$dir/strace.txt"
fi

if [[ -n "${PROFILE:-}" ]]; then
	mkdir -p "$PROFILE"
	PROFILE=$(cd "$PROFILE" && pwd)
	cp "$work/bin/arkisto" "$PROFILE/arkisto"
	echo
	echo "== CPU profiles of one more crawl and one more dry run: $PROFILE/{arkisto,arkisto-dry}.pprof"
	for v in arkisto arkisto-dry; do
		variant_command "$v"
		arkisto+=(--cpuprofile "$PROFILE/$v.pprof")
		bench_crawl "$work/profile/$v"
		go tool pprof -top "$PROFILE/arkisto" "$PROFILE/$v.pprof" 2>/dev/null | sed -n "s/^Duration: \(.*\)/   $v: \1/p"
	done
	# What recording adds: the WARC (deflate, digests and parse, writes),
	# its indexes, the commits Settle forces, and the collector.
	echo "   where the whole crawl spends what the dry run does not (cumulative CPU):"
	go tool pprof -top -cum -nodecount=100000 "$PROFILE/arkisto" "$PROFILE/arkisto.pprof" 2>/dev/null |
		grep -E ' (arkisto/crawler\.\(\*Crawler\)\.archive|arkisto/warc\.\(\*Writer\)\.writeMember|arkisto/warc\.Prepare|crypto/sha1\.\(\*digest\)\.Write|arkisto/warc\.\(\*IndexWriter\)\.Add|arkisto/warc\.\(\*DedupIndex\)\.Add|arkisto/crawler/frontier\.\(\*diskFrontier\)\.Settle|syscall\.Fdatasync|runtime\.gcBgMarkWorker)$' |
		awk '{ printf "   %-8s %s\n", $4, $6 }'
	echo "   (go tool pprof -http=: $PROFILE/arkisto $PROFILE/arkisto.pprof for the rest)"
fi
