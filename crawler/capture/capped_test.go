package capture

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestReadLimit: the caller reads at most what ReadLimit allows, decoded
// when the transport decodes, and learns nothing else; the record holds
// every byte the server sent all the same.
func TestReadLimit(t *testing.T) {
	const ok = "HTTP/1.1 200 OK\r\nContent-Type: "
	video := []byte(noise(3 << 20)) // larger than the spool's memory: it spills to disk
	page := strings.Repeat("<p>a paragraph of a long page</p>\n", 2000)
	gz := compress(t, page, gzipWriter)
	tests := []struct {
		name     string
		response []byte
		limit    int64
		wantRead string
		wantCut  bool
	}{
		{"video read by nobody", withLength(ok+"video/mp4\r\n", video), 0, "", false},
		{"video sent chunked", []byte(ok + "video/mp4\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(video)), 0, "", false},
		{"gzip image not decoded", withLength(ok+"image/svg+xml\r\nContent-Encoding: gzip\r\n", gz), 0, "", false},
		{"page cut at the limit", withLength(ok+"text/html\r\n", []byte(page)), 1000, page[:1000], true},
		{"page one byte past the limit", withLength(ok+"text/html\r\n", []byte(page)), int64(len(page) - 1), page[:len(page)-1], true},
		{"page exactly at the limit", withLength(ok+"text/html\r\n", []byte(page)), int64(len(page)), page, false},
		{"page within the limit", withLength(ok+"text/html\r\n", []byte(page)), 1 << 20, page, false},
		{"gzip page cut after decoding", withLength(ok+"text/html\r\nContent-Encoding: gzip\r\n", gz), 5000, page[:5000], true},
		{"gzip page within the limit", withLength(ok+"text/html\r\nContent-Encoding: gzip\r\n", gz), 1 << 20, page, false},
		{"no limit", withLength(ok+"text/html\r\n", []byte(page)), -1, page, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := exactServer(t, tc.response)
			var asked []string
			tr, got := newRecorded(t, Options{Timeout: time.Minute, ReadLimit: func(resp *http.Response) int64 {
				asked = append(asked, resp.Header.Get("Content-Type"))
				return tc.limit
			}})
			resp, err := get(t, tr, srv.URL+"/")
			if err != nil {
				t.Fatalf("round trip: %v", err)
			}
			read, err := io.ReadAll(resp.Body)
			if err != nil || string(read) != tc.wantRead {
				t.Errorf("caller read %d bytes (%v), want %d", len(read), err, len(tc.wantRead))
			}
			if err := resp.Body.Close(); err != nil {
				t.Fatal(err)
			}
			if len(asked) != 1 {
				t.Errorf("ReadLimit asked %d times, want once", len(asked))
			}
			ex := got.only(t)
			if ex.ReadCut != tc.wantCut || ex.Err != nil || ex.Truncated != "" || ex.DecodeErr != nil {
				t.Errorf("ReadCut %v, Err %v, Truncated %q, DecodeErr %v; want ReadCut %v only",
					ex.ReadCut, ex.Err, ex.Truncated, ex.DecodeErr, tc.wantCut)
			}
			if recorded := spoolBytes(t, ex.Response); !bytes.Equal(recorded, tc.response) {
				t.Errorf("recorded %d bytes, want all %d the server wrote", len(recorded), len(tc.response))
			}
		})
	}
}

// TestReadLimitUnderBodyLimit: a body cut at MaxBodySize is still cut and
// marked so, whatever the caller's limit.
func TestReadLimitUnderBodyLimit(t *testing.T) {
	video := []byte(noise(64 << 10))
	response := withLength("HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\n", video)
	srv := exactServer(t, response)
	tr, got := newRecorded(t, Options{Timeout: time.Minute, MaxBodySize: 1000, ReadLimit: func(*http.Response) int64 { return 0 }})
	resp, err := get(t, tr, srv.URL+"/")
	if err != nil {
		t.Fatalf("round trip: %v", err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	ex := got.only(t)
	if ex.Truncated != TruncatedLength || ex.ReadCut {
		t.Errorf("Truncated %q, ReadCut %v; want length, no read cut", ex.Truncated, ex.ReadCut)
	}
	head := len(response) - len(video)
	if recorded := spoolBytes(t, ex.Response); len(recorded) <= head+1000 || !bytes.HasPrefix(response, recorded) {
		t.Errorf("recorded %d bytes, want the head and a little past 1000 body bytes", len(recorded))
	}
}
