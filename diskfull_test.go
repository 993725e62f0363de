//go:build linux

package main

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"arkisto/crawler/cli"
	"arkisto/crawler/cli/clitest"
	"arkisto/crawler/testsite"
)

// mountTmpfs mounts a tmpfs of size ("3m") on a new folder until the test
// ends. It needs root, which CI has: elsewhere the test is skipped.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skipf("mounting a %s tmpfs needs root (CI runs as root); running as uid %d", size, os.Geteuid())
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount a %s tmpfs on %s (this test needs root): %v: %s", size, dir, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("unmount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

func TestDiskFullStopsAndResumes(t *testing.T) {
	t.Parallel()
	const pages, pageSize = 10, 500 << 10 // 5 MB that gzip cannot shrink, on a 3 MB disk
	want := []string{testsite.PathRobots, "/"}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+testsite.PathRobots, http.NotFound)
	var front strings.Builder
	front.WriteString("<!doctype html><title>Big pages</title>\n")
	for i := range pages {
		path := fmt.Sprintf("/page/%d", i)
		body := randomBody(pageSize, byte(10+i)) // each its own, so none is a revisit
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write(body)
		})
		fmt.Fprintf(&front, "<p><a href=%q>page %d</a></p>\n", path, i)
		want = append(want, path)
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, front.String())
	})
	reqs, base := serveCrashSite(t, mux, nil)
	out := mountTmpfs(t, "3m")
	archive := filepath.Join(out, "archive")

	code, _, stderr := run(t, crawlArgs(out, base+"/", "--delay", "0")...)
	if code == cli.ExitOK || !strings.Contains(stderr, "disk is full") {
		t.Fatalf("exit status %d, want a failure saying the disk is full; stderr:\n%s", code, stderr)
	}
	requested := requestedTargets(t, reqs)
	before := warcNames(t, archive)
	// Closing can fail too on a full disk: a file left .open must be one
	// the resume repairs (checked below); every closed one reads whole now.
	open := clitest.OpenFiles(archive)
	if closed, _ := filepath.Glob(filepath.Join(archive, "*.warc.gz")); len(closed) > 0 {
		checkValidates(t, archive)
	}
	if got := total(clitest.Captures(t, archive, base), allFiles); len(got) == 0 || len(got) >= len(want) {
		t.Fatalf("the crawl on a full disk captured %d of %d URLs: the disk filled too early or too late to test anything", len(got), len(want))
	}
	t.Logf("full after %d requests; WARC files %v, of them still open %v", len(requested), slices.Sorted(maps.Keys(before)), open)

	if out, err := exec.Command("mount", "-o", "remount,size=64m", out).CombinedOutput(); err != nil {
		t.Fatalf("make room: %v: %s", err, out)
	}
	code, _, stderr = run(t, resumeArgs(out)...)
	if code != cli.ExitOK {
		t.Fatalf("resume with room: exit status %d; stderr:\n%s", code, stderr)
	}
	checkResumed(t, out, base, want, before, requested)
}
