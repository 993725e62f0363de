package crawler_test

import (
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// checkTraps: every trap on news.test is bounded, and the refused URLs are
// logged with the reason.
func (h *hostileCrawl) checkTraps(t *testing.T) {
	tests := []struct {
		name    string
		fetched []string // request targets the server must see exactly once
		refused string   // the target refused without a request
		note    string   // its crawl.log annotation
	}{
		{"redirect loop", []string{"/loop/a", "/loop/b"}, "", ""},
		{"redirect chain longer than max-redirects", []string{"/chain/1", "/chain/2", "/chain/3", "/chain/4"}, "/chain/5", "too-many-redirects"},
		{"relative links nesting", []string{"/nest/", "/nest/nest/"}, "/nest/nest/nest/", "trap:repeated-path-segments"},
		{"repeated segments", nil, "/a/b/a/b/a/b/", "trap:repeated-path-segments"},
		{"100 query parameters", nil, queryTrapPath(), "trap:query-params"},
		{"3,000 byte URL", nil, longTrapPath(), "trap:url-length"},
		{"session ids stripped", []string{"/story?id=1"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, target := range tt.fetched {
				if n := len(h.news.to(target)); n != 1 {
					t.Errorf("%s requested %d times, want once", target, n)
				}
			}
			if tt.refused == "" {
				return
			}
			if n := len(h.news.to(tt.refused)); n != 0 {
				t.Errorf("%s requested %d times, want never", tt.refused, n)
			}
			l := hostileLine(t, h.log, h.url("news.test", tt.refused), tt.note)
			if l.raw != "" && l.status != "-5000" {
				t.Errorf("status %s, want -5000 (out of scope): %q", l.status, l.raw)
			}
		})
	}
	t.Run("no session id reached the server", func(t *testing.T) {
		if n := h.site.sessionLeaks.Load(); n != 0 {
			t.Errorf("%d requests carried a session id", n)
		}
	})
	t.Run("calendar bounded by max-depth", func(t *testing.T) {
		// The first month is one link from the front page; months k away are
		// 1+|k| links deep, so max-depth d reaches 2(d-1)+1 months.
		months := map[string]int{}
		for _, x := range h.news.all() {
			if strings.HasPrefix(x.target, "/calendar") {
				months[x.target]++
			}
		}
		if want := 2*(h.cfg.MaxDepth-1) + 1; len(months) == 0 || len(months) > want {
			t.Errorf("%d calendar months fetched, want between 1 and %d", len(months), want)
		}
		for m, n := range months {
			if n != 1 {
				t.Errorf("%s fetched %d times", m, n)
			}
		}
	})
}

// checkBodies: slow, endless, compressed and oversized answers are cut at
// their limits and archived as such.
func (h *hostileCrawl) checkBodies(t *testing.T) {
	tests := []struct {
		name      string
		target    string
		note      string // crawl.log annotation
		truncated string // WARC-Truncated; "-" for no response record at all
	}{
		{"slow loris cut at the timeout", "/slowloris", "truncated:time", "time"},
		{"endless chunked body cut at max-body-size", "/endless", "truncated:length", "length"},
		{"50 MB header block refused", "/huge-header", "header-too-large", "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := h.url("news.test", tt.target)
			hostileLine(t, h.log, u, tt.note)
			r, archived := h.recs[u]
			switch {
			case tt.truncated == "-" && archived:
				t.Errorf("a response record was written for %s", u)
			case tt.truncated != "-" && !archived:
				t.Errorf("no response record for %s", u)
			case archived && r.header.Get("WARC-Truncated") != tt.truncated:
				t.Errorf("WARC-Truncated %q, want %q", r.header.Get("WARC-Truncated"), tt.truncated)
			}
		})
	}
	t.Run("only the responses cut on purpose carry WARC-Truncated", func(t *testing.T) {
		cut := map[string]bool{h.url("news.test", "/slowloris"): true, h.url("news.test", "/endless"): true}
		for u, r := range h.recs {
			if tr := r.header.Get("WARC-Truncated"); tr != "" && !cut[u] {
				t.Errorf("%s archived with WARC-Truncated %q", u, tr)
			}
		}
	})
	t.Run("endless body archived up to max-body-size", func(t *testing.T) {
		payload, err := partialPayload(h.recs[h.url("news.test", "/endless")].block)
		if err != nil {
			t.Fatal(err)
		}
		// The reads under the cut are buffered, so a few KiB more may be on record.
		if n := int64(len(payload)); n < h.cfg.MaxBodySize || n > h.cfg.MaxBodySize+64<<10 {
			t.Errorf("endless payload on record is %d bytes, want about max-body-size %d", n, h.cfg.MaxBodySize)
		}
	})
	t.Run("huge header: the server could not send it all", func(t *testing.T) {
		if n := h.site.headerSent.Load(); n >= hugeHeaderBytes {
			t.Errorf("the whole %d byte header block was read", n)
		}
	})
}

// checkPrivate: links, redirects and embeds to private addresses are
// refused before any dial, and logged as blocked.
func (h *hostileCrawl) checkPrivate(t *testing.T) {
	t.Run("only the test servers were dialed", func(t *testing.T) {
		ours := map[string]bool{}
		for _, p := range h.ports {
			ours[net.JoinHostPort("127.0.0.1", p)] = true
		}
		for _, addr := range h.net.dialed() {
			host, _, _ := net.SplitHostPort(addr)
			if ip, err := netip.ParseAddr(host); err != nil || !ours[addr] {
				t.Errorf("dial attempt to %s (ip %v)", addr, ip)
			}
		}
	})
	t.Run("every private name was looked up, so the guard judged it", func(t *testing.T) {
		looked := h.net.lookedUp()
		for name := range privateTargets {
			if !slices.Contains(looked, name) {
				t.Errorf("%s was never resolved: the crawl did not try it", name)
			}
		}
	})
	t.Run("the loopback alias never reached the server", func(t *testing.T) {
		for _, x := range h.news.all() {
			if x.host != "news.test" {
				t.Errorf("news server got a request for host %s: %s", x.host, x.target)
			}
		}
	})
	port := h.ports["news.test"]
	urls := []string{
		"http://metadata.news.test:" + port + "/latest/meta-data/",
		"http://ten.news.test:" + port + "/latest/meta-data/",
		"http://cgnat.news.test:" + port + "/latest/meta-data/",
		"http://ula.news.test:" + port + "/latest/meta-data/",
		"http://self.news.test:" + port + "/latest/meta-data/",
		"http://lan.news.test:" + port + "/admin",  // redirect
		"http://169.254.169.254/latest/meta-data/", // redirect
		"http://[fd00::1]/", // redirect
		hostileEmbeds[0],
		hostileEmbeds[1],
	}
	for _, u := range urls {
		t.Run("blocked "+u, func(t *testing.T) {
			l := hostileLine(t, h.log, u, "blocked")
			if l.raw != "" && l.status != "-5001" {
				t.Errorf("status %s, want -5001: %q", l.status, l.raw)
			}
			if _, ok := h.recs[u]; ok {
				t.Errorf("a response was archived for %s", u)
			}
		})
	}
}
