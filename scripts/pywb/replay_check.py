#!/usr/bin/env python3
"""Replay a crawl of arkisto's test site through a running pywb and hold every
capture against what the live test site serves.

Run by scripts/pywb-check.sh with pywb (`wayback`) and the test site up:

1. every capture in the index, fetched as /<coll>/<ts>id_/<url>: the status,
   Location, Content-Encoding and body equal the live site's for that URL now
   (the site is deterministic apart from Date headers), and pywb says it served
   that very capture (Link rel="original" is the URL, Memento-Datetime is <ts>),
   so a fuzzy or nearest-URL match cannot pass for a hit;
2. every HTML 200 capture, fetched as mp_ (the rewritten page a browser gets):
   200 with pywb's insert in it, every embed rewritten into the archive, and
   each rewritten embed (im_, cs_, js_, oe_, if_ ...) loading with 200 as a
   browser would load it;
3. every page's images (src, srcset), stylesheets, scripts, icons, preloads,
   video posters and sources, iframes, and url()s inside CSS resolve from the
   archive: id_ gives 200 for exactly that URL; each article has an image, a
   stylesheet and a script, so the check is never empty;
4. the redirect chain replays hop by hop, both as id_ (301 then 302 then 200,
   each Location naming the next hop) and as a browser follows it through mp_;
5. the two URLs with identical bodies replay with that same body, whether both
   are responses or one is a revisit (once deduplication writes one).

Standard library only; every request has a timeout; only loopback is fetched.
"""
import argparse
import concurrent.futures
import email.utils
import gzip
import html.parser
import http.client
import ipaddress
import json
import re
import sys
import urllib.parse

TIMEOUT = 20  # seconds for one request, connect to last byte
WORKERS = 6   # requests in flight; pywb serves them from one gevent process

# Paths of crawler/testsite/special.go (keep in step with the Go constants).
PATH_REDIRECT = "/go/old-front"                   # PathRedirect: 301 ->
PATH_REDIRECT_HOP = "/go/front-2024"              # PathRedirectHop: 302 ->
PATH_REDIRECT_TARGET = "/special/new-front.html"  # PathRedirectTarget: 200
PATH_DUPLICATE = "/about/terms.html"              # PathDuplicate
PATH_DUPLICATE_COPY = "/legal/terms.html"         # PathDuplicateCopy, same body
# Article paths, as crawler/testsite builds them: /<section>/YYYY/MM/DD/<slug>.html
ARTICLE_PATH = re.compile(r"^/[a-z-]+/\d{4}/\d{2}/\d{2}/[^/]+\.html$")
MIN_ARTICLES = 10

REQUEST_HEADERS = {
    "User-Agent": "arkisto-pywb-check",
    # What the crawler sends, so the live site answers as it did to the crawler
    # (it gzips only on request).
    "Accept-Encoding": "gzip",
    "Connection": "close",
}


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        return self.headers.get(name)

    def text(self):
        """The body with its content encoding removed, as text for parsing."""
        body = self.body
        if (self.header("Content-Encoding") or "").lower() == "gzip":
            body = gzip.decompress(body)
        return body.decode("latin-1")  # byte-preserving; the URLs we want are ASCII


def get(host, port, target):
    """GET target from host:port, never following redirects."""
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"refusing to fetch from {host}: only loopback is allowed")
    conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    try:
        conn.request("GET", target, headers=REQUEST_HEADERS)
        resp = conn.getresponse()
        return Response(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def get_url(url):
    u = urllib.parse.urlsplit(url)
    return get(u.hostname, u.port or 80, urllib.parse.urlunsplit(("", "", u.path or "/", u.query, "")))


class Wayback:
    def __init__(self, base, coll):
        u = urllib.parse.urlsplit(base)
        self.host, self.port, self.coll = u.hostname, u.port, coll

    def target(self, ts, mod, url):
        return f"/{self.coll}/{ts}{mod}/{url}"

    def get(self, ts, mod, url):
        return self.get_target(self.target(ts, mod, url))

    def get_target(self, target):
        return get(self.host, self.port, target)


def original_url(resp):
    m = re.search(r'<([^>]*)>;\s*rel="original"', resp.header("Link") or "")
    return m.group(1) if m else None


def memento_ts(resp):
    value = resp.header("Memento-Datetime")
    return email.utils.parsedate_to_datetime(value).strftime("%Y%m%d%H%M%S") if value else None


def first_difference(a, b):
    n = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"{len(a)} vs {len(b)} bytes, first difference at byte {n}"


def load_index(path):
    records = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith(" "):
                key, ts, blob = line.rstrip("\n").split(" ", 2)
                rec = json.loads(blob)
                rec["ts"] = ts
                records.append(rec)
    return records


def is_served_capture(resp, url, ts):
    """Problems if pywb's answer is not the capture of url at ts."""
    problems = []
    if original_url(resp) != url:
        problems.append(f"pywb served original {original_url(resp)!r}, not this URL")
    if memento_ts(resp) != ts:
        problems.append(f"pywb served the capture of {memento_ts(resp)}, not {ts}")
    return problems


def check_capture(wb, rec):
    """Check 1 for one index record. Returns (problems, archived response)."""
    url, ts = rec["url"], rec["ts"]
    live, arch = get_url(url), wb.get(ts, "id_", url)
    problems = is_served_capture(arch, url, ts)
    if arch.status != live.status:
        problems.append(f"status {arch.status} replayed, live site says {live.status}")
    if "status" in rec and int(rec["status"]) != arch.status:
        problems.append(f"status {arch.status} replayed, index says {rec['status']}")
    for name in ("Location", "Content-Encoding"):
        if arch.header(name) != live.header(name):
            problems.append(f"{name} {arch.header(name)!r} replayed, live {live.header(name)!r}")
    if arch.body != live.body:
        problems.append(f"body differs from live: {first_difference(arch.body, live.body)}")
    return [f"id_ {url} @{ts} ({rec['mime']}): {p}" for p in problems], arch


def check_mp(wb, rec):
    """Check 2: the rewritten page a browser gets. Returns (problems, the
    archive URLs its rewritten embeds point at)."""
    resp = wb.get(rec["ts"], "mp_", rec["url"])
    problems, embeds = [], []
    if resp.status != 200:
        problems.append(f"status {resp.status}")
    elif "<!-- WB Insert -->" not in resp.text():
        problems.append("no pywb insert in the page: it was not rewritten as HTML")
    else:
        parser = Embeds()
        parser.feed(resp.text())
        origin, prefix = f"http://{wb.host}:{wb.port}", f"/{wb.coll}/"
        for kind, ref in parser.refs:
            ref = ref.removeprefix(origin)
            if ref.startswith(("data:", "/static/")):
                continue  # inline data, and pywb's own scripts (wombat.js)
            if not ref.startswith(prefix):
                problems.append(f"{kind} {ref!r} was not rewritten into the archive")
            elif kind != "css-url":  # inline CSS: pywb rewrites it, the url()s are checked in 3
                embeds.append(ref)
    return [f"mp_ {rec['url']} @{rec['ts']}: {p}" for p in problems], embeds


def check_browser_embed(wb, target, used_by):
    """Check 2, continued: a rewritten embed (im_, cs_, js_, oe_, if_ ...)
    loads as a browser would load it."""
    resp = wb.get_target(target)
    want = target.split("_/", 1)[1]
    problems = [] if resp.status == 200 else [f"status {resp.status}"]
    if resp.status == 200 and original_url(resp) != want:
        problems.append(f"pywb served original {original_url(resp)!r}")
    return [f"browser load of {target} in {used_by}: {p}" for p in problems]


class Embeds(html.parser.HTMLParser):
    """Collects the URLs a page embeds (not the links it merely points at)."""

    LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.base, self.refs, self.kinds, self._style = None, [], set(), False

    def _add(self, kind, value):
        if value and value.strip():
            self.refs.append((kind, value.strip()))
            self.kinds.add(kind)

    def _add_srcset(self, value):
        for candidate in (value or "").split(","):
            if candidate.strip():
                self._add("srcset", candidate.split()[0])

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "base" and self.base is None and a.get("href"):
            self.base = a["href"]
        elif tag == "img":
            self._add("img", a.get("src"))
            self._add_srcset(a.get("srcset"))
        elif tag == "source":
            self._add("source", a.get("src"))
            self._add_srcset(a.get("srcset"))
        elif tag == "video":
            self._add("poster", a.get("poster"))
        elif tag == "script":
            self._add("script", a.get("src"))
        elif tag == "iframe":
            self._add("iframe", a.get("src"))
        elif tag == "link":
            rels = set((a.get("rel") or "").lower().split())
            for rel in sorted(rels & self.LINK_RELS):
                self._add(rel, a.get("href"))
        elif tag == "style":
            self._style = True

    def handle_endtag(self, tag):
        if tag == "style":
            self._style = False

    def handle_data(self, data):
        if self._style:
            for ref in css_refs(data):
                self._add("css-url", ref)


CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


def css_refs(css):
    return [m.group(2) or m.group(4) for m in CSS_URL.finditer(css)]


def absolute(base, ref):
    url = urllib.parse.urljoin(base, ref)
    return urllib.parse.urldefrag(url)[0] if url.split(":", 1)[0] in ("http", "https") else None


def check_requisite(wb, url, ts, used_by):
    """Check 3 for one embedded URL."""
    resp = wb.get(ts, "id_", url)
    problems = [] if resp.status == 200 else [f"status {resp.status}"]
    if resp.status == 200 and original_url(resp) != url:
        problems.append(f"pywb served original {original_url(resp)!r} instead")
    return [f"requisite {url} of {used_by}: {p}" for p in problems]


def check_redirects(wb, site, by_url):
    """Check 4: the chain, hop by hop, as id_ and then as a browser through mp_."""
    chain = [(PATH_REDIRECT, 301), (PATH_REDIRECT_HOP, 302), (PATH_REDIRECT_TARGET, 200)]
    problems = []
    for i, (path, status) in enumerate(chain):
        url = site + path
        if url not in by_url:
            problems.append(f"redirect chain: {url} was not captured")
            continue
        resp = wb.get(by_url[url]["ts"], "id_", url)
        if resp.status != status:
            problems.append(f"redirect chain: id_ {url} gave {resp.status}, want {status}")
        if i + 1 < len(chain):
            want = site + chain[i + 1][0]
            got = urllib.parse.urljoin(url, resp.header("Location") or "")
            if got != want:
                problems.append(f"redirect chain: id_ {url} Location resolves to {got!r}, want {want!r}")
    if problems:
        return problems

    start = site + PATH_REDIRECT
    target, statuses = wb.target(by_url[start]["ts"], "mp_", start), []
    for _ in range(len(chain) + 2):
        resp = wb.get_target(target)
        statuses.append(resp.status)
        if resp.status not in (301, 302, 303, 307, 308):
            break
        location = urllib.parse.urlsplit(resp.header("Location") or "")
        if location.netloc not in ("", f"{wb.host}:{wb.port}"):
            problems.append(f"redirect chain: mp_ Location {resp.header('Location')!r} leaves the archive")
            break
        target = urllib.parse.urlunsplit(("", "", location.path, location.query, ""))
    want_end = site + PATH_REDIRECT_TARGET
    if statuses != [s for _, s in chain] or original_url(resp) != want_end:
        problems.append(f"redirect chain through mp_: statuses {statuses} ending at {original_url(resp)!r}, "
                        f"want {[s for _, s in chain]} ending at {want_end!r}")
    return problems


def check_duplicates(wb, site, by_url):
    """Check 5: identical bodies replay identically, response or revisit."""
    urls = [site + PATH_DUPLICATE, site + PATH_DUPLICATE_COPY]
    missing = [u for u in urls if u not in by_url]
    if missing:
        return [f"duplicates: not captured: {missing}"], ""
    recs = [by_url[u] for u in urls]
    resps = [wb.get(r["ts"], "id_", u) for r, u in zip(recs, urls)]
    kinds = ["revisit" if r["mime"] == "warc/revisit" else "response" for r in recs]
    problems = []
    for u, r in zip(urls, resps):
        if r.status != 200:
            problems.append(f"duplicates: id_ {u} gave {r.status}")
    if resps[0].body != resps[1].body:
        problems.append(f"duplicates: bodies differ: {first_difference(resps[0].body, resps[1].body)}")
    if recs[0].get("digest") != recs[1].get("digest"):
        problems.append(f"duplicates: index digests differ: {recs[0].get('digest')} vs {recs[1].get('digest')}")
    note = " and ".join(f"{u} ({k})" for u, k in zip(urls, kinds))
    return problems, note


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--index", required=True, help="the collection's indexes/index.cdxj")
    p.add_argument("--wayback", required=True, help="pywb's base URL, e.g. http://127.0.0.1:8080")
    p.add_argument("--coll", required=True, help="collection name")
    p.add_argument("--site", required=True, help="the live test site, e.g. http://127.0.0.1:8081")
    args = p.parse_args()

    wb, site = Wayback(args.wayback, args.coll), args.site.rstrip("/")
    records = load_index(args.index)
    by_url = {}
    for rec in records:
        by_url.setdefault(rec["url"], rec)  # one crawl: one capture per URL
    problems, counts = [], {}

    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        def run(name, fn, items):
            futures = [pool.submit(fn, *item) for item in items]
            results = []
            for item, f in zip(items, futures):
                try:
                    results.append(f.result())
                except (OSError, http.client.HTTPException, ValueError) as e:
                    sys.exit(f"  FAIL {name}: {item[0] if isinstance(item[0], str) else item[0]['url']}: "
                             f"request failed: {e!r}")
            counts[name] = len(items)
            return results

        # 1. every capture, id_
        captured = run("id_ captures", lambda r: check_capture(wb, r), [(r,) for r in records])
        for rec, (probs, arch) in zip(records, captured):
            problems += probs
            rec["replayed"] = arch

        # 2. every HTML 200 page, mp_
        # Chosen by what pywb replays, not by the index's mime, so that a
        # revisit of a page (mime warc/revisit) is checked as the page it is.
        def replayed_as(rec, mime):
            arch = rec["replayed"]
            return arch.status == 200 and (arch.header("Content-Type") or "").startswith(mime)

        pages = [r for r in records if replayed_as(r, "text/html")]
        browser = {}
        for rec, (probs, embeds) in zip(pages, run("mp_ pages", lambda r: check_mp(wb, r), [(r,) for r in pages])):
            problems += probs
            for target in embeds:
                browser.setdefault(target, rec["url"])
        for probs in run("browser loads", lambda t, b: check_browser_embed(wb, t, b), sorted(browser.items())):
            problems += probs

        # 3. requisites of every page (and url()s of every stylesheet)
        wanted, articles = {}, 0
        for rec in pages:
            parser = Embeds()
            parser.feed(rec["replayed"].text())
            base = urllib.parse.urljoin(rec["url"], parser.base or "")
            if ARTICLE_PATH.match(urllib.parse.urlsplit(rec["url"]).path):
                articles += 1
                for need in ("img", "stylesheet", "script"):
                    if need not in parser.kinds:
                        problems.append(f"article {rec['url']} has no {need}: the check would be empty")
            for _, ref in parser.refs:
                url = absolute(base, ref)
                if url:
                    wanted.setdefault(url, (rec["ts"], rec["url"]))
        for rec in records:
            if replayed_as(rec, "text/css"):
                for ref in css_refs(rec["replayed"].text()):
                    url = absolute(rec["url"], ref)
                    if url:
                        wanted.setdefault(url, (rec["ts"], rec["url"]))
        if articles < MIN_ARTICLES:
            problems.append(f"only {articles} article pages captured, want at least {MIN_ARTICLES}")
        items = [(url, ts, used_by) for url, (ts, used_by) in sorted(wanted.items())]
        for probs in run("requisites", lambda u, t, b: check_requisite(wb, u, t, b), items):
            problems += probs

    # 4 and 5 are a handful of requests, in order.
    problems += check_redirects(wb, site, by_url)
    dup_problems, dup_note = check_duplicates(wb, site, by_url)
    problems += dup_problems

    for line in problems:
        print("  FAIL", line)
    revisits = sum(r["mime"] == "warc/revisit" for r in records)
    print(f"  {counts['id_ captures']} captures replayed as id_ ({revisits} revisits), "
          f"{counts['mp_ pages']} HTML pages as mp_ with {counts['browser loads']} rewritten embeds, "
          f"{counts['requisites']} embedded URLs "
          f"of {len(pages)} pages ({articles} articles) and their CSS")
    print(f"  redirect chain {PATH_REDIRECT} -> {PATH_REDIRECT_HOP} -> {PATH_REDIRECT_TARGET} checked; "
          f"duplicates: {dup_note or 'not checked'}")
    print(f"  {len(problems)} problems")
    return 1 if problems or not records else 0


if __name__ == "__main__":
    sys.exit(main())
