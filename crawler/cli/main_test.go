package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

// The commands run in-process here; only the signal and kill tests at the
// top level build the binary.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// run runs the command line with args in-process, as the binary would
// (minus signals), and returns its exit status, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runContext(t.Context(), args...)
}

// checkExit asserts a command's exit status and that its stderr says each
// of want.
func checkExit(t *testing.T, code int, stderr string, wantCode int, want ...string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("exit status %d, want %d; stderr:\n%s", code, wantCode, stderr)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr does not say %q:\n%s", w, stderr)
		}
	}
}

// runContext is run with ctx as the command's context: cancelled, it
// stands for the first SIGINT.
func runContext(ctx context.Context, args ...string) (int, string, string) {
	var stdout, stderr syncBuffer
	root := newRootCommand(nil)
	root.SetArgs(args)
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	code := ExitCode(root.ExecuteContext(ctx), &stderr)
	return code, stdout.String(), stderr.String()
}

// syncBuffer collects what the logger and the progress line write at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// crawlArgs are the flags every test crawl uses, then extra, then the seed.
func crawlArgs(out, seed string, extra ...string) []string {
	args := []string{"crawl", "--metrics-addr", "", "--output", out}
	return append(append(args, extra...), seed)
}

// fetchLines returns the crawl.log lines of fetches: those with an HTTP
// status, not a negative Heritrix code.
func fetchLines(t *testing.T, out string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "logs", "crawl.log"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for l := range strings.Lines(string(data)) {
		if f := strings.Fields(l); len(f) >= 12 && !strings.HasPrefix(f[1], "-") {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	return lines
}
