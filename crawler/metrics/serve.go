package metrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
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
	ln, err := Listen(ctx, addr, 0)
	if err != nil {
		return nil, err
	}
	return ServeOn(ln, g), nil
}

// Listen listens on addr. When its port is taken and spare is above 0, it
// tries the next spare ports in turn: several crawls on one machine (one
// per site, from cron) each get a metrics port of their own. The
// listener's Addr says which port it got.
func Listen(ctx context.Context, addr string, spare int) (net.Listener, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err == nil || spare <= 0 || !errors.Is(err, syscall.EADDRINUSE) {
		if err != nil {
			return nil, fmt.Errorf("listen for metrics on %s: %w", addr, err)
		}
		return ln, nil
	}
	host, portText, splitErr := net.SplitHostPort(addr)
	port, atoiErr := strconv.Atoi(portText)
	if splitErr != nil || atoiErr != nil || port == 0 {
		return nil, fmt.Errorf("listen for metrics on %s: %w", addr, err)
	}
	for next := port + 1; next <= min(port+spare, 65535); next++ {
		ln, nextErr := lc.Listen(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(next)))
		if nextErr == nil {
			return ln, nil
		}
		if !errors.Is(nextErr, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("listen for metrics on %s: %w", addr, nextErr)
		}
	}
	return nil, fmt.Errorf("listen for metrics on %s and the %d ports after it: %w", addr, spare, err)
}

// ServeOn serves Handler(g) on ln until stop is called, as Serve does.
func ServeOn(ln net.Listener, g prometheus.Gatherer) (stop func(context.Context) error) {
	addr := ln.Addr().String()
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
	}
}
