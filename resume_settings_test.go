//go:build linux

package main

import (
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"arkisto/crawler/cli"
	"arkisto/crawler/cli/clitest"
	"arkisto/crawler/testsite"
)

// A crawl killed mid-way is resumed only with the settings it started
// with: others are refused, --fresh starts over beside its files, and the
// same settings take it up without fetching again what it had done.
func TestResumeSettings(t *testing.T) {
	t.Parallel()
	site := testsite.New(testsite.Options{Latency: crashLatency})
	reqs, base := serveCrashSite(t, site, nil)
	var want []string
	for _, u := range site.ExpectedURLs(base, testsite.CrawlSettings{}) {
		want = append(want, strings.TrimPrefix(u, base))
	}
	out := t.TempDir()
	archive := filepath.Join(out, "archive")
	speed := []string{"--delay", "0", "--workers", strconv.Itoa(crashWorkers), "--host-concurrency", strconv.Itoa(crashWorkers)}
	withScope := func(scope string, extra ...string) []string {
		return crawlArgs(out, base+"/", append(append(slices.Clone(speed), "--scope", scope), extra...)...)
	}
	// killed leaves an unfinished crawl in out and returns the requests
	// its process made.
	killed := func(args []string) []string {
		asked := len(requestedTargets(t, reqs))
		reached, _ := reqs.Hold(40) // until the kill
		p := start(t, "", args...)
		killWhenHeld(t, p, reached, "the 40th request")
		return requestedTargets(t, reqs)[asked:]
	}

	killed(withScope("domain"))
	unfinished := warcNames(t, archive)

	t.Run("other settings are refused", func(t *testing.T) {
		asked := len(requestedTargets(t, reqs))
		code, _, stderr := run(t, withScope("host")...)
		if code != cli.ExitUsage || !strings.Contains(stderr, "scope") {
			t.Errorf("exit status %d, want %d naming scope; stderr:\n%s", code, cli.ExitUsage, stderr)
		}
		if len(requestedTargets(t, reqs)) != asked || !maps.Equal(warcNames(t, archive), unfinished) {
			t.Errorf("the refused crawl fetched or wrote something")
		}
	})

	t.Run("--fresh starts over", func(t *testing.T) {
		code, _, stderr := run(t, withScope("host", "--fresh")...)
		if code != cli.ExitOK {
			t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
		}
		clitest.CheckArchive(t, archive)
		after := warcNames(t, archive)
		for name := range unfinished {
			if !after[name] {
				t.Errorf("%s of the unfinished crawl is gone", name)
			}
		}
		fresh := total(clitest.Captures(t, archive, base), func(f string) bool { return !unfinished[f] })
		sameURLs(t, fresh, want)
		for u, n := range fresh {
			if n != 1 {
				t.Errorf("the fresh crawl captured %s %d times", u, n)
			}
		}
	})

	t.Run("the same settings resume", func(t *testing.T) {
		earlier := warcNames(t, archive)
		requested := killed(withScope("host"))
		beforeKill := warcNames(t, archive)
		asked := len(requestedTargets(t, reqs))
		code, _, stderr := run(t, withScope("host")...)
		if code != cli.ExitOK {
			t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
		}
		clitest.CheckArchive(t, archive)
		byFile := clitest.Captures(t, archive, base)
		for f := range earlier {
			delete(byFile, f)
		}
		sameURLs(t, total(byFile, allFiles), want)
		checkDuplicates(t, byFile, beforeKill, requested)
		// The front page was done long before the kill: a resumed crawl
		// does not ask for it again, a restarted one would.
		if slices.Contains(requestedTargets(t, reqs)[asked:], "/") {
			t.Errorf("the run after the kill fetched the front page again: it started over instead of resuming")
		}
	})
}
