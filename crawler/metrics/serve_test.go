package metrics

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestHandler(t *testing.T) {
	reg, _, err := crawlRegistry()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(Handler(reg))
	defer srv.Close()
	tests := []struct {
		name, method, path, accept string
		status                     int
		contentType                string // prefix
		body                       string // substring
	}{
		{"metrics", "GET", "/metrics", "", 200, "text/plain; version=0.0.4", "arkisto_fetches_total{source=\"seed\"} 1\n"},
		{"frontier gauges", "GET", "/metrics", "", 200, "text/plain", "arkisto_frontier_queued_urls 10\n"},
		{"runtime", "GET", "/metrics", "", 200, "text/plain", "go_goroutines "},
		// OpenMetrics is off: a scraper asking for it still gets the text format.
		{"no openmetrics", "GET", "/metrics", "application/openmetrics-text;version=1.0.0", 200, "text/plain; version=0.0.4", "# TYPE arkisto_fetches_total counter"},
		{"healthz", "GET", "/healthz", "", 200, "text/plain", "ok\n"},
		{"wrong method", "POST", "/metrics", "", 405, "", ""},
		{"unknown path", "GET", "/nope", "", 404, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %q", resp.StatusCode, tt.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("Content-Type %q, want prefix %q", ct, tt.contentType)
			}
			if !strings.Contains(string(body), tt.body) {
				t.Errorf("body lacks %q:\n%s", tt.body, body)
			}
		})
	}
}

// Scrapes taken while fetches are being counted parse and see the counter
// grow: the endpoint answers while a crawl runs.
func TestHandlerWhileObserving(t *testing.T) {
	reg, m, err := crawlRegistry()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(Handler(reg))
	defer srv.Close()

	ctx, cancel := context.WithCancel(t.Context())
	var wg, started sync.WaitGroup
	for range 4 {
		started.Add(1)
		wg.Go(func() {
			m.ObserveFetch(Fetch{Status: 200, WireBytes: 1000, Duration: time.Millisecond, Source: "link"})
			started.Done()
			for ctx.Err() == nil {
				m.ObserveFetch(Fetch{Status: 200, WireBytes: 1000, Duration: time.Millisecond, Source: "link"})
			}
		})
	}
	defer func() { cancel(); wg.Wait() }()
	started.Wait()

	last := 0.0
	for i := range 5 {
		got := scrapeValue(t, srv.Client(), srv.URL+"/metrics", "arkisto_fetch_downloaded_bytes_total")
		if got < last {
			t.Fatalf("scrape %d: downloaded bytes went down from %v to %v", i, last, got)
		}
		last = got
	}
	if want := 4096.0 + 4*1000; last < want {
		t.Errorf("downloaded bytes = %v, want at least %v", last, want)
	}
}

// scrapeValue GETs a /metrics URL, parses the text format and returns the
// value of the one-series counter or gauge called name.
func scrapeValue(t *testing.T, c *http.Client, url, name string) float64 {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	defer resp.Body.Close()
	mfs, err := decodeFamilies(resp.Body, resp.Header)
	if err != nil {
		t.Fatalf("parse scrape of %s: %v", url, err)
	}
	v, err := familyValue(mfs, name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestServe(t *testing.T) {
	reg, _, err := crawlRegistry()
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	stop, err := Serve(t.Context(), addr, reg)
	if err != nil {
		t.Fatalf("Serve(%s): %v", addr, err)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if got := scrapeValue(t, client, "http://"+addr+"/metrics", "arkisto_frontier_hosts"); got != 2 {
		t.Errorf("arkisto_frontier_hosts = %v, want 2", got)
	}
	if err := stop(t.Context()); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if err := stop(t.Context()); err != nil {
		t.Errorf("second stop: %v", err)
	}
	if _, err := client.Get("http://" + addr + "/healthz"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("after stop, GET /healthz: err = %v, want connection refused", err)
	}
}

func TestServeFailsClearlyOnBadAddress(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	tests := []struct {
		name, addr string
		is         error // nil: any error
	}{
		{"address in use", taken.Addr().String(), syscall.EADDRINUSE},
		{"port not a number", "127.0.0.1:metrics", nil},
		{"no port", "127.0.0.1", nil},
		{"address not on this machine", "192.0.2.1:9791", syscall.EADDRNOTAVAIL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stop, err := Serve(t.Context(), tt.addr, nil)
			if err == nil {
				stop(t.Context())
				t.Fatalf("Serve(%q) succeeded", tt.addr)
			}
			if !strings.Contains(err.Error(), "listen for metrics on "+tt.addr) {
				t.Errorf("error %q does not name the address %q", err, tt.addr)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
		})
	}
}

// freeAddr returns a loopback address with a port nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// A busy port is no error when spare ports are allowed: the next free one
// is taken, and the listener says which.
func TestListenTakesTheNextFreePort(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	busy := taken.Addr().(*net.TCPAddr).Port
	if _, err := Listen(t.Context(), taken.Addr().String(), 0); !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("Listen without spare ports on a busy port: %v, want EADDRINUSE", err)
	}
	ln, err := Listen(t.Context(), taken.Addr().String(), 4)
	if err != nil {
		t.Fatalf("Listen with spare ports: %v", err)
	}
	defer ln.Close()
	got := ln.Addr().(*net.TCPAddr)
	if got.Port <= busy || got.Port > busy+4 || !got.IP.IsLoopback() {
		t.Errorf("Listen took %s, want 127.0.0.1 on a port in (%d, %d]", got, busy, busy+4)
	}
	stop := ServeOn(ln, prometheus.NewRegistry())
	defer stop(t.Context())
	resp, err := http.Get("http://" + got.String() + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz on the spare port: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz on the spare port: %s", resp.Status)
	}
}
