package frontier_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"arkisto/crawler/frontier"
	"arkisto/crawler/frontier/frontiertest"
	"arkisto/crawler/frontier/redistest"
)

var _ frontier.Frontier = (*frontier.Redis)(nil)

// The contract suite on Redis runs in synctest bubbles as on the other
// stores: the store takes every time from time.Now, the bubble's clock,
// and keeps times as values in Redis, never as Redis expiries, so the
// suite's exact times hold. A bubble's clock stands still while a
// goroutine waits on the network, so a round trip to Redis takes no time
// there; Next's waits (ready times, Poll) and the lease renewer are timers,
// which the bubble advances. Each case gets a crawl id of its own.
func TestContractRedis(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	n := 0
	frontiertest.Run(t, func(t *testing.T, opts frontier.Options) frontier.Frontier {
		n++
		return openRedis(t, srv.URL(0), fmt.Sprintf("contract-%d", n), frontier.RedisOptions{Options: opts})
	})
}

// openRedis opens crawl id's frontier at url, to be closed when t ends.
func openRedis(t *testing.T, url, id string, opts frontier.RedisOptions) *frontier.Redis {
	t.Helper()
	r, err := frontier.OpenRedis(t.Context(), url, id, opts)
	if err != nil {
		t.Fatalf("OpenRedis: %v", err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

// Two processes of one crawl are one polite crawler: a host busy in one
// is busy for the other, and the ready time one gives holds for both.
func TestRedisProcessesSharePoliteness(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	synctest.Test(t, func(t *testing.T) {
		opts := frontier.RedisOptions{Options: frontier.Options{HostConcurrency: 1}}
		one := openRedis(t, srv.URL(0), "shared", opts)
		two := openRedis(t, srv.URL(0), "shared", opts)
		frontiertest.Push(t, one, frontiertest.Page(hostA, "/1"), frontiertest.Page(hostA, "/2"))
		if ok, err := two.Push(t.Context(), frontiertest.Page(hostA, "/1")); ok || err != nil {
			t.Fatalf("Push of a URL the other process queued = %v, %v; want a duplicate", ok, err)
		}
		first := frontiertest.Next(t, one)
		frontiertest.Blocked(t, two, time.Hour) // hostA is in flight in the other process
		ready := time.Now().Add(5 * time.Second)
		frontiertest.Done(t, one, first, ready)
		second := frontiertest.Next(t, two)
		if second.URL != hostA+"/2" || !time.Now().Equal(ready) {
			t.Fatalf("the other process got %s at %s, want %s at the ready time %s", second.URL, time.Now(), hostA+"/2", ready)
		}
		frontiertest.Done(t, two, second, time.Time{})
		frontiertest.Exhausted(t, one)
		frontiertest.Exhausted(t, two)
	})
}

// Crawl ids keep crawls in one Redis apart.
func TestRedisCrawlsApart(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	synctest.Test(t, func(t *testing.T) {
		one := openRedis(t, srv.URL(0), "one", frontier.RedisOptions{})
		two := openRedis(t, srv.URL(0), "two", frontier.RedisOptions{})
		frontiertest.Push(t, one, frontiertest.Page(hostA, "/"))
		frontiertest.Exhausted(t, two)
		frontiertest.Push(t, two, frontiertest.Page(hostA, "/")) // not seen in this crawl
		frontiertest.Done(t, two, frontiertest.Next(t, two), time.Time{})
		frontiertest.Exhausted(t, two)
		if got := one.Stats(); got.Queued != 1 || got.Seen != 1 {
			t.Fatalf("the first crawl's Stats = %+v, want its URL still queued", got)
		}
	})
}

// A live process renews the lease of a long fetch: nobody else gets its
// item, however long it takes.
func TestRedisLeaseRenewed(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	synctest.Test(t, func(t *testing.T) {
		opts := frontier.RedisOptions{LeaseTTL: 3 * time.Second}
		one := openRedis(t, srv.URL(0), "renew", opts)
		two := openRedis(t, srv.URL(0), "renew", opts)
		frontiertest.Push(t, one, frontiertest.Page(hostA, "/1"))
		it := frontiertest.Next(t, one)
		frontiertest.Blocked(t, two, time.Minute) // twenty lease times
		frontiertest.Done(t, one, it, time.Time{})
		frontiertest.Exhausted(t, two)
	})
}

// Close hands the items still in flight back at once, first in their
// queue: the others need not wait for the lease to expire.
func TestRedisCloseHandsBack(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	synctest.Test(t, func(t *testing.T) {
		one, err := frontier.OpenRedis(t.Context(), srv.URL(0), "close", frontier.RedisOptions{})
		if err != nil {
			t.Fatal(err)
		}
		two := openRedis(t, srv.URL(0), "close", frontier.RedisOptions{})
		frontiertest.Push(t, one, frontiertest.Page(hostA, "/1"), frontiertest.Page(hostA, "/2"))
		frontiertest.Next(t, one)
		if err := one.Close(); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"/1", "/2"} {
			it := frontiertest.Next(t, two)
			if it.URL != hostA+p {
				t.Fatalf("Next = %s, want %s", it.URL, hostA+p)
			}
			frontiertest.Done(t, two, it, time.Time{})
		}
		frontiertest.Exhausted(t, two)
	})
}

// leaseEnv tells a child test process the Redis URL and crawl id it takes
// an item from before it is killed.
const leaseEnv = "ARKISTO_REDIS_LEASE_CHILD"

const leaseTTL = 2 * time.Second

// A process killed with -9 while it holds an item loses nothing: its lease
// expires, the item goes back to the front of its host's queue, and the
// host's slot is free again. A real child process is killed here: the
// lease runs out in real time.
func TestRedisLeaseExpiresAfterKill(t *testing.T) {
	if v := os.Getenv(leaseEnv); v != "" {
		url, id, _ := strings.Cut(v, " ")
		if err := leaseChild(url, id); err != nil {
			fmt.Fprintln(os.Stderr, "lease child:", err)
			os.Exit(2)
		}
		return
	}
	srv := redistest.Start(t, redistest.Options{})
	survivor := openRedis(t, srv.URL(0), "kill", frontier.RedisOptions{LeaseTTL: leaseTTL})
	frontiertest.Push(t, survivor, frontiertest.Page(hostA, "/1"), frontiertest.Page(hostA, "/2"))

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	child := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestRedisLeaseExpiresAfterKill$")
	child.Env = append(os.Environ(), leaseEnv+"="+srv.URL(0)+" kill")
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "took "+hostA+"/1" {
		t.Fatalf("child said %q, %v; want it to take %s", line, err, hostA+"/1")
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	if got := survivor.Stats(); got.InFlight != 1 || got.Queued != 1 {
		t.Fatalf("Stats after the kill = %+v, want the dead process's item in flight", got)
	}

	it, err := survivor.Next(ctx)
	if err != nil || it.URL != hostA+"/1" {
		t.Fatalf("Next = %s, %v; want the dead process's item back first", it.URL, err)
	}
	frontiertest.Done(t, survivor, it, time.Time{})
	frontiertest.Done(t, survivor, frontiertest.Next(t, survivor), time.Time{})
	frontiertest.Exhausted(t, survivor)
}

// leaseChild takes one item, says which, and waits to be killed.
func leaseChild(url, id string) error {
	ctx := context.Background()
	f, err := frontier.OpenRedis(ctx, url, id, frontier.RedisOptions{LeaseTTL: leaseTTL})
	if err != nil {
		return err
	}
	it, err := f.Next(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("took %s\n", it.URL)
	select {}
}

// A password in the URL opens the frontier, and appears in no error.
func TestRedisPassword(t *testing.T) {
	const password = "pw-s3cret-42"
	srv := redistest.Start(t, redistest.Options{Password: password})
	synctest.Test(t, func(t *testing.T) {
		f := openRedis(t, srv.URL(0), "pw", frontier.RedisOptions{})
		frontiertest.Push(t, f, frontiertest.Page(hostA, "/"))
	})
	wrong := strings.Replace(srv.URL(0), password, "pw-wrong-77", 1)
	for _, url := range []string{wrong, strings.Replace(srv.URL(0), ":"+password+"@", "", 1), "redis://:pw-wrong-77@127.0.0.1:1/0"} {
		_, err := frontier.OpenRedis(t.Context(), url, "pw", frontier.RedisOptions{})
		if err == nil {
			t.Fatalf("OpenRedis(%s) worked", frontier.RedactURL(url))
		}
		if strings.Contains(err.Error(), "pw-wrong-77") || strings.Contains(err.Error(), password) {
			t.Errorf("error shows the password: %v", err)
		}
		t.Logf("refused as it should be: %v", err)
	}
	if got := frontier.RedactURL(srv.URL(0)); strings.Contains(got, password) {
		t.Errorf("RedactURL = %s", got)
	}
}

// Run metadata (the recorded seeds and settings) is the crawl's, kept
// apart per crawl id.
func TestRedisMeta(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	one := openRedis(t, srv.URL(0), "meta-one", frontier.RedisOptions{})
	two := openRedis(t, srv.URL(0), "meta-two", frontier.RedisOptions{})
	if v, err := one.Meta("config"); v != nil || err != nil {
		t.Fatalf("Meta of a new crawl = %q, %v; want nil", v, err)
	}
	if err := one.SetMeta("config", []byte(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	if v, err := one.Meta("config"); string(v) != `{"a":1}` || err != nil {
		t.Fatalf("Meta = %q, %v", v, err)
	}
	if v, err := two.Meta("config"); v != nil || err != nil {
		t.Fatalf("another crawl's Meta = %q, %v; want nil", v, err)
	}
	if err := one.Clear(t.Context()); err != nil {
		t.Fatal(err)
	}
	if v, err := one.Meta("config"); v != nil || err != nil {
		t.Fatalf("Meta after Clear = %q, %v; want nil", v, err)
	}
}
