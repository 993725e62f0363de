package testsite

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Hit is one request as the server saw it.
type Hit struct {
	Start, End time.Time
	Method     string
	Path       string // request target as sent: path and query
	RemoteAddr string
	UserAgent  string
	// Status is the code the site answered, 0 when the client left while
	// the response was held back (Latency).
	Status int
}

type observer struct {
	mu       sync.Mutex
	hits     []Hit
	inFlight int
	peak     int
	// Test hooks, nil outside this package's own tests: entered hears of
	// each request as it starts, and requests wait for gate to close.
	// Together they pin a known number of requests in flight.
	entered chan<- string
	gate    <-chan struct{}
}

// ServeHTTP answers one request and logs it for Hits and MaxConcurrent.
// The response is held back until the hit is logged, so a client that has
// read a whole response always finds it in Hits.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hit := Hit{Start: time.Now(), Method: r.Method, Path: requestTarget(r), RemoteAddr: r.RemoteAddr, UserAgent: r.UserAgent()}
	s.obs.enter()
	s.raw.begin(r, hit.Path)
	hw := &heldWriter{w: w}
	if s.hold(r.Context(), hit.Path) {
		s.mux.ServeHTTP(hw, r)
	}
	hit.End = time.Now()
	hit.Status = hw.status
	s.obs.leave(hit)
	_ = hw.release() // a client that left is no concern of the site
}

// requestTarget is the path and query as the client sent them.
func requestTarget(r *http.Request) string {
	if r.RequestURI != "" {
		return r.RequestURI
	}
	return r.URL.RequestURI() // a request handed to ServeHTTP directly
}

// hold delays the response by Latency (and the test gate), giving up when
// the client does.
func (s *Site) hold(ctx context.Context, target string) bool {
	if s.obs.entered != nil {
		select {
		case s.obs.entered <- target:
		case <-ctx.Done():
			return false
		}
	}
	if d := s.opts.Latency; d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return false
		}
	}
	if s.obs.gate != nil {
		select {
		case <-s.obs.gate:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

func (o *observer) enter() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.inFlight++
	o.peak = max(o.peak, o.inFlight)
}

func (o *observer) leave(h Hit) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.inFlight--
	o.hits = append(o.hits, h)
}

// Hits returns every finished request, ordered by Start.
func (s *Site) Hits() []Hit {
	s.obs.mu.Lock()
	hits := slices.Clone(s.obs.hits)
	s.obs.mu.Unlock()
	slices.SortStableFunc(hits, func(a, b Hit) int { return a.Start.Compare(b.Start) })
	return hits
}

// MaxConcurrent is the peak number of requests the site was answering at
// once. The site is one host, so this is the per-host figure politeness
// limits.
func (s *Site) MaxConcurrent() int {
	s.obs.mu.Lock()
	defer s.obs.mu.Unlock()
	return s.obs.peak
}

// heldWriter keeps a handler's status and body until release, and
// remembers the status for the log. A flush (the chunked page) releases
// early; such a response still cannot end before the handler returns,
// because the server writes the last chunk then.
type heldWriter struct {
	w      http.ResponseWriter
	status int
	body   bytes.Buffer
	sent   bool
}

func (h *heldWriter) Header() http.Header { return h.w.Header() }

func (h *heldWriter) WriteHeader(code int) {
	if h.status == 0 {
		h.status = code
	}
}

func (h *heldWriter) Write(p []byte) (int, error) {
	if h.status == 0 {
		h.status = http.StatusOK
	}
	if h.sent {
		return h.w.Write(p)
	}
	return h.body.Write(p)
}

// FlushError is what http.ResponseController.Flush calls.
func (h *heldWriter) FlushError() error {
	if err := h.release(); err != nil {
		return err
	}
	return http.NewResponseController(h.w).Flush()
}

// release sends what was held; nothing when the handler wrote nothing.
func (h *heldWriter) release() error {
	if h.sent || h.status == 0 {
		return nil
	}
	h.sent = true
	h.w.WriteHeader(h.status)
	_, err := h.w.Write(h.body.Bytes())
	h.body = bytes.Buffer{}
	return err
}
