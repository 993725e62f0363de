package frontier_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"arkisto/crawler/frontier"
)

func boltPush(t *testing.T, f frontier.Frontier, items ...frontier.Item) {
	t.Helper()
	for _, it := range items {
		if ok, err := f.Push(t.Context(), it); !ok || err != nil {
			t.Fatalf("Push(%s) = %v, %v; want it queued", it.URL, ok, err)
		}
	}
}

func boltNext(t *testing.T, f frontier.Frontier, want frontier.Item) frontier.Item {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), guard)
	defer cancel()
	it, err := f.Next(ctx)
	if err != nil || it != want {
		t.Fatalf("Next = %+v, %v; want %+v", it, err, want)
	}
	return it
}

func boltDone(t *testing.T, f frontier.Frontier, it frontier.Item, ready time.Time) {
	t.Helper()
	if err := f.Done(t.Context(), it, ready); err != nil {
		t.Fatalf("Done(%s): %v", it.URL, err)
	}
}

// Everything a crawl left in the frontier is there when it is opened again:
// the queues in their order, what was in flight at their front, the seen
// set, and a host's back-off.
func TestBoltReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "frontier.db")
	robotsA := item(hostA, "/robots.txt", frontier.Prerequisite)
	a1 := frontier.Item{URL: hostA + "/1", Host: hostA, Priority: frontier.Page, Depth: 1, Hops: "L", Via: hostA + "/"}
	b1, b2 := page(hostB, "/1"), page(hostB, "/2")
	bCSS := frontier.Item{URL: hostB + "/1.css", Host: hostB, Priority: frontier.Embed, Depth: 2, Hops: "LE", Via: b1.URL, Attempt: 1}
	refused := "https://c.example:443/private"

	first, err := frontier.OpenBolt(path, frontier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	boltPush(t, first, robotsA, a1, b1, b2)
	if ok, err := first.Mark(t.Context(), refused); !ok || err != nil {
		t.Fatalf("Mark = %v, %v", ok, err)
	}
	boltDone(t, first, boltNext(t, first, robotsA), time.Now().Add(time.Hour)) // say, Retry-After: 3600
	boltNext(t, first, b1)                                                     // in flight when the crawl stops
	boltPush(t, first, bCSS)                                                   // found on b1
	want := frontier.Stats{Queued: 3, Seen: 6, Hosts: 2, HostsWaiting: 2, InFlight: 1}
	if got := first.Stats(); got != want {
		t.Fatalf("Stats before Close = %+v, want %+v", got, want)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := first.Push(t.Context(), page(hostB, "/3")); !errors.Is(err, frontier.ErrClosed) {
		t.Fatalf("Push after Close: %v, want ErrClosed", err)
	}

	f := openBolt(t, path, frontier.Options{})
	// b1 is queued again; hostA waits out its hour.
	want = frontier.Stats{Queued: 4, Seen: 6, Hosts: 2, HostsReady: 1, HostsWaiting: 1}
	if got := f.Stats(); got != want {
		t.Fatalf("Stats after reopen = %+v, want %+v", got, want)
	}
	for _, u := range []string{robotsA.URL, a1.URL, b1.URL, bCSS.URL, refused} {
		if ok, err := f.Mark(t.Context(), u); ok || err != nil {
			t.Errorf("Mark(%s) after reopen = %v, %v; want it seen", u, ok, err)
		}
	}
	// The embed goes first by priority; then b1, leased before the stop,
	// ahead of b2 queued after it.
	for _, it := range []frontier.Item{bCSS, b1, b2} {
		boltDone(t, f, boltNext(t, f, it), time.Time{})
	}
	ctx, cancel := context.WithTimeout(t.Context(), short)
	defer cancel()
	if it, err := f.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next = %q, %v; want it to wait for hostA's back-off", it.URL, err)
	}
}

func TestBoltMeta(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frontier.db")
	tests := []struct{ key, value string }{
		{"seeds", "https://a.example/\nhttps://b.example/"},
		{"config", `{"delay":"1s"}`},
		{"", "empty key"},
		{"empty value", ""},
	}
	b, err := frontier.OpenBolt(path, frontier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := b.Meta("seeds"); v != nil || err != nil {
		t.Fatalf("Meta of a new frontier = %q, %v; want nil", v, err)
	}
	for _, tt := range tests {
		if err := b.SetMeta(tt.key, []byte(tt.value)); err != nil {
			t.Fatalf("SetMeta(%q): %v", tt.key, err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b = openBolt(t, path, frontier.Options{})
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if v, err := b.Meta(tt.key); string(v) != tt.value || v == nil || err != nil {
				t.Errorf("Meta(%q) after reopen = %q, %v; want %q", tt.key, v, err, tt.value)
			}
		})
	}
}

// A second crawl on the same state must fail at once, not wait or share it.
func TestBoltLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frontier.db")
	openBolt(t, path, frontier.Options{})
	if b, err := frontier.OpenBolt(path, frontier.Options{}); err == nil {
		b.Close()
		t.Fatal("OpenBolt of a file held open succeeded")
	}
}

// crashEnv names the frontier file a child test process works on before it
// is killed.
const crashEnv = "ARKISTO_BOLT_CRASH_DB"

// Crawl state survives kill -9: a child process pushes, takes and finishes
// items, then is killed with no chance to close anything. Done items never
// come back, items in flight come back at the front of their host's queue,
// and every URL pushed before a Done returned is there.
func TestBoltCrash(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	path := filepath.Join(t.TempDir(), "frontier.db")
	ctx, cancel := context.WithTimeout(t.Context(), guard)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestBoltCrash$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q, %v; want ready", line, err)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	cmd.Wait()

	f := openBolt(t, path, frontier.Options{HostConcurrency: 2})
	for h := range 3 {
		if ok, err := f.Mark(t.Context(), crashURL(h, 0)); ok || err != nil {
			t.Errorf("Mark(%s) = %v, %v; want it seen", crashURL(h, 0), ok, err)
		}
	}
	// Host 0: /0 done, /1 was in flight, /found was pushed before /0's
	// Done. Host 1: /0 and /1 were both in flight. Host 2: nothing taken.
	handed := map[string]bool{}
	order := map[string][]string{} // host -> its URLs in the order handed out
	for {
		ctx, cancel := context.WithTimeout(t.Context(), guard)
		it, err := f.Next(ctx)
		cancel()
		if errors.Is(err, frontier.ErrExhausted) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		handed[it.URL] = true
		order[it.Host] = append(order[it.Host], it.URL)
		boltDone(t, f, it, time.Time{})
	}
	want := []string{crashURL(0, 1), crashURL(0, 2), crashChildURL(), crashURL(1, 0), crashURL(1, 1), crashURL(1, 2), crashURL(2, 0), crashURL(2, 1), crashURL(2, 2)}
	for _, u := range want {
		if !handed[u] {
			t.Errorf("%s lost in the crash", u)
		}
		delete(handed, u)
	}
	for u := range handed {
		t.Errorf("%s handed out again after its Done", u)
	}
	for host, want := range map[string][]string{
		crashHost(0): {crashURL(0, 1), crashURL(0, 2), crashChildURL()},
		crashHost(1): {crashURL(1, 0), crashURL(1, 1), crashURL(1, 2)},
	} {
		if got := order[host]; !slices.Equal(got, want) {
			t.Errorf("%s handed out %q, want %q: what was in flight first", host, got, want)
		}
	}
}

func crashHost(h int) string   { return fmt.Sprintf("http://h%d.example", h) }
func crashURL(h, k int) string { return fmt.Sprintf("%s/%d", crashHost(h), k) }
func crashChildURL() string    { return "http://h0.example/found" }

// crashChild is the process to kill: it leaves a frontier mid-crawl, says
// so, and waits to die.
func crashChild(path string) {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	f, err := frontier.OpenBolt(path, frontier.Options{HostConcurrency: 2})
	if err != nil {
		fail(err)
	}
	push := func(it frontier.Item) {
		if _, err := f.Push(ctx, it); err != nil {
			fail(err)
		}
	}
	pushHost := func(h int) {
		for k := range 3 {
			push(frontier.Item{URL: crashURL(h, k), Host: crashHost(h), Priority: frontier.Page})
		}
	}
	pushHost(0)
	pushHost(1)
	taken := map[string]frontier.Item{}
	for range 4 { // /0 and /1 of hosts 0 and 1: two at a time per host
		it, err := f.Next(ctx)
		if err != nil {
			fail(err)
		}
		taken[it.URL] = it
	}
	pushHost(2)
	push(frontier.Item{URL: crashChildURL(), Host: crashHost(0), Priority: frontier.Page, Via: crashURL(0, 0)})
	if err := f.Done(ctx, taken[crashURL(0, 0)], time.Time{}); err != nil {
		fail(err)
	}
	fmt.Println("ready")
	time.Sleep(guard) // killed long before
	os.Exit(3)
}

// A retry and a dropped host are on disk once Done and DropHost return.
func TestBoltRetryAndDropHostReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frontier.db")
	first, err := frontier.OpenBolt(path, frontier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, dead := page(hostA, "/x"), page(hostB, "/1")
	boltPush(t, first, a, dead, page(hostB, "/2"))
	failed := boltNext(t, first, a)
	retry := failed
	retry.Attempt++
	if err := first.Retry(t.Context(), retry); err != nil {
		t.Fatal(err)
	}
	boltDone(t, first, failed, time.Time{})
	if dropped, err := first.DropHost(t.Context(), hostB); len(dropped) != 2 || err != nil {
		t.Fatalf("DropHost = %d items, %v; want 2", len(dropped), err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	f := openBolt(t, path, frontier.Options{})
	if got, want := f.Stats(), (frontier.Stats{Queued: 1, Seen: 3, Hosts: 2, HostsReady: 1}); got != want {
		t.Fatalf("Stats after reopen = %+v, want %+v", got, want)
	}
	boltDone(t, f, boltNext(t, f, retry), time.Time{})
	exhausted(t, f)
}
