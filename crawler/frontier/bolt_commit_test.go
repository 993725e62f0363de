package frontier

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// gatedKV is the real bbolt store with a gate before its commits. While
// the gate is shut, a commit that reaches it waits there, written nowhere:
// a slow disk, or, in a process killed meanwhile, a commit that never was.
type gatedKV struct {
	kvStore
	entered  chan struct{} // a commit has reached the gate (capacity 1)
	held     chan struct{} // closed when a commit first waits at the shut gate
	heldOnce sync.Once
	mu       sync.Mutex
	gate     chan struct{} // nil while open; closed to open it
}

func newGatedKV(kv kvStore) *gatedKV {
	return &gatedKV{kvStore: kv, entered: make(chan struct{}, 1), held: make(chan struct{})}
}

func (g *gatedKV) commit(writes []kvWrite) error {
	select {
	case g.entered <- struct{}{}:
	default:
	}
	g.mu.Lock()
	gate := g.gate
	g.mu.Unlock()
	if gate != nil {
		g.heldOnce.Do(func() { close(g.held) })
		<-gate
	}
	return g.kvStore.commit(writes)
}

func (g *gatedKV) shut() {
	g.mu.Lock()
	g.gate = make(chan struct{})
	g.mu.Unlock()
}

func (g *gatedKV) open() {
	g.mu.Lock()
	if g.gate != nil {
		close(g.gate)
		g.gate = nil
	}
	g.mu.Unlock()
}

// failingKV is the real bbolt store whose commits fail, as on a full disk.
type failingKV struct {
	kvStore
	err error
}

func (k failingKV) commit([]kvWrite) error { return k.err }

// openTestDisk opens an on-disk frontier over kv wrapped by wrap, closed
// when t ends.
func openTestDisk(t *testing.T, wrap func(kvStore) kvStore) *diskFrontier {
	t.Helper()
	kv, err := openBoltKV(filepath.Join(t.TempDir(), "frontier.db"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := openDisk(wrap(kv), Options{})
	if err != nil {
		kv.close()
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func (f *diskFrontier) unflushed() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.log.appended - f.log.committed
}

func (f *diskFrontier) pendingWrites() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.log.pending)
}

func pushPage(t *testing.T, f *diskFrontier, url string) {
	t.Helper()
	if ok, err := f.Push(t.Context(), Item{URL: url, Host: crashHostOf(url), Priority: Page}); !ok || err != nil {
		t.Fatalf("Push(%s) = %v, %v", url, ok, err)
	}
}

// Done returns before its write is committed, and the flusher commits it
// once the oldest write pending has waited commitWindow, not before.
func TestCommitWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := openTestDisk(t, func(kv kvStore) kvStore { return kv })
		pushPage(t, f, "http://a.example/1")
		time.Sleep(commitWindow / 2)
		it, err := f.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Done(t.Context(), it, time.Time{}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(commitWindow/2 - time.Nanosecond)
		synctest.Wait()
		if n := f.unflushed(); n == 0 {
			t.Fatal("committed before the window ended")
		}
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		if n := f.unflushed(); n != 0 {
			t.Fatalf("%d writes not committed when the window ended", n)
		}
	})
}

// Settle commits at once what was accepted before its item was handed
// out, and waits for nothing accepted after.
func TestSettle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := openTestDisk(t, func(kv kvStore) kvStore { return kv })
		pushPage(t, f, "http://a.example/1")
		pushPage(t, f, "http://a.example/2")
		time.Sleep(commitWindow)
		synctest.Wait()
		take := func() Item {
			t.Helper()
			it, err := f.Next(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			return it
		}
		settle := func(it Item) {
			t.Helper()
			if err := f.Settle(t.Context(), it); err != nil {
				t.Fatalf("Settle(%s): %v", it.URL, err)
			}
		}

		a1 := take()
		pushPage(t, f, "http://b.example/1") // after a1 was handed out
		settle(a1)
		if f.unflushed() == 0 {
			t.Fatal("Settle committed what came after its item was handed out")
		}
		if err := f.Done(t.Context(), a1, time.Time{}); err != nil {
			t.Fatal(err)
		}
		a2 := take()
		start := time.Now()
		settle(a2)
		if n := f.unflushed(); n != 0 || !time.Now().Equal(start) {
			t.Fatalf("Settle returned after %v with %d writes not committed; want them committed at once", time.Since(start), n)
		}
		settle(Item{URL: "http://c.example/", Host: "http://c.example"}) // not in flight: nothing to wait for
	})
}

// A full batch is committed at once, without waiting for the window.
func TestCommitFullBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := openTestDisk(t, func(kv kvStore) kvStore { return kv })
		for i := range commitWrites / 2 { // a queue entry and a seen-set key each
			pushPage(t, f, fmt.Sprintf("http://a.example/%d", i))
		}
		synctest.Wait() // the flusher's commit, with the clock still
		if n := f.unflushed(); n != 0 {
			t.Fatalf("%d writes not committed after a full batch", n)
		}
	})
}

// When commits cannot keep up, a caller that finds maxPending writes
// waiting waits for a commit, and only then.
func TestCommitBackPressure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var gate *gatedKV
		f := openTestDisk(t, func(kv kvStore) kvStore { gate = newGatedKV(kv); return gate })
		gate.shut()
		t.Cleanup(gate.open) // before Close, should the test fail
		pushPage(t, f, "http://a.example/held")
		<-gate.held // a slow commit runs
		n := 0
		for f.pendingWrites() < maxPending-2 { // two writes a push
			pushPage(t, f, fmt.Sprintf("http://a.example/%d", n))
			n++
		}
		returned := make(chan error, 1)
		go func() {
			_, err := f.Push(t.Context(), Item{URL: "http://a.example/last", Host: "http://a.example", Priority: Page})
			returned <- err
		}()
		synctest.Wait()
		select {
		case err := <-returned:
			t.Fatalf("Push with %d writes pending returned (%v) while a commit was held", f.pendingWrites(), err)
		default:
		}
		gate.open()
		if err := <-returned; err != nil {
			t.Fatal(err)
		}
		if n := f.unflushed(); n != 0 {
			t.Fatalf("%d writes not committed when the waiting Push returned", n)
		}
	})
}

// A commit that fails in the background fails the calls after it.
func TestCommitErrorReachesCallers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		diskFull := errors.New("no space left on device")
		f := openTestDisk(t, func(kv kvStore) kvStore { return failingKV{kv, diskFull} })
		pushPage(t, f, "http://a.example/1")
		it, err := f.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Done(t.Context(), it, time.Time{}); err != nil {
			t.Fatalf("Done before the commit failed: %v", err)
		}
		time.Sleep(commitWindow)
		synctest.Wait()
		ctx := context.WithoutCancel(t.Context())
		push := func() error {
			_, err := f.Push(ctx, Item{URL: "http://a.example/2", Host: "http://a.example", Priority: Page})
			return err
		}
		mark := func() error { _, err := f.Mark(ctx, "http://a.example/3"); return err }
		next := func() error { _, err := f.Next(ctx); return err }
		for _, c := range []struct {
			name string
			call func() error
		}{{"Push", push}, {"Mark", mark}, {"Next", next}, {"Close", f.Close}} {
			if err := c.call(); !errors.Is(err, diskFull) {
				t.Errorf("%s after a failed commit: %v, want %v", c.name, err, diskFull)
			}
		}
	})
}
