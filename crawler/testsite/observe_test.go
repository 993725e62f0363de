package testsite

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// get is fetch for goroutines: it reports instead of failing.
func get(ctx context.Context, url, agent string) (int, error) {
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("User-Agent", agent)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestHitsUnderConcurrency pins n requests in flight with the test hooks,
// so the peak is known exactly, then releases them.
func TestHitsUnderConcurrency(t *testing.T) {
	const n = 8
	s := New(Options{})
	entered, gate := make(chan string), make(chan struct{})
	s.obs.entered, s.obs.gate = entered, gate
	base := s.Start(t)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			status, err := get(context.Background(), base+"/?reader="+strconv.Itoa(i), "agent-"+strconv.Itoa(i))
			if err == nil && status != 200 {
				err = &statusError{status}
			}
			errs <- err
		})
	}
	for range n {
		<-entered
	}
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("request failed: %v", err)
		}
	}
	if got := s.MaxConcurrent(); got != n {
		t.Errorf("MaxConcurrent = %d, want %d", got, n)
	}
	hits := s.Hits()
	if len(hits) != n {
		t.Fatalf("%d hits, want %d", len(hits), n)
	}
	firstEnd := hits[0].End
	for _, h := range hits {
		firstEnd = minTime(firstEnd, h.End)
	}
	for i, h := range hits {
		reader := strings.TrimPrefix(h.Path, "/?reader=")
		if h.Method != http.MethodGet || h.Status != 200 || h.UserAgent != "agent-"+reader || !strings.HasPrefix(h.RemoteAddr, "127.0.0.1:") {
			t.Errorf("hit %+v is not the request sent", h)
		}
		if h.Start.After(firstEnd) {
			t.Errorf("hit %d started after another ended: they were not all in flight", i)
		}
		if i > 0 && h.Start.Before(hits[i-1].Start) {
			t.Error("hits are not ordered by start")
		}
	}
}

type statusError struct{ status int }

func (e *statusError) Error() string { return "status " + strconv.Itoa(e.status) }

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func TestHitsSequential(t *testing.T) {
	s := New(Options{})
	base := s.Start(t)
	paths := []string{"/", PathNotFound, PathServerError, PathRedirect, "/calendar?month=2026-05"}
	for _, p := range paths {
		fetch(t, base+p, http.Header{"User-Agent": {"arkisto/test"}})
	}
	if got := s.MaxConcurrent(); got != 1 {
		t.Errorf("MaxConcurrent = %d after sequential requests, want 1", got)
	}
	hits := s.Hits()
	want := []int{200, 404, 500, 301, 200}
	if len(hits) != len(paths) {
		t.Fatalf("%d hits, want %d", len(hits), len(paths))
	}
	for i, h := range hits {
		if h.Path != paths[i] || h.Status != want[i] || h.UserAgent != "arkisto/test" || h.End.Before(h.Start) {
			t.Errorf("hit %d = %+v, want %s answered %d", i, h, paths[i], want[i])
		}
		if i > 0 && h.Start.Before(hits[i-1].End) {
			t.Errorf("hit %d started before hit %d ended", i, i-1)
		}
	}
}

func TestLatency(t *testing.T) {
	t.Run("delays each response", func(t *testing.T) {
		const latency = 30 * time.Millisecond
		s := New(Options{Latency: latency})
		base := s.Start(t)
		fetch(t, base+PathRobots, nil)
		h := s.Hits()[0]
		if d := h.End.Sub(h.Start); d < latency || h.Status != 200 {
			t.Errorf("hit took %v with status %d, want at least %v and 200", d, h.Status, latency)
		}
	})
	t.Run("client leaving while held", func(t *testing.T) {
		s := New(Options{Latency: time.Hour})
		entered := make(chan string)
		s.obs.entered = entered
		srv := httptest.NewServer(s)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := get(ctx, srv.URL+"/", "leaver")
			done <- err
		}()
		<-entered
		cancel()
		if err := <-done; err == nil {
			t.Fatal("request succeeded, want it cancelled")
		}
		srv.Close() // returns once every handler has returned
		hits := s.Hits()
		if len(hits) != 1 || hits[0].Status != 0 {
			t.Errorf("hits %+v, want one with status 0 for a client that left", hits)
		}
	})
}
