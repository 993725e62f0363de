package clitest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Requests serves handlers (the test site, on one address or several) and
// records, server side, every request they get, in arrival order, over all
// its servers. It can hold the nth request, so that a test kills a crawler
// with that URL in flight, or only learns when the crawl got that far.
type Requests struct {
	mu      sync.Mutex
	hits    []Hit
	holds   map[int]*hold // by request number, 1-based
	conns   int           // connections open to the servers
	settled chan struct{} // closed and replaced when conns changes
}

// Hit is one request as its server saw it. Hits are listed in arrival
// order, which Start follows but for requests that came at once.
type Hit struct {
	Base   string // the server: http://HOST:PORT
	Target string // path and query as sent
	Start  time.Time
	// End is when its handler returned, or its client left a held
	// request; zero while it runs.
	End time.Time
}

// hold is a request to hold: reached closes when it arrives, release to
// let it go on.
type hold struct {
	reached, release chan struct{}
}

// NewRequests returns a Requests serving nothing yet.
func NewRequests() *Requests {
	return &Requests{holds: map[int]*hold{}, settled: make(chan struct{})}
}

// Serve serves h on ln (nil: a loopback port of its own) until the test
// ends, recording its requests, and returns its base URL.
func (r *Requests) Serve(t testing.TB, ln net.Listener, h http.Handler) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	if ln != nil {
		srv.Listener.Close()
		srv.Listener = ln
	}
	base := "http://" + srv.Listener.Addr().String()
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { r.serve(base, h, w, req) })
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		r.mu.Lock()
		defer r.mu.Unlock()
		switch state {
		case http.StateNew:
			r.conns++
		case http.StateClosed, http.StateHijacked:
			r.conns--
		default:
			return
		}
		close(r.settled)
		r.settled = make(chan struct{})
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return base
}

// Hold holds the nth request from now, over all the servers, before its
// handler runs, until release is called or its client leaves (then the
// handler never runs); reached closes when it arrives. Released at once,
// it only tells when the nth request came.
func (r *Requests) Hold(n int) (reached <-chan struct{}, release func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h := &hold{reached: make(chan struct{}), release: make(chan struct{})}
	r.holds[len(r.hits)+n] = h
	var once sync.Once
	return h.reached, func() { once.Do(func() { close(h.release) }) }
}

func (r *Requests) serve(base string, next http.Handler, w http.ResponseWriter, req *http.Request) {
	// The times are taken outside the lock, whose wait would shift them:
	// a politeness check compares one request's end with the next's start.
	start := time.Now()
	r.mu.Lock()
	r.hits = append(r.hits, Hit{Base: base, Target: req.URL.RequestURI(), Start: start})
	n := len(r.hits)
	h := r.holds[n]
	r.mu.Unlock()
	served := true
	if h != nil {
		close(h.reached)
		select {
		case <-h.release:
		case <-req.Context().Done():
			served = false
		}
	}
	if served {
		next.ServeHTTP(w, req)
	}
	end := time.Now()
	r.mu.Lock()
	r.hits[n-1].End = end
	r.mu.Unlock()
}

// Settled returns every request so far, in arrival order, once no
// connection to the servers is open: a killed crawler's last requests may
// reach a handler after its death, and must be counted as its own, not
// as those of whatever runs next.
func (r *Requests) Settled(t testing.TB, limit time.Duration) []Hit {
	t.Helper()
	guard := time.After(limit)
	for {
		r.mu.Lock()
		if r.conns == 0 {
			defer r.mu.Unlock()
			return append([]Hit(nil), r.hits...)
		}
		settled := r.settled
		r.mu.Unlock()
		select {
		case <-settled:
		case <-guard:
			t.Fatalf("connections to the test servers still open after %v", limit)
		}
	}
}

// Targets are the request targets of hits, in their order.
func Targets(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Target
	}
	return out
}
