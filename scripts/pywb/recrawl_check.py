#!/usr/bin/env python3
"""Hold a second crawl of arkisto's test site into the same collection against
pywb's replay (issues 5 and 8).

Run by scripts/pywb-check.sh after it crawled the site once, changed one
article page and published one new article through the test site's control
endpoint, and crawled again into the same collection. The first crawl's index
was copied aside before the second crawl; every record of the merged index
that is not in that copy belongs to the second crawl.

1. The merged index keeps every first-crawl line, and all second-crawl
   captures are later than all first-crawl ones.
2. The changed page has exactly two captures, one per crawl: id_ at the first
   timestamp gives the body the live site served before the change, id_ at
   the second the body it serves now, and pywb says it served that very
   capture each time (Memento-Datetime, Link rel="original").
3. Every second-crawl capture, fetched as id_ at its own timestamp, is the
   capture pywb serves and equals the live site now (status, Location,
   Content-Encoding, body); its body hashes to the index's payload digest.
4. Deduplication, record by record: a second-crawl capture is a revisit
   (mime warc/revisit) exactly when it is a 2xx whose payload is at least
   --dedup-min-size bytes and whose digest the first crawl already stored.
   For a URL captured in both crawls, a revisit replays at the second
   timestamp with the very body the first capture replays with: pywb
   resolved the revisit to the original body.
5. Each revisit record in the WARC files is identical-payload-digest, stores
   no body, and its WARC-Refers-To, -Target-URI and -Date name a response
   record of the first crawl with the same payload digest.
6. The new article is captured once, by the second crawl, as a response.

Needs warcio importable (run it with the venv's python); otherwise standard
library only. Only loopback is fetched.
"""
import argparse
import base64
import collections
import concurrent.futures
import hashlib
import http.client
import os
import sys

from warcio.archiveiterator import ArchiveIterator

sys.dont_write_bytecode = True  # importing our sibling must leave no __pycache__ in the repo
from replay_check import (ARTICLE_PATH, WORKERS, Wayback, check_capture, first_difference,
                          is_served_capture, load_index)

# WARC-Profile of a revisit, by the record's WARC version (WARC 1.0 and 1.1 spell it alike).
PROFILE_IDENTICAL = "http://netpreserve.org/warc/{}/revisit/identical-payload-digest"
MIN_ARTICLE_REVISITS = 10  # unchanged articles replayed from revisits, so the proof is never empty


def record_id(rec):
    return rec["filename"], int(rec["offset"])


def sha1_b32(data):
    return base64.b32encode(hashlib.sha1(data).digest()).decode()


def read_warc_records(archive, filenames):
    """WARC facts by (filename, offset), and response records by WARC-Record-ID."""
    by_offset, responses = {}, {}
    for name in sorted(filenames):
        with open(os.path.join(archive, name), "rb") as f:
            it = ArchiveIterator(f)
            for rec in it:
                h = rec.rec_headers
                facts = {
                    "type": rec.rec_type, "version": h.protocol.removeprefix("WARC/"),
                    "uri": h.get_header("WARC-Target-URI"),
                    "id": h.get_header("WARC-Record-ID"), "date": h.get_header("WARC-Date"),
                    "digest": h.get_header("WARC-Payload-Digest"), "profile": h.get_header("WARC-Profile"),
                    "refers_to": h.get_header("WARC-Refers-To"),
                    "refers_uri": h.get_header("WARC-Refers-To-Target-URI"),
                    "refers_date": h.get_header("WARC-Refers-To-Date"),
                    "filename": name,
                    "stored_body": len(rec.raw_stream.read()),  # after the HTTP headers
                }
                by_offset[(name, it.get_record_offset())] = facts
                if rec.rec_type == "response":
                    responses[facts["id"]] = facts
    return by_offset, responses


def check_changed(wb, url, first, second, old_body, new_body):
    """Check 2. Returns (problems, the two timestamps or None)."""
    problems = []
    caps = [("first", r) for r in first if r["url"] == url] + [("second", r) for r in second if r["url"] == url]
    if [c for c, _ in caps] != ["first", "second"]:
        return [f"changed page {url}: want one capture per crawl, got {[(c, r['ts']) for c, r in caps]}"], None
    if old_body == new_body:
        return [f"changed page {url}: the live body did not change: nothing would be proven"], None
    (_, rec1), (_, rec2) = caps
    if rec1["ts"] == rec2["ts"]:
        problems.append(f"changed page {url}: both captures have timestamp {rec1['ts']}")
    if rec2["mime"] == "warc/revisit":
        problems.append(f"changed page {url}: the second capture is a revisit, though its body changed")
    for rec, want, label in ((rec1, old_body, "before"), (rec2, new_body, "after")):
        resp = wb.get(rec["ts"], "id_", url)
        problems += [f"changed page id_ {url} @{rec['ts']}: {p}" for p in is_served_capture(resp, url, rec["ts"])]
        if resp.status != 200:
            problems.append(f"changed page id_ {url} @{rec['ts']}: status {resp.status}")
        if resp.body != want:
            problems.append(f"changed page id_ {url} @{rec['ts']}: body is not the live body from {label} "
                            f"the change: {first_difference(resp.body, want)}")
    return problems, (rec1["ts"], rec2["ts"])


def check_dedup(rec, arch2, arch1, known_digests, min_size):
    """Check 4 for one second-crawl capture (arch1: its URL replayed at the
    first crawl's timestamp, or None when the first crawl did not capture it)."""
    where = f"{rec['url']} @{rec['ts']}"
    problems = []
    if sha1_b32(arch2.body) != rec.get("digest"):
        problems.append(f"{where}: replayed body hashes to {sha1_b32(arch2.body)}, index digest {rec.get('digest')}")
    dedupable = 200 <= arch2.status < 300 and len(arch2.body) >= min_size and rec.get("digest") in known_digests
    is_revisit = rec["mime"] == "warc/revisit"
    if dedupable and not is_revisit:
        problems.append(f"{where}: payload already stored by the first crawl, but stored again as a response")
    if is_revisit and not dedupable:
        problems.append(f"{where}: a revisit, but its payload ({arch2.status}, {len(arch2.body)} bytes) "
                        "is not one the first crawl stored")
    if is_revisit and arch1 is not None and (arch1.status, arch1.body) != (arch2.status, arch2.body):
        problems.append(f"{where}: revisit replays {arch2.status} {first_difference(arch2.body, arch1.body)} "
                        f"against the first capture's {arch1.status}")
    return problems


def check_revisit_records(second, warc, responses, first_files):
    """Check 5."""
    problems = []
    for rec in second:
        if rec["mime"] != "warc/revisit":
            continue
        facts, where = warc.get(record_id(rec)), f"revisit {rec['url']} @{rec['ts']}"
        if facts is None or facts["type"] != "revisit":
            problems.append(f"{where}: no revisit record at {rec['filename']}@{rec['offset']}")
            continue
        if facts["profile"] != PROFILE_IDENTICAL.format(facts["version"]):
            problems.append(f"{where}: WARC-Profile {facts['profile']!r} in a WARC/{facts['version']} record")
        if facts["stored_body"]:
            problems.append(f"{where}: stores {facts['stored_body']} body bytes after the HTTP headers")
        orig = responses.get(facts["refers_to"])
        if orig is None or orig["filename"] not in first_files:
            problems.append(f"{where}: WARC-Refers-To {facts['refers_to']} is no response record of the first crawl")
            continue
        if (facts["refers_uri"], facts["refers_date"], facts["digest"]) != (orig["uri"], orig["date"], orig["digest"]):
            problems.append(f"{where}: refers to ({facts['refers_uri']}, {facts['refers_date']}, {facts['digest']}), "
                            f"the record it names is ({orig['uri']}, {orig['date']}, {orig['digest']})")
    return problems


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--first-index", required=True, help="copy of index.cdxj after the first crawl")
    p.add_argument("--index", required=True, help="the collection's merged indexes/index.cdxj")
    p.add_argument("--archive", required=True, help="the collection's archive/ folder")
    p.add_argument("--wayback", required=True, help="pywb's base URL, e.g. http://127.0.0.1:8080")
    p.add_argument("--coll", required=True, help="collection name")
    p.add_argument("--site", required=True, help="the live test site, e.g. http://127.0.0.1:8081")
    p.add_argument("--changed", required=True, help="URL path of the page changed between the crawls")
    p.add_argument("--old-body", required=True, help="file: its live body before the change")
    p.add_argument("--new-body", required=True, help="file: its live body after the change")
    p.add_argument("--new-article", required=True, help="URL path of the article published between the crawls")
    p.add_argument("--dedup-min-size", type=int, default=256, help="the crawl's --dedup-min-size")
    args = p.parse_args()

    wb, site = Wayback(args.wayback, args.coll), args.site.rstrip("/")
    first, merged = load_index(args.first_index), load_index(args.index)
    first_ids = {record_id(r) for r in first}
    second = [r for r in merged if record_id(r) not in first_ids]
    problems = []

    # 1. the merge
    missing = first_ids - {record_id(r) for r in merged}
    if missing:
        problems.append(f"{len(missing)} first-crawl index lines missing from the merged index, e.g. {min(missing)}")
    if not second:
        sys.exit("  FAIL the merged index has no second-crawl captures")
    if max(r["ts"] for r in first) >= min(r["ts"] for r in second):
        problems.append(f"second-crawl captures start at {min(r['ts'] for r in second)}, "
                        f"not after the first crawl's last {max(r['ts'] for r in first)}")

    with open(args.old_body, "rb") as f_old, open(args.new_body, "rb") as f_new:
        old_body, new_body = f_old.read(), f_new.read()
    first_by_url = {}
    for r in first:
        first_by_url.setdefault(r["url"], r)
    known_digests = {r.get("digest") for r in first}

    def first_replay(rec):
        old = first_by_url.get(rec["url"])
        return wb.get(old["ts"], "id_", rec["url"]) if old else None

    try:
        # 2. the changed page
        changed_problems, changed_ts = check_changed(wb, site + args.changed, first, second, old_body, new_body)
        problems += changed_problems
        # 3 and 4: every second-crawl capture, and its URL at the first crawl's timestamp
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            captured = list(pool.map(lambda r: check_capture(wb, r), second))
            olds = list(pool.map(first_replay, second))
    except (OSError, http.client.HTTPException, ValueError) as e:
        sys.exit(f"  FAIL a replay request failed: {e!r}")
    for rec, (probs, arch2), arch1 in zip(second, captured, olds):
        problems += probs
        problems += check_dedup(rec, arch2, arch1, known_digests, args.dedup_min_size)
    revisits = [r for r in second if r["mime"] == "warc/revisit"]
    article_revisits = [r for r in revisits if ARTICLE_PATH.match(r["url"][len(site):])]
    if len(article_revisits) < MIN_ARTICLE_REVISITS:
        problems.append(f"only {len(article_revisits)} unchanged articles replayed from revisits, "
                        f"want at least {MIN_ARTICLE_REVISITS}")

    # 5. the revisit records themselves
    first_files = {r["filename"] for r in first}
    warc, responses = read_warc_records(args.archive, {r["filename"] for r in merged})
    problems += check_revisit_records(second, warc, responses, first_files)

    # 6. the new article
    new_caps = [r for r in merged if r["url"] == site + args.new_article]
    if len(new_caps) != 1 or record_id(new_caps[0]) in first_ids or new_caps[0]["mime"] == "warc/revisit":
        problems.append(f"new article {args.new_article}: want one response from the second crawl, got "
                        f"{[(r['ts'], r['mime'], record_id(r) in first_ids) for r in new_caps]}")

    for line in problems:
        print("  FAIL", line)
    kinds = collections.Counter("revisit" if r["mime"] == "warc/revisit" else "response" for r in second)
    print(f"  second crawl: {len(second)} captures ({kinds['revisit']} revisits, {kinds['response']} responses) "
          f"replayed as id_ against the live site; {len(first)} first-crawl captures")
    print(f"  {len(revisits)} revisits ({len(article_revisits)} articles) checked against the first crawl's "
          f"replay and response records; changed page {args.changed} checked at "
          f"{' and '.join(changed_ts) if changed_ts else '?'}; new article {args.new_article}")
    print(f"  {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
