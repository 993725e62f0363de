#!/usr/bin/env python3
"""Compare two pywb CDXJ indexes of the same WARC files, record by record.

Used by scripts/pywb-check.sh to hold arkisto's index against the one pywb's
own indexer writes. Records are matched by (filename, offset), which names one
WARC record whoever indexed it; every other part of the line (SURT key,
timestamp and each JSON field) must then agree. Line order must agree too:
pywb finds captures by binary search, so an index sorted differently from
pywb's is broken even when every line is right.

Exit status 0 when the indexes agree, 1 with every difference printed.
Standard library only.
"""
import argparse
import json
import sys


def load(path):
    """Return the records of a CDXJ file in file order, as dicts with the
    SURT key and timestamp under "_key" and "_ts" beside the JSON fields."""
    records = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith(" "):
                continue  # pywb skips blank lines and the " CDX ..." header
            try:
                key, ts, blob = line.split(" ", 2)
                fields = json.loads(blob)
            except ValueError as e:
                sys.exit(f"{path}:{n}: not a CDXJ line ({e}): {line!r}")
            fields["_key"], fields["_ts"] = key, ts
            fields["_line"] = line
            records.append(fields)
    return records


def record_id(rec):
    return (rec.get("filename", ""), int(rec.get("offset", "-1")))


def by_id(path, records, problems):
    out = {}
    for rec in records:
        rid = record_id(rec)
        if rid in out:
            problems.append(f"{path}: two lines for {rid[0]}@{rid[1]}")
        out[rid] = rec
    return out


def describe(rec):
    return f'{rec["_key"]} {rec["_ts"]} {rec.get("url", "?")} ({rec.get("filename")}@{rec.get("offset")})'


def compare(ours_path, theirs_path, ours_label, theirs_label):
    ours, theirs = load(ours_path), load(theirs_path)
    problems = []
    ours_by, theirs_by = by_id(ours_path, ours, problems), by_id(theirs_path, theirs, problems)

    for rid in sorted(theirs_by.keys() - ours_by.keys()):
        problems.append(f"missing from {ours_label}: {describe(theirs_by[rid])}")
    for rid in sorted(ours_by.keys() - theirs_by.keys()):
        problems.append(f"not in {theirs_label}: {describe(ours_by[rid])}")

    fields_checked = set()
    for rid in sorted(ours_by.keys() & theirs_by.keys()):
        a, b = ours_by[rid], theirs_by[rid]
        names = (a.keys() | b.keys()) - {"_line"}
        fields_checked |= names
        for name in sorted(names):
            if a.get(name) != b.get(name):
                problems.append(
                    f"{rid[0]}@{rid[1]} {b.get('url', '?')}: {name.lstrip('_')} differs: "
                    f"{ours_label}={a.get(name)!r} {theirs_label}={b.get(name)!r}")

    if not problems:
        order_a = [record_id(r) for r in ours]
        order_b = [record_id(r) for r in theirs]
        for i, (x, y) in enumerate(zip(order_a, order_b)):
            if x != y:
                problems.append(
                    f"line {i + 1} is in another order: {ours_label} has {describe(ours[i])}, "
                    f"{theirs_label} has {describe(theirs[i])}")
                break

    identical = [r["_line"] for r in ours] == [r["_line"] for r in theirs]
    return problems, len(ours), len(theirs), sorted(n.lstrip("_") for n in fields_checked), identical


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("ours")
    p.add_argument("theirs")
    p.add_argument("--ours-label", default="arkisto")
    p.add_argument("--theirs-label", default="pywb")
    args = p.parse_args()

    problems, n_ours, n_theirs, fields, identical = compare(
        args.ours, args.theirs, args.ours_label, args.theirs_label)
    for line in problems:
        print("  DIFF", line)
    print(f"  {args.ours_label}: {n_ours} lines, {args.theirs_label}: {n_theirs} lines; "
          f"fields compared: {', '.join(fields) or 'none'}")
    if problems:
        print(f"  {len(problems)} differences")
        return 1
    if n_ours == 0:
        print("  both indexes are empty: nothing was compared")
        return 1
    print("  same records, fields and order" + ("; byte-identical" if identical else
                                                 " (the lines differ only in JSON layout)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
