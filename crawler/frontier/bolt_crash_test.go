package frontier

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// crashEnv names the frontier file a child test process works on before it
// is killed.
const crashEnv = "ARKISTO_FRONTIER_CRASH_DB"

// crashGuard only keeps a broken child from hanging the test.
const crashGuard = time.Minute

// waitFlushed waits until the background flusher has committed every write
// accepted so far; it commits nothing itself.
func waitFlushed(f *diskFrontier, g *gatedKV) {
	f.mu.Lock()
	defer f.mu.Unlock()
	target := f.log.appended
	for f.log.committed < target {
		running := f.log.running
		f.mu.Unlock()
		if running != nil {
			<-running
		} else {
			<-g.entered // the flusher's next commit has begun
		}
		f.mu.Lock()
	}
}

// crashOp is one call the child made, as it reports it: "push URL VIA",
// "take URL", "done URL", "mark URL", and the marks "committed" (every
// call before is on disk) and "pending" (the child waits to be killed).
type crashOp struct{ verb, url, via string }

// A kill -9 while a commit is pending loses no URL, and brings back exactly
// the Done calls it did not commit. A child process makes calls, waits
// for the background flusher to commit them (the commit point), shuts the
// commit gate, and makes more calls: their writes are held in a commit
// that never reaches the disk and in the log behind it. It reports each
// call, then is killed. Opened again, the frontier must hold:
//   - every URL pushed before the commit point and not done before it
//     (in flight, queued, or done after), in its host's order;
//   - no URL done before the commit point;
//   - no URL pushed after it, whose page must then be back to find it again.
func TestBoltKillWithCommitPending(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		if err := crashChild(path); err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(2)
		}
		return
	}
	path := filepath.Join(t.TempDir(), "frontier.db")
	ops := runCrashChild(t, path)

	commit := slices.IndexFunc(ops, func(o crashOp) bool { return o.verb == "committed" })
	t.Logf("the child's calls, killed after the last: %v", ops)
	type fate struct {
		via          string
		pushed, done int // positions in ops; done -1 when never done
	}
	urls := map[string]*fate{}
	var pushOrder []string
	for i, o := range ops {
		switch o.verb {
		case "push":
			urls[o.url] = &fate{via: o.via, pushed: i, done: -1}
			pushOrder = append(pushOrder, o.url)
		case "done":
			urls[o.url].done = i
		}
	}
	wantBack := map[string]bool{}
	for u, f := range urls {
		wantBack[u] = f.pushed < commit && (f.done < 0 || f.done > commit)
	}
	// The scenario must cover every case, or the test proves little.
	for u, want := range map[string]bool{
		crashURL(0, 0): false, // done before the commit point
		crashURL(0, 1): true,  // in flight
		crashURL(1, 0): true,  // done after the commit point
		crashURL(3, 0): false, // pushed, handed out and done after it
	} {
		if wantBack[u] != want {
			t.Fatalf("the child's calls do not make the case: %s back is %v; calls %v", u, wantBack[u], ops)
		}
	}

	f, err := OpenBolt(path, Options{HostConcurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithTimeout(t.Context(), crashGuard)
	defer cancel()
	handed := map[string][]string{} // host -> URLs in the order handed out
	back := map[string]bool{}
	for {
		it, err := f.Next(ctx)
		if errors.Is(err, ErrExhausted) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if back[it.URL] {
			t.Errorf("%s handed out twice after the reopen", it.URL)
		}
		back[it.URL] = true
		handed[it.Host] = append(handed[it.Host], it.URL)
		if err := f.Done(ctx, it, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}

	for _, u := range pushOrder {
		// The page that finds u again after the crash: the first page
		// on the way from a seed to u that was pushed before the commit
		// point.
		finder := u
		for urls[finder].pushed > commit && urls[finder].via != "" {
			finder = urls[finder].via
		}
		switch fate := urls[u]; {
		case wantBack[u] && !back[u]:
			t.Errorf("%s lost in the crash", u)
		case !wantBack[u] && back[u] && fate.pushed < commit:
			t.Errorf("%s handed out again though its Done was committed", u)
		case !wantBack[u] && back[u]:
			t.Errorf("%s handed out though its push was not committed", u)
		case fate.pushed > commit && !back[finder]:
			t.Errorf("%s lost: neither it nor %s, on the way to it, came back", u, finder)
		}
	}
	// Per host, first in, first out, what was in flight included.
	wantOrder := map[string][]string{}
	for _, u := range pushOrder {
		if wantBack[u] {
			host := crashHostOf(u)
			wantOrder[host] = append(wantOrder[host], u)
		}
	}
	for host, want := range wantOrder {
		if got := handed[host]; !slices.Equal(got, want) {
			t.Errorf("%s handed out %q, want %q", host, got, want)
		}
	}
	// The seen set is as of the commit point too.
	for i, o := range ops {
		if o.verb != "push" && o.verb != "mark" {
			continue
		}
		fresh, err := f.Mark(ctx, o.url)
		if err != nil {
			t.Fatal(err)
		}
		if wantSeen := i < commit; fresh == wantSeen {
			t.Errorf("%s seen after the reopen: %v, want %v", o.url, !fresh, wantSeen)
		}
	}
}

// runCrashChild runs the child on the frontier at path, reads its calls
// until it says "pending", and kills it with SIGKILL.
func runCrashChild(t *testing.T, path string) []crashOp {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), crashGuard)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestBoltKillWithCommitPending$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe() // held open: the child waits on it
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var ops []crashOp
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		f := strings.Fields(lines.Text())
		if len(f) == 0 || !slices.Contains([]string{"push", "take", "done", "mark", "committed", "pending"}, f[0]) {
			continue // the testing package's own output
		}
		o := crashOp{verb: f[0]}
		if len(f) > 1 {
			o.url = f[1]
		}
		if len(f) > 2 && f[2] != "-" {
			o.via = f[2]
		}
		if o.verb == "pending" {
			break
		}
		ops = append(ops, o)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	cmd.Wait()
	if !slices.ContainsFunc(ops, func(o crashOp) bool { return o.verb == "committed" }) || lines.Err() != nil {
		t.Fatalf("the child stopped before it was ready to be killed (%v): %v", lines.Err(), ops)
	}
	return ops
}

func crashHost(h int) string   { return fmt.Sprintf("http://h%d.example", h) }
func crashURL(h, k int) string { return fmt.Sprintf("%s/%d", crashHost(h), k) }

func crashHostOf(url string) string {
	i := strings.Index(url[len("http://"):], "/")
	return url[:len("http://")+i]
}

// crashChild is the process to kill. It reports every call on stdout,
// then waits on stdin, which the parent never closes before the kill.
func crashChild(path string) error {
	kv, err := openBoltKV(path)
	if err != nil {
		return err
	}
	gate := newGatedKV(kv)
	f, err := openDisk(gate, Options{HostConcurrency: 2})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), crashGuard)
	defer cancel()
	var failed error
	push := func(via string, urls ...string) {
		for _, u := range urls {
			if _, err := f.Push(ctx, Item{URL: u, Host: crashHostOf(u), Priority: Page, Via: via}); err != nil {
				failed = errors.Join(failed, err)
			}
			fmt.Println("push", u, cmp.Or(via, "-"))
		}
	}
	taken := map[string]Item{}
	take := func() string {
		it, err := f.Next(ctx)
		if err != nil {
			failed = errors.Join(failed, err)
			return ""
		}
		taken[it.URL] = it
		fmt.Println("take", it.URL)
		return it.URL
	}
	done := func(u string) {
		failed = errors.Join(failed, f.Done(ctx, taken[u], time.Time{}))
		fmt.Println("done", u)
	}
	mark := func(u string) {
		_, err := f.Mark(ctx, u)
		failed = errors.Join(failed, err)
		fmt.Println("mark", u)
	}
	host := func(h int) []string { return []string{crashURL(h, 0), crashURL(h, 1), crashURL(h, 2)} }

	// Up to the commit point: two hosts queued, two items of each taken,
	// one done after what it found was pushed; all committed by the
	// flusher, with no Close or SetMeta to force it.
	push("", host(0)...)
	push("", host(1)...)
	for range 4 {
		take()
	}
	push(crashURL(0, 0), append(host(2), crashHost(0)+"/found")...)
	done(crashURL(0, 0))
	mark(crashHost(0) + "/refused")
	waitFlushed(f, gate)
	fmt.Println("committed")

	// After it: the next commit is held at the gate, and more calls
	// queue behind it. An item pushed after the commit point is handed
	// out and done.
	gate.shut() // and never opened
	push(crashURL(1, 0), crashHost(1)+"/found", crashURL(3, 0))
	done(crashURL(1, 0))
	<-gate.held
	for range 6 {
		if take() == crashURL(3, 0) {
			break
		}
	}
	push(crashURL(3, 0), crashURL(3, 1))
	done(crashURL(3, 0))
	mark(crashHost(3) + "/refused")
	if failed != nil {
		return failed
	}
	fmt.Println("pending")
	_, err = io.Copy(io.Discard, os.Stdin)
	return fmt.Errorf("not killed: %v", err)
}
