package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"arkisto/config"
	"arkisto/crawler/cli/clitest"
	"arkisto/crawler/testsite"
)

func TestExitStatus(t *testing.T) {
	dir := t.TempDir()
	writeFile := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	const seed = "http://127.0.0.1:9/" // never dialed: every case fails before
	unknownKey := writeFile("unknown.yaml", "seeds: [\""+seed+"\"]\nfrobnicate: 3\n")
	badScope := writeFile("scope.yaml", "seeds: [\""+seed+"\"]\nscope: planet\n")
	publicServe := writeFile("serve.yaml", "metrics_addr: 0.0.0.0:19791\njobs:\n  - name: a\n    schedule: \"@hourly\"\n    seeds: [\""+seed+"\"]\n")
	out := filepath.Join(dir, "out")
	tests := []struct {
		name  string
		args  []string
		code  int
		names []string // what stderr must mention
	}{
		{"unknown flag", crawlArgs(out, seed, "--no-such-flag"), ExitUsage, []string{"--no-such-flag"}},
		{"bad flag value", crawlArgs(out, seed, "--delay", "soon"), ExitUsage, []string{"delay", "soon"}},
		{"ftp seed", crawlArgs(out, "ftp://x"), ExitUsage, []string{`"ftp://x"`, "seeds[0]"}},
		{"seed without host", crawlArgs(out, "http://"), ExitUsage, []string{`"http://"`, "no host"}},
		{"second seed bad", crawlArgs(out, "ftp://y", seed), ExitUsage, []string{`"ftp://y"`}},
		{"no seed", []string{"crawl", "--metrics-addr", "", "--output", out}, ExitUsage, []string{"seeds"}},
		{"config with an unknown key", crawlArgs(out, seed, "--config", unknownKey), ExitUsage, []string{"frobnicate"}},
		{"config with a bad scope", crawlArgs(out, seed, "--config", badScope), ExitUsage, []string{"scope", "planet"}},
		{"bad scope flag", crawlArgs(out, seed, "--scope", "planet"), ExitUsage, []string{"scope", "planet"}},
		{"zero workers", crawlArgs(out, seed, "--workers", "0"), ExitUsage, []string{"workers"}},
		{"missing config file", crawlArgs(out, seed, "--config", filepath.Join(dir, "absent.yaml")), ExitUsage, []string{"absent.yaml"}},
		{"seed without scheme", crawlArgs(out, "http//127.0.0.1:8083/"), ExitUsage, []string{`"http//127.0.0.1:8083/"`, "has no scheme"}},
		{"output naming a file", crawlArgs(unknownKey, seed), ExitUsage, []string{"unknown.yaml", "is a file"}},
		{"metrics on every interface", crawlArgs(out, seed, "--metrics-addr", "0.0.0.0:9791"), ExitUsage, []string{"0.0.0.0:9791", "--metrics-public"}},
		{"bad embeds", crawlArgs(out, seed, "--embeds", "some"), ExitUsage, []string{"embeds", "some"}},
		{"serve without --config", []string{"serve"}, ExitUsage, []string{"--config"}},
		{"serve on every interface without token", []string{"serve", "--config", publicServe}, ExitUsage, []string{"0.0.0.0:19791", "metrics_public"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			checkExit(t, code, stderr, tt.code, tt.names...)
		})
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused crawl created its output folder (stat: %v)", err)
	}
}

func TestCrawlHelpListsEveryFlagWithItsDefault(t *testing.T) {
	code, help, stderr := run(t, "crawl", "--help")
	if code != ExitOK {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	lineOf := func(name string) string {
		re := regexp.MustCompile(`(?m)^\s+(-\w, )?--` + regexp.QuoteMeta(name) + `\b.*$`)
		return re.FindString(help)
	}
	// Every flag is listed; pflag shows the default of each whose default
	// is not the zero value, and the zero ones say what zero means.
	newCrawlCommand(nil).Flags().VisitAll(func(f *pflag.Flag) {
		line := lineOf(f.Name)
		if f.Hidden { // the profiling flags: for diagnosis, not listed
			if line != "" {
				t.Errorf("hidden --%s is listed in crawl --help: %q", f.Name, line)
			}
			return
		}
		if line == "" {
			t.Errorf("--%s is not in crawl --help", f.Name)
			return
		}
		switch f.DefValue {
		case "", "0", "false", "[]":
		default:
			if !strings.Contains(line, "(default ") || !strings.Contains(line, f.DefValue) {
				t.Errorf("--%s: help line %q does not show its default %s", f.Name, strings.TrimSpace(line), f.DefValue)
			}
		}
	})
	// The defaults issue 2 names, as the help must show them.
	for flag, want := range map[string]string{
		"output":           "collections/<job>",
		"job":              "first seed's host",
		"scope":            `(default "domain")`,
		"max-depth":        "(default 20)",
		"max-pages":        "0 = no limit",
		"delay":            "(default 1s)",
		"host-concurrency": "(default 1)",
		"workers":          "(default 16)",
		"user-agent":       "arkisto/" + config.Version + " (+",
		"timeout":          "(default 1m0s)",
		"max-body-size":    fmt.Sprintf("(default %d)", 100<<20),
		"warc-max-size":    fmt.Sprintf("(default %d)", 1<<30),
		"warc-prefix":      `(default "arkisto")`,
	} {
		if line := lineOf(flag); !strings.Contains(line, want) {
			t.Errorf("--%s: help line %q lacks %q", flag, strings.TrimSpace(line), want)
		}
	}
}

func TestMaxPagesStopsCleanly(t *testing.T) {
	const limit = 5
	site := testsite.New(testsite.Options{Articles: 3})
	base := site.Start(t)
	out := t.TempDir()
	code, _, stderr := run(t, crawlArgs(out, base+"/", "--delay", "0", "--max-pages", fmt.Sprint(limit))...)
	if code != ExitOK {
		t.Fatalf("exit status %d, want 0; stderr:\n%s", code, stderr)
	}
	// --max-pages counts fetches, robots.txt included: exactly that many
	// reached the server, were logged and were archived.
	lines := fetchLines(t, out)
	if len(lines) != limit {
		t.Errorf("crawl.log has %d fetch lines, want %d:\n%s", len(lines), limit, strings.Join(lines, "\n"))
	}
	if hits := site.Hits(); len(hits) != limit {
		t.Errorf("the server saw %d requests, want %d", len(hits), limit)
	}
	if responses := clitest.CheckArchive(t, filepath.Join(out, "archive")); len(responses) != limit {
		t.Errorf("%d response records, want %d", len(responses), limit)
	}
	if len(lines) > 0 && !strings.Contains(lines[0], testsite.PathRobots) {
		t.Errorf("first fetch %q, want robots.txt", lines[0])
	}
}

// An interrupted crawl is resumed by naming its folder alone; settings
// that define it must agree, given with the seed or on the folder alone.
func TestResumeNeedsTheSameSettings(t *testing.T) {
	base := testsite.New(testsite.Options{Articles: 3}).Start(t)
	out := t.TempDir()
	interrupted, cancel := context.WithCancel(t.Context())
	cancel()
	if code, _, stderr := runContext(interrupted, crawlArgs(out, base+"/", "--delay", "0")...); code != ExitInterrupted {
		t.Fatalf("interrupted crawl: exit status %d, want %d; stderr:\n%s", code, ExitInterrupted, stderr)
	}
	folderOnly := []string{"crawl", "--metrics-addr", "", "--output", out, "--delay", "0"}
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"with the seed", crawlArgs(out, base+"/", "--delay", "0", "--scope", "host")},
		{"on the folder alone", append(slices.Clone(folderOnly), "--scope", "host")},
		{"a config file", crawlArgs(out, base+"/", "--config", writeConfig(t, "scope: host\n"))},
	} {
		t.Run("other scope refused "+tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != ExitUsage || !strings.Contains(stderr, "scope: host, was domain") || !strings.Contains(stderr, "--fresh") {
				t.Errorf("exit status %d, want %d naming scope and --fresh; stderr:\n%s", code, ExitUsage, stderr)
			}
		})
	}
	code, _, stderr := run(t, append(folderOnly, "--workers", "2")...)
	if code != ExitOK || !strings.Contains(stderr, "resuming the unfinished crawl in "+out) {
		t.Fatalf("resume with the folder alone: exit status %d; stderr:\n%s", code, stderr)
	}
	if responses := clitest.CheckArchive(t, filepath.Join(out, "archive")); len(responses) == 0 {
		t.Error("the resumed crawl archived nothing")
	}
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "crawl.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
