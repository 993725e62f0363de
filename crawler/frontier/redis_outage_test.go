package frontier_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"arkisto/crawler/frontier"
	"arkisto/crawler/frontier/frontiertest"
	"arkisto/crawler/frontier/redistest"
)

// When Redis goes away, the store's callers wait instead of failing: the
// outage is logged once and reported, with the address but no password,
// and once Redis is back (restarted from its append-only file) they go on
// with the frontier as it was.
func TestRedisOutageWaits(t *testing.T) {
	const password = "outage-pw-51c2"
	srv := redistest.Start(t, redistest.Options{Password: password})
	// slog's handler serializes the writes; the test reads once every
	// line was written, the last before the waiting Done could return.
	var logs bytes.Buffer
	outages := make(chan bool, 4)
	f := openRedis(t, srv.URL(0), "outage", frontier.RedisOptions{
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Outage: func(down bool) { outages <- down },
	})
	frontiertest.Push(t, f, frontiertest.Page(hostA, "/1"), frontiertest.Page(hostA, "/2"))
	first := frontiertest.Next(t, f)
	f.Stats() // the sizes Stats returns while Redis is away

	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- f.Done(t.Context(), first, time.Time{}) }()
	if down := receiveOutage(t, outages); !down {
		t.Fatal("first outage report says Redis is up")
	}
	select {
	case err := <-done:
		t.Fatalf("Done returned %v while Redis was away; want it to wait", err)
	default:
	}
	if s := f.Stats(); s.Queued != 1 || s.InFlight != 1 {
		t.Errorf("Stats while Redis is away = %+v; want the last sizes read", s)
	}

	srv.Restart(t)
	if down := receiveOutage(t, outages); down {
		t.Fatal("second outage report says Redis is still away")
	}
	if err := <-done; err != nil {
		t.Fatalf("Done after Redis came back: %v", err)
	}
	second := frontiertest.Next(t, f)
	if second.URL != hostA+"/2" {
		t.Fatalf("Next after the restart = %s, want %s", second.URL, hostA+"/2")
	}
	frontiertest.Done(t, f, second, time.Time{})
	frontiertest.Exhausted(t, f)

	text := logs.String()
	if strings.Count(text, "does not answer") != 1 || strings.Count(text, "answers again") != 1 {
		t.Errorf("want one line for the outage and one for its end; log:\n%s", text)
	}
	if !strings.Contains(text, srv.Addr) || strings.Contains(text, password) {
		t.Errorf("the log should name %s and never the password:\n%s", srv.Addr, text)
	}
}

func receiveOutage(t *testing.T, outages <-chan bool) bool {
	t.Helper()
	select {
	case down := <-outages:
		return down
	case <-time.After(time.Minute):
		t.Fatal("no outage report within a minute")
		return false
	}
}

// A caller whose context ends while Redis is away gets its error back.
func TestRedisOutageCancelled(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	f := openRedis(t, srv.URL(0), "outage-cancel", frontier.RedisOptions{})
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := f.Push(ctx, frontiertest.Page(hostA, "/"))
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Push with Redis away and its context cancelled worked")
		}
	case <-time.After(time.Minute):
		t.Fatal("Push did not return once its context was cancelled")
	}
}
