package frontier

import (
	"strings"
	"testing"
	"time"

	"arkisto/crawler/frontier/redistest"
)

// A take run again after its reply was lost (Redis restarted between
// running it and answering; go-redis retries) returns the item it leased
// the first time, and takes no other.
func TestRedisTakeRunTwice(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	r, err := OpenRedis(t.Context(), srv.URL(0), "take-twice", RedisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, path := range []string{"/1", "/2"} {
		if _, err := r.Push(t.Context(), Item{URL: "http://a.test" + path, Host: "http://a.test", Priority: Page}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	next := r.rules.take(r.rules.newHost(), Page, now)
	args := append([]any{r.keys.prefix, "http://a.test", "0", int(Page)}, r.rules.stateArgs(next)...)
	args = append(args, micros(now.Add(time.Minute)), newLeaseID())
	var items []string
	for range 2 {
		got, err := takeScript.Run(t.Context(), r.client, nil, args...).StringSlice()
		if err != nil || len(got) != 2 {
			t.Fatalf("take = %q, %v", got, err)
		}
		items = append(items, got[1])
	}
	if items[0] != items[1] {
		t.Errorf("the take run twice leased two items")
	}
	if s := r.Stats(); s.Queued != 1 || s.InFlight != 1 {
		t.Errorf("Stats after the take run twice = %+v; want one item taken, one queued", s)
	}
}

// A real error (Redis refusing a command) is no outage: it comes back at
// once, and ends the crawl, instead of making the caller wait.
func TestRedisRealErrorsReturn(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	down := make(chan bool, 1)
	r, err := OpenRedis(t.Context(), srv.URL(0), "wrong-type", RedisOptions{Outage: func(d bool) { down <- d }})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.client.Set(t.Context(), r.keys.counters(), "not a hash", 0).Err(); err != nil {
		t.Fatal(err)
	}
	_, err = r.Push(t.Context(), Item{URL: "http://a.test/", Host: "http://a.test", Priority: Page})
	if err == nil || !strings.Contains(err.Error(), "WRONGTYPE") {
		t.Fatalf("Push over a key of the wrong type = %v; want Redis's refusal", err)
	}
	select {
	case <-down:
		t.Error("a refused command was taken for an outage")
	default:
	}
}
