package crawler_test

import (
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"arkisto/config"
)

// hostileCrawl is one finished crawl of the hostile hosts, for the checks
// to read.
type hostileCrawl struct {
	cfg   config.Config
	net   *hostileNet
	site  *hostileSite
	news  *hitLog // news.test, the hostile site
	wire  *hitLog // wire.test, the healthy host
	storm *hitLog // storm.test, the 503 storm
	ports map[string]string
	log   []logLine
	recs  map[string]record // response records by target URI
}

func (h *hostileCrawl) url(host, target string) string {
	return "http://" + host + ":" + h.ports[host] + target
}

// TestHostileSite crawls a news site that misbehaves in every way issue 6
// names, beside a healthy host, a host in a 503 storm and a dead host,
// over a network where nothing but 127.0.0.1 can be dialed.
func TestHostileSite(t *testing.T) {
	t.Parallel()
	h := &hostileCrawl{net: newHostileNet(), ports: map[string]string{"dead.test": closedPort(t)}}
	h.site = newHostileSite("dead.test:" + h.ports["dead.test"])
	h.news, h.ports["news.test"] = serveLogged(t, h.site)
	h.wire, h.ports["wire.test"] = serveLogged(t, healthySite(40, 200*time.Millisecond))
	h.storm, h.ports["storm.test"] = serveLogged(t, stormSite(4))
	for _, name := range []string{"news.test", "wire.test", "storm.test", "dead.test"} {
		h.net.add(name, "127.0.0.1")
	}
	for name, addr := range privateTargets {
		h.net.add(name, addr)
	}
	h.cfg = hostileConfig(t, h.url("news.test", "/"), h.url("wire.test", "/"), h.url("storm.test", "/"), h.url("dead.test", "/"))
	h.cfg.MaxRedirects = 3
	h.cfg.MaxDepth = 4

	start := time.Now()
	runBounded(t, h.cfg, h.net)
	t.Logf("crawl took %v", time.Since(start).Round(time.Millisecond))

	archive := filepath.Join(h.cfg.Output, "archive")
	recs := readArchive(t, archive, readWARCsWithTruncated)
	h.recs = responsesByURL(recs)
	h.log = readCrawlLog(t, h.cfg)

	t.Run("back-off", h.checkBackOff)
	t.Run("other hosts", h.checkOtherHosts)
	t.Run("traps", h.checkTraps)
	t.Run("bodies and headers", h.checkBodies)
	t.Run("private networks", h.checkPrivate)
}

// checkBackOff: Retry-After in seconds, as an HTTP date and capped, and the
// retries that follow.
func (h *hostileCrawl) checkBackOff(t *testing.T) {
	tests := []struct {
		name   string
		target string
		status int
		wait   func(first hit) time.Duration // the least pause the first answer asked for
	}{
		{"429 Retry-After: 1", "/busy", http.StatusTooManyRequests, func(hit) time.Duration { return time.Second }},
		{"429 Retry-After: HTTP date", "/busy-date", http.StatusTooManyRequests, func(first hit) time.Duration {
			return min(h.site.promised().Sub(first.end), h.cfg.MaxRetryAfter)
		}},
		{"503 Retry-After: 3600, capped by max-retry-after", "/capped", http.StatusServiceUnavailable, func(hit) time.Duration {
			return h.cfg.MaxRetryAfter
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := h.news.to(tt.target)
			if len(hits) < 2 || len(hits) > 1+h.cfg.Retries {
				t.Fatalf("%s requested %d times, want a retry and at most %d requests", tt.target, len(hits), 1+h.cfg.Retries)
			}
			if hits[0].status != tt.status || hits[1].status != http.StatusOK {
				t.Errorf("statuses %d then %d, want %d then 200", hits[0].status, hits[1].status, tt.status)
			}
			next, ok := h.news.next(hits[0])
			if !ok {
				t.Fatal("no request to news.test after the back-off answer")
			}
			if gap, want := next.start.Sub(hits[0].end), tt.wait(hits[0]); gap < want {
				t.Errorf("news.test asked again (%s) %v after the %d, want at least %v", next.target, gap, tt.status, want)
			}
			if l := hostileLine(t, h.log, h.url("news.test", tt.target), "retry:1"); l.raw != "" && l.status != strconv.Itoa(tt.status) {
				t.Errorf("crawl.log line of the first attempt has status %s, want %d: %q", l.status, tt.status, l.raw)
			}
		})
	}

	t.Run("503 storm: back-off grows", func(t *testing.T) {
		var pages []hit
		for _, x := range h.storm.all() {
			if x.target != "/robots.txt" {
				pages = append(pages, x)
			}
		}
		streak := 0
		for i := 0; i+1 < len(pages); i++ {
			if pages[i].status != http.StatusServiceUnavailable {
				continue
			}
			gap, least := pages[i+1].start.Sub(pages[i].end), h.cfg.RetryDelay<<streak
			if gap < least {
				t.Errorf("after 503 number %d storm.test was asked again after %v, want at least %v", streak+1, gap, least)
			}
			streak++
		}
		if streak != 4 {
			t.Errorf("saw %d answers 503 followed by another request, want the storm's 4", streak)
		}
		if n := len(h.storm.to("/s/1")); n != 1+h.cfg.Retries {
			t.Errorf("/s/1 got %d requests, want %d (retried until it succeeded)", n, 1+h.cfg.Retries)
		}
		for _, p := range []string{"/s/1", "/s/2", "/s/3"} {
			hits := h.storm.to(p)
			if len(hits) == 0 || hits[len(hits)-1].status != http.StatusOK {
				t.Errorf("%s never answered 200 after the storm: %d requests", p, len(hits))
			}
		}
	})
}

// hostileLine returns the crawl.log line of url that carries note.
func hostileLine(t *testing.T, lines []logLine, url, note string) logLine {
	t.Helper()
	for _, l := range linesOf(lines, url) {
		if l.has(note) {
			return l
		}
	}
	t.Errorf("crawl.log has no line for %s with %q; its lines: %v", url, note, linesOf(lines, url))
	return logLine{}
}

// checkOtherHosts: the healthy host keeps its pace while news.test is
// paused, and the dead host is given up with its URLs logged.
func (h *hostileCrawl) checkOtherHosts(t *testing.T) {
	t.Run("healthy host keeps its gap during back-off", func(t *testing.T) {
		hits := h.wire.all()
		if len(hits) != 42 {
			t.Errorf("wire.test got %d requests, want robots.txt, the front page and 40 stories", len(hits))
		}
		const crawlDelay = 200 * time.Millisecond
		for i := 1; i < len(hits); i++ {
			gap := hits[i].start.Sub(hits[i-1].end)
			if gap < crawlDelay {
				t.Errorf("wire.test: %s came %v after the previous request, want its Crawl-delay %v", hits[i].target, gap, crawlDelay)
			}
		}
		// Held up by news.test's back-off, wire.test would have no request
		// while news.test waits. (No upper bound on single gaps: on a loaded
		// machine the whole process can stall for a second.)
		for _, target := range []string{"/busy", "/busy-date", "/capped"} {
			tried := h.news.to(target)
			if len(tried) == 0 {
				t.Errorf("%s never requested", target)
				continue
			}
			first := tried[0]
			next, _ := h.news.next(first)
			inside := 0
			for _, w := range hits {
				if w.start.After(first.end) && w.start.Before(next.start) {
					inside++
				}
			}
			if inside == 0 {
				t.Errorf("no wire.test request while news.test backed off after %s", target)
			}
		}
	})

	t.Run("dead host given up, its queued URLs logged", func(t *testing.T) {
		for _, target := range []string{"/", "/story/1", "/story/2", "/story/3"} {
			hostileLine(t, h.log, h.url("dead.test", target), "host-given-up")
		}
	})
}
