package capture

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// answer is what the keep-alive server does with one request.
type answer struct {
	response string // written as it is
	close    bool   // close the connection after writing response ("" closes without answering)
}

// served is one request as the keep-alive server saw it.
type served struct {
	conn     int    // which connection, counted from 1 in accept order
	request  []byte // every byte received for it
	response string // every byte written for it
}

// keepAliveServer answers any number of requests per connection, one after
// the other, as a script says, and keeps what crossed the wire per request.
type keepAliveServer struct {
	ln       net.Listener
	accepted func() int // connections so far
	script   func(req *http.Request) answer

	mu     sync.Mutex
	served map[string][]served // by request path, in arrival order
}

func startKeepAlive(t *testing.T, tlsCfg *tls.Config, script func(*http.Request) answer) *keepAliveServer {
	t.Helper()
	s := &keepAliveServer{script: script, served: map[string][]served{}}
	s.ln, s.accepted = serveConns(t, tlsCfg, s.serve)
	return s
}

func (s *keepAliveServer) serve(conn net.Conn, n int) {
	defer func() { _ = conn.Close() }()
	var got bytes.Buffer
	br := bufio.NewReader(io.TeeReader(conn, &got))
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, req.Body)
		a := s.script(req)
		s.mu.Lock()
		s.served[req.URL.Path] = append(s.served[req.URL.Path], served{conn: n, request: bytes.Clone(got.Bytes()), response: a.response})
		s.mu.Unlock()
		got.Reset()
		if _, err := io.WriteString(conn, a.response); err != nil || a.close {
			return
		}
	}
}

// last returns the latest request the server got for path.
func (s *keepAliveServer) last(t *testing.T, path string) served {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.served[path]
	if len(list) == 0 {
		t.Fatalf("server never got %s", path)
	}
	return list[len(list)-1]
}

func (s *keepAliveServer) connections() int { return s.accepted() }

// fetch sends one request and reads its body to the end.
func fetch(t *testing.T, tr *Transport, method, url string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	drain(t, resp)
}

// checkExact asserts that every exchange holds exactly the bytes the server
// got and wrote for its request, the last time it got it.
func checkExact(t *testing.T, srv *keepAliveServer, list []*Exchange) {
	t.Helper()
	for _, ex := range list {
		want := srv.last(t, ex.Request.URL.Path)
		if !bytes.Equal(ex.RawRequest, want.request) {
			t.Errorf("%s: recorded request\n%q\nserver got\n%q", ex.Request.URL.Path, ex.RawRequest, want.request)
		}
		if got := string(spoolBytes(t, ex.Response)); got != want.response {
			t.Errorf("%s: recorded response\n%q\nserver wrote\n%q", ex.Request.URL.Path, got, want.response)
		}
		if ex.IP != "127.0.0.1" {
			t.Errorf("%s: IP %q", ex.Request.URL.Path, ex.IP)
		}
		if bytes.Contains(ex.RawRequest, []byte("Connection: close")) {
			t.Errorf("%s: request asks to close a kept connection", ex.Request.URL.Path)
		}
	}
}

// TestKeepAliveSplitsExchanges sends requests one after the other over kept
// connections: each exchange records exactly its own bytes, whatever frames
// the body, and a connection is reused unless the response forbids it.
func TestKeepAliveSplitsExchanges(t *testing.T) {
	responses := map[string]answer{
		"/length":    {response: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"},
		"/chunked":   {response: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n"},
		"/head":      {response: "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"},
		"/empty":     {response: "HTTP/1.1 204 No Content\r\n\r\n"},
		"/not-mod":   {response: "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n"},
		"/hints":     {response: "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\npage"},
		"/redirect":  {response: "HTTP/1.1 301 Moved Permanently\r\nLocation: /length\r\nContent-Length: 0\r\n\r\n"},
		"/until-eof": {response: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nthe body ends when the server closes", close: true},
		"/close":     {response: "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", close: true},
	}
	tests := []struct {
		name      string
		requests  []string // "METHOD /path"
		wantConns int
	}{
		{"all framings on one connection", []string{"GET /length", "GET /chunked", "HEAD /head", "GET /empty", "GET /not-mod", "GET /hints", "GET /redirect"}, 1},
		{"body delimited by close", []string{"GET /length", "GET /until-eof", "GET /chunked"}, 2},
		{"connection: close", []string{"GET /close", "GET /length", "GET /close", "GET /chunked"}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := startKeepAlive(t, nil, func(r *http.Request) answer { return responses[r.URL.Path] })
			tr, got := newRecorded(t, Options{KeepAlive: true, Timeout: 10 * time.Second})
			for _, r := range tc.requests {
				method, path, _ := strings.Cut(r, " ")
				fetch(t, tr, method, "http://"+srv.ln.Addr().String()+path)
			}
			list := got.all()
			if len(list) != len(tc.requests) {
				t.Fatalf("%d exchanges, want %d", len(list), len(tc.requests))
			}
			checkExact(t, srv, list)
			for _, ex := range list {
				if ex.Err != nil || ex.Truncated != "" {
					t.Errorf("%s: Err %v, Truncated %q", ex.Request.URL.Path, ex.Err, ex.Truncated)
				}
			}
			if n := srv.connections(); n != tc.wantConns {
				t.Errorf("%d connections, want %d", n, tc.wantConns)
			}
		})
	}
}

// TestKeepAliveRetryKeepsLastAttempt has the server close a kept connection
// after reading the next request, without answering: net/http sends the
// request again on a new connection, and the exchange holds that attempt
// alone.
func TestKeepAliveRetryKeepsLastAttempt(t *testing.T) {
	var mu sync.Mutex
	seen := 0
	srv := startKeepAlive(t, nil, func(r *http.Request) answer {
		mu.Lock()
		defer mu.Unlock()
		seen++
		if seen == 2 { // the first try of /second, on the kept connection
			return answer{close: true}
		}
		return answer{response: fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n%d", seen)}
	})
	tr, got := newRecorded(t, Options{KeepAlive: true, Timeout: 10 * time.Second})
	base := "http://" + srv.ln.Addr().String()
	fetch(t, tr, http.MethodGet, base+"/first")
	fetch(t, tr, http.MethodGet, base+"/second")

	list := got.all()
	if len(list) != 2 {
		t.Fatalf("%d exchanges, want 2", len(list))
	}
	checkExact(t, srv, list)
	srv.mu.Lock()
	tries := srv.served["/second"]
	srv.mu.Unlock()
	if len(tries) != 2 || tries[0].conn != 1 || tries[1].conn != 2 {
		t.Fatalf("server saw /second %d times, want once on each connection", len(tries))
	}
	if got := string(spoolBytes(t, list[1].Response)); got != tries[1].response {
		t.Errorf("retried exchange recorded %q, want the second attempt's %q", got, tries[1].response)
	}
}

// TestKeepAliveAfterCutBody cuts a body at MaxBodySize: that connection is
// closed, and the next exchange goes out on a new one, recorded exactly.
func TestKeepAliveAfterCutBody(t *testing.T) {
	big := strings.Repeat("x", 5000)
	srv := startKeepAlive(t, nil, func(r *http.Request) answer {
		if r.URL.Path == "/big" {
			return answer{response: fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(big), big)}
		}
		return answer{response: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nsmall"}
	})
	tr, got := newRecorded(t, Options{KeepAlive: true, MaxBodySize: 1000, Timeout: 10 * time.Second})
	base := "http://" + srv.ln.Addr().String()
	fetch(t, tr, http.MethodGet, base+"/small")
	fetch(t, tr, http.MethodGet, base+"/big")
	fetch(t, tr, http.MethodGet, base+"/small2")

	list := got.all()
	if len(list) != 3 {
		t.Fatalf("%d exchanges, want 3", len(list))
	}
	if list[1].Truncated != TruncatedLength {
		t.Errorf("big body Truncated %q, want %q", list[1].Truncated, TruncatedLength)
	}
	checkExact(t, srv, []*Exchange{list[0], list[2]})
	if n := srv.connections(); n != 2 {
		t.Errorf("%d connections, want 2: the cut one closed, the next new", n)
	}
}

// TestKeepAliveTLS reuses a TLS connection; both exchanges hold plaintext.
func TestKeepAliveTLS(t *testing.T) {
	serverCfg, clientCfg := borrowTLS(t)
	srv := startKeepAlive(t, serverCfg, func(r *http.Request) answer {
		return answer{response: "HTTP/1.1 200 OK\r\nContent-Length: " + fmt.Sprint(len(r.URL.Path)) + "\r\n\r\n" + r.URL.Path}
	})
	tr, got := newRecorded(t, Options{KeepAlive: true, TLSConfig: clientCfg, Timeout: 10 * time.Second})
	for _, p := range []string{"/one", "/two", "/three"} {
		fetch(t, tr, http.MethodGet, "https://"+srv.ln.Addr().String()+p)
	}
	checkExact(t, srv, got.all())
	if n := srv.connections(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}

// TestKeepAliveConcurrent shares one transport between goroutines: kept
// connections pass from one exchange to another, and each exchange still
// holds its own request and response.
func TestKeepAliveConcurrent(t *testing.T) {
	srv := startKeepAlive(t, nil, func(r *http.Request) answer {
		return answer{response: "HTTP/1.1 200 OK\r\nContent-Length: " + fmt.Sprint(len(r.URL.Path)) + "\r\n\r\n" + r.URL.Path}
	})
	tr, got := newRecorded(t, Options{KeepAlive: true, Timeout: 10 * time.Second})
	base := "http://" + srv.ln.Addr().String()
	const workers, each = 4, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				fetch(t, tr, http.MethodGet, fmt.Sprintf("%s/w%d/r%d", base, w, i))
			}
		})
	}
	wg.Wait()
	list := got.all()
	if len(list) != workers*each {
		t.Fatalf("%d exchanges, want %d", len(list), workers*each)
	}
	checkExact(t, srv, list)
	if n := srv.connections(); n >= workers*each {
		t.Errorf("%d connections for %d requests: none was kept", n, workers*each)
	}
}
