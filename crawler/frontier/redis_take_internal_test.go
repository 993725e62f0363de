package frontier

import (
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
