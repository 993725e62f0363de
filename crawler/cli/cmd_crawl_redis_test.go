package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"arkisto/crawler/cli/clitest"
	"arkisto/crawler/frontier/redistest"
	"arkisto/crawler/testsite"
)

// arkisto crawl --frontier redis://:pw@host/db --crawl-id ID crawls on the
// shared frontier; the password shows nowhere in what the command says,
// debug logs included, whether the crawl works or is refused.
func TestCrawlOnRedisFrontier(t *testing.T) {
	const password = "cli-pw-7e51b0"
	srv := redistest.Start(t, redistest.Options{Password: password})
	base := testsite.New(testsite.Options{Articles: 3}).Start(t)
	dir := t.TempDir()
	shared := []string{"--frontier", srv.URL(0), "--crawl-id", "cli", "--delay", "0", "-v"}

	out := filepath.Join(dir, "first")
	code, stdout, stderr := run(t, crawlArgs(out, base+"/", shared...)...)
	if code != 0 {
		t.Fatalf("crawl: exit %d\n%s", code, stderr)
	}
	clitest.CheckArchive(t, filepath.Join(out, "archive"))
	if len(fetchLines(t, out)) == 0 {
		t.Error("no fetches in crawl.log")
	}

	tests := []struct {
		name  string
		args  []string
		names []string // what stderr must mention
	}{
		{"join a finished crawl", []string{"crawl", "--metrics-addr", "", "--output", filepath.Join(dir, "late"), "--frontier", srv.URL(0), "--crawl-id", "cli"}, []string{"crawl cli", "no unfinished crawl"}},
		{"wrong password", crawlArgs(filepath.Join(dir, "wrong"), base+"/", "--frontier", strings.Replace(srv.URL(0), password, "wrong-pw", 1), "--crawl-id", "cli"), []string{"WRONGPASS", "xxxxx"}},
		{"no crawl id", crawlArgs(filepath.Join(dir, "noid"), base+"/", "--frontier", srv.URL(0)), []string{"crawl_id"}},
		{"not a redis URL", crawlArgs(filepath.Join(dir, "http"), base+"/", "--frontier", "http://:"+password+"@127.0.0.1/", "--crawl-id", "cli"), []string{"frontier", "redis://"}},
	}
	texts := []string{stdout, stderr}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.args...)
			if code != ExitUsage && code != 1 {
				t.Errorf("exit %d, want a refusal; stderr:\n%s", code, stderr)
			}
			for _, want := range tt.names {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr does not name %q:\n%s", want, stderr)
				}
			}
			texts = append(texts, stdout, stderr)
		})
	}
	for _, text := range texts {
		if strings.Contains(text, password) || strings.Contains(text, "wrong-pw") {
			t.Errorf("the password shows in the command's output:\n%s", text)
		}
	}
}
