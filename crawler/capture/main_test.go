package capture

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// exchanges collects what OnExchange receives.
type exchanges struct {
	mu   sync.Mutex
	list []*Exchange
}

func (e *exchanges) add(ex *Exchange) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, ex)
}

func (e *exchanges) all() []*Exchange {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*Exchange(nil), e.list...)
}

// newRecorded returns a transport reporting into a fresh exchanges list
// whose spools are closed when the test ends.
func newRecorded(t *testing.T, opts Options) (*Transport, *exchanges) {
	t.Helper()
	got := &exchanges{}
	opts.OnExchange = got.add
	tr := New(opts)
	t.Cleanup(func() {
		if err := tr.Close(); err != nil {
			t.Errorf("close transport: %v", err)
		}
		for _, ex := range got.all() {
			if err := ex.Close(); err != nil {
				t.Errorf("close spool: %v", err)
			}
		}
	})
	return tr, got
}

// only asserts that exactly one exchange was reported and returns it.
func (e *exchanges) only(t *testing.T) *Exchange {
	t.Helper()
	list := e.all()
	if len(list) != 1 {
		t.Fatalf("OnExchange called %d times, want 1", len(list))
	}
	return list[0]
}

func spoolBytes(t *testing.T, s *Spool) []byte {
	t.Helper()
	b, err := s.Bytes()
	if err != nil {
		t.Fatalf("read spool: %v", err)
	}
	return b
}

// rawServer is a TCP (or TLS) server whose handler writes exact bytes, and
// which reports every request byte it received.
type rawServer struct {
	ln       net.Listener
	received chan []byte
}

// startRaw serves every connection with respond, after parsing the request
// head. respond must read the request body itself.
func startRaw(t *testing.T, tlsCfg *tls.Config, respond func(net.Conn, *http.Request)) *rawServer {
	t.Helper()
	s := &rawServer{received: make(chan []byte, 16)}
	s.ln, _ = serveConns(t, tlsCfg, func(conn net.Conn, _ int) { s.serve(conn, respond) })
	return s
}

// serveConns listens on a loopback port, through TLS with tlsCfg, and
// hands every connection to serve with its number (1 for the first
// accepted), each in a goroutine of its own, until the test ends; serve
// closes it. accepted tells how many connections came so far.
func serveConns(t *testing.T, tlsCfg *tls.Config, serve func(conn net.Conn, n int)) (ln net.Listener, accepted func() int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
	}
	var wg sync.WaitGroup
	var count atomic.Int64
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			n := int(count.Add(1))
			wg.Go(func() { serve(conn, n) })
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		wg.Wait()
	})
	return ln, func() int { return int(count.Load()) }
}

func (s *rawServer) serve(conn net.Conn, respond func(net.Conn, *http.Request)) {
	defer func() { _ = conn.Close() }()
	var got bytes.Buffer
	req, err := http.ReadRequest(bufio.NewReader(io.TeeReader(conn, &got)))
	if err != nil {
		return
	}
	respond(conn, req)
	s.received <- got.Bytes()
}

func (s *rawServer) url() string {
	return "http://" + s.ln.Addr().String()
}

// writeRaw answers with exactly resp, after reading the request body.
func writeRaw(resp string) func(net.Conn, *http.Request) {
	return func(conn net.Conn, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body)
		_, _ = io.WriteString(conn, resp)
	}
}

// borrowTLS returns httptest's localhost certificate as a server config and
// a client config that trusts it.
func borrowTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.StartTLS()
	defer srv.Close()
	server = &tls.Config{Certificates: srv.TLS.Certificates, NextProtos: []string{"http/1.1"}}
	client = srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	return server, client
}
