package frontiertest

import (
	"bytes"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"arkisto/crawler/frontier"
)

// The host book keeps what it is given, per host, and UpdateHost is
// atomic: concurrent increments all count.
func testHostBook(t *testing.T, open Opener) {
	f := open(t, frontier.Options{})
	ctx := t.Context()
	if info, err := f.Host(ctx, hostA); err != nil || info != (frontier.HostInfo{}) {
		t.Fatalf("Host of a host never met = %+v, %v; want the zero info", info, err)
	}
	at := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	want := frontier.HostInfo{Robots: frontier.RobotsKnown, RobotsAt: at, Failures: 2, Spent: 7, GivenUp: 1}
	got, err := f.UpdateHost(ctx, hostA, func(i *frontier.HostInfo) { *i = want })
	if err != nil || !sameInfo(got, want) {
		t.Fatalf("UpdateHost = %+v, %v; want %+v", got, err, want)
	}
	if got, err := f.Host(ctx, hostA); err != nil || !sameInfo(got, want) {
		t.Fatalf("Host = %+v, %v; want %+v", got, err, want)
	}
	if got, err := f.Host(ctx, hostB); err != nil || got != (frontier.HostInfo{}) {
		t.Fatalf("Host of another host = %+v, %v; want the zero info", got, err)
	}

	const workers, each = 8, 25
	var g errgroup.Group
	for range workers {
		g.Go(func() error {
			for range each {
				if _, err := f.UpdateHost(ctx, hostB, func(i *frontier.HostInfo) { i.Spent++ }); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if got, err := f.Host(ctx, hostB); err != nil || got.Spent != workers*each {
		t.Fatalf("after %d concurrent increments Spent = %d, %v", workers*each, got.Spent, err)
	}

	if r, err := f.Robots(ctx, hostA); r != nil || err != nil {
		t.Fatalf("Robots before any was saved = %+v, %v; want nil", r, err)
	}
	file := frontier.RobotsFile{Fetched: at, Outcome: "fetched-2xx", Status: 200, Body: []byte("User-agent: *\nDisallow: /private/\n")}
	if err := f.SaveRobots(ctx, hostA, file); err != nil {
		t.Fatal(err)
	}
	r, err := f.Robots(ctx, hostA)
	if err != nil || r == nil || !r.Fetched.Equal(at) || r.Outcome != file.Outcome || r.Status != file.Status || !bytes.Equal(r.Body, file.Body) {
		t.Fatalf("Robots = %+v, %v; want %+v", r, err, file)
	}
}

func sameInfo(a, b frontier.HostInfo) bool {
	eq := a.RobotsAt.Equal(b.RobotsAt)
	a.RobotsAt, b.RobotsAt = time.Time{}, time.Time{}
	return eq && a == b
}
