#!/usr/bin/env bash
# Shared-crawl benchmark (issue 13): one, two and four arkisto processes on
# one crawl over HOSTS test-site hosts, each served by an arkisto-testsite
# process of its own on a loopback address of its own (127.0.0.2, ...), with
# --delay 0, on a local Redis with its append-only file on. For each number
# of processes it prints the pages fetched, the wall time and pages/s, the
# round trips to Redis per page (as the processes count them, and the
# commands Redis saw), and the CPU seconds arkisto and Redis used. Then
# store_bench measures Redis memory per queued and per seen URL.
#
#   scripts/bench-redis.sh                         # 1 2 4 processes, 50 hosts of 24 articles
#   PROCS="1 2" HOSTS=60 WORKERS=8 scripts/bench-redis.sh
#   MEM_URLS=5000000 MEM_HOSTS=50000 scripts/bench-redis.sh   # memory at 5M queued URLs
#   COMMANDS=1 scripts/bench-redis.sh              # also the commands per page by name
#   LATENCY=50ms ARTICLES=12 scripts/bench-redis.sh   # sites that answer slowly: the workers wait
#
# Not a timed test: figures depend on the machine; run it on a quiet one.
set -euo pipefail
cd "$(dirname "$0")/.."

PROCS=${PROCS:-1 2 4}
HOSTS=${HOSTS:-50}
ARTICLES=${ARTICLES:-24}
LATENCY=${LATENCY:-0s}
WORKERS=${WORKERS:-8}
MEM_URLS=${MEM_URLS:-1000000}
MEM_HOSTS=${MEM_HOSTS:-10000}
MEM_SEEN=${MEM_SEEN:-500000}

for cmd in redis-server redis-cli curl; do
	command -v "$cmd" >/dev/null || {
		echo "bench-redis.sh: $cmd is missing (apt-get install redis-server curl)" >&2
		exit 1
	}
done
if ((HOSTS > 250)); then
	echo "bench-redis.sh: HOSTS=$HOSTS: at most 250 (127.0.0.2 to 127.0.0.251)" >&2
	exit 2
fi

# shellcheck source=scripts/bench-lib.sh
source scripts/bench-lib.sh
bench_init # $work, removed on exit with every process in bench_pids stopped (KEEP=1 keeps it)

mkdir -p "$work/bin" "$work/redis"
go build -o "$work/bin/arkisto" .
go build -o "$work/bin/arkisto-testsite" ./crawler/testsite/cmd/arkisto-testsite
go build -o "$work/bin/store_bench" ./crawler/frontier/store_bench

port=$(bench_free_port)
redis-server --bind 127.0.0.1 --port "$port" --dir "$work/redis" --appendonly yes --save "" \
	--logfile "$work/redis/log" --daemonize no &
bench_pids+=($!)
rcli() { redis-cli -p "$port" "$@"; }
until rcli ping >/dev/null 2>&1; do sleep 0.1; done
frontier="redis://127.0.0.1:$port/0"
info() { rcli info "$1" | tr -d '\r' | awk -F: -v k="$2" '$1 == k { print $2 }'; }

seeds=()
sites=()
for ((i = 2; i < HOSTS + 2; i++)); do
	"$work/bin/arkisto-testsite" --addr "127.0.0.$i:8080" --articles "$ARTICLES" --latency "$LATENCY" 2>"$work/site-$i.log" &
	bench_pids+=($!)
	sites+=($!)
	seeds+=("http://127.0.0.$i:8080/")
done
# sitecpu is the CPU seconds the test-site servers used so far.
ticks=$(getconf CLK_TCK)
sitecpu() {
	local pid
	for pid in "${sites[@]}"; do cat "/proc/$pid/stat"; done |
		awk -v hz="$ticks" '{ sub(/.*\) /, ""); s += $12 + $13 } END { printf "%.1f", s / hz }'
}
for url in "${seeds[@]}"; do
	until curl -sf -o /dev/null "${url}robots.txt"; do sleep 0.1; done
done
echo "== $HOSTS test-site hosts of $ARTICLES articles answering after $LATENCY, $WORKERS workers per process, Redis on port $port (appendonly yes), $(nproc) cores"
# One crawl first, not measured: the sites draw their images on first request.
"$work/bin/arkisto" crawl --metrics-addr "" --output "$work/warmup" --delay 0 --workers "$WORKERS" "${seeds[@]}" 2>"$work/warmup.log"

printf '%-6s %8s %8s %8s %12s %14s %12s %10s %9s\n' procs pages wall-s pages/s trips/page commands/page arkisto-cpu redis-cpu site-cpu
for n in $PROCS; do
	id=bench-$n
	run=$work/run-$n
	mkdir -p "$run"
	rcli config resetstat >/dev/null
	commands0=$(info stats total_commands_processed)
	cpu0=$(info cpu used_cpu_user)+$(info cpu used_cpu_sys)
	site0=$(sitecpu)
	began=$(date +%s.%N)
	crawl=()
	for ((k = 1; k <= n; k++)); do
		args=(crawl --metrics-addr "" --output "$run/p$k" --frontier "$frontier" --crawl-id "$id" --delay 0 --workers "$WORKERS")
		if ((k == 1)); then
			args+=("${seeds[@]}")
		fi
		/usr/bin/time -f "%U %S" -o "$run/time-$k" "$work/bin/arkisto" "${args[@]}" 2>"$run/log-$k" &
		crawl+=($!)
		if ((k == 1)); then
			# The others join the crawl the first one records.
			until grep -q 'joined the shared crawl' "$run/log-1"; do sleep 0.05; done
		fi
	done
	for pid in "${crawl[@]}"; do
		wait "$pid" || {
			echo "bench-redis.sh: a crawl process failed; its log is in $run (kept)" >&2
			trap - EXIT
			exit 1
		}
	done
	ended=$(date +%s.%N)
	commands1=$(info stats total_commands_processed)
	cpu1=$(info cpu used_cpu_user)+$(info cpu used_cpu_sys)
	site1=$(sitecpu)
	pages=$(cat "$run"/p*/logs/crawl.log | awk '$2 !~ /^-/' | wc -l)
	trips=$(grep -ho 'redis_round_trips=[0-9]*' "$run"/log-* | awk -F= '{ s += $2 } END { print s }')
	cpu=$(cat "$run"/time-* | awk '{ s += $1 + $2 } END { print s }')
	awk -v n="$n" -v pages="$pages" -v wall="$(echo "$ended - $began" | bc)" -v trips="$trips" \
		-v cmds="$((commands1 - commands0))" -v cpu="$cpu" -v rcpu="$(echo "($cpu1) - ($cpu0)" | bc)" -v scpu="$(echo "$site1 - $site0" | bc)" \
		'BEGIN { printf "%-6d %8d %8.1f %8.1f %12.2f %14.2f %12.1f %10.1f %9.1f\n", n, pages, wall, pages / wall, trips / pages, cmds / pages, cpu, rcpu, scpu }'
	if [[ -n "${COMMANDS:-}" ]]; then
		# Calls per page of each command, those run inside scripts included.
		rcli info commandstats | tr -d '\r' | awk -F'[_:=,]' -v pages="$pages" \
			'/^cmdstat_/ { printf "       %-12s %6.2f calls/page\n", $2, $4 / pages }' | sort -k2 -rn | head -12
	fi
done

echo
echo "== Redis memory: store_bench -urls $MEM_URLS -hosts $MEM_HOSTS -seen $MEM_SEEN"
"$work/bin/store_bench" -store redis -redis "$frontier" -crawl-id bench-memory \
	-urls "$MEM_URLS" -hosts "$MEM_HOSTS" -seen "$MEM_SEEN" -pushers 8 -drain=false | grep '^redis'
