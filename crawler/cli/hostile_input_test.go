package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"arkisto/config"
)

// Hostile values of flags and config files are refused up front: exit 2,
// a message naming the flag, field or file, and no folder made.
func TestHostileInputIsRefusedUpFront(t *testing.T) {
	dir := t.TempDir()
	laughs, err := os.ReadFile(filepath.Join("..", "..", "config", "testdata", "billion-laughs.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	laughsFile := write("laughs.yaml", string(laughs))
	bigFile := write("big.yaml", "#"+strings.Repeat("x", config.MaxFileSize)+"\n")
	serveJob := "jobs:\n  - name: a\n    schedule: \"@hourly\"\n    seeds: [\"http://127.0.0.1:9/\"]\n"
	serveLaughs := write("serve-laughs.yaml", strings.Replace(string(laughs), "seeds: *i", serveJob+"    operator: *a", 1))
	blankToken := write("blank-token.yaml", "api_token: \"  \"\n"+serveJob)
	serveBig := write("serve-big.yaml", serveJob+"#"+strings.Repeat("x", config.MaxFileSize)+"\n")
	servePort0 := write("serve-port0.yaml", "metrics_addr: 127.0.0.1:0\n"+serveJob)

	const seed = "http://127.0.0.1:9/" // never dialed: every case fails before
	out := filepath.Join(dir, "out")
	tests := []struct {
		name  string
		args  []string
		names []string // what stderr must mention
	}{
		{"a hundred million workers", crawlArgs(out, seed, "--workers", "100000000"), []string{"workers", "between 1 and " + strconv.Itoa(config.MaxWorkers)}},
		{"workers one past the cap", crawlArgs(out, seed, "--workers", strconv.Itoa(config.MaxWorkers+1)), []string{"workers"}},
		{"host concurrency past the cap", crawlArgs(out, seed, "--host-concurrency", "100000"), []string{"host_concurrency"}},
		{"retries past the cap", crawlArgs(out, seed, "--retries", "1000000"), []string{"retries"}},
		{"max depth past the cap", crawlArgs(out, seed, "--max-depth", "99999999"), []string{"max_depth"}},
		{"max redirects past the cap", crawlArgs(out, seed, "--max-redirects", "99999999"), []string{"max_redirects"}},
		{"trap limit past the cap", crawlArgs(out, seed, "--max-path-depth", "99999999"), []string{"max_path_depth"}},
		{"billion laughs", crawlArgs(out, seed, "--config", laughsFile), []string{laughsFile, "aliases"}},
		{"config over the size limit", crawlArgs(out, seed, "--config", bigFile), []string{bigFile, "larger than"}},
		{"job escaping collections", crawlArgs(out, seed, "--job", "../../etc"), []string{"job", `"../../etc"`}},
		{"warc prefix ..", crawlArgs(out, seed, "--warc-prefix", ".."), []string{"warc_prefix"}},
		{"warc prefix with a newline", crawlArgs(out, seed, "--warc-prefix", "a\nb"), []string{"warc_prefix"}},
		{"warc prefix of 300 characters", crawlArgs(out, seed, "--warc-prefix", strings.Repeat("p", 300)), []string{"warc_prefix"}},
		{"metrics port 0", []string{"crawl", "--metrics-addr", "127.0.0.1:0", "--output", out, seed}, []string{"metrics_addr", "1 to 65535"}},
		{"metrics port 99999", []string{"crawl", "--metrics-addr", "127.0.0.1:99999", "--output", out, seed}, []string{"metrics_addr", "1 to 65535"}},
		{"serve billion laughs", []string{"serve", "--config", serveLaughs}, []string{serveLaughs, "aliases"}},
		{"serve config over the size limit", []string{"serve", "--config", serveBig}, []string{serveBig, "larger than"}},
		{"serve token of blanks", []string{"serve", "--config", blankToken}, []string{"api_token", "blank"}},
		{"serve metrics port 0", []string{"serve", "--config", servePort0}, []string{"metrics_addr"}},
	}
	// Interrupted from the start: a value that slipped through ends the
	// command at once with 130, not with a crawl of port 9.
	interrupted, cancel := context.WithCancel(t.Context())
	cancel()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runContext(interrupted, tt.args...)
			checkExit(t, code, stderr, ExitUsage, tt.names...)
		})
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused crawl created its output folder (stat: %v)", err)
	}
}

// crawl --job ../../etc, with the output folder left to its default
// (collections/<job>), is refused before anything is made.
func TestJobNameCannotLeaveCollections(t *testing.T) {
	root := t.TempDir()
	cwd := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(cwd, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(cwd)
	interrupted, cancel := context.WithCancel(t.Context())
	cancel()
	code, _, stderr := runContext(interrupted, "crawl", "--metrics-addr", "", "--job", "../../etc", "http://127.0.0.1:9/")
	if code != ExitUsage || !strings.Contains(stderr, "job") {
		t.Fatalf("exit status %d, want %d naming job; stderr:\n%s", code, ExitUsage, stderr)
	}
	for _, made := range []string{filepath.Join(root, "a", "etc"), filepath.Join(root, "etc"), filepath.Join(cwd, "collections")} {
		if _, err := os.Stat(made); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s exists after the refused crawl (stat: %v)", made, err)
		}
	}
}
