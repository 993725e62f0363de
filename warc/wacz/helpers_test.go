package wacz

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"arkisto/warc"
)

// writeWARCs writes n exchanges for http://site.example/page-N into WARC
// files of about maxSize bytes in dir (an HTML page every tenth, an image
// otherwise), and returns the files in name order.
func writeWARCs(t testing.TB, dir string, n int, maxSize int64) []string {
	t.Helper()
	w, err := warc.NewWriter(warc.Options{Dir: dir, MaxSize: maxSize, Info: warc.Info{Software: "wacz test"}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range n {
		uri := fmt.Sprintf("http://site.example/page-%d", i)
		ctype, body := "image/png", fmt.Sprintf("png %d", i)
		if i%10 == 0 {
			ctype, body = "text/html", fmt.Sprintf("<title>Page %d</title>", i)
		}
		resp := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s", ctype, len(body), body)
		_, _, err := w.WriteExchange(warc.Exchange{
			TargetURI: uri,
			Date:      start.Add(time.Duration(i) * time.Second),
			Request:   []byte("GET /page-" + fmt.Sprint(i) + " HTTP/1.1\r\nHost: site.example\r\n\r\n"),
			Response:  bytes.NewReader([]byte(resp)),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no WARC files written (%v)", err)
	}
	sort.Strings(files)
	return files
}

// writeText writes a file and returns its path.
func writeText(t testing.TB, path, text string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
