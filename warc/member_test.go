package warc

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A payload that is already compressed goes into the member as stored
// blocks, verbatim, after the record and HTTP headers deflated; a text
// payload is deflated whole. Either way an independent reader (the
// standard library's gzip) gets back exactly the record.
func TestWriterStoresCompressedPayloads(t *testing.T) {
	noise := make([]byte, 150_000) // three stored blocks
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	page := testPage()
	text := []byte(hex.EncodeToString(noise)) // compresses to about half, into bytes that look random
	tests := []struct {
		name, headers string
		body          []byte
		stored        bool
	}{
		{"jpeg", "Content-Type: image/jpeg\r\n", noise, true},
		{"gzip-encoded page", "Content-Type: text/html\r\nContent-Encoding: gzip\r\n", gzipBytes(t, text), true},
		{"video, chunked", "Content-Type: video/mp4\r\nTransfer-Encoding: chunked\r\n", chunked(noise[:70_000]), true},
		{"html", "Content-Type: text/html; charset=utf-8\r\n", page, false},
		{"wav", "Content-Type: audio/wav\r\n", page, false},
		// What the type claims is checked: zeros (as test servers send for
		// video) and text are deflated, whatever their label.
		{"video of zeros", "Content-Type: video/mp4\r\n", make([]byte, 100_000), false},
		{"text labelled jpeg", "Content-Type: image/jpeg\r\n", page, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\n%sContent-Length: %d\r\n\r\n", tc.headers, len(tc.body)))
			if bytes.Contains([]byte(tc.headers), []byte("chunked")) {
				resp = []byte("HTTP/1.1 200 OK\r\n" + tc.headers + "\r\n")
			}
			resp = append(resp, tc.body...)
			dir := t.TempDir()
			w := newTestWriter(t, Options{Dir: dir})
			ex := Exchange{TargetURI: "http://example.com/x", IP: "127.0.0.1", Date: time.Now(),
				Request: []byte("GET /x HTTP/1.1\r\nHost: example.com\r\n\r\n"), Response: bytes.NewReader(resp)}
			written, _, err := w.WriteExchange(ex)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, written.File)
			var got *handRecord
			for _, r := range readMembersByHand(t, path) {
				if r.get("WARC-Type") == "response" {
					got = &r
				}
			}
			if got == nil || !bytes.Equal(got.block, resp) {
				t.Fatalf("the response record read back does not hold the response")
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			member := raw[written.Offset : written.Offset+written.Length]
			// The body's bytes, verbatim, only when stored; the headers never.
			if verbatim := bytes.Contains(member, tc.body[len(tc.body)/2:len(tc.body)/2+2000]); verbatim != tc.stored {
				t.Errorf("body verbatim in the member: %v, want %v", verbatim, tc.stored)
			}
			if deflated := written.Length < int64(len(resp))/2; deflated == tc.stored {
				t.Errorf("member of %d bytes for a response of %d: deflated %v, want %v", written.Length, len(resp), deflated, !tc.stored)
			}
			if bytes.Contains(member, []byte("WARC-Target-URI: ")) || bytes.Contains(member, []byte("HTTP/1.1 200 OK")) {
				t.Errorf("record or HTTP headers stored verbatim: they should be deflated")
			}
		})
	}
}

// chunked frames p as a chunked HTTP body, 10,000 bytes a chunk.
func chunked(p []byte) []byte {
	var b bytes.Buffer
	for len(p) > 0 {
		n := min(len(p), 10_000)
		fmt.Fprintf(&b, "%x\r\n%s\r\n", n, p[:n])
		p = p[n:]
	}
	b.WriteString("0\r\n\r\n")
	return b.Bytes()
}

func TestAlreadyCompressed(t *testing.T) {
	tests := []struct {
		mime, coding string
		want         bool
	}{
		{"image/jpeg", "", true},
		{"IMAGE/PNG", "", true},
		{"image/webp", "", true},
		{"font/woff2", "", true},
		{"video/mp4", "", true},
		{"audio/mpeg", "", true},
		{"application/zip", "", true},
		{"text/html", "gzip", true},
		{"text/css", " BR ", true},
		{"text/html", "identity", false},
		{"text/html", "", false},
		{"image/svg+xml", "", false},
		{"image/x-icon", "", false},
		{"application/pdf", "", false},
		{"audio/wav", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := alreadyCompressed(tt.mime, tt.coding); got != tt.want {
			t.Errorf("alreadyCompressed(%q, %q) = %v, want %v", tt.mime, tt.coding, got, tt.want)
		}
	}
}
