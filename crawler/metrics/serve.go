package metrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler serves g's metrics on /metrics and a liveness answer on /healthz.
//
// It speaks the classic text format (and protobuf) but not OpenMetrics:
// we emit no exemplars, which are OpenMetrics' only gain, and OpenMetrics
// spells histogram bounds "1.0" where the text format says "1", which
// would split a series' history if a scraper switched formats. It also
// keeps what Prometheus scrapes identical to what `promtool check metrics`
// lints in CI.
func Handler(g prometheus.Gatherer) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{
		// One broken collector must not hide the crawl's other metrics.
		ErrorHandling: promhttp.ContinueOnError,
		// Scrapes are cheap; a runaway scraper must not pile up goroutines.
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	return mux
}

// Serve listens on addr at once, so a bad or taken address fails before
// the crawl starts, then serves Handler(g) until stop is called. ctx bounds
// only the listen: the endpoint must outlive a cancelled crawl context so
// the grace period and the final values can still be scraped. stop shuts
// the server down gracefully within its own context and reports any error
// the server met while serving.
func Serve(ctx context.Context, addr string, g prometheus.Gatherer) (stop func(context.Context) error, err error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for metrics on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           Handler(g),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       time.Minute,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var once sync.Once
	var stopErr error
	return func(ctx context.Context) error {
		once.Do(func() {
			shutdownErr := srv.Shutdown(ctx)
			// Serve returns as soon as Shutdown has closed the listener.
			serveErr := <-served
			if errors.Is(serveErr, http.ErrServerClosed) {
				serveErr = nil
			}
			if shutdownErr != nil || serveErr != nil {
				stopErr = fmt.Errorf("stop metrics server on %s: %w", addr, errors.Join(shutdownErr, serveErr))
			}
		})
		return stopErr
	}, nil
}
