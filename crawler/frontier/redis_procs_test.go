package frontier_test

import (
	"os"
	"regexp"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"arkisto/crawler/frontier"
	"arkisto/crawler/frontier/frontiertest"
	"arkisto/crawler/frontier/redistest"
)

// Processes register under names of their own, are listed and counted
// while they beat, with their figures, and leave on Close.
func TestRedisProcesses(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	synctest.Test(t, func(t *testing.T) {
		opts := frontier.RedisOptions{LeaseTTL: 3 * time.Second}
		one := openRedis(t, srv.URL(0), "procs", opts)
		two, err := frontier.OpenRedis(t.Context(), srv.URL(0), "procs", opts)
		if err != nil {
			t.Fatal(err)
		}
		idOne, err := one.Register(t.Context(), frontier.Process{Hostname: "crawl-01.example.org", Output: "/data/one"})
		if err != nil {
			t.Fatal(err)
		}
		idTwo, err := two.Register(t.Context(), frontier.Process{Hostname: "crawl-01.example.org", Output: "/data/two"})
		if err != nil {
			t.Fatal(err)
		}
		name := regexp.MustCompile(`^crawl-01-[0-9a-f]{6}$`)
		if !name.MatchString(idOne) || !name.MatchString(idTwo) || idOne == idTwo {
			t.Fatalf("process ids %q and %q; want two names of the host with suffixes of their own", idOne, idTwo)
		}
		frontiertest.Push(t, one, frontiertest.Page(hostA, "/1"), frontiertest.Page(hostB, "/1"))
		frontiertest.Next(t, one)
		time.Sleep(opts.LeaseTTL) // heartbeats carry the figures

		procs, err := two.Processes(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(procs) != 2 || two.Stats().Processes != 2 {
			t.Fatalf("Processes = %+v, Stats().Processes = %d; want both", procs, two.Stats().Processes)
		}
		for _, p := range procs {
			if p.ID == idOne && (p.Output != "/data/one" || p.InFlight != 1 || p.Taken != 1 || p.PID != os.Getpid() || !p.Expires.After(time.Now())) {
				t.Errorf("first process = %+v; want its folder, pid, one item taken and in flight, a heartbeat to come", p)
			}
		}
		if err := two.Close(); err != nil {
			t.Fatal(err)
		}
		if procs, err := one.Processes(t.Context()); err != nil || len(procs) != 1 || procs[0].ID != idOne {
			t.Fatalf("Processes after the second closed = %+v, %v; want the first alone", procs, err)
		}
	})
}

// The count of items taken is the crawl's, whichever process adds to it.
func TestRedisCountTaken(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	one := openRedis(t, srv.URL(0), "taken", frontier.RedisOptions{})
	two := openRedis(t, srv.URL(0), "taken", frontier.RedisOptions{})
	var wg sync.WaitGroup
	for _, f := range []*frontier.Redis{one, two} {
		wg.Go(func() {
			for range 50 {
				if _, err := f.CountTaken(t.Context(), 1); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if n, err := one.CountTaken(t.Context(), 0); n != 100 || err != nil {
		t.Fatalf("CountTaken = %d, %v; want 100", n, err)
	}
}

// The first capture of a payload stays its original, for every process
// and across a crawl started over.
func TestRedisOriginals(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	one := openRedis(t, srv.URL(0), "digests", frontier.RedisOptions{})
	two := openRedis(t, srv.URL(0), "digests", frontier.RedisOptions{})
	if v, err := two.Original(t.Context(), "sha1:AAAA"); v != nil || err != nil {
		t.Fatalf("Original of an unknown digest = %q, %v", v, err)
	}
	for _, f := range []*frontier.Redis{one, two} {
		if err := f.AddOriginal(t.Context(), "sha1:AAAA", []byte("from "+map[*frontier.Redis]string{one: "one", two: "two"}[f])); err != nil {
			t.Fatal(err)
		}
	}
	if err := one.Clear(t.Context()); err != nil {
		t.Fatal(err)
	}
	if v, err := two.Original(t.Context(), "sha1:AAAA"); string(v) != "from one" || err != nil {
		t.Fatalf("Original = %q, %v; want the first process's, kept through Clear", v, err)
	}
}

// Workers of one process waiting for other processes' URLs cost one round
// trip per Poll between them, not one each.
func TestRedisIdleWorkersPollOnce(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	synctest.Test(t, func(t *testing.T) {
		busy := openRedis(t, srv.URL(0), "idle", frontier.RedisOptions{})
		idle := openRedis(t, srv.URL(0), "idle", frontier.RedisOptions{})
		frontiertest.Push(t, busy, frontiertest.Page(hostA, "/1"), frontiertest.Page(hostA, "/2"))
		first := frontiertest.Next(t, busy) // hostA is in flight: nothing for the idle process
		const workers, wait = 8, 10 * time.Second
		before := idle.RoundTrips()
		results := make(chan frontier.Item, workers)
		for range workers {
			go func() {
				it, err := idle.Next(t.Context())
				if err == nil {
					results <- it
				}
			}()
		}
		time.Sleep(wait)
		synctest.Wait()
		polls := idle.RoundTrips() - before
		// One look per worker as it starts (and one to set up each
		// connection the pool opens for them), then one per Poll (200 ms).
		if max := int64(2*workers + wait/(200*time.Millisecond) + 2); polls > max {
			t.Errorf("%d idle workers made %d round trips in %v; want at most %d", workers, polls, wait, max)
		}
		frontiertest.Done(t, busy, first, time.Time{})
		got := <-results
		frontiertest.Done(t, idle, got, time.Time{})
		if got.URL != hostA+"/2" {
			t.Errorf("an idle worker got %s, want %s", got.URL, hostA+"/2")
		}
	})
}
