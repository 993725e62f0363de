package crawler_test

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// bombMembers is the gzip bomb's size in members of 1 MiB of zeros each:
// 1 GiB decoded from about 1 MB on the wire.
const bombMembers = 1024

// gzipBomb is a gzip body of a small HTML page followed by 1 GiB of zeros:
// gzip members concatenated decode as one stream.
func gzipBomb() []byte {
	member := func(p []byte) []byte {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // a valid level: no error
		_, _ = zw.Write(p)
		_ = zw.Close()
		return b.Bytes()
	}
	head := member([]byte(`<html><body><a href="/bomb-link">read on</a><p>`))
	return append(head, bytes.Repeat(member(make([]byte, 1<<20)), bombMembers)...)
}

// A gzip bomb costs the crawl at most the decoding cap, and is archived as
// the bytes that crossed the wire. Not parallel: it measures the process's
// allocations.
func TestHostileGzipBomb(t *testing.T) {
	bomb := gzipBomb()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", http.NotFound)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, "text/html", `<html><body><a href="/bomb">bomb</a></body></html>`)
	})
	mux.HandleFunc("GET /bomb", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(bomb)))
		_, _ = w.Write(bomb)
	})
	mux.HandleFunc("GET /bomb-link", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, "text/html", "<html><body>after the bomb</body></html>")
	})
	c := serveHosts(t, map[string]http.Handler{"news.test": mux})
	// Decoding up to the cap takes seconds under the race detector; the
	// exchange timeout must not be what stops it.
	c.cfg.Timeout = 40 * time.Second

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	lines := c.run(t)
	runtime.ReadMemStats(&after)

	u := c.base["news.test"] + "/bomb"
	t.Run("decoding stopped at the cap", func(t *testing.T) {
		hostileLine(t, lines, u, "read-cut")
		got := after.TotalAlloc - before.TotalAlloc
		t.Logf("the crawl allocated %d MiB", got>>20)
		if got >= bombMembers<<20 {
			t.Errorf("the crawl allocated %d MiB, as much as the whole bomb decoded", got>>20)
		}
	})
	t.Run("the link before the cap was followed", func(t *testing.T) {
		if n := len(c.hits["news.test"].to("/bomb-link")); n != 1 {
			t.Errorf("/bomb-link requested %d times, want once", n)
		}
	})
	t.Run("archived whole, as sent", func(t *testing.T) {
		recs := responsesByURL(readWARCsWithTruncated(t, filepath.Join(c.cfg.Output, "archive")))
		r, ok := recs[u]
		if !ok {
			t.Fatal("no response record for the bomb")
		}
		if tr := r.header.Get("WARC-Truncated"); tr != "" {
			t.Errorf("WARC-Truncated %q on a response the server sent whole", tr)
		}
		payload, err := partialPayload(r.block)
		if err != nil || !bytes.Equal(payload, bomb) {
			t.Errorf("payload on record is %d bytes (err %v), want the %d gzip bytes sent", len(payload), err, len(bomb))
		}
	})
}
