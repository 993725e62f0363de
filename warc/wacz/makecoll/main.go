// Command makecoll writes a synthetic collection folder of a given size
// (archive/ of WARC files, logs/pages.jsonl) for scripts/bench-wacz.sh,
// which measures what packaging it costs. Its bodies are random bytes, so
// the WARC files are as large on disk as asked. It never ships in arkisto.
//
//	go run ./warc/wacz/makecoll -dir /tmp/coll -size 1073741824
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"arkisto/warc"
	"arkisto/warc/wacz"
)

func main() {
	dir := flag.String("dir", "", "collection folder to create")
	size := flag.Int64("size", 1<<30, "bytes of response bodies to write")
	body := flag.Int("body", 256<<10, "bytes of each image body")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "makecoll: -dir is required")
		os.Exit(2)
	}
	if err := makeCollection(*dir, *size, *body); err != nil {
		fmt.Fprintln(os.Stderr, "makecoll:", err)
		os.Exit(1)
	}
}

// makeCollection writes an HTML page, then nine images of bodySize random
// bytes, over and over until size bytes of bodies are written.
func makeCollection(dir string, size int64, bodySize int) error {
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		return err
	}
	w, err := warc.NewWriter(warc.Options{Dir: filepath.Join(dir, "archive"), MaxSize: 100 << 20, Info: warc.Info{Software: "makecoll"}})
	if err != nil {
		return err
	}
	pages, err := wacz.OpenPageList(filepath.Join(dir, "logs", "pages.jsonl"))
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewChaCha8([32]byte{1}))
	img := make([]byte, bodySize)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var written int64
	for i := 0; written < size; i++ {
		uri := fmt.Sprintf("http://bench.example/img/%d.bin", i)
		ctype, payload := "application/octet-stream", img
		if i%10 == 0 {
			uri = fmt.Sprintf("http://bench.example/story/%d.html", i)
			ctype, payload = "text/html", fmt.Appendf(nil, "<title>Story %d</title><img src=/img/%d.bin>", i, i+1)
		} else {
			for j := 0; j < len(img); j += 8 {
				v := rng.Uint64()
				for k := 0; k < 8 && j+k < len(img); k++ {
					img[j+k] = byte(v >> (8 * k))
				}
			}
		}
		var resp bytes.Buffer
		fmt.Fprintf(&resp, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", ctype, len(payload))
		resp.Write(payload)
		date := start.Add(time.Duration(i) * time.Second)
		if _, _, err := w.WriteExchange(warc.Exchange{
			TargetURI: uri, Date: date, Response: bytes.NewReader(resp.Bytes()),
			Request: []byte("GET / HTTP/1.1\r\nHost: bench.example\r\n\r\n"),
		}); err != nil {
			return err
		}
		if ctype == "text/html" {
			if err := pages.Add(wacz.Page{URL: uri, TS: date, Title: fmt.Sprintf("Story %d", i)}); err != nil {
				return err
			}
		}
		written += int64(len(payload))
	}
	return errors.Join(w.Close(), pages.Close())
}
