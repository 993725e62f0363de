package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arkisto/crawler/cli/clitest"
	"arkisto/crawler/testsite"
)

func TestCleanCrawlValidateAndIndex(t *testing.T) {
	site := testsite.New(testsite.Options{Articles: 3})
	base := site.Start(t)
	out := t.TempDir()
	if code, _, stderr := run(t, crawlArgs(out, base+"/", "--delay", "0")...); code != ExitOK {
		t.Fatalf("exit status %d, want 0 despite the site's 404 and 500; stderr:\n%s", code, stderr)
	}
	archive := filepath.Join(out, "archive")
	clitest.CheckArchive(t, archive)
	statuses := map[string]bool{}
	for _, l := range fetchLines(t, out) {
		statuses[strings.Fields(l)[1]] = true
	}
	if !statuses["404"] || !statuses["500"] {
		t.Fatalf("the crawl met no 404 or no 500 (statuses %v): the test proves nothing", statuses)
	}

	t.Run("validate passes a clean archive", func(t *testing.T) {
		code, stdout, stderr := run(t, "validate", archive)
		if code != ExitOK || !strings.Contains(stdout, " 0 problems") {
			t.Errorf("exit status %d, want 0:\n%s%s", code, stdout, stderr)
		}
	})

	t.Run("validate finds a planted fault", func(t *testing.T) {
		files, _ := filepath.Glob(filepath.Join(archive, "*.warc.gz"))
		data, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)/2] ^= 0x55
		bad := filepath.Join(t.TempDir(), "planted.warc.gz")
		if err := os.WriteFile(bad, data, 0o644); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := run(t, "validate", bad)
		if code != ExitFailure {
			t.Errorf("exit status %d, want %d:\n%s%s", code, ExitFailure, stdout, stderr)
		}
		if !strings.Contains(stdout, "planted.warc.gz@") {
			t.Errorf("the report does not locate the fault:\n%s", stdout)
		}
	})

	t.Run("index rebuilds the crawl-time index byte for byte", func(t *testing.T) {
		indexPath := filepath.Join(out, "indexes", "index.cdxj")
		crawlTime, err := os.ReadFile(indexPath)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(indexPath); err != nil {
			t.Fatal(err)
		}
		if code, stdout, stderr := run(t, "index", out); code != ExitOK {
			t.Fatalf("exit status %d:\n%s%s", code, stdout, stderr)
		}
		rebuilt, err := os.ReadFile(indexPath)
		if err != nil {
			t.Fatal(err)
		}
		if len(crawlTime) == 0 || !bytes.Equal(rebuilt, crawlTime) {
			t.Errorf("rebuilt index (%d bytes) differs from the crawl-time one (%d bytes)", len(rebuilt), len(crawlTime))
		}
	})
}
