package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arkisto/crawler/testsite"
)

// arkisto report writes one HTML file that loads nothing from anywhere;
// a folder that is no collection is a usage error. The browser test is in
// crawler/report.
func TestReportCommand(t *testing.T) {
	base := testsite.New(testsite.Options{Articles: 2}).Start(t)
	out := t.TempDir()
	if code, _, stderr := run(t, crawlArgs(out, base+"/", "--delay", "0")...); code != ExitOK {
		t.Fatalf("crawl: exit status %d; stderr:\n%s", code, stderr)
	}
	code, stdout, stderr := run(t, "report", out)
	page := filepath.Join(out, "logs", "report.html")
	if code != ExitOK || strings.TrimSpace(stdout) != page {
		t.Fatalf("report: exit status %d, stdout %q; stderr:\n%s", code, stdout, stderr)
	}
	html := readFile(t, page)
	for _, want := range []string{"<svg id=\"timeline\"", "Content-Security-Policy", "id=\"statuses\""} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	for _, remote := range []string{"<script", "<link", "src=\"http", "@import", "url(http"} {
		if strings.Contains(html, remote) {
			t.Errorf("report.html holds %q: it must load nothing", remote)
		}
	}
	other := filepath.Join(t.TempDir(), "r.html")
	if code, _, stderr := run(t, "report", "--out", other, out); code != ExitOK {
		t.Errorf("report --out: exit status %d; stderr:\n%s", code, stderr)
	} else if _, err := os.Stat(other); err != nil {
		t.Errorf("report --out wrote nothing: %v", err)
	}
	if code, _, stderr := run(t, "report", t.TempDir()); code != ExitUsage || !strings.Contains(stderr, "crawl.log") {
		t.Errorf("report of a folder that is no collection: exit status %d, want %d naming crawl.log; stderr:\n%s", code, ExitUsage, stderr)
	}
}
