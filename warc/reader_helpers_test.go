package warc

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/base32"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Test WARC files are built by hand here, byte by byte, so that faults can
// be planted exactly and the tests do not lean on the package's writer.

// recSpec is one record to build. Headers are "Name: value" lines; Content-Length
// is added from the block unless a header sets it or noLength is true.
type recSpec struct {
	version  string // first line without CRLF; "WARC/1.1" when empty
	headers  []string
	block    string
	end      string // what follows the block; CRLFCRLF when empty
	noLength bool
	rawFirst string // when set, replaces the whole first line including its end
}

func (r recSpec) bytes() []byte {
	var b bytes.Buffer
	switch {
	case r.rawFirst != "":
		b.WriteString(r.rawFirst)
	case r.version != "":
		b.WriteString(r.version + "\r\n")
	default:
		b.WriteString("WARC/1.1\r\n")
	}
	hasLength := false
	for _, h := range r.headers {
		b.WriteString(h + "\r\n")
		if strings.HasPrefix(strings.ToLower(h), "content-length:") {
			hasLength = true
		}
	}
	if !hasLength && !r.noLength {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(r.block))
	}
	b.WriteString("\r\n" + r.block)
	if r.end == "" {
		b.WriteString(crlfcrlf)
	} else if r.end != "none" {
		b.WriteString(r.end)
	}
	return b.Bytes()
}

func gz(parts ...[]byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	for _, p := range parts {
		w.Write(p)
	}
	w.Close()
	return b.Bytes()
}

func writeFile(t *testing.T, name string, parts ...[]byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, bytes.Join(parts, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func sha1b32(s string) string {
	sum := sha1.Sum([]byte(s))
	return "sha1:" + base32.StdEncoding.EncodeToString(sum[:])
}

const testDate = "2024-05-06T07:08:09Z"

func warcinfo() recSpec {
	block := "software: hand-built\r\n"
	return recSpec{headers: []string{
		"WARC-Type: warcinfo",
		"WARC-Record-ID: <urn:uuid:11111111-0000-4000-8000-000000000000>",
		"WARC-Date: " + testDate,
		"Content-Type: application/warc-fields",
		"WARC-Block-Digest: " + sha1b32(block),
	}, block: block}
}

// response builds a response record with correct digests for an HTTP
// message whose de-chunked body is body.
func response(id, uri, httpMsg, body string, extra ...string) recSpec {
	h := []string{
		"WARC-Type: response",
		"WARC-Record-ID: <urn:uuid:" + id + ">",
		"WARC-Date: " + testDate,
		"WARC-Target-URI: " + uri,
		"Content-Type: application/http; msgtype=response",
		"WARC-Block-Digest: " + sha1b32(httpMsg),
		"WARC-Payload-Digest: " + sha1b32(body),
	}
	return recSpec{headers: append(h, extra...), block: httpMsg}
}

func request(id, uri, httpMsg string, extra ...string) recSpec {
	h := []string{
		"WARC-Type: request",
		"WARC-Record-ID: <urn:uuid:" + id + ">",
		"WARC-Date: " + testDate,
		"WARC-Target-URI: " + uri,
		"Content-Type: application/http; msgtype=request",
		"WARC-Block-Digest: " + sha1b32(httpMsg),
	}
	return recSpec{headers: append(h, extra...), block: httpMsg}
}

// without returns r with the header named name left out.
func (r recSpec) without(name string) recSpec {
	var h []string
	for _, l := range r.headers {
		if !strings.HasPrefix(strings.ToLower(l), strings.ToLower(name)+":") {
			h = append(h, l)
		}
	}
	r.headers = h
	return r
}

// with returns r with the header named name set to value.
func (r recSpec) with(name, value string) recSpec {
	r = r.without(name)
	r.headers = append(r.headers, name+": "+value)
	return r
}

const okHTML = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello"
