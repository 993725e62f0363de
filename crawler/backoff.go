package crawler

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"arkisto/crawler/capture"
	"arkisto/crawler/crawllog"
	"arkisto/crawler/frontier"
)

// giveUpAfter is how many failures in a row make a host count as dead: its
// queued URLs are dropped and logged. Until then each failure doubles the
// host's pause, so a host that is only overloaded recovers.
const giveUpAfter = 8

// failure is how a fetch failed, as far as back-off cares.
type failure struct {
	// transient: a later attempt may succeed (429, 502, 503, 504, a
	// timeout, a reset, a refused connection, a DNS lookup that failed for
	// now).
	transient bool
	// serverWait is the pause the server asked for with Retry-After.
	serverWait time.Duration
	// refused: no connection could be made at all. The host is down, not
	// busy, so it is asked again within seconds and given up after
	// --retries such failures in a row.
	refused bool
	// noSuchHost: the name does not exist. That is final for the crawl:
	// the host is given up at once.
	noSuchHost bool
}

// classify reads how a fetch failed.
func classify(f fetched) failure {
	if f.answered {
		switch f.record.HTTPStatus {
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			var after string
			if f.response != nil {
				after = f.response.Headers.Get("Retry-After")
			}
			return failure{transient: true, serverWait: retryAfter(after, time.Now())}
		case http.StatusBadGateway, http.StatusGatewayTimeout:
			return failure{transient: true}
		}
		return failure{}
	}
	switch capture.KindOf(f.err) {
	case capture.KindNoSuchHost:
		return failure{noSuchHost: true}
	case capture.KindConnect:
		return failure{transient: true, refused: true}
	case capture.KindTimeout, capture.KindReset, capture.KindDNS:
		return failure{transient: true}
	}
	return failure{}
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
	return !f.answered || s >= 500 || s == http.StatusTooManyRequests
}

// refusedRetryDelay is the first pause of a host that refused a
// connection (doubling twice at most): a server that is down answers a
// retry as fast as the first try, and waiting --retry-delay would only keep
// a crawl that has nothing else to do from ending.
const refusedRetryDelay = time.Second

// backOff decides what the failure of a fetch of it costs: a retry while
// attempts remain, a pause of its host (the server's Retry-After, capped,
// or an exponential delay with jitter), and giving the host up when its
// name does not exist, when it refused more than --retries connections in
// a row, or after too many failures of any kind in a row. It returns the
// pause and crawl.log notes. A success resets the host's count of failures.
func (w *worker) backOff(ctx context.Context, it frontier.Item, fail failure) (time.Duration, []string, error) {
	c := w.c
	if fail.noSuchHost {
		return 0, []string{crawllog.NoteHostGivenUp}, w.giveUp(ctx, it.Host, hostUnknown)
	}
	streak, err := c.rules.failures(ctx, it.Host, fail.transient)
	if err != nil || !fail.transient {
		return 0, nil, err
	}
	base := c.cfg.RetryDelay
	shift := min(streak-1, 16)
	if fail.refused {
		base, shift = min(base, refusedRetryDelay), min(shift, 2)
	}
	pause := base << shift
	pause += time.Duration(rand.Int64N(int64(pause)/5 + 1)) // jitter, so hosts do not retry in step
	pause = min(pause, c.cfg.MaxRetryAfter)
	if fail.serverWait > 0 {
		pause = min(fail.serverWait, c.cfg.MaxRetryAfter)
	}
	if streak >= giveUpAfter || (fail.refused && streak > c.cfg.Retries) {
		// Not retried: the host's URLs, this one's retry with them, would
		// be dropped at once.
		return pause, []string{crawllog.NoteHostGivenUp}, w.giveUp(ctx, it.Host, hostFailing)
	}
	if it.Attempt >= c.cfg.Retries {
		return pause, []string{"retries-exhausted"}, nil
	}
	retry := it
	retry.Attempt++
	if err := c.frontier.Retry(ctx, retry); err != nil {
		return pause, nil, fmt.Errorf("retry %s: %w", it.URL, err)
	}
	return pause, []string{fmt.Sprintf("retry:%d", retry.Attempt)}, nil
}

// giveUpReason is why a host was given up; it decides how its URLs are
// logged. It is kept in the frontier's host book as HostInfo.GivenUp,
// where 0 means the host was not given up.
type giveUpReason int

const (
	hostFailing giveUpReason = iota + 1 // it kept failing, or its robots.txt stayed unreachable
	hostUnknown                         // its name does not exist (NXDOMAIN)
)

// status is the crawl.log status of the URLs of a host given up: Heritrix's
// -1 (DNS lookup failed) or -8 (retries exhausted).
func (r giveUpReason) status() int {
	if r == hostUnknown {
		return crawllog.StatusDNS
	}
	return crawllog.StatusRetriesExhausted
}

// note is the crawl.log annotation of the URLs of a host given up.
func (r giveUpReason) note() string {
	if r == hostUnknown {
		return string(capture.KindNoSuchHost)
	}
	return crawllog.NoteHostGivenUp
}

// giveUp drops every URL queued for a dead host, logging each one; URLs of
// the host found later are logged the same way and never queued.
func (w *worker) giveUp(ctx context.Context, host string, reason giveUpReason) error {
	if err := w.c.rules.giveUp(ctx, host, reason); err != nil {
		return fmt.Errorf("give up %s: %w", host, err)
	}
	dropped, err := w.c.frontier.DropHost(ctx, host)
	if err != nil {
		return fmt.Errorf("give up %s: %w", host, err)
	}
	w.c.log.Warn("giving up a host", "host", host, "reason", reason.note(), "dropped_urls", len(dropped))
	for _, it := range dropped {
		e := crawllog.Entry{Status: reason.status(), URL: it.URL, Hops: it.Hops, Via: it.Via, Worker: w.id, Annotations: []string{reason.note()}}
		if err := w.c.crawlLog.Write(e); err != nil {
			return err
		}
		w.c.metrics.Refused(reason.note())
	}
	return nil
}
