package testsite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// ErrNoRawResponse is returned by RawResponse for a target never requested
// over a recording listener (Options.KeepRaw, served by Serve or Start).
var ErrNoRawResponse = errors.New("no raw response recorded")

// recorder keeps, per request target, the bytes written for its last
// request. Go's server reads the next request on a connection only after
// flushing the previous response, so the bytes a connection writes between
// the start of one request and the connection going idle (or closing)
// are exactly that request's response, keep-alive or not.
type recorder struct {
	keep bool
	mu   sync.Mutex
	last map[string]*exchange
}

type exchange struct {
	done  chan struct{} // closed once bytes is complete
	bytes []byte
}

type connKey struct{}

type recordingConn struct {
	net.Conn
	rec *recorder
	mu  sync.Mutex
	cur *exchange
	buf bytes.Buffer
}

func (c *recordingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.mu.Lock()
	if c.cur != nil {
		c.buf.Write(p[:n])
	}
	c.mu.Unlock()
	return n, err
}

func (c *recordingConn) start(target string) {
	ex := &exchange{done: make(chan struct{})}
	c.mu.Lock()
	c.finishLocked()
	c.cur = ex
	c.mu.Unlock()
	c.rec.mu.Lock()
	if c.rec.last == nil {
		c.rec.last = map[string]*exchange{}
	}
	c.rec.last[target] = ex
	c.rec.mu.Unlock()
}

func (c *recordingConn) finish() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.finishLocked()
}

func (c *recordingConn) finishLocked() {
	if c.cur == nil {
		return
	}
	c.cur.bytes = c.buf.Bytes()
	c.buf = bytes.Buffer{}
	close(c.cur.done)
	c.cur = nil
}

type recordingListener struct {
	net.Listener
	rec *recorder
}

func (l recordingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &recordingConn{Conn: c, rec: l.rec}, nil
}

// begin marks the start of a response on the request's connection.
func (rec *recorder) begin(r *http.Request, target string) {
	if c, ok := r.Context().Value(connKey{}).(*recordingConn); ok {
		c.start(target)
	}
}

// listen wraps ln so connections record what they write, when KeepRaw asks.
func (s *Site) listen(ln net.Listener) net.Listener {
	if !s.raw.keep {
		return ln
	}
	return recordingListener{Listener: ln, rec: &s.raw}
}

// attach lets handlers find their connection and closes each recorded
// response when its connection goes idle or closes.
func (s *Site) attach(srv *http.Server) {
	if !s.raw.keep {
		return
	}
	srv.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if rc, ok := c.(*recordingConn); ok {
			return context.WithValue(ctx, connKey{}, rc)
		}
		return ctx
	}
	prev := srv.ConnState
	srv.ConnState = func(c net.Conn, st http.ConnState) {
		if rc, ok := c.(*recordingConn); ok && (st == http.StateIdle || st == http.StateClosed || st == http.StateHijacked) {
			rc.finish()
		}
		if prev != nil {
			prev(c, st)
		}
	}
}

// RawResponse returns the bytes the server wrote for the last request of
// target (path and query as sent, like Hit.Path): status line, headers and
// body with its transfer and content encodings. It waits until that
// response is complete on the wire. It needs Options.KeepRaw and a site
// served by Serve or Start.
func (s *Site) RawResponse(ctx context.Context, target string) ([]byte, error) {
	s.raw.mu.Lock()
	ex := s.raw.last[target]
	s.raw.mu.Unlock()
	if ex == nil {
		return nil, fmt.Errorf("raw response of %q: %w", target, ErrNoRawResponse)
	}
	select {
	case <-ex.done:
		return ex.bytes, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for raw response of %q: %w", target, ctx.Err())
	}
}

// Serve answers on ln until ctx ends, then shuts down, giving requests in
// flight a few seconds. With Options.KeepRaw it records what each
// connection writes, for RawResponse.
func (s *Site) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: time.Minute}
	s.attach(srv)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(s.listen(ln)) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve test site on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(stop); err != nil {
		_ = srv.Close() // the grace period is over: cut the stragglers
	}
	<-served
	return nil
}
