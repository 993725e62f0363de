package schedule_test

import (
	"archive/zip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"arkisto/crawler/schedule"
	"arkisto/crawler/testsite"
)

// A job with wacz: true packages its whole collection when a run ends:
// after a run the daemon's shutdown cut, its resume, and one more run, the
// package holds every WARC file of all three.
func TestJobPackagesEveryRun(t *testing.T) {
	base, fetching, release := heldSite(t, testsite.Options{Articles: 6}, 5)
	j := jobConfig(t, "news", base, "@yearly")
	j.WACZ = true
	j.WARCMaxSize = 20_000 // several files per run
	cfg := serveConfig(t, j)
	collection := cfg.Jobs[0].Collection
	pkg := filepath.Clean(collection) + ".wacz"

	d := startDaemon(t, cfg)
	if err := d.tick(t, "news"); err != nil {
		t.Fatalf("tick: %v", err)
	}
	d.next(t, "news", started)
	<-fetching
	d.cancel()
	release()
	d.stop(t)
	if cut := d.next(t, "news", ended); cut.Outcome != schedule.OutcomeInterrupted {
		t.Fatalf("run ended as %q, want interrupted", cut.Outcome)
	}
	if _, err := os.Stat(pkg); !os.IsNotExist(err) {
		t.Errorf("an interrupted run was packaged (stat: %v)", err)
	}
	interrupted := archived(t, collection)

	d = startDaemon(t, cfg)
	if resumed := d.next(t, "news", ended); resumed.Reason != "resume" || resumed.Outcome != schedule.OutcomeSuccess {
		t.Fatalf("first run after restart = %+v, want a successful resume", resumed)
	}
	afterResume := packaged(t, pkg)
	if err := d.tick(t, "news"); err != nil {
		t.Fatalf("tick: %v", err)
	}
	if again := d.next(t, "news", ended); again.Outcome != schedule.OutcomeSuccess {
		t.Fatalf("third run = %+v", again)
	}
	d.stop(t)

	all := archived(t, collection)
	if len(interrupted) == 0 || len(all) <= len(afterResume) || !isSubset(interrupted, afterResume) {
		t.Errorf("WARC files: %d of the interrupted run, %d packaged after the resume, %d in all", len(interrupted), len(afterResume), len(all))
	}
	if got := packaged(t, pkg); !slices.Equal(got, all) {
		t.Errorf("package holds\n%v\nthe collection\n%v", got, all)
	}
}

// archived lists the collection's finished WARC files by name.
func archived(t *testing.T, collection string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(collection, "archive", "*.warc.gz"))
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range files {
		files[i] = filepath.Base(f)
	}
	slices.Sort(files)
	return files
}

// packaged lists the WARC files of a WACZ package by name.
func packaged(t *testing.T, path string) []string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("open the package: %v", err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		if name, ok := strings.CutPrefix(f.Name, "archive/"); ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

func isSubset(small, big []string) bool {
	for _, s := range small {
		if !slices.Contains(big, s) {
			return false
		}
	}
	return true
}
