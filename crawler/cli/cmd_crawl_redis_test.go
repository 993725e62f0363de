package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
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

// arkisto crawl status shows a shared crawl as it goes and once it ended,
// as a table or JSON, without the password; --fresh is refused while a
// process works on the crawl. Then arkisto index --merge gives a
// collection the WARC files were copied into the index a rebuild would.
func TestCrawlStatus(t *testing.T) {
	const password = "status-pw-90c1"
	srv := redistest.Start(t, redistest.Options{Password: password})
	site := testsite.New(testsite.Options{Articles: 3})
	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			once.Do(func() { close(held) })
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		site.ServeHTTP(w, r)
	}))
	defer web.Close()
	out := t.TempDir()
	shared := []string{"--frontier", srv.URL(0), "--crawl-id", "status", "--delay", "0", "--warc-max-size", "20000"}
	crawled := make(chan int, 1)
	go func() {
		code, _, _ := runContext(context.WithoutCancel(t.Context()), crawlArgs(out, web.URL+"/", shared...)...)
		crawled <- code
	}()
	<-held

	status := []string{"crawl", "status", "--frontier", srv.URL(0), "--crawl-id", "status"}
	code, table, stderr := run(t, status...)
	if code != ExitOK || !strings.Contains(table, "status (unfinished)") || !strings.Contains(table, out) ||
		!regexp.MustCompile(`processes\s+1\n`).MatchString(table) || !regexp.MustCompile(`in flight\s+1\n`).MatchString(table) {
		t.Errorf("crawl status while a process works: exit %d\n%s%s", code, table, stderr)
	}
	code, js, _ := run(t, append(status, "--json")...)
	var st struct {
		State     string
		Frontier  string
		InFlight  int `json:"in_flight"`
		Processes []struct {
			ID, Output string
			InFlight   int `json:"in_flight"`
		}
	}
	if err := json.Unmarshal([]byte(js), &st); err != nil || code != ExitOK {
		t.Fatalf("crawl status --json: exit %d, %v:\n%s", code, err, js)
	}
	if st.State != "unfinished" || st.InFlight != 1 || len(st.Processes) != 1 || st.Processes[0].Output != out {
		t.Errorf("crawl status --json = %+v; want one process writing into %s", st, out)
	}
	code, _, stderr = run(t, crawlArgs(t.TempDir(), web.URL+"/", append(shared, "--fresh")...)...)
	if code != ExitUsage || !strings.Contains(stderr, "still working") || !strings.Contains(stderr, st.Processes[0].ID) {
		t.Errorf("--fresh while a process works: exit %d, want %d naming it:\n%s", code, ExitUsage, stderr)
	}
	close(release)
	if code := <-crawled; code != ExitOK {
		t.Fatalf("the crawl ended with %d", code)
	}
	code, table, _ = run(t, status...)
	if code != ExitOK || !strings.Contains(table, "status (finished)") || !regexp.MustCompile(`processes\s+0\n`).MatchString(table) {
		t.Errorf("crawl status after the crawl: exit %d\n%s", code, table)
	}
	for _, text := range []string{table, js, stderr} {
		if strings.Contains(text, password) {
			t.Errorf("the password shows:\n%s", text)
		}
	}

	// The collection's WARC files copied into another: --merge gives it
	// the index a rebuild gives.
	merged, rebuilt := t.TempDir(), t.TempDir()
	files, _ := filepath.Glob(filepath.Join(out, "archive", "*.warc.gz"))
	for _, dir := range []string{merged, rebuilt} {
		if err := os.MkdirAll(filepath.Join(dir, "archive"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files[1:] {
			clitest.CopyFile(t, f, filepath.Join(dir, "archive", filepath.Base(f)))
		}
	}
	if code, _, stderr := run(t, "index", "--merge", merged, out); code == ExitOK || !strings.Contains(stderr, filepath.Base(files[0])) {
		t.Errorf("index --merge with a WARC file missing: exit %d, want it refused naming %s:\n%s", code, filepath.Base(files[0]), stderr)
	}
	for _, dir := range []string{merged, rebuilt} {
		clitest.CopyFile(t, files[0], filepath.Join(dir, "archive", filepath.Base(files[0])))
	}
	if code, _, stderr := run(t, "index", "--merge", merged, out); code != ExitOK {
		t.Fatalf("index --merge: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, "index", rebuilt); code != ExitOK {
		t.Fatalf("index: exit %d\n%s", code, stderr)
	}
	a, _ := os.ReadFile(filepath.Join(merged, "indexes", "index.cdxj"))
	b, _ := os.ReadFile(filepath.Join(rebuilt, "indexes", "index.cdxj"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("the merged index (%d bytes) differs from the rebuilt one (%d bytes)", len(a), len(b))
	}
}
