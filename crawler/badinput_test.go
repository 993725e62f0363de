package crawler_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"arkisto/crawler"
)

// badLinks are hrefs no crawler can fetch, as the front page of the bad
// site writes them.
var badLinks = []string{
	"mailto:desk@example.com",
	"javascript:void(0)",
	"data:text/plain,hello",
	"http://[::1",
	"http://exa mple.com/",
}

// partialBody is what the cut responses send before the connection fails
// or stalls: less than their Content-Length announces.
var partialBody = bytes.Repeat([]byte("<p>cut short</p>\n"), 64)

// resetHead is the header block of the response reset mid-body.
var resetHead = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"

// cutHead is a header block that stops halfway, then stalls.
const cutHead = "HTTP/1.1 200 OK\r\nContent-Type: text/ht"

// hugeBrokenHTML is 3 MB of markup no browser would be proud of: unclosed
// and stray tags, bogus entities, NUL bytes and invalid UTF-8, with one good
// link at its very end that the crawl must still find.
func hugeBrokenHTML() []byte {
	var b bytes.Buffer
	b.WriteString("<html><head><title>broken\xff\xfe</title><body><div><p>")
	junk := "<div><p><b>caf\xe9 \xc3\x28 \xed\xa0\x80 unclosed <i>&bogus; &#xD800; </span></td><<>> \x00 <table><tr>text\n"
	for b.Len() < 3<<20 {
		b.WriteString(junk)
	}
	b.WriteString(`<a href="/after-garbage">still found</a>`)
	return b.Bytes()
}

// badSite serves pages that misbehave in every way the crawl must survive.
// Handlers that stall wait for the client to leave or the test to end.
func badSite(t *testing.T) string {
	t.Helper()
	release := make(chan struct{})
	huge := hugeBrokenHTML()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", http.NotFound)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		var page strings.Builder
		page.WriteString("<html><body>\n")
		for _, p := range []string{"/reset-early", "/reset-mid", "/stall-head", "/stall-in-head", "/stall-body", "/huge"} {
			fmt.Fprintf(&page, "<a href=%q>%s</a>\n", p, p)
		}
		for _, l := range badLinks {
			fmt.Fprintf(&page, "<a href=%q>bad</a>\n", l)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, page.String())
	})
	mux.HandleFunc("GET /reset-early", func(w http.ResponseWriter, _ *http.Request) {
		resetConn(t, w, nil)
	})
	mux.HandleFunc("GET /reset-mid", func(w http.ResponseWriter, _ *http.Request) {
		resetConn(t, w, append([]byte(resetHead), partialBody...))
	})
	mux.HandleFunc("GET /stall-head", func(_ http.ResponseWriter, r *http.Request) {
		stall(r, release)
	})
	mux.HandleFunc("GET /stall-in-head", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		defer conn.Close()
		_, _ = buf.WriteString(cutHead)
		_ = buf.Flush()
		// The client's close, at its timeout, ends the read.
		_, _ = conn.Read(make([]byte, 1))
	})
	mux.HandleFunc("GET /stall-body", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write(partialBody)
		_ = http.NewResponseController(w).Flush() // no Content-Length: sent chunked
		stall(r, release)
	})
	mux.HandleFunc("GET /huge", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html") // no charset: the bytes decide
		_, _ = w.Write(huge)
	})
	mux.HandleFunc("GET /after-garbage", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<html><body>found</body></html>")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: frees stalled handlers
	return srv.URL
}

// resetConn writes raw bytes on the hijacked connection, then resets it:
// SO_LINGER 0 makes close send RST instead of FIN.
func resetConn(t *testing.T, w http.ResponseWriter, raw []byte) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if len(raw) > 0 {
		_, _ = buf.Write(raw)
		_ = buf.Flush()
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func stall(r *http.Request, release <-chan struct{}) {
	select {
	case <-r.Context().Done():
	case <-release:
	}
}

func TestBadInputIsLoggedAndTheCrawlGoesOn(t *testing.T) {
	t.Parallel()
	base := badSite(t)
	cfg := testConfig(t, base+"/")
	cfg.Delay = 0
	cfg.HostConcurrency = 4 // the two stalls run side by side
	cfg.Timeout = time.Second
	if err := runCrawl(t, t.Context(), cfg, crawler.Options{}); err != nil {
		t.Fatalf("crawl: %v", err)
	}
	archive := filepath.Join(cfg.Output, "archive")
	recs := readArchive(t, archive, readWARCsWithTruncated)
	responses := responsesByURL(recs)
	data, err := os.ReadFile(filepath.Join(cfg.Output, "logs", "crawl.log"))
	if err != nil {
		t.Fatal(err)
	}
	crawlLog := string(data)

	tests := []struct {
		name      string
		url       string // as crawl.log writes it: spaces become '+'
		status    string
		note      string // an annotation the line must carry; "" for none
		truncated string // WARC-Truncated of the response record; "" for a whole one, "-" for no record
	}{
		{"reset before any response byte", base + "/reset-early", "-3", "reset", "-"},
		{"reset mid-body", base + "/reset-mid", "200", "truncated:disconnect", "disconnect"},
		{"stall before the headers", base + "/stall-head", "-4", "timeout", "-"},
		{"stall inside the header block", base + "/stall-in-head", "-4", "timeout", "-"},
		{"stall mid-body", base + "/stall-body", "200", "truncated:time", "time"},
		{"3 MB of broken HTML with invalid UTF-8", base + "/huge", "200", "", ""},
		{"the link at the end of the broken HTML", base + "/after-garbage", "200", "", ""},
		{"mailto:", badLinks[0], "-7", "unsupported-scheme", "-"},
		{"javascript:", badLinks[1], "-7", "unsupported-scheme", "-"},
		{"data:", badLinks[2], "-7", "unsupported-scheme", "-"},
		{"unclosed IPv6 host", badLinks[3], "-7", "malformed-url", "-"},
		{"space in the host", "http://exa+mple.com/", "-7", "malformed-url", "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := logLineFor(crawlLog, tt.url)
			f := strings.Fields(line)
			if len(f) < 12 {
				t.Fatalf("no crawl.log line for %s", tt.url)
			}
			if f[1] != tt.status {
				t.Errorf("status %s, want %s (line %q)", f[1], tt.status, line)
			}
			notes := strings.Split(f[11], ",")
			switch {
			case tt.note != "" && !slices.Contains(notes, tt.note):
				t.Errorf("annotations %s, want %s", f[11], tt.note)
			case tt.note == "" && f[11] != "-":
				t.Errorf("annotations %s, want none", f[11])
			}
			r, archived := responses[tt.url]
			switch {
			case tt.truncated == "-" && archived:
				t.Errorf("a response record was written for %s", tt.url)
			case tt.truncated != "-" && !archived:
				t.Errorf("no response record for %s", tt.url)
			case archived && r.header.Get("WARC-Truncated") != tt.truncated:
				t.Errorf("WARC-Truncated %q, want %q", r.header.Get("WARC-Truncated"), tt.truncated)
			}
		})
	}

	t.Run("partial responses hold the bytes that arrived", func(t *testing.T) {
		if got := responses[base+"/reset-mid"].block; !bytes.Equal(got, append([]byte(resetHead), partialBody...)) {
			t.Errorf("reset response block is %d bytes, want the %d the server wrote", len(got), len(resetHead)+len(partialBody))
		}
		payload, err := partialPayload(responses[base+"/stall-body"].block)
		if err != nil || !bytes.Equal(payload, partialBody) {
			t.Errorf("stalled response payload is %d bytes (err %v), want the %d written", len(payload), err, len(partialBody))
		}
	})

	t.Run("the huge page is archived whole", func(t *testing.T) {
		payload, err := partialPayload(responses[base+"/huge"].block)
		if err != nil || !bytes.Equal(payload, hugeBrokenHTML()) {
			t.Errorf("huge page payload is %d bytes (err %v), want %d", len(payload), err, len(hugeBrokenHTML()))
		}
		size, _ := strconv.Atoi(strings.Fields(logLineFor(crawlLog, base+"/huge"))[2])
		if size < 3<<20 {
			t.Errorf("crawl.log size %d, want the 3 MB response", size)
		}
	})
}

// readWARCsWithTruncated reads like readWARCs, but also accepts a response
// whose body was cut (WARC-Truncated), whose payload digest then covers the
// bytes that arrived, as Heritrix digests them. Its block digest must hold.
// A record that fails is reported and still returned.
func readWARCsWithTruncated(t *testing.T, dir string) []record {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	if len(files) == 0 {
		t.Fatalf("no WARC files in %s", dir)
	}
	var all []record
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		br := bytes.NewReader(data)
		for br.Len() > 0 {
			offset := len(data) - br.Len()
			zr, err := gzip.NewReader(br)
			if err != nil {
				t.Fatalf("%s@%d: gzip member: %v", f, offset, err)
			}
			zr.Multistream(false)
			member, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("%s@%d: gzip member: %v", f, offset, err)
			}
			rec, err := parseRecord(member)
			if err != nil && rec.header.Get("WARC-Truncated") != "" {
				err = checkTruncated(rec)
			}
			if err != nil {
				// Reported, and kept so that the cases below say what the
				// crawl did with the URL.
				t.Errorf("%s@%d: record does not read back: %v", f, offset, err)
			}
			rec.file = filepath.Base(f)
			all = append(all, rec)
		}
	}
	return all
}

func checkTruncated(rec record) error {
	if got, want := sha1Base32(rec.block), rec.header.Get("WARC-Block-Digest"); got != want {
		return fmt.Errorf("%s %s: block digest %s, header says %s", rec.typ(), rec.target(), got, want)
	}
	payload, err := partialPayload(rec.block)
	if err != nil {
		return fmt.Errorf("truncated %s: %w", rec.target(), err)
	}
	if got, want := sha1Base32(payload), rec.header.Get("WARC-Payload-Digest"); got != want {
		return fmt.Errorf("truncated %s: payload digest %s, header says %s", rec.target(), got, want)
	}
	return nil
}

// partialPayload is the de-chunked entity body of a response block, as far
// as it goes.
func partialPayload(block []byte) ([]byte, error) {
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(block)), nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil
	}
	return body, err
}
