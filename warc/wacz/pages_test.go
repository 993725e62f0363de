package wacz

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Workers add pages at once; every page reaches the package whole, with
// an id that depends on the capture alone.
func TestPageListConcurrentAdds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pages.jsonl")
	l, err := OpenPageList(path)
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.FixedZone("EET", 2*3600))
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 50 {
				if err := l.Add(Page{URL: fmt.Sprintf("http://x.example/%d/%d", w, i), TS: ts, Title: "t"}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	pages, skipped, err := copyPages(path, &out)
	if err != nil || pages != 400 || skipped != 0 {
		t.Fatalf("copyPages: %d pages, %d skipped, %v", pages, skipped, err)
	}
	ids := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n")[1:] {
		if !strings.Contains(line, `"ts":"2026-01-02T01:04:05.006Z"`) {
			t.Fatalf("ts not in UTC with its milliseconds: %s", line)
		}
		id, _, _ := strings.Cut(strings.TrimPrefix(line, `{"id":"`), `"`)
		ids[id] = true
	}
	if len(ids) != 400 {
		t.Errorf("%d distinct ids for 400 pages", len(ids))
	}
}

// Lines that are not pages (too long, not JSON, without URL or time) are
// skipped and counted; the others go on.
func TestCopyPagesSkipsDamage(t *testing.T) {
	long := `{"url":"http://x.example/` + strings.Repeat("a", maxPageLine) + `","ts":"2026-01-01T00:00:00Z"}`
	path := writeText(t, filepath.Join(t.TempDir(), "pages.jsonl"), strings.Join([]string{
		`{"url":"http://x.example/1","ts":"2026-01-01T00:00:00Z"}`,
		long,
		`not json`,
		`{"ts":"2026-01-01T00:00:00Z"}`,
		`{"url":"http://x.example/no-time"}`,
		"",
		`{"url":"http://x.example/2","ts":"2026-01-01T00:00:01Z","id":"kept"}`,
	}, "\n"))
	var out bytes.Buffer
	pages, skipped, err := copyPages(path, &out)
	if err != nil || pages != 2 || skipped != 5 {
		t.Fatalf("copyPages: %d pages, %d skipped, %v", pages, skipped, err)
	}
	if !strings.Contains(out.String(), `{"id":"kept","url":"http://x.example/2"`) {
		t.Errorf("a page's own id was not kept:\n%s", out.String())
	}
}
