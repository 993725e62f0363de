//go:build linux

package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"arkisto/crawler/cli"
	"arkisto/crawler/frontier/redistest"
)

// Three processes crawl four hosts as one; the first, killed with -9 while
// it holds a request, comes back into its folder as a fourth. Nothing is
// lost: the union of the captures is the site's, a URL is fetched twice
// only if the dead process had it, the delay and one request per host hold
// across processes, every WARC file validates, and the processes' indexes
// merge into the one arkisto index makes of all files.
func TestSharedCrawlKillMinus9(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t, redistest.Options{})
	sites := newSharedSites(t)
	dirs := map[string]string{"a": t.TempDir(), "b": t.TempDir(), "c": t.TempDir()}
	const holdAt = 25
	reached, _ := sites.Hold(holdAt) // until the kill
	lease := []string{"--lease-ttl", "2s"}

	a := start(t, "", append(sharedArgs(dirs["a"], srv.URL(0), "kill", lease...), sites.bases...)...)
	idA := joined(t, a)
	waitHeld(t, reached, a, fmt.Sprintf("request %d", holdAt)) // only a runs: the held request is a's
	b := start(t, "", sharedArgs(dirs["b"], srv.URL(0), "kill", lease...)...)
	c := start(t, "", sharedArgs(dirs["c"], srv.URL(0), "kill", lease...)...)
	joined(t, b)
	joined(t, c)
	killNow(t, a)
	killed := time.Now()
	// Its machine comes back: a new process in the same folder.
	d := start(t, "", sharedArgs(dirs["a"], srv.URL(0), "kill", lease...)...)
	idD := joined(t, d)
	for name, p := range map[string]*proc{"b": b, "c": c, "d": d} {
		if code := p.wait(t, hangGuard); code != cli.ExitOK {
			t.Fatalf("process %s: exit %d; stderr:\n%s", name, code, p.errText())
		}
	}
	if !strings.Contains(d.errText(), "repaired a WARC file left open by a crash") {
		t.Errorf("the process back in the dead one's folder did not repair its open file; stderr:\n%s", d.errText())
	}
	hits := sites.hitsByHost(t)
	t.Logf("killed %s after %d requests at %s; %s came back", idA, holdAt, killed.Format(time.StampMilli), idD)

	folders := []string{dirs["a"], dirs["b"], dirs["c"]}
	byProcess := capturesByProcess(t, folders...)
	if len(byProcess) != 4 {
		t.Errorf("captures of %d processes, want 4", len(byProcess))
	}
	all := map[string]int{}
	for _, caps := range byProcess {
		for u, n := range caps {
			all[u] += n
		}
	}
	sameURLs(t, all, sites.want())
	var twice []string
	for u, n := range all {
		switch {
		case n == 1:
		case n > 2 || byProcess[idA][u] != 1:
			t.Errorf("%s captured %d times, %d of them by the killed process", u, n, byProcess[idA][u])
		default:
			twice = append(twice, u)
		}
	}
	requestedTwice := 0
	for base, hs := range hits {
		first := map[string]time.Time{}
		for _, h := range hs {
			at, again := first[h.Target]
			if !again {
				first[h.Target] = h.Start
				continue
			}
			requestedTwice++
			if !at.Before(killed) || h.Start.Before(killed) {
				t.Errorf("%s%s requested twice, first at %s, again at %s: not a URL the killed process had",
					base, h.Target, at.Format(time.StampMilli), h.Start.Format(time.StampMilli))
			}
		}
	}
	if requestedTwice > sharedWorkers {
		t.Errorf("%d URLs requested twice, more than the %d the killed process could have in flight", requestedTwice, sharedWorkers)
	}
	t.Logf("captured twice: %v; requested twice: %d", twice, requestedTwice)
	checkPoliteness(t, hits)
	checkMergedIndex(t, folders...)
	checkNoSpills(t, folders...)
}
