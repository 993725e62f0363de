package warc

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// What the writer and record tests share: the server whose exact bytes
// they archive, a writer in a folder of its own, the files it left.

// testPage is a news-like HTML page of about 50 KiB, compressible as real
// pages are.
func testPage() []byte {
	var b bytes.Buffer
	b.WriteString("<!doctype html><html><head><title>Uutiset</title></head><body>\n")
	for i := 0; b.Len() < 50<<10; i++ {
		fmt.Fprintf(&b, "<article id=\"a%d\"><h2>Otsikko %d</h2><p>Lorem ipsum dolor sit amet, uutinen numero %d.</p><a href=\"/news/%d\">lue</a></article>\n", i, i, i, i)
	}
	b.WriteString("</body></html>\n")
	return b.Bytes()
}

func gzipBytes(t testing.TB, p []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(p); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// captureServer serves the responses the writer tests archive. The tests
// talk to it over a raw TCP connection so they hold the exact bytes a
// recorder would see.
type captureServer struct {
	addr    string
	page    []byte
	gzipped []byte
}

var chunkedParts = []string{"first chunk of the story, ", "second chunk, ", "and the end.\n"}

func newCaptureServer(t testing.TB) *captureServer {
	t.Helper()
	s := &captureServer{page: testPage()}
	s.gzipped = gzipBytes(t, s.page)
	mux := http.NewServeMux()
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		for _, part := range chunkedParts {
			io.WriteString(w, part)
			w.(http.Flusher).Flush() // forces chunked transfer encoding
		}
	})
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", fmt.Sprint(len(s.gzipped)))
		w.Write(s.gzipped)
	})
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", fmt.Sprint(len(s.page)))
		w.Write(s.page)
	})
	mux.HandleFunc("/continue", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body) // the first read makes the server send 100 Continue
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "got %d bytes", len(body))
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.addr = srv.Listener.Addr().String()
	return s
}

func (s *captureServer) request(method, path string, extra string) []byte {
	return []byte(method + " " + path + " HTTP/1.1\r\nHost: " + s.addr +
		"\r\nUser-Agent: arkisto-test/1.0\r\nAccept-Encoding: gzip\r\n" + extra + "Connection: close\r\n\r\n")
}

// capture sends req as is and returns every byte the server sent back
// before closing the connection.
func (s *captureServer) capture(t testing.TB, req []byte) []byte {
	t.Helper()
	conn, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write(req); err != nil {
		t.Fatal(err)
	}
	resp, err := io.ReadAll(conn)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func newTestWriter(t testing.TB, opts Options) *Writer {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	w, err := NewWriter(opts)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// warcFiles lists the files in dir, failing on any left ".open".
func warcFiles(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), openSuffix) {
			t.Errorf("%s left open", e.Name())
		}
		paths = append(paths, filepath.Join(dir, e.Name()))
	}
	return paths
}

// writeOne writes ex with a new writer of opts into a folder of its own
// and returns its records and the one file it made.
func writeOne(t *testing.T, opts Options, ex Exchange) (resp, req Written, file string) {
	t.Helper()
	opts.Dir = t.TempDir()
	opts.Info = Info{Software: "arkisto-test", JobName: "job"}
	w := newTestWriter(t, opts)
	resp, req, err := w.WriteExchange(ex)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files := warcFiles(t, opts.Dir)
	if len(files) != 1 || filepath.Base(files[0]) != resp.File || req.File != resp.File {
		t.Fatalf("files %v, Written says %q and %q", files, resp.File, req.File)
	}
	return resp, req, files[0]
}
