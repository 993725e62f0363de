package crawler

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"arkisto/crawler/crawllog"
)

// Summary is how one run of a crawl went: logs/summary.json holds it, and
// the end-of-crawl lines on stderr say it. Its counts are those of the
// crawl.log lines this run wrote, read as crawllog.Entry.Kind reads them,
// so arkisto report, counting the same lines, finds the same figures.
type Summary struct {
	Job        string    `json:"job"`
	Collection string    `json:"collection"`
	Outcome    Outcome   `json:"outcome"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Seconds    float64   `json:"duration_seconds"`

	// Fetched counts HTTP responses (robots.txt, redirects and errors
	// included), ByStatusClass the same by "2xx", "3xx"...
	Fetched       int64            `json:"fetched"`
	ByStatusClass map[string]int64 `json:"by_status_class"`
	// Failures counts the URLs not fetched, by why: the final outcome of
	// each URL, so an attempt that was retried counts in Retried instead.
	Failures  map[crawllog.Kind]int64 `json:"failures"`
	Retried   int64                   `json:"retried_attempts"`
	WireBytes int64                   `json:"wire_bytes"` // responses as received
	WARCBytes int64                   `json:"warc_bytes"` // response and request records, compressed
	Revisits  int64                   `json:"revisits"`

	HostsGivenUp []GivenUpHost `json:"hosts_given_up"`
	TopHosts     []HostCount   `json:"top_hosts"`
}

// Outcome says how a crawl run ended.
type Outcome string

const (
	OutcomeFinished    Outcome = "finished"    // the frontier ran empty
	OutcomeMaxPages    Outcome = "max-pages"   // --max-pages was reached
	OutcomeInterrupted Outcome = "interrupted" // stopped by a signal or its context
	OutcomeUnreachable Outcome = "unreachable" // no seed host answered
	OutcomeFailed      Outcome = "failed"      // an error stopped it (a full disk...)
)

// GivenUpHost is a host the crawl stopped asking, and the failure that
// made it.
type GivenUpHost struct {
	Host   string        `json:"host"`
	Reason crawllog.Kind `json:"reason"`
}

// HostCount is one host's share of a crawl.
type HostCount struct {
	Host    string `json:"host"`
	Fetched int64  `json:"fetched"`
	Failed  int64  `json:"failed"`
	Bytes   int64  `json:"wire_bytes"`
}

// topHosts is how many hosts the summary names.
const topHosts = 10

// tally counts crawl.log lines into a Summary as they are written.
type tally struct {
	mu      sync.Mutex
	sum     Summary
	hosts   map[string]*HostCount
	givenUp map[string]crawllog.Kind
}

func newTally() *tally {
	return &tally{
		sum:   Summary{ByStatusClass: map[string]int64{}, Failures: map[crawllog.Kind]int64{}},
		hosts: map[string]*HostCount{}, givenUp: map[string]crawllog.Kind{},
	}
}

// add counts one crawl.log line.
func (t *tally) add(e crawllog.Entry) {
	if t == nil {
		return
	}
	host := hostOf(e.URL)
	kind := e.Kind()
	t.mu.Lock()
	defer t.mu.Unlock()
	// Hosts the crawl only refused (out of scope, excluded...) are no
	// part of it: they would crowd the top hosts.
	h := t.hosts[host]
	if h == nil && host != "" && !kind.ByRule() {
		h = &HostCount{Host: host}
		t.hosts[host] = h
	}
	if h == nil {
		h = &HostCount{}
	}
	switch {
	case kind == crawllog.KindFetched:
		t.sum.Fetched++
		t.sum.ByStatusClass[StatusClass(e.Status)]++
		t.sum.WireBytes += e.Size
		h.Fetched++
		h.Bytes += e.Size
		if e.Revisit() {
			t.sum.Revisits++
		}
	case e.Retried():
		t.sum.Retried++
	default:
		t.sum.Failures[kind]++
		h.Failed++
	}
	if e.GaveUpHost() {
		t.givenUp[host] = kind
	}
}

// addWARC counts bytes written to WARC files.
func (t *tally) addWARC(n int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sum.WARCBytes += n
}

// summary returns the counts so far, hosts sorted.
func (t *tally) summary() Summary {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.sum
	s.ByStatusClass = maps.Clone(t.sum.ByStatusClass)
	s.Failures = maps.Clone(t.sum.Failures)
	s.HostsGivenUp = []GivenUpHost{}
	for host, why := range t.givenUp {
		s.HostsGivenUp = append(s.HostsGivenUp, GivenUpHost{Host: host, Reason: why})
	}
	slices.SortFunc(s.HostsGivenUp, func(a, b GivenUpHost) int { return cmp.Compare(a.Host, b.Host) })
	s.TopHosts = []HostCount{}
	for _, h := range t.hosts {
		s.TopHosts = append(s.TopHosts, *h)
	}
	slices.SortFunc(s.TopHosts, func(a, b HostCount) int {
		return cmp.Or(cmp.Compare(b.Fetched+b.Failed, a.Fetched+a.Failed), cmp.Compare(a.Host, b.Host))
	})
	s.TopHosts = s.TopHosts[:min(len(s.TopHosts), topHosts)]
	return s
}

// StatusClass names the class of an HTTP status: "2xx" for 200 to 299.
func StatusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}

// hostOf is the host (with a port other than the default) of a crawl.log
// URL, "" for one that does not parse.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// writeSummary writes s to path as indented JSON.
func writeSummary(path string, s Summary) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write crawl summary: %w", err)
	}
	return nil
}
