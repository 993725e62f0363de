package metrics

import (
	"time"

	"arkisto/crawler/capture"
	"arkisto/crawler/robots"
	"arkisto/warc"
)

// Fetch is one fetch's outcome, as the crawler saw it.
type Fetch struct {
	Status    int               // HTTP status; 0 when no response was parsed
	ErrorKind capture.ErrorKind // "" when the fetch did not fail
	WireBytes int64             // response bytes received, headers included
	Duration  time.Duration     // request sent to response end; 0 when no request went out
	Source    Source            // how the URL was found
}

// ObserveFetch counts one fetch. A fetch may have both a status and an
// error kind (a body cut at the size limit is "200" and "too-large"); it is
// counted under both, and once in arkisto_fetches_total.
func (m *Metrics) ObserveFetch(f Fetch) {
	if m == nil {
		return
	}
	m.fetches.WithLabelValues(bounded(sources, f.Source)).Inc()
	if f.Status > 0 {
		m.responses.WithLabelValues(statusLabels(f.Status)).Inc()
		m.responseSize.Observe(float64(f.WireBytes))
	}
	if f.ErrorKind != "" {
		m.fetchErrors.WithLabelValues(bounded(capture.ErrorKinds(), f.ErrorKind)).Inc()
	}
	if f.WireBytes > 0 {
		m.downloaded.Add(float64(f.WireBytes))
	}
	if f.Duration > 0 {
		m.fetchDuration.Observe(f.Duration.Seconds())
	}
}

// ObserveRecord counts one record that reached a WARC file, and its
// compressed size on disk.
func (m *Metrics) ObserveRecord(w warc.Written) {
	if m == nil {
		return
	}
	m.records.WithLabelValues(bounded(recordTypes, w.Type)).Inc()
	if w.Length > 0 {
		m.warcBytes.Add(float64(w.Length))
	}
}

// WARCFileClosed counts a completed WARC file of size bytes. It fits
// warc.Options.OnFileClosed once the path is dropped.
func (m *Metrics) WARCFileClosed(size int64) {
	if m == nil {
		return
	}
	m.filesClosed.Inc()
	if size > 0 {
		m.filesBytes.Add(float64(size))
	}
}

// SetWARCFileSize reports the size of the WARC file being written, as
// warc.Writer.CurrentSize returns it.
func (m *Metrics) SetWARCFileSize(size int64) {
	if m == nil {
		return
	}
	m.openFileSize.Set(float64(size))
}

// ObserveRobots counts a robots.txt fetch by what it meant for its host.
func (m *Metrics) ObserveRobots(outcome robots.Outcome) {
	if m == nil {
		return
	}
	m.robots.WithLabelValues(bounded(robotsOutcomes(), outcome)).Inc()
}

// PolitenessWait records the gap imposed on a host after a fetch before
// its next one may start.
func (m *Metrics) PolitenessWait(d time.Duration) {
	if m == nil {
		return
	}
	m.politenessWait.Observe(max(d, 0).Seconds())
}

// Refused counts a discovered URL that was not queued. reason is one of
// out-of-scope, robots-denied, trap, unsupported-scheme, malformed-url,
// blocked, max-depth; "trap:NAME" counts as trap, anything else as other.
func (m *Metrics) Refused(reason string) {
	if m == nil {
		return
	}
	m.refused.WithLabelValues(refusalReason(reason)).Inc()
}

// FrontierOutage reports that a shared frontier's Redis stopped answering
// (down) and the workers pause, or that it answers again. It fits
// frontier.RedisOptions.Outage.
func (m *Metrics) FrontierOutage(down bool) {
	if m == nil {
		return
	}
	if down {
		m.unavailable.Set(1)
		m.pauses.Inc()
		return
	}
	m.unavailable.Set(0)
}
