package capture

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gocolly/colly/v2"
)

// TestCollyOverTransport proves colly works on top of the transport: it
// gets decoded the gzip the record keeps encoded, and each redirect hop is
// its own recorded exchange.
func TestCollyOverTransport(t *testing.T) {
	const page = "<html><body><a href=\"/next\">next</a></body></html>"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/", http.StatusMovedPermanently)
			return
		}
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			http.Error(w, "gzip expected", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = io.WriteString(zw, page)
		_ = zw.Close()
	}))
	t.Cleanup(srv.Close)
	tr, got := newRecorded(t, Options{Timeout: 10 * time.Second})

	c := colly.NewCollector()
	c.WithTransport(tr)
	c.OnRequest(func(r *colly.Request) { r.Headers.Set("Accept-Encoding", "gzip") })
	var bodies []string
	c.OnResponse(func(r *colly.Response) { bodies = append(bodies, string(r.Body)) })
	if err := c.Visit(srv.URL + "/old"); err != nil {
		t.Fatalf("visit: %v", err)
	}

	if len(bodies) != 1 || bodies[0] != page {
		t.Fatalf("colly saw %q, want the decoded page once", bodies)
	}
	list := got.all()
	if len(list) != 2 {
		t.Fatalf("%d exchanges recorded, want 2 (redirect and page)", len(list))
	}
	first, second := spoolBytes(t, list[0].Response), spoolBytes(t, list[1].Response)
	if !bytes.HasPrefix(first, []byte("HTTP/1.1 301 Moved Permanently\r\n")) || list[0].Request.URL.Path != "/old" {
		t.Errorf("first exchange for %s is not the redirect:\n%s", list[0].Request.URL, first)
	}
	if !bytes.HasPrefix(second, []byte("HTTP/1.1 200 OK\r\n")) || !bytes.Contains(second, []byte("\r\nContent-Encoding: gzip\r\n")) {
		t.Errorf("second exchange is not the gzip page:\n%q", second)
	}
	zr, err := gzip.NewReader(strings.NewReader(recordedBody(t, list[1])))
	if err != nil {
		t.Fatalf("recorded body is not gzip: %v", err)
	}
	decoded, err := io.ReadAll(zr)
	if err != nil || string(decoded) != page {
		t.Errorf("recorded body decodes to %q, %v; want the page", decoded, err)
	}
}

// TestCollyBoundedDecoding proves colly's own unbounded gunzip never runs:
// a gzip page reaches OnResponse decoded, a gzip bomb reaches it cut at
// MaxDecodedSize, and a .xml.gz file, which colly would gunzip by its name,
// reaches it as sent.
func TestCollyBoundedDecoding(t *testing.T) {
	const limit = 1 << 20
	const page = "<html><body>decoded once, by the transport</body></html>"
	const gzHead = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
	gz := compress(t, page, gzipWriter)
	tests := []struct {
		name     string
		path     string
		response []byte
		wantBody []byte
		wantCut  bool
	}{
		{name: "gzip page", path: "/", response: withLength(gzHead, gz), wantBody: []byte(page)},
		{name: "gzip bomb", path: "/", response: withLength(gzHead, gzipBomb(t, 1024)), wantBody: make([]byte, limit), wantCut: true},
		{
			name:     "sitemap .xml.gz",
			path:     "/sitemap.xml.gz",
			response: withLength("HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\n", gz),
			wantBody: gz,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := exactServer(t, tc.response)
			tr, got := newRecorded(t, Options{MaxDecodedSize: limit, Timeout: time.Minute})
			c := colly.NewCollector(colly.MaxBodySize(0)) // the transport's bound, not colly's
			c.WithTransport(tr)
			c.OnRequest(func(r *colly.Request) { r.Headers.Set("Accept-Encoding", "gzip") })
			var body []byte
			var encoding string
			c.OnResponse(func(r *colly.Response) {
				body, encoding = r.Body, r.Headers.Get("Content-Encoding")
			})

			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			if err := c.Visit(srv.URL + tc.path); err != nil {
				t.Fatalf("visit: %v", err)
			}
			runtime.ReadMemStats(&after)

			if !bytes.Equal(body, tc.wantBody) || encoding != "" {
				t.Errorf("colly saw %d bytes %.40q with Content-Encoding %q; want %d bytes %.40q and none",
					len(body), body, encoding, len(tc.wantBody), tc.wantBody)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("allocated %d MiB for a body of at most 1 MiB", alloc>>20)
			}
			ex := got.only(t)
			if ex.ReadCut != tc.wantCut || ex.DecodeErr != nil || ex.Err != nil {
				t.Errorf("ReadCut %v, DecodeErr %v, Err %v; want ReadCut %v only", ex.ReadCut, ex.DecodeErr, ex.Err, tc.wantCut)
			}
			if recorded := spoolBytes(t, ex.Response); !bytes.Equal(recorded, tc.response) {
				t.Errorf("recorded %d bytes, want all %d the server wrote", len(recorded), len(tc.response))
			}
		})
	}
}
