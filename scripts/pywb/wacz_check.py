#!/usr/bin/env python3
"""Checks of a WACZ package and of `arkisto qa`'s reports, for scripts/wacz-check.sh.

  wacz_check.py contents WACZ COLLECTION [RUNS_JSON]
      the package's archive/ holds every WARC file of the collection (with
      RUNS_JSON: every file the successful runs in it wrote), byte for byte
      the same size, stored (not deflated); index.cdx.gz is stored too; every
      page line has id, url, ts and a title.
  wacz_check.py replay WACZ WAYBACK COLL
      every page of the package's pages/pages.jsonl replays from pywb
      (GET /COLL/<ts>id_/<url>): 200 and Memento-Datetime, the capture itself.
  wacz_check.py qa SUMMARY_DIR COMPLETE_URL INCOMPLETE_URL MISSING_PREFIX REASON
      qa/summary.json says COMPLETE_URL is complete and INCOMPLETE_URL is
      incomplete, and INCOMPLETE_URL's report names a missing request
      starting with MISSING_PREFIX, with REASON.

Standard library only; only loopback is fetched.
"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import zipfile

TIMEOUT = 30


def fail(msg):
    print("wacz_check: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def contents(wacz, collection, runs=None):
    with zipfile.ZipFile(wacz) as z:
        infos = {i.filename: i for i in z.infolist()}
        pages = z.read("pages/pages.jsonl").decode("utf-8").splitlines()
    archive = os.path.join(collection, "archive")
    if runs:
        with open(runs) as f:
            history = json.load(f)
        records = history if isinstance(history, list) else history.get("runs", history)
        wanted = set()
        successes = 0
        for r in records:
            if r.get("outcome") == "success":
                successes += 1
                wanted.update(r.get("counts", {}).get("warc_files") or [])
        if successes < 2:
            fail("want several successful runs in %s, got %d" % (runs, successes))
    else:
        wanted = {n for n in os.listdir(archive) if n.endswith(".warc.gz")}
    if not wanted:
        fail("no WARC files to look for")
    for name in sorted(wanted):
        info = infos.get("archive/" + name)
        if info is None:
            fail("%s is not in %s" % (name, wacz))
        if info.compress_type != zipfile.ZIP_STORED:
            fail("%s is compressed in the package (want stored)" % name)
        if info.file_size != os.path.getsize(os.path.join(archive, name)):
            fail("%s has another size in the package" % name)
    if infos["indexes/index.cdx.gz"].compress_type != zipfile.ZIP_STORED:
        fail("index.cdx.gz is compressed in the package (want stored)")
    header = json.loads(pages[0])
    if header.get("format") != "json-pages-1.0":
        fail("pages.jsonl header %r" % pages[0])
    for line in pages[1:]:
        p = json.loads(line)
        if not (p.get("id") and p.get("url") and p.get("ts") and p.get("title")):
            fail("page line without id, url, ts or title: %s" % line)
    print("wacz_check: %d WARC files and %d pages in %s" % (len(wanted), len(pages) - 1, wacz))


def replay(wacz, wayback, coll):
    with zipfile.ZipFile(wacz) as z:
        pages = [json.loads(l) for l in z.read("pages/pages.jsonl").decode("utf-8").splitlines()[1:]]
    if not pages:
        fail("no pages in " + wacz)
    for p in pages:
        ts = "".join(c for c in p["ts"][:19] if c.isdigit())
        url = "%s/%s/%sid_/%s" % (wayback, coll, ts, p["url"])
        host = urllib.parse.urlsplit(url).hostname
        if host not in ("127.0.0.1", "localhost"):
            fail("not loopback: " + url)
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as resp:
                status, memento = resp.status, resp.headers.get("Memento-Datetime")
                resp.read()
        except urllib.error.HTTPError as e:
            status, memento = e.code, e.headers.get("Memento-Datetime")
        if status != 200 or not memento:
            fail("%s: status %s, Memento-Datetime %r" % (url, status, memento))
    print("wacz_check: pywb replayed all %d pages of the package" % len(pages))


def qa(qa_dir, complete_url, incomplete_url, missing_prefix, reason):
    with open(os.path.join(qa_dir, "summary.json")) as f:
        summary = json.load(f)
    by_url = {p["url"]: p for p in summary["pages"]}
    for url in (complete_url, incomplete_url):
        if url not in by_url:
            fail("%s not in qa/summary.json" % url)
    good, bad = by_url[complete_url], by_url[incomplete_url]
    if good["outcome"] != "complete" or good["missing"] != 0:
        fail("%s: %s with %d missing, want complete" % (complete_url, good["outcome"], good["missing"]))
    if good.get("text_similarity") != 1:
        fail("%s: text similarity %s with the live page, want 1" % (complete_url, good.get("text_similarity")))
    if bad["outcome"] != "incomplete":
        fail("%s: %s, want incomplete" % (incomplete_url, bad["outcome"]))
    if summary["pages"][0]["url"] != incomplete_url:
        fail("the summary does not rank %s first" % incomplete_url)
    with open(os.path.join(qa_dir, bad["report"])) as f:
        report = json.load(f)
    hits = [m for m in report["missing"] if m["url"].startswith(missing_prefix)]
    if not hits or any(m["reason"] != reason for m in hits):
        fail("%s: missing %s, want %s... with reason %s" % (incomplete_url, report["missing"], missing_prefix, reason))
    others = [m for m in report["missing"] if not m["url"].startswith(missing_prefix)]
    if others:
        fail("%s: unexpected missing requests %s" % (incomplete_url, others))
    for shot in (report["replay"]["screenshot"], report["live"]["screenshot"]):
        with open(os.path.join(qa_dir, shot), "rb") as f:
            if f.read(8) != b"\x89PNG\r\n\x1a\n":
                fail("%s is not a PNG" % shot)
    print("wacz_check: qa found %s missing (%s) and %s complete" % (hits[0]["url"], reason, complete_url))


def main(argv):
    cmds = {"contents": contents, "replay": replay, "qa": qa}
    if len(argv) < 2 or argv[1] not in cmds:
        fail("usage: see the module's doc")
    cmds[argv[1]](*argv[2:])


if __name__ == "__main__":
    main(sys.argv)
