package crawler_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"arkisto/config"
	"arkisto/crawler"
)

// errOffLoopback is what hostileNet answers a dial to anything but 127.0.0.1.
var errOffLoopback = errors.New("test network: only 127.0.0.1 may be dialed")

// hostileNet is the whole network a hostile-site crawl can reach. Names
// resolve from a fixed table, and every dial is recorded, then refused
// unless it goes to 127.0.0.1: even a dial guard that let a private
// address through would get no further than this record.
type hostileNet struct {
	names map[string][]netip.Addr // filled before the crawl, read-only during it

	mu      sync.Mutex
	dials   []string // every address DialContext was asked for, in order
	lookups []string // every name LookupNetIP was asked for
}

func newHostileNet() *hostileNet {
	return &hostileNet{names: make(map[string][]netip.Addr)}
}

// add maps name to addrs, which must parse.
func (n *hostileNet) add(name string, addrs ...string) {
	for _, a := range addrs {
		n.names[name] = append(n.names[name], netip.MustParseAddr(a))
	}
}

// options are the crawler options that route every lookup and dial here.
func (n *hostileNet) options() crawler.Options {
	return crawler.Options{Resolver: n, DialContext: n.DialContext}
}

func (n *hostileNet) LookupNetIP(_ context.Context, network, host string) ([]netip.Addr, error) {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	n.mu.Lock()
	n.lookups = append(n.lookups, host)
	n.mu.Unlock()
	var out []netip.Addr
	for _, a := range n.names[host] {
		if network == "ip" || (network == "ip4") == a.Is4() {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return out, nil
}

func (n *hostileNet) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	n.mu.Lock()
	n.dials = append(n.dials, addr)
	n.mu.Unlock()
	if host, _, err := net.SplitHostPort(addr); err != nil || host != "127.0.0.1" {
		return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("dial %s: %w", addr, errOffLoopback)}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

func (n *hostileNet) dialed() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.dials)
}

func (n *hostileNet) lookedUp() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.lookups)
}

// hit is one request as a test server saw it, timed on the server side.
type hit struct {
	host       string // Host header without the port
	target     string // request URI
	start, end time.Time
	status     int // 0 when the handler hijacked the connection
}

// hitLog records every request a server handles.
type hitLog struct {
	mu   sync.Mutex
	hits []hit
}

func (l *hitLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		h.ServeHTTP(sw, r)
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		l.mu.Lock()
		l.hits = append(l.hits, hit{host: host, target: r.URL.RequestURI(), start: start, end: time.Now(), status: sw.status})
		l.mu.Unlock()
	})
}

// all returns the hits in the order their requests started.
func (l *hitLog) all() []hit {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := slices.Clone(l.hits)
	slices.SortFunc(out, func(a, b hit) int { return a.start.Compare(b.start) })
	return out
}

// to returns the hits of one request target, in start order.
func (l *hitLog) to(target string) []hit {
	var out []hit
	for _, h := range l.all() {
		if h.target == target {
			out = append(out, h)
		}
	}
	return out
}

// next returns the first hit that started after h ended, if any.
func (l *hitLog) next(h hit) (hit, bool) {
	for _, n := range l.all() {
		if n.start.After(h.end) {
			return n, true
		}
	}
	return hit{}, false
}

// statusWriter notes the status a handler sent. Unwrap lets
// http.ResponseController reach the connection for Flush and Hijack.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// serveLogged starts a loopback server whose requests land in a hitLog,
// and returns the log and the server's port.
func serveLogged(t *testing.T, h http.Handler) (*hitLog, string) {
	t.Helper()
	log := &hitLog{}
	srv := httptest.NewServer(log.wrap(h))
	t.Cleanup(srv.Close)
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return log, port
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return port
}

// hostileConfig is a crawl of seeds with small limits, so every trap and
// back-off of the suite ends within seconds.
func hostileConfig(t *testing.T, seeds ...string) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.Seeds = seeds
	cfg.Output = t.TempDir()
	cfg.Delay = 50 * time.Millisecond
	cfg.Workers = 6
	cfg.Timeout = 2 * time.Second
	cfg.MaxBodySize = 2 << 20
	cfg.Retries = 2
	cfg.RetryDelay = 50 * time.Millisecond
	cfg.MaxRetryAfter = 2 * time.Second
	cfg.MetricsAddr = ""
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// logLine is one crawl.log line, split into the columns the tests read.
type logLine struct {
	status string
	url    string
	hops   string
	mime   string
	digest string
	notes  []string
	raw    string
}

func (l logLine) has(note string) bool { return slices.Contains(l.notes, note) }

func readCrawlLog(t *testing.T, cfg config.Config) []logLine {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(cfg.Output, "logs", "crawl.log"))
	if err != nil {
		t.Fatal(err)
	}
	var out []logLine
	for l := range strings.Lines(string(data)) {
		f := strings.Fields(l)
		if len(f) < 12 {
			t.Fatalf("crawl.log line with %d columns: %q", len(f), l)
		}
		out = append(out, logLine{status: f[1], url: f[3], hops: f[4], mime: f[6], digest: f[9], notes: strings.Split(f[11], ","), raw: strings.TrimSpace(l)})
	}
	return out
}

// linesOf returns the crawl.log lines of one URL.
func linesOf(lines []logLine, url string) []logLine {
	var out []logLine
	for _, l := range lines {
		if l.url == url {
			out = append(out, l)
		}
	}
	return out
}

// smallCrawl is a crawl of a few named hosts, each its own loopback
// server, over a hostileNet.
type smallCrawl struct {
	net  *hostileNet
	hits map[string]*hitLog // by host name
	base map[string]string  // http://name:port, by host name
	cfg  config.Config
}

// serveHosts starts one server per host name and maps every name to
// 127.0.0.1. The crawl is seeded with every host's front page, so that
// each host is trusted with its loopback address.
func serveHosts(t *testing.T, hosts map[string]http.Handler) *smallCrawl {
	t.Helper()
	c := &smallCrawl{net: newHostileNet(), hits: map[string]*hitLog{}, base: map[string]string{}}
	var seeds []string
	for name, h := range hosts {
		log, port := serveLogged(t, h)
		c.hits[name], c.base[name] = log, "http://"+name+":"+port
		c.net.add(name, "127.0.0.1")
		seeds = append(seeds, c.base[name]+"/")
	}
	slices.Sort(seeds)
	c.cfg = hostileConfig(t, seeds...)
	return c
}

// run crawls and returns crawl.log; the crawl must end without error.
func (c *smallCrawl) run(t *testing.T) []logLine {
	t.Helper()
	runBounded(t, c.cfg, c.net)
	return readCrawlLog(t, c.cfg)
}

// runBounded crawls, failing the test if the crawl errs or has not ended
// within a minute: a trap that is not bounded shows as an interrupted crawl,
// not a hung test.
func runBounded(t *testing.T, cfg config.Config, n *hostileNet) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if err := runCrawl(t, ctx, cfg, n.options()); err != nil {
		t.Fatalf("crawl did not finish cleanly: %v", err)
	}
}

// targets lists the request targets a host's server saw, in order.
func (c *smallCrawl) targets(name string) []string {
	var out []string
	for _, h := range c.hits[name].all() {
		out = append(out, h.target)
	}
	return out
}
