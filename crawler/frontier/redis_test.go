package frontier_test

import (
	"fmt"
	"testing"

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
