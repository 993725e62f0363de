#!/usr/bin/env bash
# Proof with real tools that arkisto's WACZ packages and `arkisto qa` work (issue 14):
#   1. the venv of scripts/pywb-check.sh (.cache/venv) gets py-wacz ("wacz" on PyPI) too;
#   2. `arkisto crawl --wacz` crawls the test site into several WARC files, with
#      --exclude on one article's lead image (/media/img/3-);
#   3. `wacz validate` passes the package; it holds every WARC file stored, and a page
#      list with titles; pywb's `wb-manager add --unpack-wacz` takes it and `wayback`
#      replays every page of its page list;
#   4. `arkisto qa --live` in headless Chromium against that pywb: a page whose
#      requisites were all captured is complete (text the same as live); the article
#      whose image --exclude kept out is incomplete, reported with that image's URL
#      and the reason "out-of-scope" (crawl.log: excluded), and ranked worst;
#   5. a crawl killed with SIGKILL and resumed with --wacz: the package validates and
#      holds every WARC file, the repaired one included;
#   6. `arkisto serve` with a job set to wacz: true, run every few seconds: after two
#      successful runs the package validates and holds the WARC files of every run;
#   7. ReplayWeb.page (npm package replaywebpage, unpacked into .cache) opens the
#      first package in headless Chromium: its front page renders with its images
#      (a Go test behind the build tag replaywebpage, crawler/qa/replaywebpage_test.go).
# Every server runs on loopback on a port picked here and is stopped on exit; scratch
# files are removed on success and kept (path printed) on failure. Run by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

PYWB_VERSION=2.10.0
WARCIO_VERSION=1.8.1
WACZ_VERSION=0.6.0
REPLAYWEB_VERSION=${REPLAYWEB_VERSION:-2.5.3}
VENV=$(realpath -m "${PYWB_VENV:-.cache/venv}")
NPM_DIR=$(realpath -m .cache/replaywebpage)
COLL=waczcheck
WAIT=60           # seconds a server may take to answer
CRAWL_TIMEOUT=180 # seconds a crawl may take
EXCLUDED=/media/img/3- # --exclude keeps article 3's lead image out of the crawl
HELPER=scripts/pywb/wacz_check.py

CHECK=wacz-check
# shellcheck source=scripts/check-lib.sh
source scripts/check-lib.sh

command -v python3 >/dev/null || fail "python3 is needed"
command -v curl >/dev/null || fail "curl is needed"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[[ -n $CHROMIUM ]] || fail "chromium is needed (Debian: apt-get install chromium; .ci/run installs it)"

# --- 1. pywb, warcio and py-wacz ----------------------------------------------
ensure_venv "$VENV" "pywb==$PYWB_VERSION" "warcio==$WARCIO_VERSION" "wacz==$WACZ_VERSION"
PY=$VENV/bin/python
validate() {
	"$VENV/bin/wacz" validate -f "$1" >"$WORK/logs/validate.log" 2>&1 || died validate "wacz validate rejected $1"
	grep -q "is valid" "$WORK/logs/validate.log" || died validate "wacz validate did not say $1 is valid"
	log "wacz validate: $(basename "$1") is valid"
}

# --- 2. crawl the test site into a package -------------------------------------
log "building arkisto and arkisto-testsite"
go build -o "$WORK/arkisto" .
go build -o "$WORK/arkisto-testsite" ./crawler/testsite/cmd/arkisto-testsite
BIN=$WORK/arkisto
read -r SITE_PORT SLOW_PORT WB_PORT SERVE_PORT RWP_PORT < <(free_ports 5)
SITE=http://127.0.0.1:$SITE_PORT
start site "$WORK" "$WORK/arkisto-testsite" --addr "127.0.0.1:$SITE_PORT"
wait_http site "$SITE/robots.txt"

COLLDIR=$WORK/crawls/$COLL
log "arkisto crawl --wacz $SITE/"
timeout "$CRAWL_TIMEOUT" "$BIN" crawl --delay 0 --metrics-addr "" --warc-max-size 100000 --wacz \
	--exclude "$EXCLUDED" --output "$COLLDIR" "$SITE/" >"$WORK/logs/crawl.log" 2>&1 || died crawl "arkisto crawl --wacz failed"
PKG=$COLLDIR.wacz
[[ -s $PKG ]] || died crawl "no package at $PKG"
grep -q -- "-5000 .*$SITE$EXCLUDED.* excluded" "$COLLDIR/logs/crawl.log" || fail "--exclude did not keep $EXCLUDED out of the crawl"

# --- 3. py-wacz and pywb take the package ----------------------------------------
validate "$PKG"
"$PY" "$HELPER" contents "$PKG" "$COLLDIR" || fail "the package does not hold the collection (above)"
mkdir -p "$WORK/pywb"
(cd "$WORK/pywb" && "$VENV/bin/wb-manager" init "$COLL" && "$VENV/bin/wb-manager" add --unpack-wacz "$COLL" "$PKG") \
	>"$WORK/logs/wb-manager.log" 2>&1 || died wb-manager "wb-manager add --unpack-wacz refused the package"
added=$(find "$WORK/pywb/collections/$COLL/archive" -name '*.warc.gz' | wc -l)
warcs=$(find "$COLLDIR/archive" -name '*.warc.gz' | wc -l)
((added == warcs && warcs >= 2)) || fail "wb-manager added $added WARC files of the package's $warcs"
start wayback "$WORK/pywb" "$VENV/bin/wayback" -b 127.0.0.1 -p "$WB_PORT"
wait_http wayback "http://127.0.0.1:$WB_PORT/$COLL/"
"$PY" "$HELPER" replay "$PKG" "http://127.0.0.1:$WB_PORT" "$COLL" || died wayback "pywb did not replay every page of the package"

# --- 4. arkisto qa in headless Chromium ----------------------------------------
INCOMPLETE=$(awk -v p="$SITE$EXCLUDED" '$2 == -5000 && index($4, p) == 1 {print $6; exit}' "$COLLDIR/logs/crawl.log")
COMPLETE=$SITE/about/terms.html
[[ -n $INCOMPLETE ]] || fail "no page embeds $EXCLUDED"
grep -F -e "\"url\":\"$INCOMPLETE\"" -e "\"url\":\"$COMPLETE\"" "$COLLDIR/logs/pages.jsonl" >"$WORK/qa-pages.jsonl"
(($(wc -l <"$WORK/qa-pages.jsonl") == 2)) || fail "the page list lacks $INCOMPLETE or $COMPLETE"
log "arkisto qa --live: $COMPLETE and $INCOMPLETE"
rc=0
"$BIN" qa "$COLLDIR" --replay "http://127.0.0.1:$WB_PORT/$COLL/" --live --pages "$WORK/qa-pages.jsonl" \
	--chromium "$CHROMIUM" >"$WORK/logs/qa.log" 2>&1 || rc=$?
cat "$WORK/logs/qa.log" | grep -v "level=INFO" || true
((rc == 1)) || died qa "arkisto qa exited with $rc, want 1 (one page incomplete)"
"$PY" "$HELPER" qa "$COLLDIR/qa" "$COMPLETE" "$INCOMPLETE" "$SITE$EXCLUDED" out-of-scope || fail "qa's reports are wrong (above)"
! grep -q Traceback "$WORK/logs/wayback.log" || died wayback "pywb logged an exception"

# --- 5. a killed and resumed crawl ------------------------------------------------
start slow "$WORK" "$WORK/arkisto-testsite" --addr "127.0.0.1:$SLOW_PORT" --latency 30ms
wait_http slow "http://127.0.0.1:$SLOW_PORT/robots.txt"
RESUMED=$WORK/crawls/resumed
start killed "$WORK" "$BIN" crawl --delay 0 --metrics-addr "" --warc-max-size 20000 --output "$RESUMED" \
	"http://127.0.0.1:$SLOW_PORT/"
for ((i = 0; i < WAIT * 5; i++)); do
	(($(find "$RESUMED/archive" -name '*.warc.gz' 2>/dev/null | wc -l) >= 3)) && break
	kill -0 "${PID[killed]}" 2>/dev/null || died killed "the crawl ended before it could be killed"
	sleep 0.2
done
kill -KILL "${PID[killed]}"
wait "${PID[killed]}" 2>/dev/null || true
unset "PID[killed]"
log "killed the crawl with $(find "$RESUMED/archive" -name '*.warc.gz' | wc -l) WARC files closed; resuming with --wacz"
timeout "$CRAWL_TIMEOUT" "$BIN" crawl --output "$RESUMED" --wacz >"$WORK/logs/resume.log" 2>&1 ||
	died resume "the resumed crawl failed"
grep -q "resuming the unfinished crawl" "$WORK/logs/resume.log" || died resume "the crawl did not resume"
validate "$RESUMED.wacz"
"$PY" "$HELPER" contents "$RESUMED.wacz" "$RESUMED" || fail "the resumed crawl's package lacks WARC files (above)"

# --- 6. a serve job packaging every run ---------------------------------------------
SERVED=$WORK/crawls/served
cat >"$WORK/serve.yaml" <<-EOF
	metrics_addr: 127.0.0.1:$SERVE_PORT
	jobs:
	  - name: served
	    schedule: "@every 2s"
	    collection: $SERVED
	    seeds: ["http://127.0.0.1:$SLOW_PORT/"]
	    max_depth: 1
	    delay: 0s
	    warc_max_size: 50000
	    wacz: true
	EOF
start serve "$WORK" "$BIN" serve --config "$WORK/serve.yaml"
for ((i = 0; i < CRAWL_TIMEOUT * 5; i++)); do
	"$PY" -c 'import json,sys; sys.exit(sum(r["outcome"] == "success" for r in json.load(open(sys.argv[1]))) < 2)' \
		"$SERVED/state/runs.json" 2>/dev/null && break
	kill -0 "${PID[serve]}" 2>/dev/null || died serve "arkisto serve exited"
	sleep 0.2
done
stop serve
validate "$SERVED.wacz"
"$PY" "$HELPER" contents "$SERVED.wacz" "$SERVED" "$SERVED/state/runs.json" || fail "the serve job's package lacks WARC files (above)"

# --- 7. ReplayWeb.page ---------------------------------------------------------------
# The package's own dependencies are not needed: it ships its built ui.js and sw.js,
# so npm pack fetches it alone (npm install would resolve its whole tree).
if [[ ! -f $NPM_DIR/package/sw.js ]] || ! grep -q "\"version\": \"$REPLAYWEB_VERSION\"" "$NPM_DIR/package/package.json"; then
	command -v npm >/dev/null || fail "npm is needed to fetch replaywebpage"
	log "fetching replaywebpage $REPLAYWEB_VERSION into $NPM_DIR"
	rm -rf "$NPM_DIR" && mkdir -p "$NPM_DIR"
	(cd "$NPM_DIR" && npm pack --silent "replaywebpage@$REPLAYWEB_VERSION" && tar xzf "replaywebpage-$REPLAYWEB_VERSION.tgz") \
		>"$WORK/logs/npm.log" 2>&1 || died npm "npm could not fetch replaywebpage"
fi
log "ReplayWeb.page opens the package in headless Chromium"
ARKISTO_REPLAYWEBPAGE="$NPM_DIR/package" ARKISTO_WACZ="$PKG" ARKISTO_WACZ_PAGE="$SITE/" \
	ARKISTO_CHROMIUM="$CHROMIUM" go test -v -count=1 -tags replaywebpage -run TestReplayWebPage ./crawler/qa/ \
	>"$WORK/logs/replaywebpage.log" 2>&1 || died replaywebpage "ReplayWeb.page did not render the package"
grep "replaywebpage_test.go" "$WORK/logs/replaywebpage.log" || true

stop site
stop slow
stop wayback
log "OK in $((SECONDS - START))s"
