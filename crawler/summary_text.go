package crawler

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"arkisto/crawler/crawllog"
)

// endSummary closes the run's summary: its outcome read from how Run
// ended (err), written to logs/summary.json and, with a Progress writer,
// told there.
func (c *Crawler) endSummary(start time.Time, err error) error {
	s := c.tally.summary()
	s.Job, s.Collection = c.cfg.Job, c.layout.Dir
	s.Start, s.End = start, time.Now()
	s.Seconds = s.End.Sub(start).Seconds()
	switch {
	case errors.Is(err, ErrInterrupted):
		s.Outcome = OutcomeInterrupted
	case errors.Is(err, ErrSeedsUnreachable):
		s.Outcome = OutcomeUnreachable
	case err != nil:
		s.Outcome = OutcomeFailed
	case c.limitReached.Load():
		s.Outcome = OutcomeMaxPages
	default:
		s.Outcome = OutcomeFinished
	}
	c.summary = s
	if c.opts.Progress != nil {
		_ = s.WriteText(c.opts.Progress) // a broken stderr must not fail the crawl
		fmt.Fprintf(c.opts.Progress, "arkisto: this summary is in %s\n", c.layout.Summary())
	}
	return writeSummary(c.layout.Summary(), s)
}

// words says the outcome in a sentence.
func (o Outcome) words() string {
	switch o {
	case OutcomeFinished:
		return "crawl finished"
	case OutcomeMaxPages:
		return "crawl stopped at --max-pages"
	case OutcomeInterrupted:
		return "crawl interrupted"
	case OutcomeUnreachable:
		return "crawl ended: no seed could be fetched"
	}
	return "crawl failed"
}

// WriteText writes the summary as the lines a crawl ends with on stderr.
func (s Summary) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "arkisto: %s after %s: job %s, collection %s\n", s.Outcome.words(),
		(time.Duration(s.Seconds * float64(time.Second))).Round(time.Millisecond), s.Job, s.Collection)
	fmt.Fprintf(&b, "  fetched:      %d URLs%s, %d stored as revisits\n", s.Fetched, countList(s.ByStatusClass), s.Revisits)
	failed, chosen := splitFailures(s.Failures)
	fmt.Fprintf(&b, "  failed:       %d URLs%s", sum(failed), countList(failed))
	if s.Retried > 0 {
		fmt.Fprintf(&b, " (and %d attempts retried)", s.Retried)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "  not fetched:  %d URLs left out by the crawl's rules or unusable%s\n", sum(chosen), countList(chosen))
	fmt.Fprintf(&b, "  bytes:        %s on the wire, %s in WARC records\n", megabytes(s.WireBytes), megabytes(s.WARCBytes))
	if len(s.HostsGivenUp) > 0 {
		parts := make([]string, 0, len(s.HostsGivenUp))
		for _, h := range s.HostsGivenUp {
			parts = append(parts, fmt.Sprintf("%s (%s)", h.Host, h.Reason))
		}
		fmt.Fprintf(&b, "  given up:     %s\n", strings.Join(parts, ", "))
	}
	if len(s.TopHosts) > 0 {
		parts := make([]string, 0, len(s.TopHosts))
		for _, h := range s.TopHosts {
			parts = append(parts, fmt.Sprintf("%s %d", h.Host, h.Fetched))
		}
		fmt.Fprintf(&b, "  top hosts:    %s (fetched)\n", strings.Join(parts, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// splitFailures separates the URLs that could not be fetched from those
// the crawl's rules (robots.txt, scope, exclude, traps, budgets) kept out,
// or that are no fetchable URL (malformed, another scheme).
func splitFailures(all map[crawllog.Kind]int64) (failed, chosen map[crawllog.Kind]int64) {
	failed, chosen = map[crawllog.Kind]int64{}, map[crawllog.Kind]int64{}
	for k, n := range all {
		if k.ByRule() {
			chosen[k] = n
		} else {
			failed[k] = n
		}
	}
	return failed, chosen
}

// countList renders counts as ": a 3, b 2", in key order.
func countList[K ~string](m map[K]int64) string {
	keys := make([]K, 0, len(m))
	for k, n := range m {
		if n > 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return ": " + strings.Join(parts, ", ")
}

func sum[K comparable](m map[K]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
