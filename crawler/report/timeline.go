package report

import (
	"time"

	"arkisto/crawler/crawllog"
)

// timelineBuckets is how many bars the plot of fetches over time has.
const timelineBuckets = 60

// Timeline is the plot of fetches over time: crawl.log lines per slice of
// the time between the first line and the last.
type Timeline struct {
	Start, End time.Time
	Width      time.Duration // of one bucket
	Buckets    []Bucket
	Max        int // the highest bucket's lines, for the scale
}

// Bucket is one bar: fetches (an HTTP status) and failures (the rest but
// retried attempts and rule refusals, as the totals count them).
type Bucket struct {
	Start   time.Time
	Fetched int
	Failed  int
}

func timeline(entries []crawllog.Entry, n int) Timeline {
	var t Timeline
	if len(entries) == 0 {
		return t
	}
	t.Start, t.End = entries[0].Logged, entries[0].Logged
	for _, e := range entries {
		t.Start, t.End = minTime(t.Start, e.Logged), maxTime(t.End, e.Logged)
	}
	span := t.End.Sub(t.Start)
	t.Width = max(span/time.Duration(n), time.Millisecond)
	count := min(n, int(span/t.Width)+1)
	t.Buckets = make([]Bucket, count)
	for i := range t.Buckets {
		t.Buckets[i].Start = t.Start.Add(time.Duration(i) * t.Width)
	}
	for _, e := range entries {
		b := &t.Buckets[min(int(e.Logged.Sub(t.Start)/t.Width), count-1)]
		kind := e.Kind()
		switch {
		case kind == crawllog.KindFetched:
			b.Fetched++
		case !e.Retried() && !kind.ByRule():
			b.Failed++
		}
	}
	for _, b := range t.Buckets {
		t.Max = max(t.Max, b.Fetched+b.Failed)
	}
	return t
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
