package metrics

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// received is one request a fake Pushgateway received.
type received struct {
	method, path string
	families     []*dto.MetricFamily
	err          error // decoding the body
}

// gateway is a tiny Pushgateway stand-in that records every push and
// answers with status.
type gateway struct {
	status int
	mu     sync.Mutex
	pushes []received
	got    chan struct{} // one value per push, never blocking the handler
}

func newGateway(t *testing.T, status int) (*gateway, *httptest.Server) {
	g := &gateway{status: status, got: make(chan struct{}, 100)}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return g, srv
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := received{method: r.Method, path: r.URL.EscapedPath()}
	p.families, p.err = decodeFamilies(r.Body, r.Header)
	g.mu.Lock()
	g.pushes = append(g.pushes, p)
	g.mu.Unlock()
	w.WriteHeader(g.status)
	select {
	case g.got <- struct{}{}:
	default:
	}
}

func (g *gateway) all() []received {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]received(nil), g.pushes...)
}

func TestPusherPush(t *testing.T) {
	reg, _, err := crawlRegistry()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, job, path string
	}{
		{"plain job", "news", "/metrics/job/news"},
		// The Pushgateway's encoding for values with a slash.
		{"job with slash", "news/daily", "/metrics/job@base64/bmV3cy9kYWlseQ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gw, srv := newGateway(t, http.StatusOK)
			if err := NewPusher(srv.URL, tt.job, reg).Push(t.Context()); err != nil {
				t.Fatalf("Push: %v", err)
			}
			pushes := gw.all()
			if len(pushes) != 1 {
				t.Fatalf("gateway got %d pushes, want 1", len(pushes))
			}
			p := pushes[0]
			if p.method != http.MethodPut || p.path != tt.path || p.err != nil {
				t.Fatalf("push = %s %s (body error %v), want PUT %s", p.method, p.path, p.err, tt.path)
			}
			got, err := familyValue(p.families, "arkisto_frontier_queued_urls")
			if err != nil || got != 10 {
				t.Errorf("pushed arkisto_frontier_queued_urls = %v, %v; want 10", got, err)
			}
			names := map[string]bool{}
			for _, mf := range p.families {
				names[mf.GetName()] = true
				if !strings.HasPrefix(mf.GetName(), "arkisto_") {
					t.Errorf("pushed %s: only arkisto_* metrics may go to the Pushgateway", mf.GetName())
				}
			}
			for _, want := range []string{"arkisto_fetches_total", "arkisto_fetch_duration_seconds", "arkisto_crawl_start_time_seconds", "arkisto_build_info"} {
				if !names[want] {
					t.Errorf("push lacks %s", want)
				}
			}
		})
	}
}

func TestPusherReportsGatewayErrors(t *testing.T) {
	reg, _, err := crawlRegistry()
	if err != nil {
		t.Fatal(err)
	}
	_, srv := newGateway(t, http.StatusBadRequest)
	err = NewPusher(srv.URL, "news", reg).Push(t.Context())
	if err == nil || !strings.Contains(err.Error(), "push metrics to "+srv.URL) || !strings.Contains(err.Error(), "400") {
		t.Fatalf("Push to a gateway answering 400: err = %v, want one naming the URL and the status", err)
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	if err := NewPusher(closed.URL, "news", reg).Push(t.Context()); err == nil {
		t.Fatal("Push to a closed port succeeded")
	}
	if err := NewPusher(srv.URL, "", reg).Push(t.Context()); err == nil {
		t.Fatal("Push with an empty job succeeded")
	}
}

func TestPusherPushEvery(t *testing.T) {
	reg, _, err := crawlRegistry()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		status  int
		wantErr bool
	}{
		{"gateway up", http.StatusOK, false},
		{"gateway failing", http.StatusInternalServerError, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gw, srv := newGateway(t, tt.status)
			ctx, cancel := context.WithCancel(t.Context())
			var errs []error
			var mu sync.Mutex
			done := make(chan struct{})
			go func() {
				defer close(done)
				NewPusher(srv.URL, "news", reg).PushEvery(ctx, time.Millisecond, func(err error) {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				})
			}()
			for range 3 {
				<-gw.got
			}
			cancel()
			<-done
			for _, p := range gw.all() {
				if p.method != http.MethodPut || p.path != "/metrics/job/news" {
					t.Errorf("push = %s %s, want PUT /metrics/job/news", p.method, p.path)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if tt.wantErr != (len(errs) > 0) {
				t.Errorf("onErr got %v, want errors: %v", errs, tt.wantErr)
			}
		})
	}
}
