package capture

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gocolly/colly/v2"
)

// TestCollyOverTransport proves colly works on top of the transport: it
// decodes the gzip the record keeps encoded, and each redirect hop is its
// own recorded exchange.
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
