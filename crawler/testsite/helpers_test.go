package testsite

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type response struct {
	status int
	header http.Header
	body   []byte // as sent: content encoding kept, transfer encoding removed
	te     []string
}

// fetch GETs one URL the way arkisto does: no keep-alive, no transparent
// decompression, redirects not followed.
func fetch(t *testing.T, url string, header http.Header) response {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true, DisableCompression: true}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatalf("build request for %s: %v", url, err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("get %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body, te: resp.TransferEncoding}
}

// rawGet sends requests (each a request target) on one TCP connection,
// the last asking to close, and returns every byte the server sent.
func rawGet(t *testing.T, base string, header string, targets ...string) []byte {
	t.Helper()
	host := strings.TrimPrefix(base, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatalf("dial %s: %v", host, err)
	}
	defer conn.Close()
	var req strings.Builder
	for i, target := range targets {
		req.WriteString("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: raw-test\r\n" + header)
		if i == len(targets)-1 {
			req.WriteString("Connection: close\r\n")
		}
		req.WriteString("\r\n")
	}
	if _, err := io.WriteString(conn, req.String()); err != nil {
		t.Fatalf("send requests: %v", err)
	}
	raw, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("read responses: %v", err)
	}
	return raw
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("read gzip: %v", err)
	}
	return out
}
