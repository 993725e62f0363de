package crawler_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// randomBytes returns n bytes that no compression shrinks, the same for a
// seed.
func randomBytes(n int, seed byte) []byte {
	b := make([]byte, n)
	_, _ = rand.NewChaCha8([32]byte{seed}).Read(b) // never fails
	return b
}

// TestBinaryBodiesStayOutOfMemory: a 20 MB video and a chunked 4 MB
// audio file are archived whole, with the digests of every byte, while
// the crawl allocates less than the video alone: no parser reads them, so
// they stream from the connection into the spool and from the spool into
// the WARC file. Reading the video into memory, as colly does with every
// body it is given, would allocate more than its size. Not parallel: it
// measures the process's allocations.
func TestBinaryBodiesStayOutOfMemory(t *testing.T) {
	video, audio := randomBytes(20<<20, 1), randomBytes(4<<20, 2)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", http.NotFound)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, "text/html", `<html><body><video src="/clip.mp4"></video><audio src="/talk.mp3"></audio></body></html>`)
	})
	mux.HandleFunc("GET /clip.mp4", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Content-Length", strconv.Itoa(len(video)))
		_, _ = w.Write(video)
	})
	mux.HandleFunc("GET /talk.mp3", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "audio/mpeg") // no length: sent chunked
		for part := range slices.Chunk(audio, 256<<10) {
			_, _ = w.Write(part)
			_ = http.NewResponseController(w).Flush()
		}
	})
	c := serveHosts(t, map[string]http.Handler{"news.test": mux})
	c.cfg.MaxBodySize = 64 << 20
	c.cfg.Workers = 2

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	lines := c.run(t)
	runtime.ReadMemStats(&after)

	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("the crawl allocated %d MiB for %d MiB of bodies", allocated>>20, (len(video)+len(audio))>>20)
	if allocated >= uint64(len(video)) {
		t.Errorf("the crawl allocated %d MiB, more than the %d MiB video: a body was read into memory", allocated>>20, len(video)>>20)
	}
	archive := filepath.Join(c.cfg.Output, "archive")
	recs := responsesByURL(readWARCs(t, archive)) // checks every length and digest
	for path, want := range map[string][]byte{"/clip.mp4": video, "/talk.mp3": audio} {
		u := c.base["news.test"] + path
		r, ok := recs[u]
		if !ok {
			t.Errorf("no response record for %s", path)
			continue
		}
		if payload, err := httpPayload(r.block); err != nil || !bytes.Equal(payload, want) {
			t.Errorf("%s: payload of %d bytes (err %v), want the %d bytes sent", path, len(payload), err, len(want))
		}
		if ls := linesOf(lines, u); len(ls) != 1 || ls[0].status != "200" || ls[0].notes[0] != "-" {
			t.Errorf("%s logged %v, want one 200 line without notes", path, ls)
		}
	}
	if n := readWithGowarc(t, archive); n != len(readWARCs(t, archive)) {
		t.Errorf("gowarc read %d records, the independent reader another count", n)
	}
}

// TestPageReadUpToItsCap: an HTML page larger than what the link extractor
// reads (10 MiB) is archived whole, its links up to the cap followed, the
// ones after it not, and its crawl.log line says the parser saw a part.
func TestPageReadUpToItsCap(t *testing.T) {
	t.Parallel()
	var page strings.Builder
	page.WriteString(`<html><body><a href="/early">early</a>`)
	for page.Len() < 11<<20 {
		fmt.Fprintf(&page, "<p>paragraph %d of a very long page</p>\n", page.Len())
	}
	page.WriteString(`<a href="/late">late</a></body></html>`)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", http.NotFound)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) { writeText(w, "text/html", page.String()) })
	mux.HandleFunc("GET /early", func(w http.ResponseWriter, _ *http.Request) { writeText(w, "text/html", "<p>early</p>") })
	mux.HandleFunc("GET /late", func(w http.ResponseWriter, _ *http.Request) { writeText(w, "text/html", "<p>late</p>") })
	c := serveHosts(t, map[string]http.Handler{"news.test": mux})
	c.cfg.MaxBodySize = 64 << 20
	lines := c.run(t)

	if got := c.targets("news.test"); strings.Join(got, " ") != "/robots.txt / /early" {
		t.Errorf("news.test served %v, want robots.txt, the page and the link before the cap", got)
	}
	front := c.base["news.test"] + "/"
	hostileLine(t, lines, front, "read-cut")
	recs := responsesByURL(readWARCs(t, filepath.Join(c.cfg.Output, "archive")))
	if payload, err := httpPayload(recs[front].block); err != nil || string(payload) != page.String() {
		t.Errorf("front page payload of %d bytes (err %v), want the %d bytes sent", len(payload), err, page.Len())
	}
}
