package capture

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func gzipped(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := io.WriteString(zw, s); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return b.String()
}

func TestRecordsExactBytes(t *testing.T) {
	gz := gzipped(t, "<html>compressed</html>")
	tests := []struct {
		name     string
		method   string
		body     string
		header   http.Header
		interim  string // written after the request head, before its body is read
		response string
		wantBody string // what the caller reads
	}{
		{
			name:     "content-length",
			method:   http.MethodGet,
			response: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-TYPE: text/plain\r\n\r\nhello",
			wantBody: "hello",
		},
		{
			name:     "chunked with trailer",
			method:   http.MethodGet,
			response: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n",
			wantBody: "hello world",
		},
		{
			name:     "gzip recorded encoded, decoded for the caller",
			method:   http.MethodGet,
			header:   http.Header{"Accept-Encoding": {"gzip"}},
			response: "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + strconv.Itoa(len(gz)) + "\r\n\r\n" + gz,
			wantBody: "<html>compressed</html>",
		},
		{
			name:     "body ends at close",
			method:   http.MethodGet,
			response: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the server closes",
			wantBody: "until the server closes",
		},
		{
			name:     "head",
			method:   http.MethodHead,
			response: "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nContent-Type: text/html\r\n\r\n",
			wantBody: "",
		},
		{
			name:     "redirect returned, not followed",
			method:   http.MethodGet,
			response: "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n",
			wantBody: "",
		},
		{
			name:     "100-continue then 200",
			method:   http.MethodPost,
			body:     "q=arkisto",
			header:   http.Header{"Expect": {"100-continue"}, "Content-Type": {"application/x-www-form-urlencoded"}},
			interim:  "HTTP/1.1 100 Continue\r\n\r\n",
			response: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
			wantBody: "ok",
		},
		{
			name:     "103 early hints then 200",
			method:   http.MethodGet,
			interim:  "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n",
			response: "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\npage",
			wantBody: "page",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := startRaw(t, nil, func(conn net.Conn, req *http.Request) {
				_, _ = io.WriteString(conn, tc.interim)
				writeRaw(tc.response)(conn, req)
			})
			tr, got := newRecorded(t, Options{Timeout: 10 * time.Second})

			var reqBody io.Reader
			if tc.body != "" {
				reqBody = strings.NewReader(tc.body)
			}
			req, err := http.NewRequestWithContext(context.Background(), tc.method, srv.url()+"/path?x=1", reqBody)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.header {
				req.Header[k] = v
			}
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatalf("round trip: %v", err)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatalf("read body: %v", err)
			}
			if string(body) != tc.wantBody {
				t.Errorf("caller read %q, want %q", body, tc.wantBody)
			}
			if len(got.all()) != 1 {
				t.Fatalf("OnExchange called %d times after EOF, want 1", len(got.all()))
			}
			for range 2 { // closing again and reading after the end report nothing more
				if err := resp.Body.Close(); err != nil {
					t.Errorf("close body: %v", err)
				}
				if n, err := resp.Body.Read(make([]byte, 8)); n != 0 || err != io.EOF {
					t.Errorf("read after close = %d, %v; want 0, EOF", n, err)
				}
			}

			ex := got.only(t)
			if want := <-srv.received; !bytes.Equal(ex.RawRequest, want) {
				t.Errorf("recorded request\n%q\nserver received\n%q", ex.RawRequest, want)
			}
			if got, want := string(spoolBytes(t, ex.Response)), tc.interim+tc.response; got != want {
				t.Errorf("recorded response\n%q\nserver wrote\n%q", got, want)
			}
			if ex.IP != "127.0.0.1" || ex.Err != nil || ex.Truncated != "" || ex.Request != req {
				t.Errorf("exchange IP %q, Err %v, Truncated %q, same request %v", ex.IP, ex.Err, ex.Truncated, ex.Request == req)
			}
			if !bytes.Contains(ex.RawRequest, []byte("\r\nConnection: close\r\n")) {
				t.Errorf("request does not ask to close the connection:\n%s", ex.RawRequest)
			}
		})
	}
}
