package crawler

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"arkisto/crawler/capture"
	"arkisto/crawler/frontier"
)

// giveUpAfter is how many failures in a row make a host count as dead: its
// queued URLs are dropped and logged. Until then each failure doubles the
// host's pause, so a host that is only overloaded recovers.
const giveUpAfter = 8

// hostHealth counts each host's consecutive transient failures.
type hostHealth struct {
	mu       sync.Mutex
	failures map[string]int
}

func newHostHealth() *hostHealth { return &hostHealth{failures: make(map[string]int)} }

// record notes a fetch's outcome and returns the host's failures in a row.
func (h *hostHealth) record(host string, failed bool) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !failed {
		delete(h.failures, host)
		return 0
	}
	h.failures[host]++
	return h.failures[host]
}

// transientFailure tells whether a fetch failed in a way that a later
// attempt may not: 429 and 503 (with the server's Retry-After, if any), 502
// and 504, timeouts, resets and refused connections.
func transientFailure(f fetched) (bool, time.Duration) {
	if f.record.RecordID != "" {
		switch f.record.HTTPStatus {
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			var after string
			if f.response != nil {
				after = f.response.Headers.Get("Retry-After")
			}
			return true, retryAfter(after, time.Now())
		case http.StatusBadGateway, http.StatusGatewayTimeout:
			return true, 0
		}
		return false, 0
	}
	switch capture.ErrorKind(f.err) {
	case "timeout", "reset", "connect":
		return true, 0
	}
	return false, 0
}

// retryAfter reads a Retry-After header: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// robotsUnavailable tells whether a robots.txt fetch leaves the host off
// limits for now (RFC 9309: 5xx, 429 or unreachable).
func robotsUnavailable(f fetched) bool {
	s := f.record.HTTPStatus
	return f.record.RecordID == "" || s >= 500 || s == http.StatusTooManyRequests
}

// backOff decides what the fetch of it costs when it failed: a retry while
// attempts remain, a pause of its host (the server's Retry-After, capped, or
// an exponential delay with jitter), and after too many failures in a row,
// giving the host up. It returns the pause and crawl.log notes. A success
// resets the host's count of failures.
func (w *worker) backOff(ctx context.Context, it frontier.Item, failed bool, serverWait time.Duration) (time.Duration, []string, error) {
	c := w.c
	streak := c.health.record(it.Host, failed)
	if !failed {
		return 0, nil, nil
	}
	pause := c.cfg.RetryDelay << min(streak-1, 16)
	pause += time.Duration(rand.Int64N(int64(pause)/5 + 1)) // jitter, so hosts do not retry in step
	pause = min(pause, c.cfg.MaxRetryAfter)
	if serverWait > 0 {
		pause = min(serverWait, c.cfg.MaxRetryAfter)
	}
	var notes []string
	if it.Attempt < c.cfg.Retries {
		retry := it
		retry.Attempt++
		if err := c.frontier.Retry(ctx, retry); err != nil {
			return pause, notes, fmt.Errorf("retry %s: %w", it.URL, err)
		}
		notes = append(notes, fmt.Sprintf("retry:%d", retry.Attempt))
	} else {
		notes = append(notes, "retries-exhausted")
	}
	if streak >= giveUpAfter {
		notes = append(notes, "host-given-up")
		return pause, notes, w.giveUp(ctx, it.Host)
	}
	return pause, notes, nil
}

// giveUp drops every URL queued for a dead host, logging each one.
func (w *worker) giveUp(ctx context.Context, host string) error {
	w.c.rules.giveUp(host)
	dropped, err := w.c.frontier.DropHost(ctx, host)
	if err != nil {
		return fmt.Errorf("give up %s: %w", host, err)
	}
	w.c.log.Warn("giving up a host that keeps failing", "host", host, "dropped_urls", len(dropped))
	for _, it := range dropped {
		e := logEntry{Status: statusRetriesExhausted, URL: it.URL, Hops: it.Hops, Via: it.Via, Worker: w.id, Annotations: []string{"host-given-up"}}
		if err := w.c.crawlLog.Write(e); err != nil {
			return err
		}
		w.c.metrics.Refused("host-given-up")
	}
	return nil
}
