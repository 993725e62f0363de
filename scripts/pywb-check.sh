#!/usr/bin/env bash
# Proof in real pywb that arkisto's output replays (issue 7):
#   1. a venv under .cache/ holds pinned pywb and warcio (installed when missing);
#   2. arkisto crawls its test site into WORK/collections/$COLL, in several WARC files;
#   3. its indexes/index.cdxj equals what pywb's own indexer (wb-manager reindex) writes
#      for the same files, record by record and in order; so does `arkisto index`;
#   4. `warcio check` passes every record except the payload digest of chunked responses
#      (warcio#74; the de-chunked digest is recomputed and must match), and
#      `arkisto validate` passes every file;
#   5. pywb's `wayback`, started in WORK, replays every capture as the live site serves it,
#      the HTML pages rewritten, their images, CSS and JS, the redirect chain hop by hop
#      and the two identical-body pages (scripts/pywb/replay_check.py says exactly what);
#   6. through the test site's control endpoint one article page changes and one article
#      is published; the same crawl command into the same collection starts a second crawl
#      (the first finished), whose unchanged payloads are revisit records. The merged
#      index still equals pywb's, every file validates, and pywb replays the changed page
#      at both timestamps with the body of each time, every revisit with the original body,
#      and the new article (issues 5 and 8; scripts/pywb/recrawl_check.py says exactly what).
# Every server runs on loopback on a port picked here and is stopped on exit; scratch
# files are removed on success and kept (path printed) on failure. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYWB_VERSION=2.10.0
WARCIO_VERSION=1.8.1
VENV=$(realpath -m "${PYWB_VENV:-.cache/venv}") # shared with warc/testdata/pywb/make_golden.py
COLL=pywbcheck        # collection name, in WORK/collections/
WARC_MAX_SIZE=100000  # bytes: the test site then fills about six WARC files
WAIT=60               # seconds a server may take to answer
CRAWL_TIMEOUT=180     # seconds each crawl may take
DEDUP_MIN_SIZE=256    # bytes: the crawl's default --dedup-min-size, passed explicitly
HELPERS=scripts/pywb

CHECK=pywb-check
# shellcheck source=scripts/check-lib.sh
source scripts/check-lib.sh

command -v python3 >/dev/null || fail "python3 is needed to create the pywb venv"
command -v curl >/dev/null || fail "curl is needed"

# --- 1. pywb and warcio -------------------------------------------------------
ensure_venv "$VENV" "pywb==$PYWB_VERSION" "warcio==$WARCIO_VERSION"
PY=$VENV/bin/python

# --- 2. crawl the test site ---------------------------------------------------
log "building arkisto and arkisto-testsite (the test site never ships in arkisto)"
go build -o "$WORK/arkisto" .
go build -o "$WORK/arkisto-testsite" ./crawler/testsite/cmd/arkisto-testsite
BIN=$WORK/arkisto

read -r SITE_PORT CONTROL_PORT WB_PORT < <(free_ports 3)
SITE=http://127.0.0.1:$SITE_PORT
CONTROL=http://127.0.0.1:$CONTROL_PORT # changes the site between the crawls (step 6)
start site "$WORK" "$WORK/arkisto-testsite" --addr "127.0.0.1:$SITE_PORT" --control-addr "127.0.0.1:$CONTROL_PORT"
wait_http site "$SITE/robots.txt"

COLLDIR=$WORK/collections/$COLL
# crawl NAME: one crawl of the site into COLLDIR, always the same command, so a
# second run starts a new crawl only because the first one finished. Sets WARCS.
crawl() {
	local name=$1 rc=0 open
	log "crawling $SITE/ into $COLLDIR ($name)"
	timeout "$CRAWL_TIMEOUT" "$BIN" crawl --delay 0 --metrics-addr "" --warc-max-size "$WARC_MAX_SIZE" \
		--dedup-min-size "$DEDUP_MIN_SIZE" --output "$COLLDIR" "$SITE/" >"$WORK/logs/$name.log" 2>&1 || rc=$?
	((rc == 0)) || died "$name" "arkisto crawl exited with status $rc"
	tail -n 2 "$WORK/logs/$name.log"
	shopt -s nullglob
	WARCS=("$COLLDIR"/archive/*.warc.gz)
	open=("$COLLDIR"/archive/*.open)
	shopt -u nullglob
	((${#open[@]} == 0)) || fail "WARC files left open after the $name: ${open[*]}"
	[[ -s $COLLDIR/indexes/index.cdxj ]] || fail "the $name wrote no $COLLDIR/indexes/index.cdxj"
	log "${#WARCS[@]} WARC files, $(wc -l <"$COLLDIR/indexes/index.cdxj") index lines"
}

# check_files: steps 3 and 4 for the collection's WARCS as they are now.
check_files() {
	# --- 3. our index against pywb's indexer
	# A scratch collection outside WORK/collections, so wayback never sees it.
	local reindex=$WORK/reindex rebuild=$WORK/rebuild
	rm -rf "$reindex" "$rebuild"
	mkdir -p "$reindex/collections/$COLL/archive" "$reindex/collections/$COLL/indexes" "$rebuild/archive"
	cp -l "${WARCS[@]}" "$reindex/collections/$COLL/archive/"
	log "wb-manager reindex (pywb's own indexer)"
	(cd "$reindex" && "$VENV/bin/wb-manager" reindex "$COLL") >"$WORK/logs/reindex.log" 2>&1 ||
		died reindex "wb-manager reindex failed"
	local pywb_index=$reindex/collections/$COLL/indexes/index.cdxj

	log "comparing the crawl's index.cdxj with pywb's"
	"$PY" "$HELPERS/cdxj_compare.py" --ours-label arkisto-crawl "$COLLDIR/indexes/index.cdxj" "$pywb_index" ||
		fail "arkisto's crawl-time index differs from pywb's (lines above)"

	cp -l "${WARCS[@]}" "$rebuild/archive/"
	"$BIN" index "$rebuild" >"$WORK/logs/index.log" 2>&1 || died index "arkisto index failed"
	log "comparing \`arkisto index\` (rebuilt from the WARCs) with pywb's"
	"$PY" "$HELPERS/cdxj_compare.py" --ours-label arkisto-index "$rebuild/indexes/index.cdxj" "$pywb_index" ||
		fail "\`arkisto index\` differs from pywb's index (lines above)"

	# --- 4. warcio check and arkisto validate
	log "warcio check (only chunked payload digests may fail)"
	"$PY" "$HELPERS/warc_check.py" --warcio "$VENV/bin/warcio" --arkisto "$BIN" "${WARCS[@]}" ||
		fail "warcio check found problems beyond chunked payload digests (lines above)"
	log "arkisto validate"
	"$BIN" validate "$COLLDIR/archive" || fail "arkisto validate found problems"
}

crawl crawl-1
((${#WARCS[@]} >= 2)) || fail "want several WARC files (--warc-max-size $WARC_MAX_SIZE), got ${#WARCS[@]}"
FIRST_WARCS=("${WARCS[@]}")
check_files

# --- 5. replay in pywb -------------------------------------------------------
log "starting wayback on 127.0.0.1:$WB_PORT in $WORK"
start wayback "$WORK" "$VENV/bin/wayback" -b 127.0.0.1 -p "$WB_PORT"
wait_http wayback "http://127.0.0.1:$WB_PORT/$COLL/"
log "replaying every capture"
if ! "$PY" "$HELPERS/replay_check.py" --index "$COLLDIR/indexes/index.cdxj" \
	--wayback "http://127.0.0.1:$WB_PORT" --coll "$COLL" --site "$SITE"; then
	died wayback "pywb did not replay the crawl as the site served it (lines above)"
fi
! grep -q Traceback "$WORK/logs/wayback.log" || died wayback "pywb logged an exception while replaying"

# --- 6. change the site, crawl again, replay both crawls ----------------------
# An article page of the first crawl (the first in index order: deterministic).
CHANGED=$(grep -oE "\"url\": \"$SITE/[a-z-]+/[0-9]{4}/[0-9]{2}/[0-9]{2}/[^\"/]+\.html\"" \
	"$COLLDIR/indexes/index.cdxj" | head -n 1 | sed -E "s|^\"url\": \"$SITE||; s|\"\$||") || true
[[ -n $CHANGED ]] || fail "no article page in the first crawl's index to change"
# live_body FILE: the changed page as the crawler gets it (gzip only on request).
live_body() {
	curl -fsS --max-time 10 -H "Accept-Encoding: gzip" -o "$1" "$SITE$CHANGED" || fail "could not fetch $SITE$CHANGED"
}
live_body "$WORK/changed-before.html"
curl -fsS --max-time 10 -X POST -o /dev/null "$CONTROL/change?path=$CHANGED" || fail "could not change $CHANGED"
live_body "$WORK/changed-after.html"
! cmp -s "$WORK/changed-before.html" "$WORK/changed-after.html" || fail "$CHANGED did not change"
NEW_ARTICLE=$(curl -fsS --max-time 10 -X POST "$CONTROL/add-article" |
	"$PY" -c 'import json, sys; print(json.load(sys.stdin)["path"])') || fail "could not publish an article"
log "changed $CHANGED, published $NEW_ARTICLE"

cp "$COLLDIR/indexes/index.cdxj" "$WORK/first-index.cdxj"
sha1sum "${FIRST_WARCS[@]}" >"$WORK/first-warcs.sha1"
crawl crawl-2
((${#WARCS[@]} > ${#FIRST_WARCS[@]})) || fail "the second crawl wrote no new WARC file"
sha1sum --quiet -c "$WORK/first-warcs.sha1" || fail "the second crawl altered the first crawl's WARC files"
check_files

log "replaying the second crawl and the changed page at both timestamps"
if ! "$PY" "$HELPERS/recrawl_check.py" --first-index "$WORK/first-index.cdxj" \
	--index "$COLLDIR/indexes/index.cdxj" --archive "$COLLDIR/archive" \
	--wayback "http://127.0.0.1:$WB_PORT" --coll "$COLL" --site "$SITE" \
	--changed "$CHANGED" --old-body "$WORK/changed-before.html" --new-body "$WORK/changed-after.html" \
	--new-article "$NEW_ARTICLE" --dedup-min-size "$DEDUP_MIN_SIZE"; then
	fail "pywb did not replay the two crawls as expected (lines above; pywb's log: $WORK/logs/wayback.log)"
fi
! grep -q Traceback "$WORK/logs/wayback.log" || died wayback "pywb logged an exception while replaying"

# --- 7. stop ----------------------------------------------------------------
stop wayback
stop site
log "OK in $((SECONDS - START))s"
