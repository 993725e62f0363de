package qa

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

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
	// scope, --exclude, a trap rule; -5001: a private address).
	ReasonOutOfScope Reason = "out-of-scope"
	// ReasonFetchError: it was fetched and failed: no answer (DNS,
	// connection, timeout, a host given up) or an HTTP error status.
	ReasonFetchError Reason = "fetch-error"
	// ReasonCaptured: the crawl log shows it fetched, yet pywb has no
	// capture of it to give: it was indexed under another URL, or the
	// index is older than the crawl.
	ReasonCaptured Reason = "captured"
)

// Heritrix's crawl.log status codes that give a reason of their own; every
// other negative code is a fetch that got no answer.
const (
	statusOutOfScope = -5000
	statusBlocked    = -5001
	statusRobots     = -9998
)

// logLine is what the crawl log says of one URL.
type logLine struct {
	Status int    `json:"status"`
	Note   string `json:"note,omitempty"` // the line's annotations
}

func (l logLine) reason() Reason {
	switch {
	case l.Status == statusRobots:
		return ReasonRobots
	case l.Status == statusOutOfScope || l.Status == statusBlocked:
		return ReasonOutOfScope
	case l.Status < 0 || l.Status >= 400:
		return ReasonFetchError
	}
	return ReasonCaptured
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
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		// Columns: time, status, size, URL, hops, via, MIME, worker,
		// fetch time, digest, source, annotations.
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 {
			continue
		}
		key := logKey(fields[3])
		if !wanted[key] {
			continue
		}
		status, err := strconv.Atoi(fields[1])
		if err != nil {
			continue
		}
		line := logLine{Status: status}
		if len(fields) >= 12 && fields[11] != "-" {
			line.Note = fields[11]
		}
		if prev, ok := found[key]; ok && prev.reason() == ReasonCaptured && line.reason() != ReasonCaptured {
			continue
		}
		found[key] = line
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read crawl log: %w", err)
	}
	return found, nil
}
