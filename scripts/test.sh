#!/usr/bin/env bash
# The whole test suite: Go tests with the race detector, a short run of every
# fuzz target, the integration checks against real Prometheus, Pushgateway,
# pywb and Chromium, and one small run of the benchmark scripts (each
# installs what it needs when it is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

# quietly LOG COMMAND...: runs COMMAND with its output in LOG, shown only
# when it fails.
quietly() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 || {
		cat "$log"
		exit 1
	}
}

echo "== go vet"
go vet ./...
# The Redis frontier's tests fail, rather than skip, without redis-server.
export ARKISTO_REQUIRE_REDIS=1
echo "== go test -race"
go test -race -count=1 -timeout 30m ./...

# A fixed number of inputs, not a duration: Go 1.26's fuzz coordinator can
# fail a -fuzztime duration run with a bare "context deadline exceeded" at the
# deadline, having found nothing (golang/go#75804, fixed in Go 1.27).
echo "== fuzz targets, 30,000 inputs each"
go list -f '{{.Dir}}' ./... | while read -r dir; do
	pkg=$(go list "$dir")
	for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
		echo "-- $pkg $target"
		quietly /tmp/arkisto-fuzz.log go test -run '^$' -fuzz "^${target}\$" -fuzztime 30000x "$pkg"
	done
done

echo "== metrics check (promtool, Prometheus, Pushgateway)"
go build -o .cache/arkisto .
ARKISTO_BIN=.cache/arkisto scripts/metrics-check.sh
echo "== alert rules (promtool check rules, promtool test rules)"
scripts/serve-check.sh
echo "== pywb check (index equality, replay, warcio check)"
ARKISTO_BIN=.cache/arkisto scripts/pywb-check.sh
echo "== WACZ check (wacz validate, pywb, arkisto qa in Chromium, ReplayWeb.page)"
scripts/wacz-check.sh
echo "== benchmark scripts, one small run each (figures not checked: only that they run, that"
echo "   arkisto fetches every URL wget does, and that every video comes whole)"
quietly /tmp/arkisto-bench-real.log env COUNT=1 ARTICLES=100 STRACE=0 scripts/bench-real.sh
quietly /tmp/arkisto-bench-memory.log env COUNT=1 VIDEOS=4 VIDEO_SIZE=$((8 << 20)) scripts/bench-memory.sh
echo "== all checks passed"
