package warc

import (
	"bytes"
	"errors"
	"testing"
)

// The writer tests use what Go's server sends; these hand-made messages
// cover framing other servers produce.
func TestScanResponse(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		block       string
		wantPayload *string // nil: no payload digest
		wantStatus  int
		wantMIME    string
	}{
		{name: "chunk extensions and trailer", method: "GET",
			block:       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: Text/HTML; charset=UTF-8\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nExpires: never\r\n\r\n",
			wantPayload: strPtr("Wikipedia"), wantStatus: 200, wantMIME: "Text/HTML"},
		{name: "bytes after content-length", method: "GET",
			block:       "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\ngone!extra",
			wantPayload: strPtr("gone!"), wantStatus: 404},
		{name: "close delimited http/1.0", method: "GET",
			block:       "HTTP/1.0 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n",
			wantPayload: strPtr("\x89PNG\r\n"), wantStatus: 200, wantMIME: "image/png"},
		{name: "103 early hints then 301", method: "GET",
			block:       "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 301 Moved Permanently\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n",
			wantPayload: strPtr(""), wantStatus: 301},
		{name: "101 switching protocols is final", method: "GET",
			block:       "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05hello",
			wantPayload: strPtr(""), wantStatus: 101},
		{name: "head with content-length", method: "HEAD",
			block:       "HTTP/1.1 200 OK\r\nContent-Length: 12345\r\nContent-Type: text/html\r\n\r\n",
			wantPayload: strPtr(""), wantStatus: 200, wantMIME: "text/html"},
		{name: "chunked cut mid-chunk", method: "GET",
			block:       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\nwor",
			wantPayload: strPtr("hellowor"), wantStatus: 200},
		{name: "broken chunk framing", method: "GET",
			block:      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
			wantStatus: 200},
		{name: "malformed content type keeps its type", method: "GET",
			block:       "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset\r\nContent-Length: 2\r\n\r\nhi",
			wantPayload: strPtr("hi"), wantStatus: 200, wantMIME: "text/html"},
		{name: "status line only", method: "GET", block: "HTTP/1.1 200 OK\r\n"},
		{name: "not http", method: "GET", block: "SSH-2.0-OpenSSH_9.6\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			facts, err := scanResponse(bytes.NewReader([]byte(tc.block)), tc.method, nil)
			if err != nil {
				t.Fatal(err)
			}
			wantPayload := ""
			if tc.wantPayload != nil {
				wantPayload = sha1Base32([]byte(*tc.wantPayload))
			}
			if facts.blockDigest != sha1Base32([]byte(tc.block)) || facts.payloadDigest != wantPayload ||
				facts.status != tc.wantStatus || facts.mime != tc.wantMIME {
				t.Errorf("got %+v, want payload %q status %d mime %q", facts, wantPayload, tc.wantStatus, tc.wantMIME)
			}
		})
	}
}

func TestScanRequest(t *testing.T) {
	tests := []struct {
		name        string
		block       string
		wantPayload *string
		wantMethod  string
		wantMIME    string
	}{
		{name: "get", block: "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n", wantMethod: "GET"},
		{name: "post form", block: "POST /f HTTP/1.1\r\nHost: a.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\nq=uutis",
			wantPayload: strPtr("q=uutis"), wantMethod: "POST", wantMIME: "application/x-www-form-urlencoded"},
		{name: "chunked upload", block: "PUT /u HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
			wantPayload: strPtr("abc"), wantMethod: "PUT"},
		{name: "bad header keeps method", block: "HEAD /x HTTP/1.1\r\nno colon here\r\n\r\n", wantMethod: "HEAD"},
		{name: "garbage", block: "\x00\x01\x02", wantMethod: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			facts, err := scanRequest(bytes.NewReader([]byte(tc.block)), nil)
			if err != nil {
				t.Fatal(err)
			}
			wantPayload := ""
			if tc.wantPayload != nil {
				wantPayload = sha1Base32([]byte(*tc.wantPayload))
			}
			if facts.blockDigest != sha1Base32([]byte(tc.block)) || facts.payloadDigest != wantPayload ||
				facts.method != tc.wantMethod || facts.mime != tc.wantMIME || facts.status != 0 {
				t.Errorf("got %+v, want payload %q method %q mime %q", facts, wantPayload, tc.wantMethod, tc.wantMIME)
			}
		})
	}
}

// A block that cannot be read is an error, never a short block digest.
func TestScanResponseReadError(t *testing.T) {
	block := []byte("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + string(make([]byte, 100000)))
	fb := &failingBlock{Reader: bytes.NewReader(block), failAfter: 70000, passes: 1}
	if _, err := scanResponse(fb, "GET", nil); !errors.Is(err, errDiskRead) {
		t.Errorf("error %v, want errDiskRead", err)
	}
}

func FuzzScanResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n0\r\n\r\n"), false)
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), false)
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"), true)
	f.Add([]byte("\x16\x03\x01"), false)
	f.Fuzz(func(t *testing.T, block []byte, head bool) {
		method := "GET"
		if head {
			method = "HEAD"
		}
		facts, err := scanResponse(bytes.NewReader(block), method, nil)
		if err != nil {
			t.Fatal(err)
		}
		if facts.blockDigest != sha1Base32(block) {
			t.Errorf("block digest %q, want %q", facts.blockDigest, sha1Base32(block))
		}
		if facts.payloadDigest != "" && facts.status == 0 {
			t.Errorf("payload digest %q without a parsed status", facts.payloadDigest)
		}
	})
}

func strPtr(s string) *string { return &s }
