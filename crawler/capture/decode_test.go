package capture

import (
	"bytes"
	"cmp"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// exactServer is an httptest server that answers every request with
// exactly response, then closes the connection, so that the record can be
// compared with what the server wrote byte for byte.
func exactServer(t *testing.T, response []byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		defer func() { _ = conn.Close() }()
		_, _ = conn.Write(response)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// compress encodes s with the writer new makes.
func compress(t *testing.T, s string, newWriter func(io.Writer) io.WriteCloser) []byte {
	t.Helper()
	var b bytes.Buffer
	w := newWriter(&b)
	if _, err := io.WriteString(w, s); err != nil {
		t.Fatalf("compress: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("compress: %v", err)
	}
	return b.Bytes()
}

func gzipWriter(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) }
func zlibWriter(w io.Writer) io.WriteCloser { return zlib.NewWriter(w) }
func flateWriter(w io.Writer) io.WriteCloser {
	fw, _ := flate.NewWriter(w, flate.DefaultCompression) // fails only on a bad level
	return fw
}

// unfinishedGzip returns the start of a gzip stream that decodes to good
// and has not ended: a flush ends its last block on a byte boundary.
func unfinishedGzip(t *testing.T, good string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := io.WriteString(zw, good); err != nil {
		t.Fatal(err)
	}
	if err := zw.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// corruptGzip returns a gzip stream whose first part decodes to good and
// is followed by a deflate block of reserved type, which every decoder
// rejects.
func corruptGzip(t *testing.T, good string) []byte {
	t.Helper()
	return append(unfinishedGzip(t, good), 0xff, 0xff, 0xff, 0xff)
}

// noise returns n bytes of hex text that compress about two to one.
func noise(n int) string {
	b := make([]byte, n/2)
	_, _ = rand.NewChaCha8([32]byte{1}).Read(b) // never fails
	return hex.EncodeToString(b)
}

func isCorrupt(err error) bool {
	var c flate.CorruptInputError
	return errors.As(err, &c)
}

func is(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

// gzipBomb returns members concatenated gzip members, each inflating to 1
// MiB of zeros: about 1 KiB per MiB, deflate's best ratio. Concatenated
// members decode as one body (RFC 1952 2.2, Go's gzip.Reader); compressing
// a gigabyte as a single member takes minutes under -race.
func gzipBomb(t *testing.T, members int) []byte {
	t.Helper()
	var member bytes.Buffer
	zw, err := gzip.NewWriterLevel(&member, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.Repeat(member.Bytes(), members)
}

func withLength(head string, body []byte) []byte {
	return append([]byte(head+"Content-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"), body...)
}

func TestDecodedBody(t *testing.T) {
	const page = "<html><body>" + "a page worth compressing, " + "a page worth compressing" + "</body></html>"
	const ok = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
	gz := compress(t, page, gzipWriter)
	long := strings.Repeat("0123456789", 1000)
	longGz := compress(t, long, gzipWriter)
	text := noise(8000)
	badCRC := bytes.Clone(gz)
	badCRC[len(badCRC)-5] ^= 0xff // the last byte of the CRC-32 in the trailer
	tests := []struct {
		name     string
		method   string
		path     string
		response []byte // exactly what the server writes
		opts     Options

		wantRead      string    // all the caller reads
		readPrefix    bool      // the caller reads a non-empty prefix of wantRead instead
		wantReadKind  ErrorKind // ErrorKind of the caller's read error; "" for a clean EOF
		wantEncoding  string    // Content-Encoding the caller sees
		wantLength    int64     // resp.ContentLength
		wantCut       bool
		decodeErr     func(error) bool // nil: DecodeErr must be nil
		wantTruncated string
		wantErrKind   ErrorKind
	}{
		{
			name:     "gzip page",
			response: withLength(ok+"Content-Encoding: gzip\r\n", gz),
			wantRead: page, wantLength: -1,
		},
		{
			name:     "x-gzip chunked",
			response: []byte(ok + "Content-Encoding: X-Gzip\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(gz)),
			wantRead: page, wantLength: -1,
		},
		{
			name:     "deflate as zlib",
			response: withLength(ok+"Content-Encoding: deflate\r\n", compress(t, page, zlibWriter)),
			wantRead: page, wantLength: -1,
		},
		{
			name:     "deflate as raw deflate",
			response: withLength(ok+"Content-Encoding: deflate\r\n", compress(t, page, flateWriter)),
			wantRead: page, wantLength: -1,
		},
		{
			name:     "sitemap .xml.gz without content-encoding passes through",
			path:     "/sitemap.xml.gz",
			response: withLength("HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\n", gz),
			wantRead: string(gz), wantLength: int64(len(gz)),
		},
		{
			name:     "brotli passes through",
			response: withLength(ok+"Content-Encoding: br\r\n", []byte("not really brotli")),
			wantRead: "not really brotli", wantEncoding: "br", wantLength: 17,
		},
		{
			name:         "head keeps its headers",
			method:       http.MethodHead,
			response:     []byte(ok + "Content-Encoding: gzip\r\nContent-Length: 1234\r\n\r\n"),
			wantEncoding: "gzip", wantLength: 1234,
		},
		{
			name:     "decoded exactly at the limit is not cut",
			response: withLength(ok+"Content-Encoding: gzip\r\n", gz),
			opts:     Options{MaxDecodedSize: int64(len(page))},
			wantRead: page, wantLength: -1,
		},
		{
			name:     "decoded past the limit is cut",
			response: withLength(ok+"Content-Encoding: gzip\r\n", longGz),
			opts:     Options{MaxDecodedSize: 100},
			wantRead: long[:100], wantLength: -1, wantCut: true,
		},
		{
			name:     "negative limit decodes everything",
			response: withLength(ok+"Content-Encoding: gzip\r\n", longGz),
			opts:     Options{MaxDecodedSize: -1},
			wantRead: long, wantLength: -1,
		},
		{
			name:     "corrupt stream gives the good prefix",
			response: withLength(ok+"Content-Encoding: gzip\r\n", corruptGzip(t, page)),
			wantRead: page, wantLength: -1, decodeErr: isCorrupt,
		},
		{
			name:     "bad checksum",
			response: withLength(ok+"Content-Encoding: gzip\r\n", badCRC),
			wantRead: page, wantLength: -1, decodeErr: is(gzip.ErrChecksum),
		},
		{
			name:     "garbage after the gzip member",
			response: withLength(ok+"Content-Encoding: gzip\r\n", append(bytes.Clone(gz), "<!-- trailing -->"...)),
			wantRead: page, wantLength: -1, decodeErr: is(gzip.ErrHeader),
		},
		{
			name:     "gzip stream ends early",
			response: withLength(ok+"Content-Encoding: gzip\r\n", unfinishedGzip(t, page)),
			wantRead: page, wantLength: -1, decodeErr: is(io.ErrUnexpectedEOF),
		},
		{
			name:       "empty chunked gzip body",
			response:   []byte(ok + "Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
			wantLength: -1,
		},
		{
			name:     "raw body cut at MaxBodySize",
			response: withLength(ok+"Content-Encoding: gzip\r\n", compress(t, text, gzipWriter)),
			opts:     Options{MaxBodySize: 100},
			wantRead: text, readPrefix: true, wantLength: -1, wantTruncated: TruncatedLength, wantErrKind: "too-large",
		},
		{
			name:     "connection closed mid-stream",
			response: []byte(ok + "Content-Encoding: gzip\r\nContent-Length: 100000\r\n\r\n" + string(unfinishedGzip(t, page))),
			wantRead: page, wantReadKind: "reset", wantLength: -1, wantTruncated: TruncatedDisconnect, wantErrKind: "reset",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := exactServer(t, tc.response)
			tc.opts.Timeout = 10 * time.Second
			tr, got := newRecorded(t, tc.opts)
			req, err := http.NewRequestWithContext(t.Context(), cmp.Or(tc.method, http.MethodGet), srv.URL+cmp.Or(tc.path, "/"), nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Accept-Encoding", "gzip, deflate")

			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatalf("round trip: %v", err)
			}
			read, err := io.ReadAll(resp.Body)
			if kind := KindOf(err); kind != tc.wantReadKind {
				t.Errorf("caller read error %v has kind %q, want %q", err, kind, tc.wantReadKind)
			}
			if err := resp.Body.Close(); err != nil {
				t.Fatal(err)
			}
			if tc.readPrefix {
				if len(read) == 0 || !strings.HasPrefix(tc.wantRead, string(read)) {
					t.Errorf("caller read %d bytes %.60q, want a prefix of %.60q", len(read), read, tc.wantRead)
				}
			} else if string(read) != tc.wantRead {
				t.Errorf("caller read %d bytes %.60q, want %d bytes %.60q", len(read), read, len(tc.wantRead), tc.wantRead)
			}
			if ce := resp.Header.Get("Content-Encoding"); ce != tc.wantEncoding || resp.ContentLength != tc.wantLength {
				t.Errorf("caller sees Content-Encoding %q, length %d; want %q, %d", ce, resp.ContentLength, tc.wantEncoding, tc.wantLength)
			}
			if tc.wantLength < 0 && resp.Header.Get("Content-Length") != "" {
				t.Errorf("caller sees Content-Length %q of the encoded body", resp.Header.Get("Content-Length"))
			}
			if !resp.Uncompressed {
				t.Error("Uncompressed is false: colly would gunzip the body again, unbounded")
			}

			ex := got.only(t)
			if ex.ReadCut != tc.wantCut {
				t.Errorf("ReadCut %v, want %v", ex.ReadCut, tc.wantCut)
			}
			if tc.decodeErr == nil && ex.DecodeErr != nil || tc.decodeErr != nil && !tc.decodeErr(ex.DecodeErr) {
				t.Errorf("DecodeErr %v is not the one expected", ex.DecodeErr)
			}
			if ex.Truncated != tc.wantTruncated || KindOf(ex.Err) != tc.wantErrKind {
				t.Errorf("Truncated %q, Err %v (kind %q); want %q, %q", ex.Truncated, ex.Err, KindOf(ex.Err), tc.wantTruncated, tc.wantErrKind)
			}
			recorded := spoolBytes(t, ex.Response)
			if tc.wantTruncated == TruncatedLength {
				if !bytes.HasPrefix(tc.response, recorded) || len(recorded) >= len(tc.response) {
					t.Errorf("recorded %d bytes, want a strict prefix of the %d the server wrote", len(recorded), len(tc.response))
				}
				return
			}
			if !bytes.Equal(recorded, tc.response) {
				t.Errorf("recorded response differs from what the server wrote:\n%q\n%q", recorded, tc.response)
			}
		})
	}
}

// TestGzipBomb sends 1 GiB of zeros gzipped into about 1 MiB.
func TestGzipBomb(t *testing.T) {
	const limit = 1 << 20
	bomb := gzipBomb(t, 1024)
	response := withLength("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n", bomb)
	srv := exactServer(t, response)
	tr, got := newRecorded(t, Options{MaxDecodedSize: limit, Timeout: time.Minute})

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	resp, err := get(t, tr, srv.URL+"/bomb")
	if err != nil {
		t.Fatalf("round trip: %v", err)
	}
	read, err := io.Copy(io.Discard, resp.Body)
	if err != nil || read != limit {
		t.Errorf("caller read %d bytes, %v; want %d and a clean EOF", read, err, limit)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	// Decoding all of it in memory, as colly would, allocates over 1 GiB.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("allocated %d MiB for a body cut at 1 MiB", alloc>>20)
	}

	ex := got.only(t)
	if !ex.ReadCut || ex.DecodeErr != nil || ex.Err != nil || ex.Truncated != "" {
		t.Errorf("ReadCut %v, DecodeErr %v, Err %v, Truncated %q; want only ReadCut", ex.ReadCut, ex.DecodeErr, ex.Err, ex.Truncated)
	}
	if recorded := spoolBytes(t, ex.Response); !bytes.Equal(recorded, response) {
		t.Errorf("recorded %d bytes, want all %d the server wrote", len(recorded), len(response))
	}
}

// chunked frames b as one chunk and the last chunk.
func chunked(b []byte) string {
	return strconv.FormatInt(int64(len(b)), 16) + "\r\n" + string(b) + "\r\n0\r\n\r\n"
}
