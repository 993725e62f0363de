//go:build linux

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"arkisto/crawler/cli"
	"arkisto/crawler/cli/clitest"
	"arkisto/crawler/testsite"
)

// What the crash and shared-crawl tests check of a collection once its
// crawl has ended: captures, duplicates, the index, leftovers.

// warcNames lists the WARC files in dir by their final names (".open" cut).
func warcNames(t *testing.T, dir string) map[string]bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, e := range entries {
		names[strings.TrimSuffix(e.Name(), ".open")] = true
	}
	return names
}

// total adds up the captures of the files keep accepts.
func total(byFile map[string]map[string]int, keep func(file string) bool) map[string]int {
	sum := map[string]int{}
	for f, counts := range byFile {
		if keep(f) {
			for u, n := range counts {
				sum[u] += n
			}
		}
	}
	return sum
}

func allFiles(string) bool { return true }

// sameURLs reports the URLs only one of got and want holds.
func sameURLs(t *testing.T, got map[string]int, want []string) {
	t.Helper()
	var missing, extra []string
	for _, u := range want {
		if got[u] == 0 {
			missing = append(missing, u)
		}
	}
	for u := range got {
		if !slices.Contains(want, u) {
			extra = append(extra, u)
		}
	}
	slices.Sort(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("captured URLs differ from the expected %d: missing %v, unexpected %v", len(want), missing, extra)
	}
}

// checkIndex asserts that DIR/indexes/index.cdxj has one line per capture
// and that "arkisto index" rebuilds it byte for byte.
func checkIndex(t *testing.T, out string, records int) {
	t.Helper()
	path := filepath.Join(out, "indexes", "index.cdxj")
	crawlTime, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if lines := bytes.Count(crawlTime, []byte("\n")); lines != records {
		t.Errorf("index.cdxj has %d lines for %d response and revisit records", lines, records)
	}
	if code, stdout, stderr := run(t, "index", out); code != cli.ExitOK {
		t.Fatalf("arkisto index: exit status %d:\n%s%s", code, stdout, stderr)
	}
	if rebuilt, err := os.ReadFile(path); err != nil || !bytes.Equal(rebuilt, crawlTime) {
		t.Errorf("arkisto index rebuilt a different index (%d bytes, err %v) from the crawl's (%d bytes)", len(rebuilt), err, len(crawlTime))
	}
}

// checkValidates runs "arkisto validate" on archive.
func checkValidates(t *testing.T, archive string) {
	t.Helper()
	if code, stdout, stderr := run(t, "validate", archive); code != cli.ExitOK {
		t.Errorf("arkisto validate: exit status %d:\n%s%s", code, stdout, stderr)
	}
}

// checkDuplicates asserts that the URLs captured twice are ones the server
// had been asked for before the kill, each captured once before it and once
// after, and no more than the fetches that can be in flight. robots.txt is
// not counted: a restarted process reads it again before anything else.
func checkDuplicates(t *testing.T, byFile map[string]map[string]int, before map[string]bool, requested []string) {
	t.Helper()
	old := total(byFile, func(f string) bool { return before[f] })
	fresh := total(byFile, func(f string) bool { return !before[f] })
	var dups []string
	for u, n := range total(byFile, allFiles) {
		switch {
		case n == 1:
		case n > 2:
			t.Errorf("%s captured %d times", u, n)
		case old[u] != 1 || fresh[u] != 1:
			t.Errorf("%s captured twice by one process (%d before the kill, %d after)", u, old[u], fresh[u])
		case !slices.Contains(requested, u):
			t.Errorf("%s captured twice but never requested before the kill", u)
		case u != testsite.PathRobots:
			dups = append(dups, u)
		}
	}
	if len(dups) > crashWorkers {
		t.Errorf("%d URLs captured twice, more than the %d that can be in flight: %v", len(dups), crashWorkers, dups)
	}
	t.Logf("captured twice (in flight at the kill): %v", dups)
}

// checkNoLeftovers asserts that the crawls into out left no temporary
// file in the collection: what a killed process held must be cleared by
// the next one, or every crash would cost disk space for good.
func checkNoLeftovers(t *testing.T, out string) {
	t.Helper()
	for _, pattern := range []string{"state/arkisto-cdxj-*", "indexes/.index.cdxj.*"} {
		if left, _ := filepath.Glob(filepath.Join(out, pattern)); len(left) > 0 {
			t.Errorf("temporary files left in the collection: %v", left)
		}
	}
}

// checkResumed checks the collection in out once a crawl killed (or
// stopped by a full disk) was resumed to its end: no file left open, every
// file validates, the captures are want with only URLs in flight at the
// kill twice, the index holds them all as arkisto index rebuilds it, and no
// temporary file is left. It returns the captures by target.
func checkResumed(t *testing.T, out, base string, want []string, before map[string]bool, requested []string) map[string]int {
	t.Helper()
	archive := filepath.Join(out, "archive")
	if open := clitest.OpenFiles(archive); len(open) > 0 {
		t.Errorf("files left open: %v", open)
	}
	checkValidates(t, archive)
	byFile := clitest.Captures(t, archive, base)
	all := total(byFile, allFiles)
	sameURLs(t, all, want)
	checkDuplicates(t, byFile, before, requested)
	records := 0
	for _, n := range all {
		records += n
	}
	checkIndex(t, out, records)
	checkNoLeftovers(t, out)
	return all
}
