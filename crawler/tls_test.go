package crawler_test

import (
	"bytes"
	"compress/gzip"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"arkisto/crawler"
	"arkisto/crawler/capture"
)

// tinySite is a handful of pages served over TLS: the synthetic news site
// writes absolute "http://" URLs into its sitemaps and feeds, which over
// TLS would send plaintext requests to a TLS port.
type tinySite struct {
	mu    sync.Mutex
	paths []string // every request target the server saw
}

const (
	tinyPage    = `<html><head><link rel="stylesheet" href="/s.css"></head><body><a href="/a">chunked</a> <a href="/private/x">secret</a> <img src="/i.png"></body></html>`
	tinyCSS     = `body { background: url(/bg.png) }`
	tinyChunk1  = "<html><body><p>first chunk</p>"
	tinyChunk2  = "<p>second chunk</p></body></html>"
	tinyPNGBody = "\x89PNG\r\n\x1a\n not really an image"
)

// tinyPaths are the targets a correct crawl of tinySite fetches.
var tinyPaths = []string{"/", "/a", "/bg.png", "/i.png", "/robots.txt", "/s.css"}

func (s *tinySite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.paths = append(s.paths, r.URL.RequestURI())
	s.mu.Unlock()
	switch r.URL.Path {
	case "/robots.txt":
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("User-agent: *\nDisallow: /private/\n"))
	case "/":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(tinyPage))
	case "/a":
		// A flush before the end makes net/http send the body chunked.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(tinyChunk1))
		_ = http.NewResponseController(w).Flush()
		_, _ = w.Write([]byte(tinyChunk2))
	case "/s.css":
		w.Header().Set("Content-Type", "text/css")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = zw.Write([]byte(tinyCSS))
		_ = zw.Close()
	case "/i.png", "/bg.png":
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write([]byte(tinyPNGBody))
	default:
		http.NotFound(w, r)
	}
}

func (s *tinySite) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.paths)
}

func TestCrawlOverTLS(t *testing.T) {
	site := &tinySite{}
	srv := httptest.NewUnstartedServer(site)
	// The refused handshake below is expected; keep it out of the test output.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	trusting := x509.NewCertPool()
	trusting.AddCert(srv.Certificate())

	// A certificate that would not verify is accepted, as archives do,
	// and every fetch over it says tls-unverified in crawl.log.
	tests := []struct {
		name       string
		tls        *tls.Config
		unverified bool
	}{
		{"verifying the server's certificate", &tls.Config{RootCAs: trusting, MinVersion: tls.VersionTLS12}, false},
		{"default config accepts any certificate, noting the unknown authority", nil, true},
		{"any certificate accepted, checked against an injected root", &tls.Config{InsecureSkipVerify: true, RootCAs: trusting}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, srv.URL+"/")
			if err := runCrawl(t, t.Context(), cfg, crawler.Options{TLSConfig: tt.tls}); err != nil {
				t.Fatalf("crawl: %v", err)
			}
			archive := filepath.Join(cfg.Output, "archive")
			recs := readArchive(t, archive, readWARCs) // checks lengths and digests
			assertPlaintextTLSRecords(t, srv.URL, recs)
			fetches := 0
			for _, l := range readCrawlLog(t, cfg) {
				if strings.HasPrefix(l.status, "-") {
					continue
				}
				fetches++
				if l.has("tls-unverified") != tt.unverified {
					t.Errorf("crawl.log line %q: tls-unverified %v, want %v", l.raw, !tt.unverified, tt.unverified)
				}
			}
			if fetches != len(tinyPaths) {
				t.Errorf("%d fetches logged, want %d", fetches, len(tinyPaths))
			}
		})
	}

	t.Run("an untrusted certificate is a logged failure", func(t *testing.T) {
		cfg := testConfig(t, srv.URL+"/")
		strict := &tls.Config{RootCAs: x509.NewCertPool(), MinVersion: tls.VersionTLS12}
		// The seed's only host never answered: the crawl says so, and why.
		err := runCrawl(t, t.Context(), cfg, crawler.Options{TLSConfig: strict})
		var unreachable *crawler.UnreachableError
		if !errors.As(err, &unreachable) || len(unreachable.Hosts) != 1 || unreachable.Hosts[0].Kind != capture.KindTLS ||
			!strings.Contains(err.Error(), "certificate") {
			t.Fatalf("crawl: %v, want the seed's host named unreachable for its certificate", err)
		}
		data, err := os.ReadFile(filepath.Join(cfg.Output, "logs", "crawl.log"))
		if err != nil {
			t.Fatal(err)
		}
		line := logLineFor(string(data), srv.URL+"/robots.txt")
		if f := strings.Fields(line); len(f) < 12 || f[1] != "-2" || !strings.Contains(f[11], "tls") {
			t.Errorf("robots.txt crawl.log line %q, want status -2 annotated tls", line)
		}
		// robots.txt unreachable through every retry: the host is given up
		// (RFC 9309's disallow-all), its URLs logged.
		if line := logLineFor(string(data), srv.URL+"/"); !strings.Contains(line, "host-given-up") {
			t.Errorf("seed crawl.log line %q, want host-given-up", line)
		}
		for _, r := range readArchiveIfAny(t, filepath.Join(cfg.Output, "archive")) {
			if r.typ() == "response" {
				t.Errorf("a response was archived from an untrusted server: %s", r.target())
			}
		}
	})

	t.Run("the disallowed page never reached the server", func(t *testing.T) {
		for _, p := range site.seen() {
			if strings.HasPrefix(p, "/private/") {
				t.Errorf("%s was requested", p)
			}
		}
	})
}

// assertPlaintextTLSRecords checks that the crawl of tinySite at base
// captured exactly tinyPaths, each as a plaintext HTTP/1.1 exchange.
func assertPlaintextTLSRecords(t *testing.T, base string, recs []record) {
	t.Helper()
	requests := map[string]record{}
	for _, r := range recs {
		if r.typ() == "request" {
			requests[r.header.Get("WARC-Record-ID")] = r
		}
	}
	responses := responsesByURL(recs)
	var got []string
	for u := range responses {
		got = append(got, strings.TrimPrefix(u, base))
	}
	slices.Sort(got)
	if !slices.Equal(got, tinyPaths) {
		t.Errorf("captured %v, want %v", got, tinyPaths)
	}
	host := strings.TrimPrefix(base, "https://")
	for u, resp := range responses {
		if !strings.HasPrefix(u, "https://") {
			t.Errorf("WARC-Target-URI %q is not https", u)
		}
		for _, r := range []record{resp, requests[resp.header.Get("WARC-Concurrent-To")]} {
			if ip := r.header.Get("WARC-IP-Address"); ip != "127.0.0.1" {
				t.Errorf("%s %s: WARC-IP-Address %q, want 127.0.0.1", r.typ(), u, ip)
			}
		}
		req, ok := requests[resp.header.Get("WARC-Concurrent-To")]
		if !ok {
			t.Errorf("%s: no request record", u)
			continue
		}
		wantLine := "GET " + strings.TrimPrefix(u, base) + " HTTP/1.1\r\n"
		if !bytes.HasPrefix(req.block, []byte(wantLine)) {
			t.Errorf("%s: request block starts %q, want %q", u, head(req.block), wantLine)
		}
		if !bytes.Contains(req.block, []byte("\r\nHost: "+host+"\r\n")) {
			t.Errorf("%s: request block lacks Host: %s", u, host)
		}
		if !bytes.HasPrefix(resp.block, []byte("HTTP/1.1 200 OK\r\n")) {
			t.Errorf("%s: response block starts %q, want HTTP/1.1 200 OK", u, head(resp.block))
		}
	}
	// Bodies are there in the clear: a TLS record would hide these bytes.
	for path, want := range map[string]string{
		"/":      tinyPage,
		"/a":     "Transfer-Encoding: chunked",
		"/s.css": "Content-Encoding: gzip",
	} {
		if r := responses[base+path]; !bytes.Contains(r.block, []byte(want)) {
			t.Errorf("%s: response block lacks %q", path, want)
		}
	}
}

// logLineFor returns the first crawl.log line whose URL column is u.
func logLineFor(log, u string) string {
	for l := range strings.Lines(log) {
		if f := strings.Fields(l); len(f) > 3 && f[3] == u {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// readArchiveIfAny reads the WARC files in dir, which may be none.
func readArchiveIfAny(t *testing.T, dir string) []record {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	if len(files) == 0 {
		return nil
	}
	return readWARCs(t, dir)
}

func head(b []byte) string { return string(b[:min(len(b), 60)]) }
