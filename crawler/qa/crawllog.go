package qa

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"arkisto/crawler/crawllog"
	"arkisto/crawler/scope"
)

// Reason says why the archive could not answer a request.
type Reason string

// Reasons, from the crawl log's line for the URL.
const (
	// ReasonNeverDiscovered: the crawl never met the URL. Scripts build
	// such URLs at run time, or the crawl ended before reaching them.
	ReasonNeverDiscovered Reason = "never-discovered"
	// ReasonRobots: robots.txt disallowed it (crawl.log -9998).
	ReasonRobots Reason = "robots"
	// ReasonOutOfScope: the crawl's rules refused it (crawl.log -5000:
	// scope, --exclude, a trap rule, a host budget; -5001: a private
	// address).
	ReasonOutOfScope Reason = "out-of-scope"
	// ReasonFetchError: it was fetched and failed: no answer (DNS,
	// connection, timeout, a host given up) or an HTTP error status.
	ReasonFetchError Reason = "fetch-error"
	// ReasonCaptured: the crawl log shows it fetched, yet pywb has no
	// capture of it to give: it was indexed under another URL, or the
	// index is older than the crawl.
	ReasonCaptured Reason = "captured"
)

// logLine is what the crawl log says of one URL.
type logLine struct {
	Status int           `json:"status"`
	Kind   crawllog.Kind `json:"kind"`
	Note   string        `json:"note,omitempty"` // the line's annotations
}

func (l logLine) reason() Reason {
	switch l.Kind {
	case crawllog.KindRobots:
		return ReasonRobots
	case crawllog.KindOutOfScope, crawllog.KindExcluded, crawllog.KindTrap, crawllog.KindHostBudget, crawllog.KindBlocked:
		return ReasonOutOfScope
	case crawllog.KindFetched:
		if l.Status >= 400 {
			return ReasonFetchError
		}
		return ReasonCaptured
	}
	return ReasonFetchError // no answer: DNS, connection, timeout, a host given up, a bad URL
}

// logKey is how a URL is looked up in the crawl log: in the crawler's own
// canonical form, in which it logs every URL.
func logKey(raw string) string {
	u, err := scope.Canonicalize(raw, nil)
	if err != nil {
		return raw
	}
	return scope.Key(u)
}

// lookUp reads the crawl log at path once and returns its last word on
// each URL wanted (by logKey): a successful fetch wins over the failures
// and refusals around it. URLs it never names are left out.
func lookUp(path string, wanted map[string]bool) (map[string]logLine, error) {
	found := map[string]logLine{}
	if len(wanted) == 0 {
		return found, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return found, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read crawl log: %w", err)
	}
	defer f.Close()
	err = crawllog.Read(f, func(_ int, e crawllog.Entry, err error) error {
		if err != nil {
			return nil // a line cut by a crash
		}
		key := logKey(e.URL)
		if !wanted[key] {
			return nil
		}
		line := logLine{Status: e.Status, Kind: e.Kind(), Note: strings.Join(e.Annotations, ",")}
		if prev, ok := found[key]; ok && prev.reason() == ReasonCaptured && line.reason() != ReasonCaptured {
			return nil
		}
		found[key] = line
		return nil
	})
	if err != nil {
		return nil, err
	}
	return found, nil
}
