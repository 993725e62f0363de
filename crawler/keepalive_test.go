package crawler_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"arkisto/crawler"
	"arkisto/crawler/testsite"
)

// TestKeepAliveSplitsExchanges crawls the test site with keep-alive, the
// default, and without: with it connections carry several requests each,
// without it one; either way every response record holds exactly the bytes
// the server wrote for its request, no byte of the exchange before or
// after it on the same connection.
func TestKeepAliveSplitsExchanges(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		keepAlive bool
	}{{"keep-alive", true}, {"one connection per exchange", false}} {
		keepAlive := tt.keepAlive
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			site := testsite.New(testsite.Options{Articles: 8, KeepRaw: true})
			base := site.Start(t)
			cfg := testConfig(t, base+"/")
			if !cfg.KeepAlive {
				t.Fatal("keep-alive is not the default")
			}
			cfg.KeepAlive = keepAlive
			if err := runCrawl(t, t.Context(), cfg, crawler.Options{}); err != nil {
				t.Fatalf("crawl: %v", err)
			}

			perConn := map[string]int{} // requests by client address
			hits := site.Hits()
			for _, h := range hits {
				perConn[h.RemoteAddr]++
			}
			busiest := 0
			for _, n := range perConn {
				busiest = max(busiest, n)
			}
			t.Logf("%d requests over %d connections, at most %d on one", len(hits), len(perConn), busiest)
			if keepAlive && busiest < 3 {
				t.Errorf("no connection carried more than %d requests: keep-alive did not reuse connections", busiest)
			}
			if !keepAlive && busiest != 1 {
				t.Errorf("a connection carried %d requests with keep-alive off", busiest)
			}

			for _, r := range readWARCs(t, filepath.Join(cfg.Output, "archive")) {
				switch r.typ() {
				case "request":
					if closes := bytes.Contains(bytes.ToLower(r.block), []byte("connection: close")); closes == keepAlive {
						t.Errorf("request for %s: asks to close the connection %v, keep-alive %v", r.target(), closes, keepAlive)
					}
				case "response":
					target := strings.TrimPrefix(r.target(), base)
					wire, err := site.RawResponse(t.Context(), target)
					if err != nil {
						t.Fatalf("%s: %v", target, err)
					}
					if !bytes.Equal(r.block, wire) {
						t.Errorf("%s: WARC block (%d bytes) differs from the %d bytes the server wrote", target, len(r.block), len(wire))
					}
				}
			}
		})
	}
}
