#!/usr/bin/env bash
# End-to-end check of arkisto's metrics with the real Prometheus tools:
#   1. promtool check metrics finds no problem in a /metrics scrape taken mid-crawl;
#   2. a real Prometheus, run with scripts/prometheus/prometheus.yml pointed at the
#      crawl, scraped the fetch counter and a frontier gauge with plausible values;
#   3. a real Pushgateway received the fetch counter of a crawl run with --pushgateway.
# Every server runs on loopback on a port picked here, and is stopped on exit (scripts/check-lib.sh);
# scratch files are removed on success and kept (path printed) on failure.
# Run by .ci/run; installs the Debian packages it needs when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

JOB=metrics-check      # crawl job name, and the Pushgateway grouping key
WAIT=60                # seconds any one server or value may take to show up
CRAWL_TIMEOUT=300      # seconds a crawl may take in all

CHECK=metrics-check
# shellcheck source=scripts/check-lib.sh
source scripts/check-lib.sh

# --- tools -------------------------------------------------------------------
need=()
command -v prometheus >/dev/null || need+=(prometheus)
command -v promtool >/dev/null || need+=(prometheus)
command -v prometheus-pushgateway >/dev/null || need+=(prometheus-pushgateway)
command -v curl >/dev/null || need+=(curl)
command -v python3 >/dev/null || need+=(python3)
if ((${#need[@]})); then
	log "installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# An image may ship without package lists; fetch them only then.
	if ! apt-get install -y -q --no-install-recommends "${need[@]}"; then
		apt-get update -q
		apt-get install -y -q --no-install-recommends "${need[@]}"
	fi
fi

# running NAME: whether the process started as NAME still runs.
running() { kill -0 "${PID[$1]}" 2>/dev/null; }

# wait_exit NAME: wait for a crawl to end and fail unless it exited 0.
wait_exit() {
	local name=$1 i rc=0
	for ((i = 0; i < CRAWL_TIMEOUT * 5; i++)); do
		if ! running "$name"; then
			wait "${PID[$name]}" || rc=$?
			unset "PID[$name]" # reaped: its pid may be reused, never kill it
			((rc == 0)) || died "$name" "exited with status $rc"
			return 0
		fi
		sleep 0.2
	done
	died "$name" "still running after ${CRAWL_TIMEOUT}s"
}

# metric_sum FILE NAME [LABEL_FILTER]: sum of the samples of NAME in a text scrape,
# keeping only lines that contain LABEL_FILTER.
metric_sum() {
	awk -v name="$2" -v filter="${3:-}" '
		$0 !~ /^#/ && (index($1, name "{") == 1 || $1 == name) && (filter == "" || index($0, filter)) { sum += $NF; n++ }
		END { if (n == 0) print "missing"; else print sum }' "$1"
}

# prom_query PORT EXPR: the value of a one-sample instant query, or "none".
prom_query() {
	curl -fsS --max-time 5 "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" |
		python3 -c '
import json, sys
r = json.load(sys.stdin)
if r.get("status") != "success":
    sys.exit("query failed: %s" % r)
res = r["data"]["result"]
print(res[0]["value"][1] if len(res) == 1 else "none")'
}

# positive VALUE: whether VALUE is a number above zero.
positive() { python3 -c 'import sys; v = sys.argv[1]; sys.exit(0 if v not in ("none", "missing") and float(v) > 0 else 1)' "$1"; }

# --- build, test site --------------------------------------------------------
BIN=${ARKISTO_BIN:-} # a binary built beforehand, else build one here
if [[ -z $BIN ]]; then
	log "building arkisto"
	go build -o "$WORK/arkisto" .
	BIN=$WORK/arkisto
fi
# The test site is a command of its own: it never ships in the arkisto binary.
log "building arkisto-testsite"
go build -o "$WORK/arkisto-testsite" ./crawler/testsite/cmd/arkisto-testsite

read -r SITE_PORT METRICS_PORT PROM_PORT GW_PORT < <(free_ports 4)
SITE=http://127.0.0.1:$SITE_PORT/
log "starting the test site on $SITE"
start site . "$WORK/arkisto-testsite" --addr "127.0.0.1:$SITE_PORT"
wait_http site "$SITE"

# crawl NAME ARGS...: starts a crawl of the test site slow enough to last a few seconds.
crawl() {
	local name=$1
	shift
	start "$name" . "$BIN" crawl --job "$JOB" --output "$WORK/$name-out" --delay 200ms \
		--max-pages 60 "$@" "$SITE"
}

# --- 1 and 2: promtool on a mid-crawl scrape, a real Prometheus scraping -----
CONFIG=$WORK/prometheus.yml
# The shipped config, pointed at this crawl and scraping every second.
sed -e "s/127\.0\.0\.1:9791/127.0.0.1:$METRICS_PORT/" \
	-e 's/scrape_interval: 15s/scrape_interval: 1s/' \
	-e 's/scrape_timeout: 10s/scrape_timeout: 1s/' \
	scripts/prometheus/prometheus.yml >"$CONFIG"
cp scripts/prometheus/alerts.yml "$WORK/" # rule_files resolve beside the config
for want in "127.0.0.1:$METRICS_PORT" 'scrape_interval: 1s' 'scrape_timeout: 1s'; do
	grep -qF "$want" "$CONFIG" ||
		fail "scripts/prometheus/prometheus.yml no longer has the target or interval this script rewrites ($want)"
done
promtool check config "$CONFIG" >/dev/null

log "starting prometheus on 127.0.0.1:$PROM_PORT"
start prometheus . prometheus --config.file="$CONFIG" --storage.tsdb.path="$WORK/tsdb" \
	--web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn
wait_http prometheus "http://127.0.0.1:$PROM_PORT/-/ready"

log "crawling $SITE with metrics on 127.0.0.1:$METRICS_PORT"
crawl scraped --metrics-addr "127.0.0.1:$METRICS_PORT"
wait_http scraped "http://127.0.0.1:$METRICS_PORT/healthz"

# A scrape is "mid-crawl" once fetches were counted while the crawl still runs.
SCRAPE=$WORK/scrape.txt
for ((i = 0; ; i++)); do
	((i < WAIT * 5)) || died scraped "no fetch counted on /metrics within ${WAIT}s"
	running scraped || died scraped "crawl ended before a mid-crawl scrape"
	if curl -fsS --max-time 2 -o "$SCRAPE" "http://127.0.0.1:$METRICS_PORT/metrics" &&
		positive "$(metric_sum "$SCRAPE" arkisto_fetches_total)"; then
		break
	fi
	sleep 0.2
done
log "promtool check metrics on a mid-crawl scrape ($(wc -l <"$SCRAPE") lines)"
if ! problems=$(promtool check metrics <"$SCRAPE" 2>&1) || [[ -n $problems ]]; then
	fail "promtool check metrics: $problems"
fi

# Prometheus marks series stale once the crawl's endpoint is gone, so ask for
# the highest value seen rather than the latest.
for ((i = 0; ; i++)); do
	fetches=$(prom_query "$PROM_PORT" 'sum(max_over_time(arkisto_fetches_total{job="arkisto"}[10m]))') || fetches=none
	hosts=$(prom_query "$PROM_PORT" 'max_over_time(arkisto_frontier_hosts{job="arkisto"}[10m])') || hosts=none
	if positive "$fetches" && positive "$hosts"; then
		break
	fi
	((i < WAIT)) || died prometheus \
		"did not scrape the crawl within ${WAIT}s (fetches=$fetches, frontier hosts=$hosts)"
	sleep 1
done
log "prometheus scraped arkisto_fetches_total=$fetches arkisto_frontier_hosts=$hosts"
wait_exit scraped

# --- 3: a real Pushgateway ---------------------------------------------------
log "starting prometheus-pushgateway on 127.0.0.1:$GW_PORT"
# Debian's build persists to /var/lib/prometheus by default: keep it in memory.
start gateway . prometheus-pushgateway --web.listen-address="127.0.0.1:$GW_PORT" --persistence.file=""
wait_http gateway "http://127.0.0.1:$GW_PORT/-/ready"

log "crawling $SITE with --pushgateway"
crawl pushed --metrics-addr "" --pushgateway "http://127.0.0.1:$GW_PORT"
wait_exit pushed

GW_SCRAPE=$WORK/gateway.txt
curl -fsS --max-time 5 -o "$GW_SCRAPE" "http://127.0.0.1:$GW_PORT/metrics" ||
	died gateway "/metrics did not answer"
pushed=$(metric_sum "$GW_SCRAPE" arkisto_fetches_total "job=\"$JOB\"")
positive "$pushed" || died pushed \
	"no arkisto_fetches_total for job $JOB on the Pushgateway (got $pushed)"
[[ $(metric_sum "$GW_SCRAPE" push_failure_time_seconds "job=\"$JOB\"") =~ ^(missing|0)$ ]] ||
	died gateway "the Pushgateway recorded a failed push for job $JOB"
log "pushgateway holds arkisto_fetches_total=$pushed for job $JOB"
log "ok"
