package report

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"arkisto/crawler/crawllog"
	"arkisto/crawler/qa"
)

// Report is what the HTML shows of a collection.
type Report struct {
	Collection string
	Generated  time.Time
	First      time.Time // first crawl.log line
	Last       time.Time // last crawl.log line

	Lines     int   // crawl.log lines
	Fetched   int   // lines with an HTTP status
	Failed    int   // URLs that could not be fetched (their last attempt)
	ByRule    int   // URLs the crawl's rules left out, or not fetchable at all
	Retried   int   // attempts that were retried
	Revisits  int   // fetches stored as revisit records
	WireBytes int64 // response bytes of the fetches
	Captures  int   // lines of the CDXJ index

	Statuses []Count // fetch lines by HTTP status code
	MIMEs    []Count // fetch lines by MIME type
	Kinds    []Count // lines not fetched, by why (crawllog.Kind)
	Hosts    []Host
	Failures []Failure // URLs that could not be fetched, with why
	// MoreFailures counts the failures past maxRows, not listed.
	MoreFailures int
	Missing      []PageMissing
	Timeline     Timeline
	// QA is what `arkisto qa` last found (DIR/qa/summary.json), nil when
	// it never ran.
	QA *qa.Summary
}

// Count is one row of a breakdown.
type Count struct {
	Key   string
	N     int
	Bytes int64
}

// Host is one host's share of the collection's crawls.
type Host struct {
	Host    string
	Fetched int
	Failed  int
	Bytes   int64
}

// Failure is a URL that could not be fetched.
type Failure struct {
	URL    string
	Kind   crawllog.Kind
	Status int
	Via    string
	Notes  string
}

// maxRows bounds the long tables, so a crawl that met a dead CDN still
// gives a page a browser opens.
const maxRows = 2000

// Build reads the collection whose crawl.log, index and WARC files are at
// the given paths.
func Build(ctx context.Context, collection, crawlLog, index string, warcFiles []string) (*Report, error) {
	entries, err := readCrawlLog(crawlLog)
	if err != nil {
		return nil, err
	}
	captured, captures, err := readIndex(index)
	if err != nil {
		return nil, err
	}
	r := &Report{Collection: collection, Generated: time.Now().UTC(), Captures: captures}
	r.count(entries)
	r.Timeline = timeline(entries, timelineBuckets)
	last := map[string]crawllog.Entry{}
	for _, e := range entries {
		last[e.URL] = e
	}
	if r.Missing, err = missingRequisites(ctx, warcFiles, captured, last); err != nil {
		return nil, err
	}
	return r, nil
}

// count fills the totals and breakdowns from the crawl.log lines.
func (r *Report) count(entries []crawllog.Entry) {
	statuses, mimes, kinds := map[string]*Count{}, map[string]*Count{}, map[string]*Count{}
	hosts := map[string]*Host{}
	bump := func(m map[string]*Count, key string, bytes int64) {
		c := m[key]
		if c == nil {
			c = &Count{Key: key}
			m[key] = c
		}
		c.N++
		c.Bytes += bytes
	}
	host := func(raw string) *Host {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return &Host{}
		}
		h := hosts[u.Host]
		if h == nil {
			h = &Host{Host: u.Host}
			hosts[u.Host] = h
		}
		return h
	}
	for i, e := range entries {
		if i == 0 {
			r.First = e.Logged
		}
		r.Last = e.Logged
		r.Lines++
		kind := e.Kind()
		switch {
		case kind == crawllog.KindFetched:
			r.Fetched++
			r.WireBytes += e.Size
			if e.Revisit() {
				r.Revisits++
			}
			bump(statuses, fmt.Sprint(e.Status), e.Size)
			bump(mimes, cmp.Or(e.MIME, "unknown"), e.Size)
			h := host(e.URL)
			h.Fetched++
			h.Bytes += e.Size
		case e.Retried():
			r.Retried++
		case kind.ByRule():
			r.ByRule++
			bump(kinds, string(kind), 0)
		default:
			r.Failed++
			bump(kinds, string(kind), 0)
			host(e.URL).Failed++
			if len(r.Failures) < maxRows {
				r.Failures = append(r.Failures, Failure{URL: e.URL, Kind: kind, Status: e.Status, Via: e.Via, Notes: strings.Join(e.Annotations, ", ")})
			} else {
				r.MoreFailures++
			}
		}
	}
	r.Statuses, r.MIMEs, r.Kinds = sorted(statuses), sorted(mimes), sorted(kinds)
	for _, h := range hosts {
		r.Hosts = append(r.Hosts, *h)
	}
	slices.SortFunc(r.Hosts, func(a, b Host) int {
		return cmp.Or(cmp.Compare(b.Fetched+b.Failed, a.Fetched+a.Failed), cmp.Compare(a.Host, b.Host))
	})
}

// sorted lists counts, most first.
func sorted(m map[string]*Count) []Count {
	out := make([]Count, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Key, b.Key)) })
	return out
}

// readCrawlLog reads every line of the collection's crawl.log.
func readCrawlLog(path string) ([]crawllog.Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read crawl log: %w", err)
	}
	defer f.Close()
	var entries []crawllog.Entry
	err = crawllog.Read(f, func(n int, e crawllog.Entry, err error) error {
		if err != nil {
			return fmt.Errorf("%s line %d: %w", path, n, err)
		}
		entries = append(entries, e)
		return nil
	})
	return entries, err
}

// readIndex returns the URLs the CDXJ index holds a usable capture of (a
// revisit, or a response below 400) and how many lines it has. A missing
// index is an empty one.
func readIndex(path string) (map[string]bool, int, error) {
	captured := map[string]bool{}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return captured, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read index: %w", err)
	}
	defer f.Close()
	lines := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		_, rest, ok := strings.Cut(sc.Text(), " {")
		if !ok {
			continue
		}
		lines++
		var fields struct{ URL, Status, MIME string }
		if err := json.Unmarshal([]byte("{"+rest), &fields); err != nil {
			return nil, 0, fmt.Errorf("index %s line %d: %w", path, lines, err)
		}
		if status, err := strconv.Atoi(fields.Status); fields.MIME == "warc/revisit" || (err == nil && status < 400) {
			captured[fields.URL] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, 0, fmt.Errorf("read index %s: %w", path, err)
	}
	return captured, lines, nil
}
